"""The anonymous record a person may choose to share: coarse fields only.

Nothing in it can single a person out or link back to a session: an ISO
week instead of a time, a ten-year age band instead of an age, a pain band
instead of a score, and no free text or identifier of any kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backcare.assessment.result import Assessment

UNKNOWN = "unknown"
PAIN_BANDS = ("0", "1-3", "4-6", "7-10")
#: How many of the top causes a record keeps.
TOP_CAUSES = 3


@dataclass(frozen=True)
class AnonymousRecord:
    week: str  # ISO week, e.g. "2026-W47"
    age_band: str  # "0-9", "10-19", … "110-119", or "unknown"
    activity: str  # a contract activity, or "unknown"
    pain_band: str  # one of PAIN_BANDS, or "unknown"
    triage: str  # a contract triage level
    top_causes: tuple[str, ...]  # at most TOP_CAUSES cause ids, best first
    warning_signs: tuple[str, ...]  # ids of the warning signs that fired, sorted
    site_id: str
    mode: str  # "personal" or "kiosk"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN
    low = age // 10 * 10
    return f"{low}-{low + 9}"


def pain_band(pain: int | None) -> str:
    if pain is None:
        return UNKNOWN
    if pain == 0:
        return "0"
    return "1-3" if pain <= 3 else "4-6" if pain <= 6 else "7-10"


def from_assessment(
    assessment: Assessment, *, site_id: str, mode: str, day: date
) -> AnonymousRecord:
    """Reduce an assessment to the coarse fields analysts may see."""
    answers = assessment.answers
    return AnonymousRecord(
        week=iso_week(day),
        age_band=age_band(answers.get("age")),
        activity=str(answers.get("activity", UNKNOWN)),
        pain_band=pain_band(answers.get("pain_now")),
        triage=assessment.triage.level,
        top_causes=tuple(c.id for c in assessment.causes[:TOP_CAUSES]),
        warning_signs=tuple(sorted({r.id for r in assessment.triage.reasons})),
        site_id=site_id,
        mode=mode,
    )
