"""Synthetic anonymous records for demos and benchmarks: plausible, scored, reproducible.

Each record comes from a random but valid answer set, drawn with rough,
invented frequencies (running is the commonest activity, most pain is mild
to moderate, warning signs are rare, habits depend on the activity), scored
by the real scoring rules and reduced to an anonymous record like a shared one.

The records are scored in batches of CHUNK answer sets by the scorer's batch
query (about 20 ms per thousand here, against some 11 ms for one `assess()`),
all through :func:`score_all`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from backcare.answers import Answers, validate
from backcare.assessment import default_scorer
from backcare.contract import ITEM_VALUES
from backcare.record import (
    TOP_CAUSES,
    UNKNOWN,
    AnonymousRecord,
    age_band,
    iso_week,
    pain_band,
)
from backcare.scoring import facts_frame

#: Answer sets scored in one batch query.
CHUNK = 10_000
DEFAULT_WEEKS = 52
#: (site id, mode, share of records): two clinics with kiosks and the public app.
DEFAULT_SITES = (("clinic-north", "kiosk", 0.35), ("clinic-south", "kiosk", 0.25),
                 ("online", "personal", 0.40))  # fmt: skip

ACTIVITY_WEIGHTS = {"running": 35, "strength_training": 28, "stretching": 22, "other_exercise": 15}
PAIN_WEIGHTS = (2, 6, 10, 14, 16, 15, 12, 10, 7, 5, 3)  # pain_now 0..10
ONSET_WEIGHTS = {"during": 30, "right_after": 30, "hours_later": 20, "next_day": 20}
AREA_CHANCE = {"lower_back": 0.7, "mid_back": 0.2, "upper_back": 0.15, "neck": 0.12,
               "buttock": 0.15, "leg": 0.1}  # fmt: skip
FEEL_CHANCE = {"dull_ache": 0.4, "stiffness": 0.35, "sharp": 0.25, "cramp": 0.2,
               "tingling_or_burning": 0.07, "shooting_down_leg": 0.07}  # fmt: skip
#: Chance that a habit or event is ticked, by activity (a default for the others).
HABIT_CHANCE: dict[str, dict[str, float]] = {
    "pushed_past_limit": {"default": 0.3},
    "bounced_or_jerked": {"stretching": 0.25, "default": 0.06},
    "form_unsure": {"strength_training": 0.3, "stretching": 0.2, "default": 0.1},
    "load_increased": {"running": 0.35, "strength_training": 0.3, "default": 0.15},
    "tired_before": {"default": 0.2},
    "low_fluids": {"running": 0.25, "default": 0.1},
    "heavy_lifting": {"strength_training": 0.65, "default": 0.03},
    "muscles_tight": {"default": 0.35},
    "exercises_rarely": {"other_exercise": 0.35, "default": 0.18},
    "long_sitting": {"default": 0.45},
    "poor_posture": {"default": 0.35},
    "weak_core": {"default": 0.3},
    "excess_weight": {"default": 0.2},
    "smoker": {"default": 0.12},
    "worn_shoes": {"running": 0.3, "default": 0.0},
    "hard_surface": {"running": 0.4, "default": 0.0},
}
#: Chance of each warning sign: serious ones are rare.
SIGN_CHANCE = {
    "saddle_numbness": 0.003, "bladder_bowel_change": 0.003, "both_legs": 0.006,
    "chest_pain": 0.004, "recent_trauma": 0.01, "leg_weakness": 0.01, "fever": 0.01,
    "unexplained_weight_loss": 0.005, "cancer_history": 0.01, "back_deformity": 0.004,
    "night_pain": 0.03, "worse_with_cough": 0.04, "feeling_unwell": 0.03, "leg_numbness": 0.04,
    "pain_worsening": 0.04, "stops_daily_activities": 0.06, "struggling_to_cope": 0.05,
}  # fmt: skip
KNOWN_CONDITION_CHANCE = 0.08
UNANSWERED_CHANCE = 0.05


def _pick(rng: random.Random, weights: dict[str, int] | dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def random_answers(rng: random.Random) -> Answers:
    """One plausible answer set; items are sometimes left unanswered, as people do."""
    activity = _pick(rng, ACTIVITY_WEIGHTS)
    answers: dict[str, Any] = {"activity": activity}

    def maybe(item: str, value: Any) -> None:
        if rng.random() >= UNANSWERED_CHANCE:
            answers[item] = value

    teen = rng.random() < 0.04
    age = rng.randint(12, 17) if teen else round(rng.gauss(37, 12))
    maybe("age", min(110, max(5, age)))
    maybe("pain_now", rng.choices(range(11), weights=PAIN_WEIGHTS)[0])
    maybe("onset", _pick(rng, ONSET_WEIGHTS))
    days = rng.randint(29, 400) if rng.random() < 0.08 else min(28, int(rng.expovariate(1 / 3)))
    maybe("days_since_onset", days)
    areas = [a for a, p in AREA_CHANCE.items() if rng.random() < p] or ["lower_back"]
    maybe("pain_areas", areas)
    feels = [f for f, p in FEEL_CHANCE.items() if rng.random() < p]
    if feels:
        answers["pain_feels"] = feels
    if rng.random() < 0.85:
        answers["warmed_up"] = rng.random() < 0.55
    for habit, chances in HABIT_CHANCE.items():
        if rng.random() < chances.get(activity, chances["default"]):
            answers[habit] = True
    if rng.random() < KNOWN_CONDITION_CHANCE:
        answers["known_conditions"] = [rng.choice(ITEM_VALUES["known_conditions"])]
    for sign, chance in SIGN_CHANCE.items():
        if rng.random() < chance:
            answers[sign] = True
    return answers


@dataclass(frozen=True)
class Scored:
    """What a record keeps of an assessment besides the answers themselves."""

    triage: str
    top_causes: tuple[str, ...]
    warning_signs: tuple[str, ...]


def score_all(answer_sets: Sequence[Answers]) -> list[Scored]:
    """Triage, top causes and warning signs of many answer sets, in one batch query."""
    scorer = default_scorer()
    valid = [validate(answers, scorer.kb.questions) for answers in answer_sets]
    frame = scorer.score_many(facts_frame(valid), len(valid)).sort_values("rid")
    return [
        Scored(level, tuple(causes)[:TOP_CAUSES], tuple(sorted(signs)))
        for level, causes, signs in zip(
            frame["level"], frame["top_causes"], frame["warning_signs"], strict=True
        )
    ]


def _week_weights(weeks: Sequence[date]) -> list[float]:
    """More people in the warmer months (a gentle wave peaking in July), and slowly more."""
    return [
        (1.0 + 0.3 * math.cos(2 * math.pi * (day.isocalendar()[1] - 28) / 52))
        * (1.0 + n / max(1, len(weeks)))
        for n, day in enumerate(weeks)
    ]


def generate(
    rows: int,
    *,
    seed: int | None = None,
    end: date | None = None,
    weeks: int = DEFAULT_WEEKS,
    sites: Sequence[tuple[str, str, float]] = DEFAULT_SITES,
) -> Iterator[AnonymousRecord]:
    """``rows`` records over the ``weeks`` weeks up to ``end`` (default: this week)."""
    rng = random.Random(seed)
    today = end or date.today()
    last_monday = today - timedelta(days=today.weekday())
    mondays = [last_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    week_weights = _week_weights(mondays)
    site_weights = [share for _, _, share in sites]
    for start in range(0, rows, CHUNK):
        answer_sets = [random_answers(rng) for _ in range(min(CHUNK, rows - start))]
        for answers, scored in zip(answer_sets, score_all(answer_sets), strict=True):
            monday = rng.choices(mondays, weights=week_weights)[0]
            site_id, mode, _ = rng.choices(sites, weights=site_weights)[0]
            yield AnonymousRecord(
                week=iso_week(monday + timedelta(days=rng.randint(0, 6))),
                age_band=age_band(answers.get("age")),
                activity=str(answers.get("activity", UNKNOWN)),
                pain_band=pain_band(answers.get("pain_now")),
                triage=scored.triage,
                top_causes=scored.top_causes,
                warning_signs=scored.warning_signs,
                site_id=site_id,
                mode=mode,
            )
