"""The ranking rules of data/README.md ("Scoring"), one test (or property) per rule.

The rules hold in the single-assessment SQL; test_scoring.py holds the batch
scorer and the plain-Python reference to the same rankings on any answers.
"""

from __future__ import annotations

import re
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import assess
from backcare.assessment.answers import facts, validate
from backcare.assessment.engine import knowledge_base
from backcare.assessment.knowledge import DIAGNOSIS_ITEM, ENTRY_ROLES
from backcare.assessment.scoring import TOP_CAUSES
from tests.assessment.strategies import ANSWER_SETS
from tests.profiles import examples

DOMS = "delayed_onset_soreness"
#: After a harder week: a dull ache low in the back.
HARDER_WEEK = {"load_increased": True, "pain_feels": ["dull_ache"], "pain_areas": ["lower_back"]}


def _score(answers: dict, cause: str) -> float:
    return next((c.score for c in assess(answers).causes if c.id == cause), 0.0)


def _ids(answers: dict) -> list[str]:
    return [c.id for c in assess(answers).causes]


# --- onset counts for and against delayed soreness ------------------------------------------


def test_onset_counts_for_and_against_delayed_soreness():
    later = _score({**HARDER_WEEK, "onset": "next_day"}, DOMS)
    unknown = _score(HARDER_WEEK, DOMS)
    right_after = _score({**HARDER_WEEK, "onset": "right_after"}, DOMS)
    during = _score({**HARDER_WEEK, "onset": "during"}, DOMS)
    assert later > unknown > right_after > during > 0


def test_pain_during_the_activity_puts_a_jump_in_load_ahead_of_delayed_soreness():
    ranked = _ids({**HARDER_WEEK, "onset": "during"})
    assert ranked.index("training_overload") < ranked.index(DOMS)
    assert _ids({**HARDER_WEEK, "onset": "next_day"})[0] == DOMS


@settings(max_examples=examples(150), deadline=None)
@given(ANSWER_SETS)
def test_delayed_soreness_never_comes_first_for_pain_that_began_during_the_activity(answers):
    ranked = _ids({**answers, "onset": "during"})
    if len(ranked) > 1:
        assert ranked[0] != DOMS, ranked


# --- a reported diagnosis ranks its causes in the top three ---------------------------------


def _diagnosed_causes(value: str) -> set[str]:
    kb = knowledge_base()
    return {e.cause for e in kb.evidence if e.role == "diagnosis" and e.match.value == value}


def test_every_diagnosis_has_a_cause_of_its_own():
    kb = knowledge_base()
    for value in kb.questions[DIAGNOSIS_ITEM].allowed:
        assert 1 <= len(_diagnosed_causes(value)) <= TOP_CAUSES, value


@settings(max_examples=examples(200), deadline=None)
@given(ANSWER_SETS, st.sampled_from(knowledge_base().questions[DIAGNOSIS_ITEM].allowed))
def test_a_reported_diagnosis_ranks_its_causes_in_the_top_three(answers, value):
    top = _ids({**answers, DIAGNOSIS_ITEM: [value]})[:TOP_CAUSES]
    assert _diagnosed_causes(value) <= set(top), (value, top)


@pytest.mark.parametrize(
    ("diagnosis", "cause"),
    [("spinal_stenosis", "underlying_condition"), ("osteochondrosis", "age_related_changes")],
)
def test_the_stories_from_the_issue_put_the_diagnosis_first(diagnosis, cause):
    # Issue 12: a reported stenosis or disc wear ranked below "age-related changes".
    story = {"age": 58, "pain_feels": ["stiffness", "dull_ache"], "known_conditions": [diagnosis]}
    assert cause in _ids(story)[:TOP_CAUSES]
    assert _ids(story)[0] in _diagnosed_causes(diagnosis)


# --- no cause enters the list on generic answers alone --------------------------------------


def _single_answers():
    """Every answer that some evidence row looks for, given alone."""
    kb = knowledge_base()
    seen = set()
    for e in kb.evidence:
        question = kb.questions[e.match.item]
        if question.type == "integer":
            value = e.match.min if e.match.min is not None else e.match.max
        elif question.type == "boolean":
            value = e.match.value == "true"
        elif question.type == "multi":
            value = [e.match.value]
        else:
            value = e.match.value
        key = (e.match.item, str(value))
        if key not in seen:
            seen.add(key)
            yield {e.match.item: value}


@pytest.mark.parametrize("answer", list(_single_answers()), ids=str)
def test_one_answer_lists_only_the_causes_it_is_specific_evidence_for(answer):
    kb = knowledge_base()
    rows = facts(validate(answer, kb.questions))
    entering = {
        e.cause
        for e in kb.evidence
        if e.role in ENTRY_ROLES and any(e.match.holds_for(*f) for f in rows)
    }
    assert set(_ids(answer)) == entering


@pytest.mark.parametrize(
    "answer", [{"activity": "running"}, {"age": 45}, {"pain_areas": ["lower_back"]}]
)
def test_generic_answers_alone_suggest_nothing(answer):
    # Issue 12: "running" alone gave electrolytes and excess weight; age 30-60 a disc problem.
    assert _ids(answer) == []


@settings(max_examples=examples(150), deadline=None)
@given(ANSWER_SETS)
def test_every_listed_cause_has_a_specific_answer_behind_it(answers):
    kb = knowledge_base()
    rows = facts(validate(answers, kb.questions))
    for cause in assess(answers).causes:
        assert any(
            e.cause == cause.id
            and e.role in ENTRY_ROLES
            and any(e.match.holds_for(*f) for f in rows)
            for e in kb.evidence
        ), cause.id
        assert cause.matched == len(cause.because) >= 1


# --- specific advice surfaces for its cause -------------------------------------------------


@pytest.mark.parametrize(
    ("story", "cause", "comfort", "prevention"),
    [
        (
            {"activity": "stretching", "pain_feels": ["cramp"], "low_fluids": True},
            "dehydration",
            "drink_fluids",
            "hydrate_through_day",
        ),
        (
            {"activity": "running", "worn_shoes": True, "pain_areas": ["lower_back"]},
            "running_impact",
            "running_break",
            "supportive_shoes",
        ),
        (
            {"activity": "strength_training", "heavy_lifting": True, "form_unsure": True},
            "lifting_technique",
            "stop_at_first_signs",
            "gym_coaching",
        ),
    ],
)
def test_specific_advice_is_among_the_first_three_when_its_cause_is(
    story, cause, comfort, prevention
):
    result = assess(story)
    assert cause in [c.id for c in result.causes[:TOP_CAUSES]]
    assert comfort in [a.id for a in result.comfort_actions[:3]]
    assert prevention in [a.id for a in result.prevention_tips[:3]]


@settings(max_examples=examples(150), deadline=None)
@given(ANSWER_SETS)
def test_each_top_cause_has_its_own_advice_among_the_first_three(answers):
    kb = knowledge_base()
    result = assess(answers)
    for items, kind in (
        (result.comfort_actions, "comfort"),
        (result.prevention_tips, "prevention"),
    ):
        first = {a.id for a in items[:3]}
        for cause in result.causes[:TOP_CAUSES]:
            own = {a.id for a in kb.advice.values() if a.kind == kind and cause.id in a.causes}
            if own:
                assert own & first, (cause.id, kind, [a.id for a in items])


# --- no two pieces of advice say the same thing ---------------------------------------------

_STOP_WORDS = (
    "a an and are as at be but by can do does for from if in into is it its more not of on "
    "once only or out over so that the then they this to too up when with you your yours"
)
_STOP = frozenset(_STOP_WORDS.split(" "))


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 2}


def test_no_two_pieces_of_advice_are_near_duplicates():
    kb = knowledge_base()
    for one, other in combinations(kb.advice.values(), 2):
        a, b = _words(one.title + " " + one.text), _words(other.title + " " + other.text)
        overlap = len(a & b) / len(a | b)
        assert overlap < 0.3, (one.id, other.id, round(overlap, 2))


#: Issue 12's near-duplicates: the retired row, the row that now says it, and the words it took.
MERGED = [
    ("loosen_first", "massage_foam_roll", "of it before you stretch"),
    ("listen_to_body", "stop_at_first_signs", "ease off at the first sign"),
    ("careful_with_nerve_pain", "know_your_condition", "tingling or pain going down a leg, ask"),
]


@pytest.mark.parametrize(("retired", "keeper", "words"), MERGED)
def test_merged_advice_is_said_once(retired, keeper, words):
    kb = knowledge_base()
    assert retired not in kb.advice
    assert words in kb.advice[keeper].text
    assert sum(words in a.text for a in kb.advice.values()) == 1
