"""What every store of anonymous records offers, whatever holds the records.

The app, the analysts' pages and the commands talk to a :class:`Store`; the
DuckDB file (:mod:`backcare.analytics.store.duckdb_store`) and a PostgreSQL
database (:mod:`backcare.analytics.store.postgres_store`) are its backends. The
values a record may hold, the columns analysts may count by and the checks a
record passes before any backend sees it live here, so every backend refuses
the same things with the same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from backcare.analytics.record import PAIN_BANDS, TOP_CAUSES, UNKNOWN, AnonymousRecord
from backcare.assessment.contract import ITEM_VALUES, TRIAGE_LEVELS
from backcare.settings import MODES

#: Columns analysts may group by, and the list columns that group one row per element.
COLUMNS = ("week", "age_band", "activity", "pain_band", "triage", "site_id", "mode")
LIST_COLUMNS = {"cause": "top_causes", "warning_sign": "warning_signs"}
#: A column worked out from a list column: the cause ranked first, or NO_CAUSE when a record
#: names none. Counted by it, each record counts exactly once (unlike "cause"), so its counts
#: add up to the number of records.
TOP_CAUSE = "top_cause"
NO_CAUSE = "(none)"
#: The columns a Selection filters on (first_week and last_week both filter on week).
FILTERED = ("week", "site_id", "activity", "age_band")

AGE_BANDS = (*(f"{low}-{low + 9}" for low in range(0, 120, 10)), UNKNOWN)
ACTIVITIES = (*ITEM_VALUES["activity"], UNKNOWN)
PAIN_BANDS_ALL = (*PAIN_BANDS, UNKNOWN)
_WEEK = re.compile(r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])")
_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
_SITE = re.compile(r"[A-Za-z0-9_-]{1,40}")


class StoreError(RuntimeError):
    """The store cannot be opened or could not save; the message says what to do."""


class StoreLocked(StoreError):
    """Another process holds the store's file."""


class InvalidRecord(ValueError):
    """A record has a field outside the coarse values an anonymous record may hold."""


@dataclass(frozen=True)
class Selection:
    """Which records an aggregate covers; ``None`` means every value."""

    first_week: str | None = None
    last_week: str | None = None
    site_id: str | None = None
    activity: str | None = None
    age_band: str | None = None


class Store(Protocol):
    """What the app needs from a store of anonymous records, and nothing more."""

    def submit(self, record: AnonymousRecord) -> None:
        """Save one record; return only once it is durable. Raises InvalidRecord, StoreError."""

    def submit_many(self, records: Iterable[AnonymousRecord]) -> int:
        """Save many records (demo data, imports); return how many were saved."""

    def count_by(self, columns: Sequence[str], selection: Selection = Selection()) -> list[tuple]:
        """Rows of (*values of columns, number of records) for the selected records.

        At most one of ``columns`` may be a list column ("cause", "warning_sign"):
        a record then counts once under each of its causes or signs. ``top_cause`` (the
        first of a record's causes, or NO_CAUSE) counts each record once.
        """

    def __len__(self) -> int:
        """How many records the store holds."""

    def close(self) -> None:
        """Finish pending writes and let go of the storage."""

    @property
    def closed(self) -> bool:
        """Whether close() has been called: a closed store refuses reads and writes."""


def check(record: AnonymousRecord) -> None:
    """Refuse anything but the coarse values a record may hold, naming the field."""
    problems = {
        "week": _real_week(record.week),
        "age_band": record.age_band in AGE_BANDS,
        "activity": record.activity in ACTIVITIES,
        "pain_band": record.pain_band in PAIN_BANDS_ALL,
        "triage": record.triage in TRIAGE_LEVELS,
        "top_causes": _ids(record.top_causes) and len(record.top_causes) <= TOP_CAUSES,
        "warning_signs": _ids(record.warning_signs)
        and list(record.warning_signs) == sorted(record.warning_signs),
        "site_id": isinstance(record.site_id, str) and _SITE.fullmatch(record.site_id),
        "mode": record.mode in MODES,
    }
    bad = [name for name, ok in problems.items() if not ok]
    if bad:
        field_name = bad[0]
        raise InvalidRecord(
            f"{field_name}={getattr(record, field_name)!r} is not a value an anonymous record "
            "may hold"
        )


def week_monday(week: str) -> date:
    """The Monday of an ISO week such as "2026-W47"; ValueError for a week 53 a year lacks."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def _real_week(week: object) -> bool:
    if not (isinstance(week, str) and _WEEK.fullmatch(week)):
        return False
    try:
        week_monday(week)
    except ValueError:
        return False
    return True


def _ids(values: object) -> bool:
    return (
        isinstance(values, tuple)
        and all(isinstance(v, str) and _ID.fullmatch(v) for v in values)
        and len(set(values)) == len(values)
    )


def list_column(columns: Sequence[str]) -> str | None:
    """Refuse columns that may not be counted; return the list column among them, if any."""
    unknown = [c for c in columns if c not in (*COLUMNS, TOP_CAUSE) and c not in LIST_COLUMNS]
    if unknown:
        raise ValueError(f"cannot count by {unknown[0]!r}")
    lists = [c for c in columns if c in LIST_COLUMNS]
    if len(lists) > 1:
        raise ValueError("count by at most one list column at a time")
    return lists[0] if lists else None
