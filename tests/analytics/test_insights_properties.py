"""Over random stores and random filters, no count from 1 to k−1 can be read or worked out.

Not from the page's views, and so not from the export read back from disk or the
console's tables, which must hold exactly those views (the charts carry only view
numbers too: tests/test_insights.py checks that). The onlooker in
tests/kanon_attack.py reads every number, subtracts shown counts from totals, and
searches over whole numbers for anything the totals and warning-sign links pin down.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from backcare.analytics import insights
from backcare.analytics.console import Console
from backcare.analytics.store.base import Selection
from backcare.assessment.contract import TRIAGE_LEVELS
from backcare.assessment.engine import knowledge_base
from tests.analytics.insights_data import memory_store, records
from tests.analytics.kanon_attack import derivations

VOCAB = insights.vocabulary(knowledge_base())


@st.composite
def selections(draw: st.DrawFn) -> Selection:
    weeks = ["2026-W01", "2026-W02", "2026-W03", "2026-W04", "2026-W05"]
    first = draw(st.one_of(st.none(), st.sampled_from(weeks)))
    last = draw(st.one_of(st.none(), st.sampled_from([w for w in weeks if w >= (first or "")])))
    return Selection(
        first_week=first,
        last_week=last,
        site_id=draw(st.sampled_from([None, None, None, "clinic-a", "clinic-b"])),
        activity=draw(st.sampled_from([None, None, None, "running", "stretching"])),
        age_band=draw(st.sampled_from([None, None, None, None, "30-39", "unknown"])),
    )


@st.composite
def groups_of_records(draw: st.DrawFn) -> list:
    """A store as a few kinds of record, each several times: counts cluster as in real data."""
    kinds = draw(st.lists(records(VOCAB), min_size=1, max_size=14))
    copies = draw(st.lists(st.integers(1, 16), min_size=len(kinds), max_size=len(kinds)))
    return [item for item, n in zip(kinds, copies, strict=True) for _ in range(n)]


def _leaks(views: dict[str, pd.DataFrame], k: int) -> list[str]:
    return derivations(
        views, k, VOCAB.sign_levels, VOCAB.complete_levels, TRIAGE_LEVELS, VOCAB.age_floors
    )


def _read_back(report: insights.Report, fmt: str) -> dict[str, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as folder:
        insights.export(report, fmt, Path(folder))
        read = (
            (lambda p: pd.read_csv(p, dtype={"shown": str}, keep_default_na=False, na_values=[""]))
            if fmt == "csv"
            else pd.read_parquet
        )
        return {name: read(Path(folder) / f"{name}.{fmt}") for name in report.views}


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    items=groups_of_records(),
    k=st.integers(min_value=5, max_value=8),
    selection=selections(),
    fmt=st.sampled_from(insights.EXPORT_FORMATS),
)
def test_nothing_small_can_be_read_or_derived(items, k, selection, fmt):
    store = memory_store(items)
    try:
        report = insights.build(store, selection, k, VOCAB)
    finally:
        store.close()
    if report.withheld:
        assert report.views == {}
        event("cannot protect" if "cannot be shown" in report.withheld else "nothing shown")
        return
    labels = set().union(*(set(frame["shown"]) for frame in report.views.values()))
    event(f"small counts: {f'<{k}' in labels}, complementary hiding: {'hidden' in labels}")

    assert _leaks(report.views, k) == [], "from the page's views"

    # The export and the console carry exactly these views, so they cannot tell more.
    exported = _read_back(report, fmt)
    console = Console(report.views)
    try:
        held = {name: console.table(name) for name in console.views}
    finally:
        console.close()
    for name, view in report.views.items():
        assert _same(exported[name], view), f"the {fmt} export of {name}"
        assert _same(held[name], view), f"the console's {name}"


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
