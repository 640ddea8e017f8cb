"""The analysts' figures: one publication of monthly tables in which no small group shows.

Comparing two selections must not give away what each hides on its own (all
records minus one site's, this range of weeks minus that one), so Insights no
longer counts whatever an analyst selects. It publishes one fixed set of
tables, and the page, the SQL console, the charts and the export only pick
cells out of it:

- Periods are calendar months. A record holds an ISO week, and a week belongs to
  the month that holds its Thursday (the rule ISO 8601 uses for years), so every
  week lies in exactly one month. Only months that are over are published: a
  record is saved with the week it is shared in, so a finished month never
  changes, and refreshing the page cannot show one more person's record arrive.
- Within a month the groups are fixed: every site with at least k assessments
  that month has its own row and the others are counted together as "other
  sites"; activities, age bands, pain bands, triage levels and the cause ranked
  first (each record counts under exactly one) are the fixed lists they are.
- Each month's tables are protected together (backcare.analytics.suppression):
  triage level by site, pain band by age band and the first-ranked cause by
  activity share the month's total, and the warning signs, the rule that
  children always see a doctor and causes that only a diagnosed condition can
  give are tied to the triage totals. Months share no records and no table
  spans two months, so no equation links one month to another.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from backcare.analytics.record import UNKNOWN
from backcare.analytics.store.base import (
    ACTIVITIES,
    AGE_BANDS,
    NO_CAUSE,
    PAIN_BANDS_ALL,
    TOP_CAUSE,
    Store,
)
from backcare.analytics.suppression import (
    COL,
    HIDDEN,
    ROW,
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
from backcare.assessment.knowledge import KnowledgeBase, Match

#: The questionnaire step whose answers are the warning signs a person reports.
WARNING_STEP = "warning_signs"
EXPORT_FORMATS = ("csv", "parquet")
#: The row that counts every site with fewer than k assessments in the month.
OTHER_SITES = "other sites"

#: The views, in the order the page and the export list them, with their key columns.
VIEWS: dict[str, tuple[tuple[str, ...], str]] = {
    "monthly_totals": (("month",), "assessments per calendar month"),
    "site_totals": (("month", "site"), "assessments per month and site"),
    "triage_totals": (("month", "triage"), "assessments per month and triage level"),
    "site_triage": (("month", "site", "triage"), "assessments per month, site and triage level"),
    "age_totals": (("month", "age_band"), "assessments per month and age band"),
    "pain_totals": (("month", "pain_band"), "assessments per month and pain band"),
    "pain_by_age": (("month", "age_band", "pain_band"), "per month, age band and pain band"),
    "activity_totals": (("month", "activity"), "assessments per month and activity"),
    "cause_totals": (("month", "cause"), "assessments per month and cause ranked first"),
    "cause_by_activity": (
        ("month", "activity", "cause"),
        "assessments per month, activity and the possible cause ranked first",
    ),
    "warning_signs": (("month", "sign"), "assessments per month that reported the warning sign"),
}
#: Each month's two-way tables: (row column, column column) -> (cells, row totals, col totals).
TABLES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("site", "triage"): ("site_triage", "site_totals", "triage_totals"),
    ("age_band", "pain_band"): ("pain_by_age", "age_totals", "pain_totals"),
    ("activity", "cause"): ("cause_by_activity", "activity_totals", "cause_totals"),
}
#: What publish() counts: each by ISO week, to be added up into months.
QUERIES: dict[str, tuple[str, ...]] = {
    "site_triage": ("week", "site_id", "triage"),
    "pain_by_age": ("week", "age_band", "pain_band"),
    "cause_by_activity": ("week", "activity", TOP_CAUSE),
    "warning_signs": ("week", "warning_sign"),
}
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


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
    #: Causes that only answers which are warning signs can suggest, and the least urgent
    #: level those signs give: whoever has such a cause is at that level or a more urgent one.
    cause_floors: dict[str, str] = field(default_factory=dict)

    @functools.cached_property
    def rules(self) -> Rules:
        return Rules(
            causes=tuple(self.causes),
            sign_levels=tuple(self.sign_levels.items()),
            complete_levels=self.complete_levels,
            age_floors=tuple(self.age_floors.items()),
            cause_floors=tuple(self.cause_floors.items()),
        )


@dataclass(frozen=True)
class Rules:
    """The parts of a Vocabulary that decide what is hidden, as a key for the month cache."""

    causes: tuple[str, ...]
    sign_levels: tuple[tuple[str, str], ...]
    complete_levels: tuple[str, ...]
    age_floors: tuple[tuple[str, str], ...]
    cause_floors: tuple[tuple[str, str], ...]


def vocabulary(kb: KnowledgeBase) -> Vocabulary:
    checklist = {q.id for q in kb.questions.values() if q.step == WARNING_STEP}
    signs = {w.id: w for w in kb.warning_signs if w.match.item in checklist}
    complete = tuple(
        level
        for level in kb.levels
        if any(w.level == level for w in kb.warning_signs)
        and all(w.id in signs for w in kb.warning_signs if w.level == level)
    )
    urgency = list(kb.levels).index
    age = kb.questions["age"]
    age_floors = {}
    for band in AGE_BANDS:
        if band == UNKNOWN:
            continue
        low, high = (int(x) for x in band.split("-"))
        low, high = max(low, age.min), min(high, age.max)
        if low > high:
            continue
        levels = _implied_levels(kb, Match("age", None, low, high))
        if levels:
            age_floors[band] = min(levels, key=urgency)  # the most urgent
    cause_floors = {}
    for cause in kb.causes:
        # Each piece of evidence for the cause that matched gives at least its sign's level.
        per_evidence = [_implied_levels(kb, e.match) for e in kb.evidence if e.cause == cause]
        if per_evidence and all(per_evidence):
            cause_floors[cause] = max((min(ls, key=urgency) for ls in per_evidence), key=urgency)
    return Vocabulary(
        causes={c.id: c.title for c in kb.causes.values()},
        signs={s: kb.questions[w.match.item].text for s, w in signs.items()},
        sign_levels={s: w.level for s, w in signs.items()},
        levels={level.id: level.title for level in kb.levels.values()},
        complete_levels=complete,
        age_floors=age_floors,
        cause_floors=cause_floors,
    )


def _implied_levels(kb: KnowledgeBase, match: Match) -> list[str]:
    """Levels of the warning signs that any answer satisfying ``match`` always sets off."""
    question = kb.questions[match.item]
    levels = []
    for sign in kb.warning_signs:
        other = sign.match
        if other.item != match.item:
            continue
        if other.value is not None or match.value is not None:
            if other.value == match.value:
                levels.append(sign.level)
            continue
        low = match.min if match.min is not None else question.min
        high = match.max if match.max is not None else question.max
        sign_low = other.min if other.min is not None else question.min
        sign_high = other.max if other.max is not None else question.max
        if sign_low <= low and high <= sign_high:
            levels.append(sign.level)
    return levels


# --- weeks and months --------------------------------------------------------------------


def week_start(week: str) -> date:
    match = _WEEK.fullmatch(week)
    if not match:
        raise ValueError(f"{week!r} is not an ISO week such as 2026-W07")
    return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_of(week: str) -> str:
    """The calendar month ("2026-03") an ISO week belongs to: the month of its Thursday."""
    thursday = week_start(week) + timedelta(days=3)
    return f"{thursday.year}-{thursday.month:02d}"


def month_span(first: str, last: str) -> tuple[str, ...]:
    """Every calendar month from first to last, both included."""
    (year, month), (end_year, end_month) = (_month(first), _month(last))
    months = []
    while (year, month) <= (end_year, end_month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


def _month(text: str) -> tuple[int, int]:
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month such as 2026-03")
    return int(match.group(1)), int(match.group(2))


def month_name(month: str) -> str:
    """ "2026-03" as a person reads it: "March 2026"."""
    year, number = _month(month)
    return date(year, number, 1).strftime("%B %Y")


def current_month(today: date) -> str:
    """The month still open on ``today``: the one that today's ISO week belongs to."""
    return month_of(week_of(today))


# --- the publication -----------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """Every protected view over every finished month: all that Insights ever shows."""

    k: int
    months: tuple[str, ...]
    views: dict[str, pd.DataFrame]
    #: Months whose tables are not shown (only their total is), and why, in one sentence.
    withheld: dict[str, str] = field(default_factory=dict)

    def month(self, month: str) -> dict[str, pd.DataFrame]:
        """The views' rows for one month, without the month column."""
        return {
            name: frame[frame["month"] == month].drop(columns="month").reset_index(drop=True)
            for name, frame in self.views.items()
        }

    def total(self, month: str) -> tuple[int | None, str]:
        """A month's number of assessments (None unless shown) and its label."""
        row = self.views["monthly_totals"].set_index("month").loc[month]
        return (None if pd.isna(row["n"]) else int(row["n"])), str(row["shown"])


def label(value: int, status: str, k: int) -> str:
    """How a count is written: the number, "<k" for a small one, or "hidden"."""
    return {SHOWN: str(value), SMALL: f"<{k}", HIDDEN: "hidden"}[status]


#: One month's counts as publish() reads them: per query, sorted (key, count) pairs.
MonthCounts = tuple[tuple[str, tuple[tuple[tuple[Hashable, ...], int], ...]], ...]
#: One month's published rows: per view, (key without the month, count, status).
MonthRows = dict[str, list[tuple[tuple[Hashable, ...], int, str]]]


def publish(store: Store, k: int, vocab: Vocabulary, today: date | None = None) -> Publication:
    """Count the records of every finished month and keep only what is safe to show.

    A finished month's counts do not change, so each month is protected once and the
    whole publication is remembered for the counts it came from: a page that asks again
    only pays for the counts. Its frames are shared between callers: never modify them.
    """
    open_month = current_month(today or date.today())
    by_month: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for name, columns in QUERIES.items():
        for week, *key, n in store.count_by(columns):
            month = month_of(week)
            if month < open_month:
                by_month[month][name][tuple(key)] += n
    months = month_span(min(by_month), max(by_month)) if by_month else ()
    counts = tuple(
        (month, tuple((name, tuple(sorted(by_month[month][name].items()))) for name in QUERIES))
        for month in months
    )
    return _publication(counts, k, vocab.rules)


@functools.lru_cache(maxsize=64)
def _publication(counts: tuple[tuple[str, MonthCounts], ...], k: int, rules: Rules) -> Publication:
    rows: dict[str, list] = defaultdict(list)
    withheld = {}
    for month, month_counts in counts:
        month_rows, reason = _protect_month(month_counts, k, rules)
        if reason:
            withheld[month] = reason
        for name, entries in month_rows.items():
            rows[name] += [((month, *key), value, status) for key, value, status in entries]
    return Publication(k, tuple(month for month, _ in counts), _frames(rows, k), withheld)


def forget() -> None:
    """Drop every remembered month and publication (for measuring, and tests that swap
    the protection)."""
    _protect_month.cache_clear()
    _publication.cache_clear()


def _frames(rows: Mapping[str, list], k: int) -> dict[str, pd.DataFrame]:
    views = {}
    for name, (columns, _) in VIEWS.items():
        entries = rows.get(name, [])
        data = [
            (*key, value if status == SHOWN else None, label(value, status, k))
            for key, value, status in entries
        ]
        frame = pd.DataFrame(data, columns=[*columns, "n", "shown"])
        frame["n"] = frame["n"].astype("Int64")
        frame["shown"] = frame["shown"].astype(str)
        views[name] = frame
    assert_safe(views, k)
    return views


@functools.lru_cache(maxsize=4096)
def _protect_month(counts: MonthCounts, k: int, rules: Rules) -> tuple[MonthRows, str | None]:
    """One month's protected rows, and why its tables are withheld (None when shown)."""
    raw = {name: dict(pairs) for name, pairs in counts}
    total = sum(raw["site_triage"].values())
    if total == 0:
        return {"monthly_totals": [((), 0, SHOWN)]}, "No assessments were shared in this month."
    if total < k:
        return {"monthly_totals": [((), total, SMALL)]}, (
            f"Fewer than {k} assessments were shared in this month, so its tables are not shown."
        )
    site_sizes = Counter()
    for (site, _), n in raw["site_triage"].items():
        site_sizes[site] += n
    listed = sorted(site for site, n in site_sizes.items() if n >= k)
    by_site = Counter()
    for (site, level), n in raw["site_triage"].items():
        by_site[(site if site in listed else OTHER_SITES, level)] += n
    seen_causes = {cause for _, cause in raw["cause_by_activity"]}
    causes = (*rules.causes, NO_CAUSE, *sorted(seen_causes - {*rules.causes, NO_CAUSE}))
    grids = [
        Grid((*listed, OTHER_SITES), TRIAGE_LEVELS, dict(by_site)),
        Grid(AGE_BANDS, PAIN_BANDS_ALL, raw["pain_by_age"]),
        Grid(ACTIVITIES, causes, raw["cause_by_activity"]),
    ]
    sign_counts = {sign: n for (sign,), n in raw["warning_signs"].items()}
    floors: dict[Hashable, list[tuple[int, str, Hashable]]] = defaultdict(list)
    for band, level in rules.age_floors:
        floors[level].append((1, ROW, band))
    for cause, level in rules.cause_floors:
        floors[level].append((2, COL, cause))
    links = Signs(
        members={
            level: [(s, sign_counts.get(s, 0)) for s, lvl in rules.sign_levels if lvl == level]
            for level in TRIAGE_LEVELS
        },
        complete=rules.complete_levels,
        floors=dict(floors),
    )
    try:
        protected = protect(grids, k, links)
    except CannotProtect:
        return {"monthly_totals": [((), total, status_of(total, k))]}, (
            "This month's tables cannot be shown without revealing a small group."
        )
    rows: MonthRows = {"monthly_totals": [((), total, protected[0].total)]}
    for grid, result, columns in zip(grids, protected, TABLES, strict=True):
        rows.update(_grid_rows(grid, result, TABLES[columns]))
    rows["warning_signs"] = [
        ((s,), sign_counts.get(s, 0), protected[0].signs[s]) for s, _ in rules.sign_levels
    ]
    return rows, None


def _grid_rows(grid: Grid, result: Protected, names: tuple[str, str, str]) -> MonthRows:
    cells, rows, cols = names
    return {
        cells: [((r, c), grid.cell(r, c), result.cells[(r, c)])
                for r in grid.rows for c in grid.cols],
        rows: [((r,), sum(grid.cell(r, c) for c in grid.cols), result.row_totals[r])
               for r in grid.rows],
        cols: [((c,), sum(grid.cell(r, c) for r in grid.rows), result.col_totals[c])
               for c in grid.cols],
    }  # fmt: skip


def assert_safe(views: Mapping[str, pd.DataFrame], k: int) -> None:
    """Last line of defence: no view may carry a count from 1 to k−1."""
    for name, frame in views.items():
        small = frame["n"].dropna()
        if ((small > 0) & (small < k)).any():
            raise AssertionError(f"view {name} would show a count below {k}")


# --- export ------------------------------------------------------------------------------


def export(publication: Publication, fmt: str, out_dir: Path) -> list[Path]:
    """Write every view as ``<view>.csv`` or ``<view>.parquet`` into ``out_dir``."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use {' or '.join(EXPORT_FORMATS)}")
    if not publication.months:
        raise ValueError("No month has ended since the first assessment was shared.")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in publication.views.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        written.append(path)
    return written
