"""Each page through Streamlit's AppTest: fill, submit, read the results as a person would."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.app_under_test import APP, page


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception
    return at


def _by_label(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def _press(at: AppTest, label: str) -> None:
    _by_label(at.button, label).click().run()
    assert not at.exception, at.exception


def _fill_pain_step(at: AppTest, *, age: int = 38) -> None:
    _by_label(at.radio, "What were you doing when the pain began?").set_value("running")
    _by_label(at.radio, "When did the pain start?").set_value("right_after")
    _by_label(at.number_input, "How old are you?").set_value(age)
    _by_label(at.button_group, "How bad is the pain right now?").set_value(4)
    _by_label(at.button_group, "Where does it hurt?").set_value(["lower_back"])
    _by_label(at.button_group, "What does the pain feel like?").set_value(
        ["dull_ache", "stiffness"]
    )


def _tick(at: AppTest, label: str) -> None:
    _by_label(at.checkbox, label).check()


def _complete(at: AppTest, warning: str | None = None) -> None:
    _fill_pain_step(at)
    _press(at, "Next")
    _by_label(at.radio, "Did you warm up before you started?").set_value("no")
    _press(at, "Next")
    _tick(at, "I run in worn-out shoes or shoes with little cushioning or arch support")
    _tick(at, "I mostly run on hard surfaces or downhill")
    _press(at, "Next")
    if warning:
        _by_label(at.radio, warning).set_value("yes")
    _press(at, "See my results")


def _text(at: AppTest) -> str:
    parts = [m.value for m in (*at.markdown, *at.title, *at.header, *at.subheader, *at.caption)]
    parts += [a.value for a in (*at.error, *at.warning, *at.info, *at.success)]
    return "\n".join(parts)


def test_the_questionnaire_opens_on_step_one_with_progress(app):
    assert app.title[0].value == "Check your back pain"
    assert "Step 1 of 4" in app.get("progress")[0].proto.text
    assert [b.label for b in app.button] == ["Back", "Next"]
    assert app.button[0].disabled


def test_answers_survive_moving_back_and_forth(app):
    _fill_pain_step(app, age=52)
    _press(app, "Next")
    _tick(app, "I lifted heavy weights")
    _press(app, "Next")
    _press(app, "Back")
    assert _by_label(app.checkbox, "I lifted heavy weights").value is True
    _press(app, "Back")
    assert _by_label(app.number_input, "How old are you?").value == 52
    assert _by_label(app.radio, "What were you doing when the pain began?").value == "running"
    assert app.session_state["answers"]["heavy_lifting"] is True
    assert app.session_state["answers"]["pain_now"] == 4


def test_questions_left_alone_are_not_answered(app):
    _press(app, "Next")
    answers = app.session_state["answers"]
    assert "days_since_onset" not in answers and "pain_now" not in answers


def test_warning_signs_are_each_a_yes_or_no_on_the_last_step(app):
    for _ in range(3):
        _press(app, "Next")
    assert "Step 4 of 4: Warning signs" in app.get("progress")[0].proto.text
    assert not app.checkbox
    labels = [r.label for r in app.radio]
    assert len(labels) == 20
    assert all(r.options == ["Yes", "No"] and r.value is None for r in app.radio)
    assert "Chest pain as well as the back pain" in labels
    assert [b.label for b in app.button] == ["Back", "See my results"]


def _open_fold(at: AppTest, key: str) -> None:
    """Open a fold as a click would: its state is kept under its key, and the page reruns."""
    at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception


def test_a_runner_without_warning_signs_gets_a_short_decision_first(app):
    _complete(app)
    assert app.title[0].value == "Your results"
    assert app.success[0].value.startswith("## Look after it yourself for now")
    assert [h.value for h in app.header] == [
        "Possible explanations",
        "What may ease it now",
        "Preventing it next time",
    ]
    # Three explanations in full, each with why and its source, fit in words.
    shown = [m.value for m in app.markdown if re.match(r"### \d\. ", m.value)]
    assert len(shown) == 3 and "Impact from running" in "".join(shown)
    for card in shown:
        assert "Because you said:" in card and "*Source: " in card
        assert re.search(r"\*\*(Strong|Good|Some|Slight) fit with your answers\.\*\*", card)
    assert "%" not in _text(app) and not app.get("progress")
    folds = [e.label for e in app.expander]
    assert folds[0].startswith("Other possible explanations (")
    assert any(f.startswith("More ways to ease it (") for f in folds)
    # Folded explanations are drawn only once the fold is opened.
    assert "### 4. " not in _text(app)
    _open_fold(app, "results-more-causes")
    assert "### 4. " in _text(app)


def test_at_most_three_comfort_actions_and_tips_before_their_folds(app):
    _complete(app)
    advice = [
        m.value for m in app.markdown if m.value.startswith("### ") and "### 1." not in m.value
    ]
    for block in advice:
        assert block.count("### ") <= 3


def test_an_emergency_sign_puts_the_emergency_banner_first_and_folds_the_rest(app):
    _complete(app, warning="Chest pain as well as the back pain")
    banner = app.error[0].value
    assert banner.startswith("## Get emergency help now")
    assert "Chest pain together with back pain" in banner
    assert len(app.error) == 1 and not app.success
    # No explanations, no share offer and no diary prompt before "More" is opened.
    assert not app.header and not app.checkbox
    assert not any(b.label == "Add today to my pain diary" for b in app.button)
    (more,) = app.expander
    assert more.label.startswith("More")
    _open_fold(app, "results-more")
    assert any(c.label == "Share an anonymous record of this assessment" for c in app.checkbox)
    assert any(b.label == "Add today to my pain diary" for b in app.button)
    assert "### 1. " not in _text(app)  # never a list of everyday causes


def test_start_again_clears_every_answer(app):
    _complete(app)
    _press(app, "Start again")
    assert app.title[0].value == "Check your back pain"
    assert "answers" not in app.session_state or not app.session_state["answers"]
    assert _by_label(app.number_input, "How old are you?").value is None
    assert _by_label(app.radio, "What were you doing when the pain began?").value is None


def test_results_without_an_assessment_point_back_to_the_questionnaire(app):
    app.switch_page(page("results")).run()
    assert "no results yet" in app.info[0].value


def test_about_names_every_source(app, kb):
    app.switch_page(page("about")).run()
    text = _text(app)
    for source in kb.sources.values():
        assert source.title in text
    assert "does not diagnose" in text
