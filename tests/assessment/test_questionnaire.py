"""The questionnaire model: warning signs as explicit Yes/No, and only the questions that apply."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings

from backcare import assess
from backcare.assessment import contract
from backcare.assessment.questionnaire import (
    WARNING_STEP,
    answer_from_widget,
    applicable,
    applies,
    follow_up_groups,
    option_label,
    pages,
    warning_items,
    widget_options,
    widget_value,
)
from tests.assessment.strategies import ANSWER_SETS
from tests.profiles import examples

ROOT_README = Path(__file__).resolve().parents[2] / "README.md"
README = ROOT_README.parent / "data" / "README.md"

#: Three people as the questionnaire meets them (the pain step answered as they would).
STORIES = {
    "stretching": {
        "activity": "stretching",
        "onset": "during",
        "pain_areas": ("lower_back",),
        "pain_feels": ("cramp",),
    },
    "running": {
        "activity": "running",
        "onset": "next_day",
        "pain_areas": ("lower_back", "buttock"),
        "pain_feels": ("dull_ache",),
    },
    "lifting": {
        "activity": "strength_training",
        "onset": "during",
        "pain_areas": ("lower_back", "leg"),
        "pain_feels": ("sharp", "shooting_down_leg"),
    },
}


def asked(kb, answers: dict) -> list[str]:
    """Every question a person with these answers is shown, step by step."""
    return [q.id for page in pages(kb) for q in page.questions if applies(q, answers)]


def answered_per_step(kb, answers: dict, groups: dict[str, bool]) -> list[int]:
    """How many questions a person answers on each step: on the warning step one per
    group, plus each sign of a group answered Yes (the follow-up page)."""
    counts = []
    for page in pages(kb):
        if page.step.id == WARNING_STEP:
            follow_up = sum(len(g.signs) for g in follow_up_groups(kb, groups))
            counts.append(len(kb.warning_groups) + follow_up)
        else:
            counts.append(sum(applies(q, answers) for q in page.questions))
    return counts


def test_every_warning_sign_is_an_explicit_yes_or_no(kb):
    items = warning_items(kb)
    assert set(items) == set(contract.WARNING_ITEMS)
    for item in items:
        question = kb.questions[item]
        assert question.step == WARNING_STEP
        assert widget_options(question) == ["yes", "no"]
        assert [option_label(question, v) for v in widget_options(question)] == ["Yes", "No"]
        # Nothing is chosen until the person chooses: no default, no "not sure".
        assert widget_value(question, {}) is None
        assert answer_from_widget(question, None) is None
        assert answer_from_widget(question, "yes") is True
        assert answer_from_widget(question, "no") is False
        assert widget_value(question, {item: False}) == "no"
        assert widget_value(question, {item: True}) == "yes"


def test_warning_items_follow_the_file_order_and_include_the_new_signs(kb):
    items = warning_items(kb)
    in_file = [q for q in kb.questions if kb.questions[q].step == WARNING_STEP]
    assert list(items) == in_file
    assert {"between_shoulder_blades", "fracture_risk", "infection_risk"} <= set(items)


def test_warmed_up_keeps_its_not_sure_choice(kb):
    question = kb.questions["warmed_up"]
    assert widget_options(question) == ["yes", "no", "not_sure"]
    assert answer_from_widget(question, "not_sure") is None


def test_warning_signs_never_depend_on_other_answers(kb):
    for item in warning_items(kb):
        assert kb.questions[item].ask_when == ()
        assert applies(kb.questions[item], {})


def test_running_questions_only_for_runners_and_lifting_only_for_lifters(kb):
    runner = asked(kb, STORIES["running"])
    stretcher = asked(kb, STORIES["stretching"])
    lifter = asked(kb, STORIES["lifting"])
    for item in ("worn_shoes", "hard_surface"):
        assert item in runner and item not in stretcher and item not in lifter
    assert "heavy_lifting" in lifter and "heavy_lifting" not in runner + stretcher
    # Fluids matter for a cramp; smoking for leg pain (the disc).
    assert "low_fluids" in stretcher and "low_fluids" not in runner
    assert "smoker" in lifter and "smoker" not in runner


def test_answers_to_hidden_questions_are_dropped_and_nothing_else(kb):
    answers = {**STORIES["stretching"], "worn_shoes": True, "heavy_lifting": True, "fever": False}
    kept = applicable(answers, kb)
    assert kept == {**STORIES["stretching"], "fever": False}


def test_dropping_repeats_until_stable(kb):
    # Without a cramp the fluids question does not apply, whatever else was said.
    answers = {"activity": "running", "low_fluids": True, "worn_shoes": True}
    assert applicable(answers, kb) == {"activity": "running", "worn_shoes": True}


@settings(max_examples=examples(200), deadline=None)
@given(ANSWER_SETS)
def test_applicable_answers_all_apply_and_keep_every_warning_answer(answers):
    from backcare.assessment.engine import knowledge_base

    kb = knowledge_base()
    kept = applicable(answers, kb)
    assert set(kept) <= set(answers)
    assert all(applies(kb.questions[item], kept) for item in kept)
    for item in warning_items(kb):
        assert kept.get(item) == answers.get(item)
    assert applicable(kept, kb) == kept
    # A hidden question never feeds the triage: dropping its answer keeps the level.
    assert assess(kept).triage.level == assess(answers).triage.level


#: "| running story | 25 (7, 4, 9, 5) | 20 |": questions answered (per step), signs read.
_TABLE_ROW = re.compile(r"\| (stretching|running|lifting) story \| (\d+) \(([\d, ]+)\) \| (\d+) \|")


def _documented_counts(readme: Path) -> dict[str, tuple[int, list[int], int]]:
    text = readme.read_text(encoding="utf-8")
    return {
        story: (int(total), [int(n) for n in steps.split(",")], int(read))
        for story, total, steps, read in _TABLE_ROW.findall(text)
    }


@pytest.mark.parametrize("readme", [README, ROOT_README], ids=["data/README", "README"])
@pytest.mark.parametrize("story", sorted(STORIES))
def test_the_readmes_say_how_many_questions_each_story_answers(kb, story, readme):
    """Every warning group "No" (none of these stories has a warning sign)."""
    groups = {g.id: False for g in kb.warning_groups}
    per_step = answered_per_step(kb, STORIES[story], groups)
    signs_read = sum(len(g.signs) for g in kb.warning_groups)
    assert _documented_counts(readme)[story] == (sum(per_step), per_step, signs_read)


def test_the_documented_median_is_the_median_of_the_stories(kb):
    groups = {g.id: False for g in kb.warning_groups}
    totals = sorted(sum(answered_per_step(kb, s, groups)) for s in STORIES.values())
    for readme in (README, ROOT_README):
        assert f"the median is {totals[1]}" in readme.read_text(encoding="utf-8"), readme


def test_a_yes_group_adds_exactly_its_signs_to_answer(kb):
    none = {g.id: False for g in kb.warning_groups}
    base = answered_per_step(kb, STORIES["running"], none)
    for group in kb.warning_groups:
        more = answered_per_step(kb, STORIES["running"], {**none, group.id: True})
        assert sum(more) - sum(base) == len(group.signs)


def test_unanswered_warning_signs_are_listed_and_forbid_a_safe_self_care(kb):
    result = assess({"activity": "running"})
    assert result.triage.level == "self_care"
    assert result.triage.unanswered_warning_signs == warning_items(kb)
    assert not result.triage.safe_self_care
    all_no = {item: False for item in warning_items(kb)}
    done = assess({"activity": "running", **all_no})
    assert done.triage.unanswered_warning_signs == ()
    assert done.triage.safe_self_care
    one_left = {**all_no}
    del one_left["fracture_risk"]
    assert assess(one_left).triage.unanswered_warning_signs == ("fracture_risk",)
    assert assess(one_left).to_dict()["triage"]["unanswered_warning_signs"] == ["fracture_risk"]
