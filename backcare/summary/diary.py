"""The pain diary's last two weeks, for the printout: a table and each day's pain.

Only the summary page reads the diary, and only when the person asks for it,
so this is the one part of the summary that loads pandas (through the
diary's own daily means). Diary notes are the person's own words and may name
anyone, so they are left off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from backcare.diary.charts import daily
from backcare.diary.entries import Entry, Vocabulary, as_dicts, ordered

#: How far back the diary part reaches, today included.
DIARY_DAYS = 14


@dataclass(frozen=True)
class DiaryPart:
    """The diary's last days: a table row per entry, and each day's mean pain for the chart."""

    first: date
    last: date
    rows: tuple[dict[str, Any], ...]
    pain_by_day: tuple[tuple[date, float], ...]


def diary_part(
    entries: Sequence[Entry], vocab: Vocabulary, today: date, days: int = DIARY_DAYS
) -> DiaryPart:
    """The entries of the last `days` days up to today, oldest first, without their notes."""
    first = today - timedelta(days=days - 1)
    recent = ordered(e for e in entries if first <= e.date <= today)
    rows = tuple({k: v for k, v in row.items() if k != "Note"} for row in as_dicts(recent, vocab))
    means: tuple[tuple[date, float], ...] = ()
    if recent:
        by_day = daily(recent)
        means = tuple(
            (day.date(), float(pain))
            for day, pain in zip(by_day["date"], by_day["pain"], strict=True)
        )
    return DiaryPart(first, today, rows, means)
