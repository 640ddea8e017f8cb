"""Synthetic anonymous records for demos and benchmarks: plausible, scored, reproducible.

Each record comes from a random but valid answer set, drawn with rough,
invented frequencies (running is the commonest activity, most pain is mild
to moderate, warning signs are rare, habits depend on the activity), scored
by the real scoring rules and reduced to an anonymous record like a shared one.

Answers are drawn column by column with numpy, CHUNK answer sets at a time,
already encoded for the scorer's batch statement (`Scorer.score_many`), which
scores a million in about 1.2 s here; one `assess()` takes some 11 ms.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from backcare.analytics.record import (
    TOP_CAUSES,
    UNKNOWN,
    AnonymousRecord,
    age_band,
    iso_week,
    pain_band,
)
from backcare.assessment.batch import FactBits
from backcare.assessment.contract import ITEM_VALUES
from backcare.assessment.engine import default_scorer

#: Answer sets drawn and scored at a time.
CHUNK = 100_000
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


@dataclass(frozen=True)
class RandomAnswers:
    """A batch of random answer sets, column by column."""

    #: Encoded for `Scorer.score_many` (see backcare.assessment.batch.FactBits).
    encoded: pa.Table
    #: What a record keeps of the answers themselves; masked where unanswered.
    activity: np.ndarray
    age: np.ma.MaskedArray
    pain_now: np.ma.MaskedArray


def _choice(rng: np.random.Generator, weights: Mapping[str, float], rows: int) -> np.ndarray:
    """Indices into ``weights`` drawn in proportion to its values."""
    chances = np.array(list(weights.values()), dtype=float)
    return rng.choice(len(chances), size=rows, p=chances / chances.sum())


def _answered(rng: np.random.Generator, values: np.ndarray) -> np.ma.MaskedArray:
    """People leave an item blank now and then."""
    return np.ma.masked_array(values, mask=rng.random(len(values)) < UNANSWERED_CHANCE)


def random_answers(rows: int, rng: np.random.Generator, bits: FactBits) -> RandomAnswers:
    """``rows`` plausible answer sets; items are sometimes left unanswered, as people do."""
    chosen: dict[tuple[str, str], np.ndarray] = {}

    def choose(item: str, values: Sequence[str], picked: np.ma.MaskedArray) -> None:
        for n, value in enumerate(values):
            chosen[(item, value)] = np.ma.filled(picked == n, False)

    activities = list(ACTIVITY_WEIGHTS)
    activity = _choice(rng, ACTIVITY_WEIGHTS, rows)
    choose("activity", activities, np.ma.masked_array(activity))
    teen = rng.random(rows) < 0.04
    ages = np.where(teen, rng.integers(12, 18, rows), np.rint(rng.normal(37, 12, rows)))
    age = _answered(rng, np.clip(ages, 5, 110).astype(np.int32))
    pain_now = _answered(rng, _choice(rng, dict(enumerate(PAIN_WEIGHTS)), rows).astype(np.int32))
    choose("onset", list(ONSET_WEIGHTS), _answered(rng, _choice(rng, ONSET_WEIGHTS, rows)))
    long_ago = rng.random(rows) < 0.08
    recent = np.minimum(28, np.floor(rng.exponential(3, rows)))
    days = _answered(rng, np.where(long_ago, rng.integers(29, 401, rows), recent).astype(np.int32))
    areas = {area: rng.random(rows) < chance for area, chance in AREA_CHANCE.items()}
    areas["lower_back"] |= ~np.logical_or.reduce(list(areas.values()))  # somewhere always hurts
    areas_given = ~np.ma.getmaskarray(_answered(rng, np.zeros(rows)))
    chosen |= {("pain_areas", area): hurts & areas_given for area, hurts in areas.items()}
    chosen |= {("pain_feels", f): rng.random(rows) < c for f, c in FEEL_CHANCE.items()}
    warmed_given, warmed = rng.random(rows) < 0.85, rng.random(rows) < 0.55
    chosen[("warmed_up", "true")] = warmed_given & warmed
    chosen[("warmed_up", "false")] = warmed_given & ~warmed
    for habit, chances in HABIT_CHANCE.items():
        by_activity = np.array([chances.get(a, chances["default"]) for a in activities])
        chosen[(habit, "true")] = rng.random(rows) < by_activity[activity]
    conditions = ITEM_VALUES["known_conditions"]
    has_condition = rng.random(rows) < KNOWN_CONDITION_CHANCE
    which = np.ma.masked_array(rng.integers(0, len(conditions), rows), mask=~has_condition)
    choose("known_conditions", conditions, which)
    chosen |= {(sign, "true"): rng.random(rows) < c for sign, c in SIGN_CHANCE.items()}
    numbers = {"age": age, "pain_now": pain_now, "days_since_onset": days}
    return RandomAnswers(
        encoded=bits.pack(rows, chosen, numbers),
        activity=np.array(activities, dtype=object)[activity],
        age=age,
        pain_now=pain_now,
    )


def _week_weights(weeks: Sequence[date]) -> list[float]:
    """More people in the warmer months (a gentle wave peaking in July), and slowly more."""
    return [
        (1.0 + 0.3 * math.cos(2 * math.pi * (day.isocalendar()[1] - 28) / 52))
        * (1.0 + n / max(1, len(weeks)))
        for n, day in enumerate(weeks)
    ]


def _bands(values: np.ma.MaskedArray, band: Callable[[int | None], str], top: int) -> np.ndarray:
    """Each value's band, looked up in a table made once (unanswered: "unknown")."""
    table = np.array([band(v) for v in range(top + 1)] + [UNKNOWN], dtype=object)
    return table[np.ma.filled(values, top + 1)]


def generate(
    rows: int,
    *,
    seed: int | None = None,
    end: date | None = None,
    weeks: int = DEFAULT_WEEKS,
    sites: Sequence[tuple[str, str, float]] = DEFAULT_SITES,
) -> Iterator[AnonymousRecord]:
    """``rows`` records over the ``weeks`` weeks up to ``end`` (default: this week)."""
    rng = np.random.default_rng(seed)
    scorer = default_scorer()
    today = end or date.today()
    last_monday = today - timedelta(days=today.weekday())
    days = [
        last_monday - timedelta(weeks=n) + timedelta(days=d)
        for n in range(weeks - 1, -1, -1)
        for d in range(7)
    ]
    day_weeks = np.array([iso_week(day) for day in days], dtype=object)
    week_weights = dict(enumerate(np.repeat(_week_weights(days[::7]), 7)))
    site_weights = {n: share for n, (_, _, share) in enumerate(sites)}
    for start in range(0, rows, CHUNK):
        size = min(CHUNK, rows - start)
        answers = random_answers(size, rng, scorer.fact_bits)
        scored = scorer.score_many(answers.encoded)
        site = _choice(rng, site_weights, size)
        yield from (
            AnonymousRecord(
                week=week,
                age_band=age,
                activity=activity,
                pain_band=pain,
                triage=triage,
                top_causes=tuple(causes[:TOP_CAUSES]),
                warning_signs=tuple(signs),
                site_id=sites[s][0],
                mode=sites[s][1],
            )
            for week, age, activity, pain, triage, causes, signs, s in zip(
                day_weeks[_choice(rng, week_weights, size)],
                _bands(answers.age, age_band, 110),
                answers.activity,
                _bands(answers.pain_now, pain_band, 10),
                scored["level"].to_pylist(),
                scored["top_causes"].to_pylist(),
                scored["warning_signs"].to_pylist(),
                site,
                strict=True,
            )
        )
