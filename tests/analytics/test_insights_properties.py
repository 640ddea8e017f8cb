"""Over random stores, no count from 1 to k−1 can be read or worked out from the publication.

Not from the views, and so not from the export read back from disk or the console's
tables, which must hold exactly those views, nor from what the page shows for any month
it offers, which must be rows of those views (the charts carry only view numbers too:
tests/analytics/test_insights.py checks that). The onlooker in tests/analytics/
kanon_attack.py reads every number, subtracts shown counts from totals, and solves the
whole publication for every small count.

The stores are built so that the examples are worth checking, whatever the seed: a
third are a few kinds of record over several months, each repeated (counts cluster as
in real data), often few enough (1–30 records) for months below k; a third are a large
group with a few records beside it (small counts that need complementary hiding); a
third are months whose tables cannot be shown at all. The last test checks that the
examples really went there.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from backcare.analytics import insights
from backcare.analytics.console import Console
from backcare.assessment.contract import TRIAGE_LEVELS
from backcare.assessment.engine import knowledge_base
from tests.analytics.insights_data import TODAY, memory_store, record, records
from tests.analytics.kanon_attack import PublicRules, derivations
from tests.profiles import examples

VOCAB = insights.vocabulary(knowledge_base())
RULES = PublicRules.of(VOCAB, TRIAGE_LEVELS)
EXAMPLES = 80
#: A week in each finished month: January, February and March.
MONTHS = ("2026-W01", "2026-W06", "2026-W10")
#: What the examples contained, filled in by the property and checked by the last test.
SEEN: Counter[str] = Counter()


@st.composite
def everyday(draw: st.DrawFn, k: int) -> list:
    """A few kinds of record over several months, each several times; often tiny."""
    kinds = draw(st.lists(records(VOCAB), min_size=1, max_size=14))
    most = draw(st.sampled_from((2, 16, 16)))  # up to ~30 records, or up to ~220
    copies = draw(st.lists(st.integers(1, most), min_size=len(kinds), max_size=len(kinds)))
    return [item for item, n in zip(kinds, copies, strict=True) for _ in range(n)]


@st.composite
def a_few_among_many(draw: st.DrawFn, k: int) -> list:
    """One busy finished month: a large group, and a few records that differ from it in one or
    more fields. The few make small counts next to large ones, whose totals would give
    them back unless other counts are hidden too (complementary hiding)."""
    week, quiet = draw(st.lists(st.sampled_from(MONTHS), min_size=2, max_size=2, unique=True))
    many = draw(records(VOCAB))
    items = [replace(many, week=week)] * draw(st.integers(3 * k, 6 * k))
    for few in draw(st.lists(records(VOCAB), min_size=1, max_size=4)):
        items += [replace(few, week=week)] * draw(st.integers(1, k - 1))
    # ...and a quiet month before or after it, below k.
    return items + [replace(many, week=quiet)] * draw(st.integers(1, k - 1))


@st.composite
def a_level_of_two_signs(draw: st.DrawFn, k: int) -> list:
    """One finished month of children at one level, k−1 with each of two of its signs.

    Every child sees a doctor, and everyone at the level has one of its signs: the two
    small sign counts pin each other down whatever else is hidden, so the month's tables
    cannot be shown (records of other kinds beside them would mostly give them cover)."""
    week = draw(st.sampled_from(MONTHS))
    level = draw(st.sampled_from(("emergency", "urgent")))
    signs = [s for s, lvl in VOCAB.sign_levels.items() if lvl == level]
    first, second = draw(st.lists(st.sampled_from(signs), min_size=2, max_size=2, unique=True))
    items = []
    for sign in (first, second):
        made = draw(records(VOCAB))
        child = replace(made, week=week, age_band="0-9", triage=level, warning_signs=(sign,))
        items += [child] * (k - 1)
    return items


@st.composite
def cases(draw: st.DrawFn) -> tuple[list, int]:
    """k, and a store of one of three shapes (each about a third of the examples)."""
    k = draw(st.integers(min_value=5, max_value=8))
    shape = draw(st.sampled_from((everyday, a_few_among_many, a_level_of_two_signs)))
    return draw(shape(k)), k


def _read_back(publication: insights.Publication, fmt: str) -> dict[str, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as folder:
        insights.export(publication, fmt, Path(folder))
        read = (
            (lambda p: pd.read_csv(p, dtype={"shown": str}, keep_default_na=False, na_values=[""]))
            if fmt == "csv"
            else pd.read_parquet
        )
        return {name: read(Path(folder) / f"{name}.{fmt}") for name in publication.views}


def _note(publication: insights.Publication, k: int, size: int) -> None:
    """Record what makes an example worth checking (checked by the last test)."""
    labels = Counter(label for frame in publication.views.values() for label in frame["shown"])
    reasons = publication.withheld.values()
    kinds = {
        "tiny store (1-30 records)": size <= 30,
        "small counts": labels[f"<{k}"] > 0,
        "complementary hiding": labels["hidden"] > 0,
        "a month below k": any(r.startswith("Fewer than") for r in reasons),
        "tables that cannot be shown": any(r.startswith("This month's tables") for r in reasons),
        "nothing published": not publication.months,
    }
    SEEN["examples"] += 1
    for kind, present in kinds.items():
        if present:
            SEEN[kind] += 1
            event(kind)


def _nothing_small_can_be_read_or_derived(case, fmt):
    items, k = case
    store = memory_store(items)
    try:
        publication = insights.publish(store, k, VOCAB, today=TODAY)
    finally:
        store.close()
    _note(publication, k, len(items))
    if not publication.months:
        assert all(frame.empty for frame in publication.views.values())
        return

    assert derivations(publication.views, k, RULES) == [], "from the publication"
    # A withheld month shows its total and nothing else.
    for month in publication.withheld:
        shown = {name for name, rows in publication.month(month).items() if not rows.empty}
        assert shown == {"monthly_totals"}, (month, shown)

    # What the page shows for each month it offers is rows of the views, nothing more.
    for month in publication.months:
        for name, shown in publication.month(month).items():
            view = publication.views[name]
            rows = view[view["month"] == month].drop(columns="month").reset_index(drop=True)
            assert _same(shown, rows), (month, name)

    # The export and the console carry exactly these views, so they cannot tell more.
    exported = _read_back(publication, fmt)
    console = Console(publication.views)
    try:
        held = {name: console.table(name) for name in console.views}
    finally:
        console.close()
    for name, view in publication.views.items():
        assert _same(exported[name], view), f"the {fmt} export of {name}"
        assert _same(held[name], view), f"the console's {name}"


_SETTINGS = {
    "max_examples": examples(EXAMPLES, at_least=40),
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
_CASES = {"case": cases(), "fmt": st.sampled_from(("csv", "parquet"))}
#: The walk whose examples the last-but-one test measures.
MEASURED_SEED = 42

# Random on every run, so each CI run tries new stores. Before suppression.py bounded
# running sums soundly it found the leaks pinned in the last test on some runs.
test_nothing_small_can_be_read_or_derived = settings(**_SETTINGS)(
    given(**_CASES)(_nothing_small_can_be_read_or_derived)
)
# The same property from one seed: the shares of interesting examples are checked on it,
# since on a random seed they vary (hiding in 12-50 % of examples) and would fail by luck;
# its size is fixed too, so the fast profile measures the same walk.
measured_walk = seed(MEASURED_SEED)(
    settings(**{**_SETTINGS, "max_examples": EXAMPLES, "database": None})(
        given(**_CASES)(_nothing_small_can_be_read_or_derived)
    )
)


def _same(got: pd.DataFrame, view: pd.DataFrame) -> bool:
    def text(value: object) -> str:
        if pd.isna(value):
            return ""
        if isinstance(value, float) and value.is_integer():  # CSV reads counts with gaps as floats
            return str(int(value))
        return str(value)

    def cells(frame: pd.DataFrame) -> list[list[str]]:
        return [[text(v) for v in row] for row in frame.values.tolist()]

    return list(got.columns) == list(view.columns) and cells(got) == cells(view)


def test_the_examples_were_worth_checking():
    SEEN.clear()
    measured_walk()
    share = {kind: n / SEEN["examples"] for kind, n in SEEN.items()}
    assert share.get("small counts", 0) >= 0.4, share
    assert share.get("complementary hiding", 0) >= 0.2, share
    assert share.get("tables that cannot be shown", 0) >= 0.15, share
    assert share.get("tiny store (1-30 records)", 0) >= 0.3, share
    assert share.get("a month below k", 0) >= 0.3, share


_CHILD = record(week="2026-W01", age_band="0-9", pain_band="0", triage="see_doctor")
_ADULT = replace(_CHILD, age_band="110-119", triage="self_care")


@pytest.mark.parametrize(
    ("items", "k"),
    [
        (
            [_CHILD] * 10
            + [replace(_ADULT, age_band="20-29")] * 3
            + [_ADULT] * 10
            + [replace(_ADULT, pain_band="7-10")],
            5,
        ),
        (
            [replace(_ADULT, age_band="20-29")] * 25
            + [_CHILD] * 8
            + [replace(_ADULT, age_band="30-39")] * 2,
            8,
        ),
    ],
    ids=["an age band of 3 (k=5)", "a pain cell of 2 (k=8)"],
)
def test_children_who_see_a_doctor_do_not_give_away_a_small_count(items, k):
    store = memory_store(items)
    try:
        publication = insights.publish(store, k, VOCAB, today=TODAY)
    finally:
        store.close()
    assert derivations(publication.views, k, RULES) == []
