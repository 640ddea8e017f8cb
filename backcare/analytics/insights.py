"""The analysts' figures: counts of anonymous records in which no small group shows.

Every figure on the Insights page, every table in its SQL console and every
file the export writes comes from one :class:`Report`: a handful of small
tables ("views") whose counts have already been through cell suppression
(backcare.analytics.suppression). Nothing downstream ever sees a raw count, so the
page, the console and the export can only show what is safe to show.

The views that share totals are protected together: assessments per week
are the row totals of the triage mix per week, and that table and the pain
band by age band table share the grand total. Warning-sign counts are tied
to the triage totals (everyone at the emergency level reported at least one
emergency sign), which is checked too.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from backcare.analytics.record import UNKNOWN
from backcare.analytics.store.base import ACTIVITIES, AGE_BANDS, PAIN_BANDS_ALL, Selection, Store
from backcare.analytics.suppression import (
    HIDDEN,
    SHOWN,
    SMALL,
    CannotProtect,
    Grid,
    Protected,
    Signs,
    protect,
    status_of,
)
from backcare.assessment.contract import TRIAGE_LEVELS
from backcare.assessment.knowledge import KnowledgeBase

#: The questionnaire step whose answers are the warning signs a person reports.
WARNING_STEP = "warning_signs"
EXPORT_FORMATS = ("csv", "parquet")

#: The k-safe views, in the order the page and the export list them, with their columns.
VIEWS: dict[str, tuple[tuple[str, ...], str]] = {
    "overall": ((), "assessments in the selection"),
    "weekly_totals": (("week",), "assessments per ISO week"),
    "weekly_triage": (("week", "triage"), "assessments per ISO week and triage level"),
    "triage_totals": (("triage",), "assessments per triage level"),
    "pain_by_age": (("age_band", "pain_band"), "assessments per age band and pain band"),
    "age_totals": (("age_band",), "assessments per age band"),
    "pain_totals": (("pain_band",), "assessments per pain band"),
    "causes_by_activity": (
        ("activity", "cause"),
        "assessments whose top three possible causes include the cause, per activity",
    ),
    "warning_signs": (("sign",), "assessments in which the person reported the warning sign"),
}
_WEEK = re.compile(r"(\d{4})-W(\d{2})")


@dataclass(frozen=True)
class Vocabulary:
    """What the figures are about, taken from the knowledge base."""

    causes: dict[str, str]  # cause id -> title
    signs: dict[str, str]  # warning sign id -> the checklist line a person ticks
    sign_levels: dict[str, str]  # warning sign id -> triage level it gives
    levels: dict[str, str]  # triage level id -> title
    #: Levels that only checklist warning signs can give: their totals bound the signs.
    complete_levels: tuple[str, ...]
    #: Age bands whose every possible age gives a warning sign, and the level it gives
    #: (ages 5 to 9 are all children, who are always told to see a doctor).
    age_floors: dict[str, str] = field(default_factory=dict)


def vocabulary(kb: KnowledgeBase) -> Vocabulary:
    checklist = {q.id for q in kb.questions.values() if q.step == WARNING_STEP}
    signs = {w.id: w for w in kb.warning_signs if w.match.item in checklist}
    complete = tuple(
        level
        for level in kb.levels
        if any(w.level == level for w in kb.warning_signs)
        and all(w.id in signs for w in kb.warning_signs if w.level == level)
    )
    age = kb.questions["age"]
    age_floors = {}
    for band in AGE_BANDS:
        if band == UNKNOWN:
            continue
        low, high = (int(x) for x in band.split("-"))
        low, high = max(low, age.min), min(high, age.max)
        levels = [
            w.level
            for w in kb.warning_signs
            if w.match.item == "age"
            and low <= high
            and (w.match.min or 0) <= low
            and high <= (w.match.max if w.match.max is not None else high)
        ]
        if levels:
            age_floors[band] = min(levels, key=list(kb.levels).index)  # the most urgent
    return Vocabulary(
        causes={c.id: c.title for c in kb.causes.values()},
        signs={s: kb.questions[w.match.item].text for s, w in signs.items()},
        sign_levels={s: w.level for s, w in signs.items()},
        levels={level.id: level.title for level in kb.levels.values()},
        complete_levels=complete,
        age_floors=age_floors,
    )


# --- weeks ------------------------------------------------------------------------------


def week_start(week: str) -> date:
    match = _WEEK.fullmatch(week)
    if not match:
        raise ValueError(f"{week!r} is not an ISO week such as 2026-W07")
    return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_span(first: str, last: str) -> tuple[str, ...]:
    """Every ISO week from first to last, both included."""
    start, end = week_start(first), week_start(last)
    return tuple(week_of(start + timedelta(weeks=n)) for n in range((end - start).days // 7 + 1))


# --- what the filters offer ---------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """Filter choices: only weeks and sites that hold at least k records are offered."""

    weeks: tuple[str, ...]
    sites: tuple[str, ...]


def options(store: Store, k: int) -> Options:
    busy_weeks = [week for week, n in store.count_by(("week",)) if n >= k]
    weeks = week_span(min(busy_weeks), max(busy_weeks)) if busy_weeks else ()
    sites = tuple(site for site, n in store.count_by(("site_id",)) if n >= k)
    return Options(weeks, sites)


# --- the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """The k-safe views of one selection. ``withheld`` says why, when nothing is shown."""

    k: int
    selection: Selection
    views: dict[str, pd.DataFrame] = field(default_factory=dict)
    withheld: str | None = None

    @property
    def total(self) -> int | None:
        """Assessments in the selection, or None when that number is not shown."""
        if self.withheld:
            return None
        value = self.views["overall"]["n"].iloc[0]
        return None if pd.isna(value) else int(value)


def label(value: int, status: str, k: int) -> str:
    """How a count is written: the number, "<k" for a small one, or "hidden"."""
    return {SHOWN: str(value), SMALL: f"<{k}", HIDDEN: "hidden"}[status]


def _frame(
    columns: Sequence[str],
    entries: Iterable[tuple[tuple[Hashable, ...], int, str]],
    k: int,
) -> pd.DataFrame:
    rows = [
        (*key, value if status == SHOWN else None, label(value, status, k))
        for key, value, status in entries
    ]
    frame = pd.DataFrame(rows, columns=[*columns, "n", "shown"])
    frame["n"] = frame["n"].astype("Int64")
    return frame


def _counts(rows: list[tuple]) -> dict:
    return {row[:-1] if len(row) > 2 else row[0]: row[-1] for row in rows}


def build(store: Store, selection: Selection, k: int, vocab: Vocabulary) -> Report:
    """Count the selected records and keep only what cannot reveal a small group."""
    weekly = _counts(store.count_by(("week", "triage"), selection))
    total = sum(weekly.values())
    if total == 0:
        return Report(k, selection, withheld="No assessments match this selection.")
    if total < k:
        return Report(
            k,
            selection,
            withheld=f"Fewer than {k} assessments match this selection, so nothing is shown. "
            "Widen it: more weeks, or all sites, activities or age bands.",
        )
    seen_weeks = sorted({week for week, _ in weekly})
    weeks = week_span(selection.first_week or seen_weeks[0], selection.last_week or seen_weeks[-1])
    by_age = _counts(store.count_by(("age_band", "pain_band"), selection))
    by_activity = _counts(store.count_by(("activity", "cause"), selection))
    signs = {
        sign: n for sign, n in store.count_by(("warning_sign",), selection) if sign in vocab.signs
    }
    grids = [
        Grid(weeks, TRIAGE_LEVELS, weekly),
        Grid(AGE_BANDS, PAIN_BANDS_ALL, by_age),
    ]
    links = Signs(
        members={
            level: [(s, signs.get(s, 0)) for s, lvl in vocab.sign_levels.items() if lvl == level]
            for level in TRIAGE_LEVELS
        },
        complete=vocab.complete_levels,
        floors={
            level: [(1, band) for band, lvl in vocab.age_floors.items() if lvl == level]
            for level in set(vocab.age_floors.values())
        },
    )
    try:
        protected = protect(grids, k, links)
    except CannotProtect:
        return Report(
            k,
            selection,
            withheld="This selection cannot be shown without revealing a small group. "
            "Widen it: more weeks, or all sites, activities or age bands.",
        )
    sign_status = protected[0].signs
    causes = list(vocab.causes) + sorted({c for _, c in by_activity} - set(vocab.causes))
    views = {"overall": _frame((), [((), total, protected[0].total)], k)}
    views.update(_grid_views(grids[0], protected[0], ("week", "triage"), k))
    views.update(_grid_views(grids[1], protected[1], ("age_band", "pain_band"), k))
    cause_counts = [((a, c), by_activity.get((a, c), 0)) for a in ACTIVITIES for c in causes]
    views["causes_by_activity"] = _frame(
        ("activity", "cause"), [(key, n, status_of(n, k)) for key, n in cause_counts], k
    )
    views["warning_signs"] = _frame(
        ("sign",), [((s,), signs.get(s, 0), sign_status[s]) for s in vocab.signs], k
    )
    views = {name: views[name] for name in VIEWS}
    assert_safe(views, k)
    return Report(k, selection, views)


#: The names of each grid's views: its cells, row totals and column totals.
_GRID_VIEWS = {
    ("week", "triage"): ("weekly_triage", "weekly_totals", "triage_totals"),
    ("age_band", "pain_band"): ("pain_by_age", "age_totals", "pain_totals"),
}


def _grid_views(
    grid: Grid, protected: Protected, columns: tuple[str, str], k: int
) -> dict[str, pd.DataFrame]:
    cells, rows, cols = _GRID_VIEWS[columns]
    return {
        cells: _frame(
            columns,
            [((r, c), grid.cell(r, c), protected.cells[(r, c)]) for r in grid.rows
             for c in grid.cols],
            k,
        ),
        rows: _frame(
            columns[:1],
            [((r,), sum(grid.cell(r, c) for c in grid.cols), protected.row_totals[r])
             for r in grid.rows],
            k,
        ),
        cols: _frame(
            columns[1:],
            [((c,), sum(grid.cell(r, c) for r in grid.rows), protected.col_totals[c])
             for c in grid.cols],
            k,
        ),
    }  # fmt: skip


def assert_safe(views: dict[str, pd.DataFrame], k: int) -> None:
    """Last line of defence: no view may carry a count from 1 to k−1."""
    for name, frame in views.items():
        small = frame["n"].dropna()
        if ((small > 0) & (small < k)).any():
            raise AssertionError(f"view {name} would show a count below {k}")


# --- export ------------------------------------------------------------------------------


def export(report: Report, fmt: str, out_dir: Path) -> list[Path]:
    """Write every view as ``<view>.csv`` or ``<view>.parquet`` into ``out_dir``."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use {' or '.join(EXPORT_FORMATS)}")
    if report.withheld:
        raise ValueError(report.withheld)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in report.views.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        written.append(path)
    return written
