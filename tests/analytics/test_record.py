"""The anonymous record keeps only coarse fields."""

from dataclasses import fields
from datetime import date

import pytest

from backcare import assess
from backcare.analytics.record import (
    AnonymousRecord,
    age_band,
    from_assessment,
    iso_week,
    pain_band,
)
from backcare.assessment.result import Assessment, RankedCause, Reason, Triage


@pytest.mark.parametrize(
    ("age", "band"), [(5, "0-9"), (19, "10-19"), (20, "20-29"), (110, "110-119"), (None, "unknown")]
)
def test_age_bands_are_ten_years_wide(age, band):
    assert age_band(age) == band


@pytest.mark.parametrize(
    ("pain", "band"),
    [
        (0, "0"),
        (1, "1-3"),
        (3, "1-3"),
        (4, "4-6"),
        (6, "4-6"),
        (7, "7-10"),
        (10, "7-10"),
        (None, "unknown"),
    ],
)
def test_pain_bands(pain, band):
    assert pain_band(pain) == band


def test_iso_week_handles_the_turn_of_the_year():
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
    assert iso_week(date(2026, 11, 21)) == "2026-W47"


def test_a_record_holds_no_exact_value_from_the_answers():
    answers = {
        "age": 37,
        "pain_now": 5,
        "activity": "running",
        "fever": True,
        "worn_shoes": True,
        "hard_surface": True,
        "days_since_onset": 3,
    }
    record = from_assessment(
        assess(answers), site_id="clinic-1", mode="kiosk", day=date(2026, 11, 21)
    )
    assert record == AnonymousRecord(
        week="2026-W47",
        age_band="30-39",
        activity="running",
        pain_band="4-6",
        triage="urgent",
        top_causes=("running_impact",),
        warning_signs=("fever",),
        site_id="clinic-1",
        mode="kiosk",
    )
    assert {f.name for f in fields(record)} == {
        "week",
        "age_band",
        "activity",
        "pain_band",
        "triage",
        "top_causes",
        "warning_signs",
        "site_id",
        "mode",
    }


def test_a_record_keeps_the_first_three_causes_best_first_and_the_signs_sorted():
    """Made by hand, so the expectation is not read from the code under test."""
    causes = tuple(RankedCause(name, name, "", 1 - n / 10, (), ()) for n, name in
                   enumerate(("disc", "strain", "impact", "tight", "posture")))  # fmt: skip
    signs = tuple(
        Reason(sign, sign, "urgent", "", ()) for sign in ("night_pain", "fever", "night_pain")
    )
    triage = Triage("urgent", "See a doctor today", "", "today", signs, ())
    made = Assessment({"age": 9, "pain_now": 0}, triage, causes, (), ())
    record = from_assessment(made, site_id="s", mode="personal", day=date(2026, 1, 5))
    assert record.top_causes == ("disc", "strain", "impact")
    assert record.warning_signs == ("fever", "night_pain")
    assert (record.week, record.age_band, record.pain_band) == ("2026-W02", "0-9", "0")
