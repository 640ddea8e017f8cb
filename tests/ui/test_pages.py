"""Each page through Streamlit's AppTest: fill, submit, read the results as a person would."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from backcare import assess, settings
from backcare.assessment.questionnaire import warning_items
from backcare.ui.warning_step import group_control, group_label
from tests.ui.app_under_test import APP, answer_warning_signs, group_radio, page


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


def _to_signs(at: AppTest) -> None:
    """A runner who pushed on with tired, tight muscles: more than three causes fit."""
    _fill_pain_step(at)
    _press(at, "Next")
    _by_label(at.radio, "Did you warm up before you started?").set_value("no")
    _tick(at, "I went harder, further or longer than felt comfortable")
    _tick(at, "My back muscles were already tired before I started")
    _press(at, "Next")
    _tick(at, "I run in worn-out shoes or shoes with little cushioning or arch support")
    _tick(at, "I mostly run on hard surfaces or downhill")
    _tick(at, "My back, hips or the backs of my thighs usually feel tight")
    _press(at, "Next")


def _complete(at: AppTest, kb, warning: str | None = None) -> None:
    """A runner's answers; every warning sign "No" except ``warning`` (an item id)."""
    _to_signs(at)
    answer_warning_signs(at, yes=(warning,) if warning else ())
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
    _by_label(app.radio, "What were you doing when the pain began?").set_value("strength_training")
    _press(app, "Next")
    _tick(app, "I lifted heavy weights")
    _press(app, "Next")
    _press(app, "Back")
    assert _by_label(app.checkbox, "I lifted heavy weights").value is True
    _press(app, "Back")
    assert _by_label(app.number_input, "How old are you?").value == 52
    assert (
        _by_label(app.radio, "What were you doing when the pain began?").value
        == "strength_training"
    )
    assert app.session_state["answers"]["heavy_lifting"] is True
    assert app.session_state["answers"]["pain_now"] == 4


def test_questions_left_alone_are_not_answered(app):
    _press(app, "Next")
    answers = app.session_state["answers"]
    assert "days_since_onset" not in answers and "pain_now" not in answers


def test_nothing_answered_gives_no_result_but_the_missing_groups_by_name(app, kb):
    for label in ("Next", "Next", "Next", "See my results"):
        _press(app, label)
    # Still the warning step, not the results: every group is named as missing.
    assert app.title[0].value == "Check your back pain"
    assert "Step 4 of 4: Warning signs" in app.get("progress")[0].proto.text
    (message,) = app.error
    assert message.value.startswith("**Please answer Yes or No for every group first.** 5 groups")
    for group in kb.warning_groups:
        assert group.title in message.value
    assert not app.success and "assessment" not in app.session_state
    # The focus goes to the first group's Yes/No.
    arrival = next(c for c in app.get("bidi_component") if '"control": true' in c.proto.json)
    assert f'"target": "{group_control(kb.warning_groups[0])}"' in arrival.proto.json


def test_one_group_left_out_is_named_and_the_person_is_taken_back_to_it(app, kb):
    _to_signs(app)
    left_out = kb.warning_groups[1]
    answer_warning_signs(app, skip=(left_out.id,))
    _press(app, "See my results")
    (message,) = app.error
    assert "1 group of warning signs is not answered yet" in message.value
    assert left_out.title in message.value
    assert kb.warning_groups[0].title not in message.value
    arrival = next(c for c in app.get("bidi_component") if '"control": true' in c.proto.json)
    assert f'"target": "{group_control(left_out)}"' in arrival.proto.json
    group_radio(app, left_out).set_value("no")
    _press(app, "See my results")
    assert app.success[0].value.startswith("## Look after it yourself for now")


def _group_of(kb, sign: str):
    return next(g for g in kb.warning_groups if sign in g.signs)


def _to_follow_up_of(app: AppTest, kb, sign: str):
    """Every group "No" but the one holding ``sign``: "Yes", then on to its follow-up."""
    _to_signs(app)
    answer_warning_signs(app)
    group = _group_of(kb, sign)
    group_radio(app, group).set_value("yes")
    _press(app, "See my results")
    return group


def test_a_yes_group_asks_each_of_its_signs_and_refuses_results_until_answered(app, kb):
    group = _to_follow_up_of(app, kb, "fever")
    # The follow-up: the group's signs, each its own Yes/No with nothing chosen.
    assert "Step 4 of 4: Which of these apply to you?" in app.get("progress")[0].proto.text
    assert [r.label for r in app.radio] == [kb.questions[s].text for s in group.signs]
    assert all(r.value is None and r.options == ["Yes", "No"] for r in app.radio)
    assert not app.error
    _press(app, "See my results")
    (message,) = app.error
    assert f"{len(group.signs)} warning signs are not answered yet" in message.value
    assert "assessment" not in app.session_state
    _by_label(app.radio, kb.questions["fever"].text).set_value("yes")
    _press(app, "See my results")
    (message,) = app.error  # still one short: the others of the group
    assert kb.questions["fever"].text not in message.value
    arrival = next(c for c in app.get("bidi_component") if '"control": true' in c.proto.json)
    first_left = next(s for s in group.signs if s != "fever")
    assert f'"target": "question-{first_left}"' in arrival.proto.json
    for sign in group.signs:
        if sign != "fever":
            _by_label(app.radio, kb.questions[sign].text).set_value("no")
    _press(app, "See my results")
    assert app.warning[0].value.startswith("## See a doctor today")
    sent = app.session_state["assessment"].answers
    assert sent["fever"] is True
    assert all(sent[s] is False for s in warning_items(kb) if s != "fever")


def test_a_yes_group_then_no_to_each_sign_is_self_care(app, kb):
    _to_follow_up_of(app, kb, "fever")
    for radio in app.radio:
        radio.set_value("no")
    _press(app, "See my results")
    assert app.success[0].value.startswith("## Look after it yourself for now")


def test_going_back_from_the_follow_up_keeps_every_answer(app, kb):
    _to_signs(app)
    answer_warning_signs(app, yes=("chest_pain",))
    group = _group_of(kb, "chest_pain")
    _press(app, "Back")
    assert "Step 4 of 4: Warning signs" in app.get("progress")[0].proto.text
    assert group_radio(app, group).value == "yes"
    assert {group_radio(app, g).value for g in kb.warning_groups if g != group} == {"no"}
    _press(app, "See my results")
    assert _by_label(app.radio, kb.questions["chest_pain"].text).value == "yes"
    assert {r.value for r in app.radio if r.label != kb.questions["chest_pain"].text} == {"no"}
    _press(app, "Back")
    _press(app, "Back")  # to step 3, and forward again: nothing lost
    _press(app, "Next")
    assert group_radio(app, group).value == "yes"
    _press(app, "See my results")
    _press(app, "See my results")
    assert app.error[0].value.startswith("## Get emergency help now")


def test_a_group_changed_to_no_answers_its_signs_no(app, kb):
    _to_signs(app)
    answer_warning_signs(app, yes=("fever",))
    _press(app, "Back")
    group_radio(app, _group_of(kb, "fever")).set_value("no")
    _press(app, "See my results")
    assert app.success[0].value.startswith("## Look after it yourself for now")
    assert app.session_state["assessment"].answers["fever"] is False


@pytest.mark.parametrize(
    ("sign", "banner", "title"),
    [
        (None, "success", "Look after it yourself for now"),
        ("leg_numbness", "info", "Book an appointment with a doctor or physiotherapist"),
        ("fever", "warning", "See a doctor today"),
        ("saddle_numbness", "error", "Get emergency help now"),
    ],
)
def test_all_no_gives_self_care_and_one_yes_gives_that_level(app, kb, sign, banner, title):
    _complete(app, kb, warning=sign)
    (shown,) = getattr(app, banner)
    assert shown.value.startswith(f"## {title}")
    others = {"success", "info", "warning", "error"} - {banner}
    assert not any(getattr(app, kind) for kind in others if kind != "warning" or sign)


def test_questions_that_cannot_matter_are_not_asked_and_not_sent(app, kb):
    _fill_pain_step(app)
    _by_label(app.radio, "What were you doing when the pain began?").set_value("stretching")
    _press(app, "Next")
    # A stretcher is not asked about heavy lifting, nor later about running shoes.
    assert not any(c.label == "I lifted heavy weights" for c in app.checkbox)
    _press(app, "Next")
    labels = [c.label for c in app.checkbox]
    assert kb.questions["worn_shoes"].text not in labels
    assert kb.questions["hard_surface"].text not in labels
    # An answer given before the activity changed is not sent to the assessment.
    app.session_state["answers"]["worn_shoes"] = True
    _press(app, "Next")
    answer_warning_signs(app)
    _press(app, "See my results")
    assert "worn_shoes" not in app.session_state["assessment"].answers


def test_warning_signs_are_listed_under_one_yes_or_no_per_group_on_the_last_step(app, kb):
    for _ in range(3):
        _press(app, "Next")
    assert "Step 4 of 4: Warning signs" in app.get("progress")[0].proto.text
    assert not app.checkbox
    assert [r.label for r in app.radio] == [group_label(g) for g in kb.warning_groups]
    assert all(r.options == ["Yes", "No"] and r.value is None for r in app.radio)
    # Every sign is shown in plain words, under its group's title (not in a tooltip).
    assert [h.value for h in app.subheader] == [g.title for g in kb.warning_groups]
    shown = _text(app)
    for item in warning_items(kb):
        assert kb.questions[item].text in shown
    assert [b.label for b in app.button] == ["Back", "See my results"]


def _open_fold(at: AppTest, key: str) -> None:
    """Open a fold as a click would: its state is kept under its key, and the page reruns."""
    at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception


def test_a_runner_without_warning_signs_gets_a_short_decision_first(app, kb):
    _complete(app, kb)
    assert app.title[0].value == "Your results"
    assert app.success[0].value.startswith("## Look after it yourself for now")
    assert [h.value for h in app.header] == [
        "Possible explanations",
        "What may ease it now",
        "Preventing it next time",
        "Help improve care (optional)",
    ]
    # Three explanations in full, each with why and its source, fit in words.
    shown = [m.value for m in app.markdown if re.match(r"### \d\. ", m.value)]
    assert len(shown) == 3 and "Impact from running" in "".join(shown)
    for card in shown:
        assert "Because you said:" in card and "*Source: " in card
        assert re.search(r"\*\*Matches \d+ of your answers\.\*\*", card)
    assert "%" not in _text(app) and not app.get("progress")
    folds = [e.label for e in app.expander]
    assert folds[0].startswith("Other possible explanations (")
    assert any(f.startswith("More ways to ease it (") for f in folds)
    # Folded explanations are drawn only once the fold is opened.
    assert "### 4. " not in _text(app)
    _open_fold(app, "results-more-causes")
    assert "### 4. " in _text(app)


def test_at_most_three_comfort_actions_and_tips_before_their_folds(app, kb):
    _complete(app, kb)
    advice = [
        m.value for m in app.markdown if m.value.startswith("### ") and "### 1." not in m.value
    ]
    for block in advice:
        assert block.count("### ") <= 3


def test_an_emergency_sign_puts_the_emergency_banner_first_and_folds_the_rest(app, kb):
    _complete(app, kb, warning="chest_pain")
    banner = app.error[0].value
    assert banner.startswith("## Get emergency help now")
    assert len(app.error) == 1 and not app.success
    # One action, the largest: a tap-to-call link for the emergency number; and the
    # level's own caution, which never says to wait and see.
    (call,) = app.get("link_button")
    assert (call.proto.label, call.proto.url) == ("Call 999", "tel:999")
    assert app.caption[0].value == kb.levels["emergency"].disclaimer
    # Why, after the action: the sign that fired, in words.
    why = next(w.message for w in kb.warning_signs if w.id == "chest_pain")
    assert any(m.value.startswith("**Why:**") and why in m.value for m in app.markdown)
    # No explanations, no share offer and no diary prompt before "More" is opened.
    assert not app.header and not app.checkbox
    assert not any(b.label == "Add today to my pain diary" for b in app.button)
    (more,) = app.expander
    assert more.label.startswith("More")
    _open_fold(app, "results-more")
    assert any(c.label.startswith("Share a record") for c in app.checkbox)
    assert any(b.label == "Add today to my pain diary" for b in app.button)
    assert "### 1. " not in _text(app)  # never a list of everyday causes


@pytest.fixture
def numbers(monkeypatch):
    monkeypatch.setenv("BACKCARE_EMERGENCY_NUMBER", "112")
    monkeypatch.setenv("BACKCARE_URGENT_NUMBER", "116 117")
    settings.current.cache_clear()
    yield
    settings.current.cache_clear()


def test_a_site_sets_its_own_numbers_for_the_call(numbers, kb):
    at = AppTest.from_file(APP, default_timeout=30).run()
    _complete(at, kb, warning="fever")
    (call,) = at.get("link_button")
    assert (call.proto.label, call.proto.url) == ("Call 116 117", "tel:116117")
    assert at.caption[0].value == kb.levels["urgent"].disclaimer


def test_no_self_care_banner_while_a_warning_sign_is_unanswered(app):
    # Whatever put it in the session, a result with unanswered signs is never self-care.
    app.session_state["assessment"] = assess({"activity": "running", "age": 40})
    app.switch_page(page("results")).run()
    assert not app.success
    assert "cannot say yet whether it is safe" in app.warning[0].value


def test_start_again_clears_every_answer(app, kb):
    _complete(app, kb)
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
