"""Over random stores, no count from 1 to k−1 can be read or worked out from the publication.

Not from the views, and so not from the export read back from disk or the console's
tables, which must hold exactly those views, nor from what the page shows for any month
it offers, which must be rows of those views (the charts carry only view numbers too:
tests/analytics/test_insights.py checks that). The onlooker in tests/analytics/
kanon_attack.py reads every number, subtracts shown counts from totals, and solves the
whole publication for every small count.

The stores are built so that the examples are worth checking: a few kinds of record,
each repeated (counts cluster as in real data), often few enough (1–30 records) for
months below k, and hypothesis is steered towards examples with many small and hidden
counts. The last test checks that the examples really went there.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st

from backcare.analytics import insights
from backcare.analytics.console import Console
from backcare.assessment.contract import TRIAGE_LEVELS
from backcare.assessment.engine import knowledge_base
from tests.analytics.insights_data import TODAY, memory_store, records
from tests.analytics.kanon_attack import PublicRules, derivations

VOCAB = insights.vocabulary(knowledge_base())
RULES = PublicRules.of(VOCAB, TRIAGE_LEVELS)
EXAMPLES = 80
#: What the examples contained, filled in by the property and checked by the last test.
SEEN: Counter[str] = Counter()


@st.composite
def stores(draw: st.DrawFn) -> list:
    """A store as a few kinds of record, each several times; a third of them tiny."""
    kinds = draw(st.lists(records(VOCAB), min_size=1, max_size=14))
    most = draw(st.sampled_from((2, 16, 16)))  # up to ~30 records, or up to ~220
    copies = draw(st.lists(st.integers(1, most), min_size=len(kinds), max_size=len(kinds)))
    return [item for item, n in zip(kinds, copies, strict=True) for _ in range(n)]


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
    """Record (and steer towards) what makes an example worth checking."""
    labels = Counter(label for frame in publication.views.values() for label in frame["shown"])
    kinds = {
        "tiny store (1-30 records)": size <= 30,
        "small counts": labels[f"<{k}"] > 0,
        "complementary hiding": labels["hidden"] > 0,
        "a month below k": any(r.startswith("Fewer than") for r in publication.withheld.values()),
        "nothing published": not publication.months,
    }
    SEEN["examples"] += 1
    for kind, present in kinds.items():
        if present:
            SEEN[kind] += 1
            event(kind)
    target(float(labels[f"<{k}"]), label="small counts")
    target(float(labels["hidden"]), label="hidden counts")


# Derandomized: the steering through `target` sometimes settles on stores with no hidden
# counts at all (one seed in six gave 4 % instead of ~50 %), and the last test would then
# fail for the generator's luck, not for the publication. A fixed walk keeps that check
# meaningful; the attack itself is the same on every example.
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    items=stores(), k=st.integers(min_value=5, max_value=8), fmt=st.sampled_from(("csv", "parquet"))
)
def nothing_small_can_be_read_or_derived(items, k, fmt):
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


def test_nothing_small_can_be_read_or_derived_and_the_examples_were_worth_it():
    SEEN.clear()
    nothing_small_can_be_read_or_derived()
    share = {kind: n / SEEN["examples"] for kind, n in SEEN.items()}
    assert share["small counts"] >= 0.6, share
    assert share["complementary hiding"] >= 0.25, share  # the fixed walk gives 0.29
    assert share["tiny store (1-30 records)"] >= 0.15, share
    assert share["a month below k"] >= 0.15, share
