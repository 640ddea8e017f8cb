"""The SQL console: one read-only SELECT over the k-safe views; everything else refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from backcare.analytics.console import Console, Refused

VIEWS = {
    "weekly_totals": pd.DataFrame(
        {
            "week": ["2026-W01", "2026-W02", "2026-W03"],
            "n": pd.array([25, None, 14], dtype="Int64"),
            "shown": ["25", "<11", "14"],
        }
    ),
    "overall": pd.DataFrame({"n": pd.array([45], dtype="Int64"), "shown": ["45"]}),
}
#: Files a hostile query might try to create; none may exist afterwards.
TARGET = Path("/tmp/backcare-console-target")


@pytest.fixture
def console():
    opened = Console(VIEWS, row_limit=5, time_limit=0.5)
    yield opened
    opened.close()


def _contents(console: Console) -> dict[str, list]:
    return {name: console.table(name).astype(str).values.tolist() for name in console.views}


def test_a_select_over_the_views_runs(console):
    result = console.run("SELECT week, n FROM weekly_totals WHERE n IS NOT NULL ORDER BY week")
    assert result.frame.to_dict("list") == {"week": ["2026-W01", "2026-W03"], "n": [25, 14]}
    assert not result.truncated


@pytest.mark.parametrize(
    "sql",
    [
        "select sum(n) AS shown_total from weekly_totals;",
        "WITH t AS (SELECT * FROM weekly_totals) SELECT count(*) FROM t",
        "FROM weekly_totals SELECT week ORDER BY week DESC LIMIT 1",
        "SELECT o.n - sum(w.n) FROM overall o, weekly_totals w GROUP BY o.n",
        "SELECT * FROM weekly_totals w JOIN (SELECT 1 AS one) s ON true",
        "VALUES (1, 'a')",
        "SELECT unnest([1, 2, 3]) AS x",
    ],
)
def test_ordinary_analysis_queries_are_fine(console, sql):
    assert isinstance(console.run(sql).frame, pd.DataFrame)


def test_results_stop_at_the_row_limit(console):
    result = console.run("SELECT * FROM weekly_totals a, weekly_totals b")
    assert len(result.frame) == 5 and result.truncated
    assert list(result.frame.columns) == ["week", "n", "shown", "week_2", "n_2", "shown_2"]


HOSTILE = [
    # reading files and listing directories
    ("SELECT * FROM read_csv('/etc/passwd')", "Table functions"),
    ("SELECT * FROM read_csv_auto('/etc/passwd')", "Table functions"),
    ("SELECT * FROM read_text('/etc/passwd')", "Table functions"),
    ("SELECT * FROM read_blob('/etc/shadow')", "Table functions"),
    ("SELECT * FROM read_parquet('/tmp/*.parquet')", "Table functions"),
    ("SELECT * FROM read_json('/etc/hosts')", "Table functions"),
    ("SELECT * FROM glob('/etc/*')", "Table functions"),
    ("SELECT * FROM '/etc/passwd'", "no view called '/etc/passwd'"),
    ("SELECT * FROM 'data/causes.csv'", "no view called"),
    ("SELECT * FROM parquet_metadata('x.parquet')", "Table functions"),
    # writing files and other databases
    (f"COPY weekly_totals TO '{TARGET}.csv'", "COPY statements are refused"),
    (f"COPY (SELECT 1) TO '{TARGET}.parquet' (FORMAT parquet)", "COPY statements are refused"),
    (f"EXPORT DATABASE '{TARGET}'", "EXPORT statements are refused"),
    (f"ATTACH '{TARGET}.duckdb' AS other", "ATTACH statements are refused"),
    ("ATTACH 'var/backcare.duckdb' (READ_ONLY)", "ATTACH statements are refused"),
    ("DETACH memory", "DETACH statements are refused"),
    ("USE system", "SET statements are refused"),
    # extensions, settings, pragmas, calls
    ("INSTALL httpfs", "LOAD statements are refused"),
    ("LOAD httpfs", "LOAD statements are refused"),
    ("PRAGMA show_tables", "PRAGMA statements are refused"),
    ("PRAGMA enable_profiling", "PRAGMA statements are refused"),
    ("SET enable_external_access = true", "SET statements are refused"),
    ("RESET lock_configuration", "SET statements are refused"),
    ("CALL duckdb_settings()", "CALL statements are refused"),
    ("CHECKPOINT", "CALL statements are refused"),
    ("SELECT * FROM duckdb_settings()", "Table functions"),
    ("SELECT * FROM duckdb_secrets()", "Table functions"),
    ("SELECT * FROM duckdb_tables()", "Table functions"),
    ("SELECT current_setting('memory_limit')", "current_setting() is not available"),
    ("SELECT getenv('HOME')", "getenv() is not available"),
    ("SELECT getvariable('x')", "getvariable() is not available"),
    ("SELECT * FROM query('SELECT 1')", "Table functions"),
    ("SELECT * FROM query_table('weekly_totals')", "Table functions"),
    # definitions and changes
    ("CREATE TABLE stolen AS SELECT * FROM weekly_totals", "CREATE statements are refused"),
    ("CREATE MACRO f() AS 1", "CREATE statements are refused"),
    ("DROP TABLE weekly_totals", "DROP statements are refused"),
    ("ALTER TABLE weekly_totals RENAME TO x", "ALTER statements are refused"),
    ("INSERT INTO weekly_totals VALUES ('2026-W04', 3, '3')", "INSERT statements are refused"),
    ("UPDATE weekly_totals SET n = 3", "UPDATE statements are refused"),
    ("DELETE FROM weekly_totals", "DELETE statements are refused"),
    ("TRUNCATE weekly_totals", "DELETE statements are refused"),
    ("VACUUM", "VACUUM statements are refused"),
    # several statements, or a write hidden behind a read
    ("SELECT 1; DROP TABLE weekly_totals", "One query at a time"),
    ("SELECT * FROM weekly_totals; SELECT * FROM overall", "One query at a time"),
    ("EXPLAIN SELECT * FROM weekly_totals", "EXPLAIN statements are refused"),
    ("DESCRIBE weekly_totals", "DESCRIBE, SHOW and SUMMARIZE"),
    ("SUMMARIZE weekly_totals", "DESCRIBE, SHOW and SUMMARIZE"),
    ("SHOW ALL TABLES", "DESCRIBE, SHOW and SUMMARIZE"),
    # the record table, and tables behind the views
    ("SELECT * FROM records", "individual records is never available"),
    ("SELECT count(*) FROM weekly_totals JOIN records ON true", "individual records"),
    ("WITH r AS (SELECT * FROM RECORDS) SELECT * FROM r", "individual records"),
    ("SELECT * FROM main.weekly_totals", "plain names"),
    ("SELECT * FROM information_schema.tables", "plain names"),
    ("SELECT * FROM pg_catalog.pg_class", "plain names"),
    ("SELECT * FROM sqlite_master", "no view called 'sqlite_master'"),
    ("SELECT * FROM weekly_totals AT (VERSION => 1)", "Time travel"),
    # wasting the server
    ("SELECT sleep_ms(60000)", "sleep_ms() is not available"),
    ("SELECT * FROM range(1000000000000)", "Table functions"),
    ("SELECT * FROM generate_series(1, 1000000000000)", "Table functions"),
    (
        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r",
        "was stopped",
    ),
    (
        "SELECT count(*) FROM " + ", ".join(f"weekly_totals t{i}" for i in range(40)),
        "was stopped",
    ),
    # nonsense
    ("", "Type a SELECT"),
    ("   ;  ", "Type a SELECT"),
    ("SELEKT * FROM weekly_totals", "not valid SQL"),
    ("SELECT * FROM weekly_totals WHERE", "not valid SQL"),
    ("SELECT " + "1 + " * 5000 + "1", "longer than"),
]


@pytest.mark.parametrize(("sql", "message"), HOSTILE, ids=[sql[:50] for sql, _ in HOSTILE])
def test_hostile_input_is_refused_with_a_message_and_changes_nothing(console, sql, message):
    before = _contents(console)
    with pytest.raises(Refused, match=None) as refused:
        console.run(sql)
    assert message in str(refused.value)
    assert _contents(console) == before
    assert console.setting("enable_external_access") == "False"
    assert console.setting("lock_configuration") == "True"
    assert not any(TARGET.parent.glob(TARGET.name + "*"))
    # The console still works afterwards.
    assert console.run("SELECT count(*) AS weeks FROM weekly_totals").frame["weeks"][0] == 3


def test_at_least_thirty_hostile_inputs_are_checked():
    assert len(HOSTILE) >= 30


def test_even_a_query_past_the_checks_cannot_read_files(console):
    """Defence in depth: skip the checks, and DuckDB itself still refuses file access."""
    cursor = console._con.cursor()
    with pytest.raises(Exception, match="disabled by configuration"):
        cursor.execute("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(Exception, match="locked"):
        cursor.execute("SET enable_external_access = true")
    cursor.close()


def test_the_console_never_holds_a_record_table():
    with pytest.raises(ValueError, match="cannot be a console view"):
        Console({"records": VIEWS["overall"]})
    with pytest.raises(ValueError, match="cannot be a console view"):
        Console({"x; DROP TABLE y": VIEWS["overall"]})
