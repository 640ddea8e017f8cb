"""Scoring in DuckDB, checked against a direct reading of the knowledge base."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import assess
from backcare.assessment import reference as reference_scorer
from backcare.assessment.answers import facts, validate
from backcare.assessment.engine import knowledge_base
from backcare.assessment.scoring import ADVICE_PER_KIND, LINKED_ADVICE, TOP_CAUSES, Scorer
from tests.assessment.strategies import ANSWER_SETS
from tests.profiles import examples

RUNNER = {
    "activity": "running",
    "onset": "right_after",
    "days_since_onset": 1,
    "pain_now": 4,
    "pain_areas": ["lower_back", "buttock"],
    "pain_feels": ["dull_ache", "stiffness"],
    "age": 38,
    "warmed_up": False,
    "worn_shoes": True,
    "hard_surface": True,
    "long_sitting": True,
}


def test_scores_are_the_noisy_or_of_matching_evidence(kb):
    result = assess(RUNNER)
    expected = reference_scorer.score(kb, validate(RUNNER, kb.questions))
    assert [(c.id, c.score) for c in result.causes] == list(expected.ranking)
    assert all(0 < c.score < 1 for c in result.causes)
    # The noisy-OR by hand for the top cause.
    weights = [
        e.weight
        for e in kb.evidence
        if e.cause == result.causes[0].id
        and any(reference_scorer.matches(e.match, f) for f in facts(validate(RUNNER, kb.questions)))
    ]
    assert math.isclose(result.causes[0].score, 1 - math.prod(1 - w for w in weights), abs_tol=1e-9)


def test_causes_are_ranked_highest_first(kb):
    scores = [c.score for c in assess(RUNNER).causes]
    assert scores == sorted(scores, reverse=True)
    assert len(scores) >= 3


def test_because_lists_exactly_the_phrases_of_the_matching_evidence(kb):
    rows = facts(validate(RUNNER, kb.questions))
    for cause in assess(RUNNER).causes:
        phrases = {
            e.because
            for e in kb.evidence
            if e.cause == cause.id and any(reference_scorer.matches(e.match, f) for f in rows)
        }
        assert set(cause.because) == phrases
        assert cause.sources == kb.source_titles(kb.causes[cause.id].sources)


def test_because_names_the_strongest_reason_first():
    """Written out from data/evidence.csv (weights 0.55, 0.35, 0.3, 0.1): reversing the
    order, or sorting it any other way, fails here."""
    first = assess(RUNNER).causes[0]
    assert first.id == "running_impact"
    assert first.because == (
        "your running shoes are worn, or have little cushioning or arch support",
        "you mostly run on hard ground or downhill",
        "the pain followed a run",
        "it hurts in your lower back",
    )


@given(answers=ANSWER_SETS)
@settings(max_examples=examples(60), deadline=None)
def test_every_because_list_runs_from_the_heaviest_evidence_to_the_lightest(kb, answers):
    weight = {(e.cause, e.because): e.weight for e in kb.evidence}
    for cause in assess(answers).causes:
        weights = [weight[(cause.id, phrase)] for phrase in cause.because]
        assert weights == sorted(weights, reverse=True), (cause.id, cause.because)


def test_unanswered_items_match_nothing_but_a_no_does(kb):
    # warmed_up = false is evidence for a poor warm-up; leaving it out is not.
    with_no = {c.id for c in assess({"warmed_up": False}).causes}
    assert "inadequate_warmup" in with_no
    assert assess({}).causes == ()


def test_advice_follows_the_top_causes_without_repeats(kb):
    result = assess(RUNNER)
    top = {c.id for c in result.causes[:TOP_CAUSES]}
    for items, kind in (
        (result.comfort_actions, "comfort"),
        (result.prevention_tips, "prevention"),
    ):
        ids = [a.id for a in items]
        assert len(ids) == len(set(ids)) <= ADVICE_PER_KIND
        assert all(kb.advice[i].kind == kind for i in ids)
        linked = [a for a in items if a.for_causes]
        assert 1 <= len(linked) <= LINKED_ADVICE
        for advice in linked:
            assert set(advice.for_causes) <= top
            assert set(advice.for_causes) <= set(kb.advice[advice.id].causes)
        # Linked advice comes first, then general advice fills the list.
        assert items[: len(linked)] == tuple(linked)
        assert all(a.general for a in items[len(linked) :])


def test_with_no_support_there_are_no_causes_and_general_tips_remain(kb):
    result = assess({"warmed_up": True, "pain_now": 2})
    assert result.causes == ()
    assert result.triage.level == "self_care"
    assert result.prevention_tips
    assert all(kb.advice[a.id].general for a in result.prevention_tips)


def test_triage_reasons_are_most_urgent_first(kb):
    result = assess({"fever": True, "pain_now": 9, "both_legs": True, "age": 40})
    assert result.triage.level == "emergency"
    levels = [r.level for r in result.triage.reasons]
    assert levels == ["emergency", "urgent", "see_doctor"]
    assert {r.id for r in result.triage.reasons} == {"both_legs", "fever", "severe_pain"}
    assert result.triage.what_to_do == kb.levels["emergency"].what_to_do


def test_no_warning_sign_means_self_care_with_no_reasons():
    result = assess(RUNNER)
    assert result.triage.level == "self_care"
    assert result.triage.reasons == ()


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ({"age": 17}, "age_under_18"),
        ({"pain_now": 8}, "severe_pain"),
        ({"days_since_onset": 29}, "long_lasting"),
        ({"pain_feels": ["shooting_down_leg"]}, "shooting_down_leg"),
        ({"known_conditions": ["scoliosis"]}, "known_scoliosis"),
    ],
)
def test_number_and_list_answers_can_be_warning_signs(answers, reason):
    triage = assess(answers).triage
    assert triage.level == "see_doctor"
    assert [r.id for r in triage.reasons] == [reason]


@pytest.mark.parametrize(
    "answers", [{"age": 18}, {"pain_now": 7}, {"days_since_onset": 28}, {"known_conditions": []}]
)
def test_the_edges_just_below_a_warning_sign_are_self_care(answers):
    assert assess(answers).triage.level == "self_care"


def test_to_dict_has_the_contract_shape():
    data = assess(RUNNER).to_dict()
    assert set(data) >= {"triage", "causes", "comfort_actions", "prevention_tips"}
    assert set(data["triage"]) >= {"level", "reasons"}
    for cause in data["causes"]:
        assert set(cause) >= {"id", "title", "score", "because", "sources"}
        assert isinstance(cause["score"], float)
    for item in data["comfort_actions"] + data["prevention_tips"]:
        assert set(item) >= {"id", "title", "text", "sources"}


def _agree_one_by_one(scorer, answer_sets: list[dict]) -> None:
    """score_many gives each answer set the triage, top causes and signs of assess()."""
    valid = [validate(a, scorer.kb.questions) for a in answer_sets]
    many = scorer.score_many(scorer.fact_bits.encode(valid)).to_pylist()
    assert len(many) == len(valid)
    for answers, row in zip(valid, many, strict=True):
        one = assess(answers)
        assert row == {
            "level": one.triage.level,
            "top_causes": [c.id for c in one.causes[:TOP_CAUSES]],
            "warning_signs": sorted({r.id for r in one.triage.reasons}),
        }, answers


def test_scoring_many_at_once_agrees_with_one_at_a_time(scorer):
    import json
    from pathlib import Path

    cases = json.loads(Path(__file__).with_name("cause_cases.json").read_text())
    _agree_one_by_one(scorer, [*cases.values(), RUNNER, {}, {"fever": True, "age": 12}])


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(ANSWER_SETS, min_size=1, max_size=40))
def test_scoring_many_agrees_with_one_at_a_time_on_any_answers(scorer, answer_sets):
    _agree_one_by_one(scorer, answer_sets)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(ANSWER_SETS, max_size=5))
def test_encoded_answers_decode_to_the_same_answers(answer_sets):
    from backcare.assessment.batch import FactBits

    kb = knowledge_base()
    valid = [validate(a, kb.questions) for a in answer_sets]
    bits = FactBits(kb)

    def as_sets(answers: dict) -> dict:  # the encoding keeps what was ticked, not the order
        return {i: set(v) if isinstance(v, tuple) else v for i, v in answers.items() if v != ()}

    assert [as_sets(a) for a in bits.decode(bits.encode(valid))] == [as_sets(a) for a in valid]


@settings(max_examples=examples(300), deadline=None)
@given(ANSWER_SETS)
def test_sql_and_the_plain_python_reference_agree_on_any_answers(answers):
    kb = knowledge_base()
    result = assess(answers)
    expected = reference_scorer.score(kb, validate(answers, kb.questions))
    assert [(c.id, c.score) for c in result.causes] == list(expected.ranking)
    assert result.triage.level == expected.level
    assert tuple(r.id for r in result.triage.reasons) == expected.signs


def test_each_scorer_keeps_its_knowledge_in_memory_and_leaves_no_file(kb, tmp_path, monkeypatch):
    """Two scorers in one process (a server and a benchmark, say) each hold their own
    database: nothing is written where the program was started, nothing is shared."""
    monkeypatch.chdir(tmp_path)
    first, second = Scorer(kb), Scorer(kb)
    runner = facts(validate(RUNNER, kb.questions))
    assert [c["id"] for c in first.score(runner).causes] == [
        c["id"] for c in second.score(runner).causes
    ]
    assert list(tmp_path.iterdir()) == []
