"""Properties over thousands of random valid answer sets: a warning sign always wins.

The oracle below is CONTRACT section 2 written out independently of data/ (and
of backcare.assessment.contract), so a mistake in warning_signs.csv cannot hide
behind itself. The answer sets cover every questionnaire item, the three signs
added in issue 12 (between_shoulder_blades, fracture_risk, infection_risk) too.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare import assess
from backcare.assessment import contract
from tests.assessment.strategies import ANSWER_SETS, WARNING_ITEM
from tests.profiles import examples

RANK = {level: n for n, level in enumerate(contract.TRIAGE_LEVELS)}  # 0 = most urgent

EMERGENCY = {"saddle_numbness", "bladder_bowel_change", "both_legs", "chest_pain", "recent_trauma"}
URGENT = {
    "leg_weakness",
    "fever",
    "unexplained_weight_loss",
    "cancer_history",
    "back_deformity",
    "night_pain",
    "worse_with_cough",
    "feeling_unwell",
    "between_shoulder_blades",
    "fracture_risk",
    "infection_risk",
}
SEE_DOCTOR = {"leg_numbness", "pain_worsening", "stops_daily_activities", "struggling_to_cope"}


def required_level(answers: dict) -> str:
    """The least urgent level CONTRACT section 2 allows for these answers."""
    true = {item for item, value in answers.items() if value is True}
    if true & EMERGENCY:
        return "emergency"
    if true & URGENT:
        return "urgent"
    if (
        true & SEE_DOCTOR
        or "shooting_down_leg" in answers.get("pain_feels", ())
        or answers.get("age", 18) < 18
        or answers.get("pain_now", 0) >= 8
        or answers.get("days_since_onset", 0) > 28
        or answers.get("known_conditions")
    ):
        return "see_doctor"
    return "self_care"


SETTINGS = settings(
    max_examples=examples(1500), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(ANSWER_SETS)
def test_triage_is_never_below_what_the_contract_requires(answers):
    triage = assess(answers).triage
    assert RANK[triage.level] <= RANK[required_level(answers)]
    # Every true warning item is named among the reasons: none can be hidden.
    fired = {r.item for r in triage.reasons}
    for item, value in answers.items():
        if value is True and item in EMERGENCY | URGENT | SEE_DOCTOR:
            assert item in fired


@settings(max_examples=examples(500), deadline=None)
@given(ANSWER_SETS, st.sampled_from(sorted(EMERGENCY)))
def test_any_emergency_sign_gives_emergency_whatever_else_is_said(answers, sign):
    answers = {**answers, sign: True}
    result = assess(answers)
    assert result.triage.level == "emergency"
    assert result.triage.reasons[0].level == "emergency"


@settings(max_examples=examples(300), deadline=None)
@given(ANSWER_SETS, ANSWER_SETS)
def test_saying_more_never_lowers_the_level(answers, more):
    level = assess(answers).triage.level
    assert RANK[assess({**more, **answers}).triage.level] <= RANK[level]


@settings(max_examples=examples(500), deadline=None)
@given(ANSWER_SETS, st.sampled_from(sorted(URGENT)))
def test_any_urgent_sign_gives_at_least_urgent_whatever_else_is_said(answers, sign):
    result = assess({**answers, sign: True})
    assert RANK[result.triage.level] <= RANK["urgent"]
    assert sign in {r.item for r in result.triage.reasons}
    # A fired sign is never hidden behind a self-care result, answered or not.
    assert not result.triage.safe_self_care


def test_the_oracle_knows_every_warning_sign_the_questionnaire_asks(kb):
    from backcare.assessment.questionnaire import warning_items

    assert set(warning_items(kb)) == EMERGENCY | URGENT | SEE_DOCTOR


@settings(max_examples=examples(500), deadline=None)
@given(ANSWER_SETS, WARNING_ITEM)
def test_any_warning_sign_the_questionnaire_asks_wins_and_is_named(answers, item):
    answers = {**answers, item: True}
    triage = assess(answers).triage
    assert RANK[triage.level] <= RANK[required_level(answers)] < RANK["self_care"]
    assert item in {r.item for r in triage.reasons}
