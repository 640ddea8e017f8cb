"""The Insights queries at 10 million records: the store against pandas on the raw records.

The records are generated in DuckDB SQL from ``range(n)`` with weighted random
values (a hash of the row number picks from weighted lists, so a seed gives the
same records every time) and written into a plain records table, as a store
from before the rollups would hold them. Opening it with DuckDBStore then
builds the rollups, the path an old store file takes. Each of the four counts
insights.publish() asks for is timed, interleaved with pandas computing the
same aggregate from the raw records held in a DataFrame (loaded before timing,
with the first-ranked cause as a column of its own; list columns exploded as
part of each aggregate). Then the whole publication a page asks for: warm (every
finished month already protected, as on every page run after the first) and
cold (every month protected again), against pandas computing all four counts.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from datetime import date
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from backcare.analytics import insights
from backcare.analytics.store.base import (
    ACTIVITIES,
    AGE_BANDS,
    LIST_COLUMNS,
    NO_CAUSE,
    PAIN_BANDS_ALL,
    TOP_CAUSE,
    Selection,
)
from backcare.analytics.store.duckdb_store import SCHEMA, DuckDBStore
from backcare.assessment.contract import TRIAGE_LEVELS
from backcare.assessment.engine import knowledge_base
from benchmarks.harness import Figure, interleaved, percentile

TARGET_MS = 100
#: The count_by calls of insights.publish(), each over the whole store.
QUERIES: dict[str, tuple[str, ...]] = insights.QUERIES
YEAR = 2025
#: The day the publication is made: every month of YEAR is over.
PUBLISHED_ON = date(YEAR + 1, 1, 20)
SITES = (("clinic-north", "kiosk", 35), ("clinic-south", "kiosk", 25), ("online", "personal", 40))
AGE_WEIGHTS = dict(zip(AGE_BANDS, (1, 6, 20, 22, 18, 14, 9, 4, 2, 1, 0, 0, 3), strict=True))
ACTIVITY_WEIGHTS = dict(zip(ACTIVITIES, (22, 34, 27, 15, 2), strict=True))
PAIN_WEIGHTS = dict(zip(PAIN_BANDS_ALL, (2, 30, 42, 25, 1), strict=True))
TRIAGE_WEIGHTS = dict(zip(TRIAGE_LEVELS, (1, 6, 25, 68), strict=True))
CAUSE_COUNT_WEIGHTS = {0: 8, 1: 17, 2: 25, 3: 50}
#: Per mille of see-a-doctor records that name a checklist sign (others come from answers).
SEE_DOCTOR_SIGN = 600

#: A number from 1 to 1000 for row i and draw k: an index into a weighted pick list.
DRAW = "CREATE TEMP MACRO draw(i, k) AS (1 + hash(i, getvariable('seed'), k) % 1000)::BIGINT"
GENERATE = """
INSERT INTO records
SELECT weeks[w], ages[a], activities[ac], pains[p], levels[lv],
    list_slice([causes[c1], causes[1 + (c1 + d2 - 1) % len(causes)],
                causes[1 + (c1 + d3 - 1) % len(causes)]], 1, cause_counts[nc]),
    CASE levels[lv]
        WHEN 'emergency' THEN [emergency[1 + s % len(emergency)]]
        WHEN 'urgent' THEN [urgent[1 + s % len(urgent)]]
        WHEN 'see_doctor' THEN
            CASE WHEN s2 < $see_doctor_sign THEN [see_doctor[1 + s % len(see_doctor)]]
            ELSE [] END
        ELSE [] END,
    sites[st], modes[st]
FROM (
    -- Integers only here: lists carried through a subquery get copied row by row.
    SELECT weeks_pick[draw(i, 1)] AS w, ages_pick[draw(i, 2)] AS a,
        activities_pick[draw(i, 3)] AS ac, pains_pick[draw(i, 4)] AS p,
        levels_pick[draw(i, 5)] AS lv, cause_counts_pick[draw(i, 6)] AS nc,
        causes_pick[draw(i, 7)] AS c1, sites_pick[draw(i, 8)] AS st,
        -- Offsets 1..m-1 and another one, so that a record's causes are distinct.
        1 + draw(i, 9) % (len(causes) - 1) AS d2,
        1 + (d2 + draw(i, 10) % (len(causes) - 2)) % (len(causes) - 1) AS d3,
        draw(i, 11) AS s, draw(i, 12) AS s2
    FROM range($n) AS t(i), pools
), pools
"""


def _picks(weights: Sequence[float], size: int = 1000) -> list[int]:
    """``size`` 1-based indexes into the weighted values, each as often as its weight says."""
    total, cumulative, picks = sum(weights), 0.0, []
    bounds = []
    for weight in weights:
        cumulative += weight
        bounds.append(cumulative / total)
    for n in range(size):
        picks.append(next(i for i, bound in enumerate(bounds) if (n + 0.5) / size < bound) + 1)
    return picks


def _week_weight(week: int) -> int:
    return 3 if 10 < week < 40 else 1 if week < 3 or week > 50 else 2


def _pools() -> dict[str, object]:
    """The values to draw from, with their weighted pick lists, as query parameters."""
    kb = knowledge_base()
    causes = list(kb.causes)
    signs = {
        level: [w.id for w in kb.warning_signs if w.level == level]
        for level in ("emergency", "urgent", "see_doctor")
    }
    weeks = [f"{YEAR}-W{w:02d}" for w in range(1, 53)]
    pools: dict[str, object] = {
        "weeks": weeks,
        # Busier in spring and summer, quieter around new year.
        "weeks_pick": _picks([_week_weight(w) for w in range(1, 53)]),
        "causes": causes,
        # The commonest explanations (listed first in the knowledge base) come up most.
        "causes_pick": _picks([max(1, 12 - i) for i in range(len(causes))]),
        "sites": [s for s, _, _ in SITES],
        "modes": [m for _, m, _ in SITES],
        "sites_pick": _picks([w for _, _, w in SITES]),
        "cause_counts": list(CAUSE_COUNT_WEIGHTS),
        "cause_counts_pick": _picks(list(CAUSE_COUNT_WEIGHTS.values())),
        **signs,
    }
    for name, weights in (("ages", AGE_WEIGHTS), ("activities", ACTIVITY_WEIGHTS),
                          ("pains", PAIN_WEIGHTS), ("levels", TRIAGE_WEIGHTS)):  # fmt: skip
        pools[name] = list(weights)
        pools[f"{name}_pick"] = _picks(list(weights.values()))
    return pools


def generate(con: duckdb.DuckDBPyConnection, n: int, seed: int = 1) -> None:
    """Write n random records into a bare records table on ``con`` (made if missing)."""
    pools = _pools()
    con.execute(SCHEMA)
    columns = ", ".join(f"${name} AS {name}" for name in pools)
    con.execute(f"CREATE TEMP TABLE pools AS SELECT {columns}", pools)
    con.execute("SET VARIABLE seed = ?", [seed])
    con.execute(DRAW)
    con.execute(GENERATE, {"n": n, "see_doctor_sign": SEE_DOCTOR_SIGN})


def fill(path: Path, n: int, seed: int = 1) -> pd.DataFrame:
    """Write n random records into a bare records table at path; return them as a DataFrame."""
    con = duckdb.connect(str(path))
    try:
        generate(con, n, seed)
        first = f"coalesce(top_causes[1], '{NO_CAUSE}') AS {TOP_CAUSE}"
        return frame(con.sql(f"SELECT *, {first} FROM records").to_arrow_table())
    finally:
        con.close()


def frame(table: pa.Table) -> pd.DataFrame:
    """The records as pandas would sensibly hold ten million of them.

    Scalar columns become ordered categoricals (one byte a value, where Python strings
    would take ~4 GB); sorted categories keep week ranges and sort order as in SQL. The
    list columns stay pyarrow lists (ArrowDtype) instead of millions of Python lists.
    """
    data = {}
    for name in table.column_names:
        column = table[name].combine_chunks()
        if pa.types.is_list(column.type):
            data[name] = pd.arrays.ArrowExtensionArray(column)
            continue
        encoded = column.dictionary_encode()
        values = encoded.dictionary.to_pylist()
        categorical = pd.Categorical.from_codes(encoded.indices.to_numpy(), values)
        data[name] = categorical.reorder_categories(sorted(values), ordered=True)
    return pd.DataFrame(data)


def pandas_count(records: pd.DataFrame, columns: tuple[str, ...], selection: Selection) -> list:
    """count_by's rows, computed by pandas from the raw records."""
    mask = pd.Series(True, index=records.index)
    if selection.first_week is not None:
        mask &= records["week"] >= selection.first_week
    if selection.last_week is not None:
        mask &= records["week"] <= selection.last_week
    for name in ("site_id", "activity", "age_band"):
        if getattr(selection, name) is not None:
            mask &= records[name] == getattr(selection, name)
    if not columns:
        return [(int(mask.sum()),)]
    element = next((c for c in columns if c in LIST_COLUMNS), None)
    picked = records.loc[mask, [LIST_COLUMNS.get(c, c) for c in columns]]
    if element is not None:
        picked = picked.explode(LIST_COLUMNS[element]).dropna(subset=[LIST_COLUMNS[element]])
        picked = picked.rename(columns={LIST_COLUMNS[element]: element})
    counts = picked.groupby(list(columns), observed=True, sort=True).size()
    return [(*(key if isinstance(key, tuple) else (key,)), int(n)) for key, n in counts.items()]


def _figure(name: str, ours: list[float], theirs: list[float], target: bool = True) -> Figure:
    p50 = percentile(ours, 50) * 1000
    return Figure(
        f"insights_{name}_p50", p50, "ms", percentile(theirs, 50) * 1000,
        f"p50 <= {TARGET_MS} ms" if target else "–", p50 <= TARGET_MS if target else None,
    )  # fmt: skip


def run(quick: bool) -> list[Figure]:
    size, repeats = (200_000, 5) if quick else (10_000_000, 5)
    figures = []
    vocab = insights.vocabulary(knowledge_base())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "insights.duckdb"
        start = time.perf_counter()
        records = fill(path, size)
        filled = time.perf_counter()
        store = DuckDBStore(path)  # a records-only file: the store builds its rollups
        opened = time.perf_counter()
        print(
            f"  {size:,} records generated and loaded in {filled - start:.1f} s; "
            f"rollups built at open in {opened - filled:.1f} s",
            flush=True,
        )
        try:
            for name, columns in QUERIES.items():
                ours = partial(_count, store, columns)
                theirs = partial(_pandas, records, columns)
                if ours(None) != theirs(None):  # else the comparison means nothing
                    raise AssertionError(f"store and pandas disagree on {name}")
                mine, baseline = interleaved(ours, theirs, [None] * repeats, warmup=1)
                figures.append(_figure(name, mine, baseline))
            all_counts = partial(_pandas_all, records)
            warm = partial(_publish, store, vocab, False)
            mine, baseline = interleaved(warm, all_counts, [None] * repeats, warmup=1)
            figures.append(_figure("publish", mine, baseline, target=False))
            cold = partial(_publish, store, vocab, True)
            mine, baseline = interleaved(cold, all_counts, [None] * 3, warmup=0)
            figures.append(_figure("publish_cold", mine, baseline, target=False))
        finally:
            store.close()
    return figures


def _count(store: DuckDBStore, columns: tuple[str, ...], _: object) -> list:
    return store.count_by(columns)


def _pandas(records: pd.DataFrame, columns: tuple[str, ...], _: object):
    return pandas_count(records, columns, Selection())


def _pandas_all(records: pd.DataFrame, _: object) -> list:
    return [pandas_count(records, columns, Selection()) for columns in QUERIES.values()]


def _publish(store: DuckDBStore, vocab: insights.Vocabulary, cold: bool, _: object) -> object:
    if cold:
        insights.forget()
    return insights.publish(store, 11, vocab, today=PUBLISHED_ON)
