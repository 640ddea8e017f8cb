"""The SQL console: one read-only SELECT over the k-safe views; everything else refused.

The checks are tried in this process against DuckDB's own parser (fast, one per
hostile input); what only a run can show (time, memory, rows, what the sandbox
holds) goes through a real sandbox process, and each time the process that asked
(the server, here the test) must still be alive with its memory where it was.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from backcare.analytics import console as console_module
from backcare.analytics.console import Console, Refused
from backcare.analytics.console_sandbox import check, sandbox_connection
from tests.live_server import rss_mb

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
NAMES = tuple(VIEWS)
#: Files a hostile query might try to create; none may exist afterwards.
TARGET = Path("/tmp/backcare-console-target")
#: How much the asking process may grow over a run of hostile queries.
RSS_SLACK_MB = 30


@pytest.fixture(scope="module")
def parser(tmp_path_factory: pytest.TempPathFactory):
    """A DuckDB set up as the sandbox sets up its own, in this process: for the checks
    alone, so each hostile input costs milliseconds (nothing is run here)."""
    con = sandbox_connection(str(tmp_path_factory.mktemp("sandbox")))
    for name, frame in VIEWS.items():
        con.register("incoming", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    yield con
    con.close()


@pytest.fixture
def console():
    opened = Console(VIEWS, row_limit=5, time_limit=2.0)
    yield opened
    opened.close()


def _refusal(parser: duckdb.DuckDBPyConnection, sql: str) -> str:
    with pytest.raises(Refused) as refused:
        check(parser, sql, NAMES)
    return str(refused.value)


# --- ordinary use, through the sandbox ----------------------------------------------------------


def test_a_select_over_the_views_runs(console):
    result = console.run("SELECT week, n FROM weekly_totals WHERE n IS NOT NULL ORDER BY week")
    assert result.frame.to_dict("list") == {"week": ["2026-W01", "2026-W03"], "n": [25, 14]}
    assert str(result.frame["n"].dtype) == "Int64"
    assert not result.truncated


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("select sum(n) AS shown_total from weekly_totals;", {"shown_total": [39]}),
        ("WITH t AS (SELECT * FROM weekly_totals) SELECT count(*) AS c FROM t", {"c": [3]}),
        ("FROM weekly_totals SELECT week ORDER BY week DESC LIMIT 1", {"week": ["2026-W03"]}),
        ("SELECT o.n - sum(w.n) AS d FROM overall o, weekly_totals w GROUP BY o.n", {"d": [6]}),
        ("VALUES (1, 'a')", {"col0": [1], "col1": ["a"]}),
        ("SELECT unnest([1, 2, 3]) AS x", {"x": [1, 2, 3]}),
        # A CTE may hide a view inside its own query.
        ("WITH overall AS (SELECT 7 AS n) SELECT n FROM overall", {"n": [7]}),
        (
            "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 4) "
            "SELECT sum(i) AS s FROM r",
            {"s": [10]},
        ),
        ("SELECT " + " + ".join(["n"] * 30) + " AS big FROM overall", {"big": [1350]}),
    ],
)
def test_ordinary_analysis_queries_are_fine(console, sql, expected):
    assert console.run(sql).frame.to_dict("list") == expected


def test_a_view_cut_from_a_larger_table_has_its_own_columns_only():
    """A view taken out of a bigger frame keeps row labels like 3 and 7; they are not data,
    and never become a column an analyst sees. Unsigned whole numbers stay whole."""
    weeks = pd.DataFrame(
        {"week": ["2026-W01", "2026-W02", "2026-W03"], "n": pd.array([25, 12, 14], "UInt16")}
    ).iloc[[0, 2]]
    console = Console({"some_weeks": weeks}, time_limit=30.0)
    table = console.table("some_weeks")
    assert table.to_dict("list") == {"week": ["2026-W01", "2026-W03"], "n": [25, 14]}
    assert table.index.tolist() == [0, 1]
    assert str(table["n"].dtype) == "UInt16"
    frame = console.run("SELECT *, CAST(n AS UTINYINT) AS small FROM some_weeks").frame
    assert list(frame.columns) == ["week", "n", "small"]
    assert (str(frame["n"].dtype), str(frame["small"].dtype)) == ("UInt16", "UInt8")
    assert frame["small"].tolist() == [25, 14]


def test_a_view_reads_back_as_it_was_given_and_only_views_can_be_read():
    console = Console(VIEWS)
    for name, frame in VIEWS.items():
        pd.testing.assert_frame_equal(console.table(name), frame)
    with pytest.raises(KeyError) as missing:
        console.table("records")
    assert missing.value.args == ("records",)


def test_results_stop_at_the_row_limit(console):
    result = console.run("SELECT * FROM weekly_totals a, weekly_totals b")
    assert len(result.frame) == 5 and result.truncated
    assert list(result.frame.columns) == ["week", "n", "shown", "week_1", "n_1", "shown_1"]


def test_only_the_rows_shown_are_ever_built(console):
    """3^25 rows (8.5e11) would take hours; the first six take no time at all."""
    joined = ", ".join(f"weekly_totals t{i}" for i in range(25))
    result = console.run(f"SELECT t0.week, t24.n FROM {joined}")
    assert len(result.frame) == 5 and result.truncated


# --- the checks, against DuckDB's parser --------------------------------------------------------

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
    ("SELECT pg_get_viewdef('weekly_totals')", "pg_get_viewdef() is not available"),
    ("SELECT * FROM query('SELECT 1')", "Table functions"),
    ("SELECT * FROM query_table('weekly_totals')", "Table functions"),
    ("SELECT ?", "Parameters"),
    ("SELECT n FROM overall WHERE n > $1", "Parameters"),
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
    # nonsense
    ("", "Type a SELECT"),
    ("   ;  ", "Type a SELECT"),
    ("SELEKT * FROM weekly_totals", "not valid SQL"),
    ("SELECT * FROM weekly_totals WHERE", "not valid SQL"),
    ("SELECT " + "1 + " * 5000 + "1", "longer than"),
]

#: A CTE named like a system view is a name in its own WITH only: everywhere else the
#: name must be a view, or DuckDB would resolve it in its catalog (issue 13).
SCOPES = [
    "SELECT * FROM pg_settings, (WITH pg_settings AS (SELECT 1) SELECT * FROM pg_settings) x",
    "SELECT * FROM (WITH pg_settings AS (SELECT 1) SELECT 1) x, pg_settings",
    "SELECT (WITH duckdb_views AS (SELECT 1) SELECT 1), * FROM duckdb_views",
    "SELECT * FROM weekly_totals WHERE EXISTS (WITH pg_tables AS (SELECT 1) SELECT 1) "
    "UNION ALL SELECT * FROM pg_tables",
    "WITH a AS (SELECT * FROM pg_settings) SELECT * FROM a",
    "WITH pg_settings AS (SELECT * FROM pg_settings) SELECT * FROM pg_settings",
    "WITH x AS (SELECT * FROM duckdb_columns), duckdb_columns AS (SELECT 1) SELECT * FROM x",
    "WITH RECURSIVE pg_views AS (SELECT * FROM pg_views) SELECT * FROM pg_views",
    "SELECT * FROM information_schema_tables",
    "SELECT * FROM duckdb_tables",
]


@pytest.mark.parametrize(("sql", "message"), HOSTILE, ids=[sql[:50] for sql, _ in HOSTILE])
def test_hostile_input_is_refused_with_a_message(parser, sql, message):
    assert message in _refusal(parser, sql)


@pytest.mark.parametrize("sql", SCOPES, ids=[sql[:60] for sql in SCOPES])
def test_names_resolve_scope_by_scope(parser, sql):
    assert "There is no view called" in _refusal(parser, sql)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT " + " + ".join(["1"] * 450),
        "SELECT " + " || ".join(["'a'"] * 450),
        "SELECT " + "CASE WHEN 1=1 THEN " * 400 + "1" + " END" * 400,
        "SELECT " + "abs(" * 400 + "1" + ")" * 400,
        "SELECT " + "(SELECT " * 300 + "1" + ")" * 300,
    ],
    ids=[
        "sum of 450 terms",
        "450 concatenations",
        "400 nested CASE",
        "400 nested calls",
        "300 nested subqueries",
    ],
)
def test_deeply_nested_queries_get_a_refusal_not_a_recursion_error(parser, sql):
    assert "nested too deeply" in _refusal(parser, sql)


# --- what only a run shows, through the sandbox -------------------------------------------------

#: Scalar functions that build huge lists or strings outside DuckDB's memory limit.
MEMORY_HOGS = [
    "SELECT list_sort(range(200000000)) AS x",
    "SELECT repeat('x', 2000000000) AS x",
    "SELECT x FROM (SELECT unnest(range(200000000)) AS x) ORDER BY random()",
    "SELECT string_agg(repeat('x', 1000), ',') AS s FROM (SELECT unnest(range(5000000)))",
]
TIME_HOGS = [
    "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r",
    "SELECT count(*) FROM " + ", ".join(f"weekly_totals t{i}" for i in range(40)),
]


@pytest.mark.parametrize(
    ("sql", "message"),
    [(sql, "needs too much memory") for sql in MEMORY_HOGS]
    + [(sql, "needs too much time") for sql in TIME_HOGS],
    ids=[f"memory {n}" for n in range(len(MEMORY_HOGS))]
    + [f"time {n}" for n in range(len(TIME_HOGS))],
)
def test_a_hog_is_stopped_and_the_server_carries_on(sql, message):
    # Time is short for the time hogs; long for the memory hogs, so memory runs out first.
    console = Console(VIEWS, time_limit=1.0 if "time" in message else 30.0)
    before = rss_mb(os.getpid())
    with pytest.raises(Refused, match=message):
        console.run(sql)
    assert rss_mb(os.getpid()) - before < RSS_SLACK_MB
    assert console.run("SELECT count(*) AS weeks FROM weekly_totals").frame["weeks"][0] == 3


def test_hostile_runs_leave_no_files_and_the_views_as_they_were(console):
    for sql, _ in HOSTILE[:20]:
        with pytest.raises(Refused):
            console.run(sql)
    assert not any(TARGET.parent.glob(TARGET.name + "*"))
    for name, frame in VIEWS.items():
        pd.testing.assert_frame_equal(console.table(name), frame)
    assert console.run("SELECT count(*) AS weeks FROM weekly_totals").frame["weeks"][0] == 3


def test_the_sandbox_itself_holds_nothing_worth_reading(console):
    """Defence in depth: skip the checks, and the sandbox still shows only the views."""
    settings = console.run_unchecked(
        "SELECT name, value FROM duckdb_settings() WHERE name IN "
        "('home_directory', 'secret_directory', 'temp_directory', 'extension_directory', "
        "'enable_external_access', 'lock_configuration')"
    ).frame
    found = dict(zip(settings["name"], settings["value"], strict=True))
    assert (found["enable_external_access"], found["lock_configuration"]) == ("false", "true")
    folder = found["home_directory"]
    assert Path(folder).name.startswith("backcare-console-")
    assert not Path(folder).exists()  # made for that query alone, and gone
    assert found["secret_directory"] == folder
    tables = console.run_unchecked("SELECT table_name FROM duckdb_tables() ORDER BY 1").frame
    assert tables["table_name"].tolist() == ["overall", "weekly_totals"]
    everything = console.run_unchecked("SELECT * FROM pg_settings").frame.astype(str)
    text = "\n".join(everything.to_numpy().ravel())
    for secret in (str(Path.cwd()), str(Path.home()), "backcare"):
        assert secret not in text
    with pytest.raises(Refused, match="disabled by configuration"):
        console.run_unchecked("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(Refused, match="getenv does not exist"):
        console.run_unchecked("SELECT getenv('HOME')")


def test_a_sandbox_that_cannot_start_is_one_sentence(console, monkeypatch, tmp_path, capfd):
    monkeypatch.setattr(console_module, "_PACKAGE_ROOT", str(tmp_path))
    monkeypatch.setattr(console_module.sys, "executable", "/usr/bin/python3")
    with pytest.raises(Refused) as refused:
        console.run("SELECT 1")
    assert str(refused.value) == "The query could not be run: the console's sandbox did not start."
    # Its traceback ("No module named backcare") stays out of the server's log.
    assert capfd.readouterr().err == ""


def test_a_busy_server_asks_the_analyst_to_wait(console):
    taken = [console_module._RUNNING.acquire() for _ in range(console_module.MAX_RUNNING)]
    try:
        with pytest.raises(Refused, match="Other queries are running"):
            Console(VIEWS, time_limit=0.2).run("SELECT 1")
    finally:
        for _ in taken:
            console_module._RUNNING.release()
    assert console.run("SELECT 1 AS one").frame["one"][0] == 1


def test_two_analysts_at_once_each_get_their_answer(console):
    answers: dict[int, object] = {}

    def ask(n: int) -> None:
        answers[n] = console.run(f"SELECT {n} AS n").frame["n"][0]

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {0: 0, 1: 1}


def test_the_console_never_holds_a_record_table():
    with pytest.raises(ValueError, match="cannot be a console view"):
        Console({"records": VIEWS["overall"]})
    with pytest.raises(ValueError, match="cannot be a console view"):
        Console({"x; DROP TABLE y": VIEWS["overall"]})
