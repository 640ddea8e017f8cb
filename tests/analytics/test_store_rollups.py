"""The rollups: whatever was folded and whatever was not, counts equal those of the raw records."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.analytics.record import AnonymousRecord
from backcare.analytics.store.base import COLUMNS, LIST_COLUMNS, NO_CAUSE, TOP_CAUSE, Selection
from backcare.analytics.store.duckdb_store import SCHEMA, STATE, TAIL, DuckDBStore
from backcare.analytics.store.queries import ROLLUPS, count_sql, rollup_sql
from tests.profiles import examples

WEEKS = ("2026-W01", "2026-W02", "2026-W03", "2026-W52")
AGES = ("20-29", "30-39", "unknown")
ACTIVITIES = ("running", "stretching", "unknown")
SITES = ("clinic-a", "clinic-b", "online")
CAUSES = ("muscle_strain", "running_impact", "tight_muscles", "disc_problem")
SIGNS = ("fever", "night_pain", "severe_pain")
#: The counts insights.publish() asks for.
INSIGHTS_QUERIES = (
    ("week", "site_id", "triage"),
    ("week", "age_band", "pain_band"),
    ("week", "activity", "top_cause"),
    ("week", "warning_sign"),
)

records = st.builds(
    AnonymousRecord,
    week=st.sampled_from(WEEKS),
    age_band=st.sampled_from(AGES),
    activity=st.sampled_from(ACTIVITIES),
    pain_band=st.sampled_from(("0", "1-3", "4-6", "unknown")),
    triage=st.sampled_from(("urgent", "see_doctor", "self_care")),
    top_causes=st.lists(st.sampled_from(CAUSES), unique=True, max_size=3).map(tuple),
    warning_signs=st.lists(st.sampled_from(SIGNS), unique=True, max_size=2).map(
        lambda signs: tuple(sorted(signs))
    ),
    site_id=st.sampled_from(SITES),
    mode=st.sampled_from(("personal", "kiosk")),
)


@st.composite
def selections(draw: st.DrawFn) -> Selection:
    def maybe(values: tuple[str, ...]) -> str | None:
        return draw(st.one_of(st.none(), st.sampled_from(values)))

    return Selection(maybe(WEEKS), maybe(WEEKS), maybe(SITES), maybe(ACTIVITIES), maybe(AGES))


@st.composite
def column_lists(draw: st.DrawFn) -> tuple[str, ...]:
    """Any columns count_by accepts: scalars in any order, at most one list column among them."""
    columns = draw(st.lists(st.sampled_from((*COLUMNS, TOP_CAUSE)), unique=True, max_size=3))
    element = draw(st.one_of(st.none(), st.sampled_from(sorted(LIST_COLUMNS))))
    if element is not None:
        columns.insert(draw(st.integers(0, len(columns))), element)
    return tuple(columns)


def selected(record: AnonymousRecord, selection: Selection) -> bool:
    return (
        (selection.first_week is None or record.week >= selection.first_week)
        and (selection.last_week is None or record.week <= selection.last_week)
        and all(
            getattr(selection, name) in (None, getattr(record, name))
            for name in ("site_id", "activity", "age_band")
        )
    )


def _field(record: AnonymousRecord, column: str) -> str:
    if column == TOP_CAUSE:  # the cause ranked first, written out here without the store's SQL
        return record.top_causes[0] if record.top_causes else NO_CAUSE
    return getattr(record, column)


def expected(items: list[AnonymousRecord], columns: tuple[str, ...], selection: Selection):
    """count_by's answer worked out in plain Python, straight from the records."""
    counts: Counter[tuple] = Counter()
    element = next((c for c in columns if c in LIST_COLUMNS), None)
    for record in items:
        if not selected(record, selection):
            continue
        for value in getattr(record, LIST_COLUMNS[element]) if element else (None,):
            counts[tuple(value if c == element else _field(record, c) for c in columns)] += 1
    if not columns:
        return [(sum(counts.values()),)]
    return [(*key, n) for key, n in sorted(counts.items())]


def assert_in_step(con: duckdb.DuckDBPyConnection) -> None:
    """Every rollup holds exactly the counts of the records below the mark.

    All read in one transaction: the writer may fold in between two statements.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        for rollup in ROLLUPS:
            names = ", ".join(rollup.columns)
            rows = "rowid < (SELECT folded FROM rollup_state)"
            if rollup.element:
                unnest = f"unnest({LIST_COLUMNS[rollup.element]}) AS {rollup.element}"
                source = f"(SELECT *, {unnest} FROM records WHERE {rows})"
            else:
                first = f"coalesce(top_causes[1], '{NO_CAUSE}') AS {TOP_CAUSE}"
                source = f"(SELECT *, {first} FROM records WHERE {rows})"
            raw = con.execute(
                f"SELECT {names}, count(*) FROM {source} GROUP BY ALL ORDER BY ALL"
            ).fetchall()
            kept = con.execute(f"SELECT {names}, n FROM {rollup.table} ORDER BY ALL").fetchall()
            assert kept == raw, rollup.table
    finally:
        con.execute("ROLLBACK")


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    first=st.lists(records, max_size=30),
    second=st.lists(records, max_size=30),
    fold_at=st.integers(1, 40),
    questions=st.lists(st.tuples(column_lists(), selections()), min_size=1, max_size=8),
)
def test_counts_equal_those_of_the_raw_records_folded_or_not(
    backend, first, second, fold_at, questions
):
    where = backend.fresh()
    store = where.open_folding_often(fold_at)
    try:
        store.submit_many(first)
        where.fold(store)
        store.submit_many(second)
        items = first + second
        insights = [(query, selection) for query in INSIGHTS_QUERIES for _, selection in questions]
        for columns, selection in questions + insights:
            assert store.count_by(columns, selection) == expected(items, columns, selection)
        if isinstance(store, DuckDBStore):
            assert_in_step(store._con.cursor())
    finally:
        store.close()


def test_every_insights_query_is_answered_from_a_rollup():
    for columns in INSIGHTS_QUERIES:
        narrowed = Selection(site_id="x", first_week="2026-W01")
        assert rollup_sql(columns, narrowed, tail_table="records", tail_rows=TAIL) is not None
        # Over the whole store, from a rollup of exactly that count, whatever the store's size.
        sql, _ = rollup_sql(columns, Selection(), tail_table="records", tail_rows=TAIL)
        assert " FROM counts " not in sql and "FROM week_" in sql, sql


RECORD = AnonymousRecord(
    "2026-W02", "30-39", "running", "4-6", "urgent", ("running_impact", "muscle_strain"),
    ("fever",), "clinic-a", "kiosk",
)  # fmt: skip


def _old_layout_file(path: Path, items: list[AnonymousRecord]) -> None:
    """A store file as written before the rollups existed: the records table only."""
    con = duckdb.connect(str(path))
    con.execute(SCHEMA)
    con.executemany(
        "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (r.week, r.age_band, r.activity, r.pain_band, r.triage, list(r.top_causes),
             list(r.warning_signs), r.site_id, r.mode)
            for r in items
        ],
    )  # fmt: skip
    con.close()


def test_a_file_from_before_the_rollups_opens_with_correct_counts(tmp_path):
    path = tmp_path / "old.duckdb"
    items = [
        RECORD,
        replace(RECORD, week="2026-W03", top_causes=(), warning_signs=()),
        replace(RECORD, activity="stretching", site_id="clinic-b", top_causes=("tight_muscles",)),
    ] * 5
    _old_layout_file(path, items)
    store = DuckDBStore(path)
    try:
        for columns in (*INSIGHTS_QUERIES, ()):
            for selection in (Selection(), Selection(site_id="clinic-a", last_week="2026-W02")):
                assert store.count_by(columns, selection) == expected(items, columns, selection)
        cursor = store._con.cursor()
        assert cursor.execute(f"SELECT folded FROM {STATE}").fetchall() == [(len(items),)]
        assert_in_step(cursor)
        store.submit(RECORD)
        assert len(store) == len(items) + 1
    finally:
        store.close()


def test_rollups_of_another_layout_are_rebuilt_from_the_records(tmp_path):
    path = tmp_path / "store.duckdb"
    store = DuckDBStore(path, fold_at=1)
    store.submit_many([RECORD] * 4)
    store.close()
    con = duckdb.connect(str(path))
    con.execute(f"UPDATE {STATE} SET layout = layout - 1")
    con.execute("UPDATE counts SET n = 99")
    con.close()
    store = DuckDBStore(path)
    try:
        assert store.count_by(("week",)) == [("2026-W02", 4)]
        assert_in_step(store._con.cursor())
    finally:
        store.close()


def test_the_raw_reference_counts_a_few_records_as_the_rollups_do(tmp_path):
    """count_sql is the reference the rollups are checked against (and the benchmarks' raw
    count): a quick, literal check of it, with and without columns, beside count_by."""
    store = DuckDBStore(tmp_path / "store.duckdb", fold_at=2)
    store.submit_many(
        [RECORD, replace(RECORD, site_id="clinic-b"), replace(RECORD, week="2026-W03")]
    )
    try:
        for columns, selection, counts in (
            ((), Selection(), [(3,)]),
            ((), Selection(site_id="clinic-b"), [(1,)]),
            (("week", "site_id"), Selection(), [
                ("2026-W02", "clinic-a", 1), ("2026-W02", "clinic-b", 1),
                ("2026-W03", "clinic-a", 1),
            ]),
            (("week",), Selection(first_week="2026-W03"), [("2026-W03", 1)]),
        ):  # fmt: skip
            assert store._con.execute(*count_sql(columns, selection)).fetchall() == counts
            assert store.count_by(columns, selection) == counts
    finally:
        store.close()
