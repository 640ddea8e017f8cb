"""The PostgreSQL store: submissions from two servers, and Insights at ten million records.

**Submissions.** Two processes, as two app servers would be, each run 8 threads
that call ``store.submit(record)`` once per record and wait for it to commit.
The baseline runs in the same two processes and threads: each thread with a
connection of its own and one INSERT + COMMIT per record into a plain table of
the same columns. Both start on a signal once every connection is open; the
rate is all records over the slower process's time, and every round checks
that the table holds exactly what was acknowledged. Rounds alternate.

**Insights.** The records of bench_insights (generated in DuckDB, same seed)
are copied into PostgreSQL as submissions would leave them, in ``records``
and ``inbox``, and the store's own fold moves the inbox into the rollups.
Each Insights count is then timed against the same GROUP BY over the raw
records in PostgreSQL (what a store without rollups would run).

Both use a throwaway PostgreSQL cluster (deploy/postgres.py) with its defaults:
``synchronous_commit`` on, so every acknowledged record is on disk.

python -m benchmarks.bench_postgres submit URL MODE COUNT   (one submitting process)
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from functools import partial
from pathlib import Path

import duckdb
import psycopg

from backcare.analytics.store.base import Selection
from backcare.analytics.store.postgres_store import NAMES, PostgresStore, month_of
from backcare.analytics.store.queries import count_sql
from backcare.analytics.store.writer import row
from benchmarks.bench_insights import QUERIES, TARGET_MS, generate
from benchmarks.bench_submit import THREADS, _records
from benchmarks.harness import Figure, percentile, run_threads
from deploy import postgres

ROOT = Path(__file__).resolve().parent.parent
SERVERS = 2
SUBMIT_TARGET = 5000  # records per second
BASELINE_TABLE = "plain_records"
INSERT = f"INSERT INTO {BASELINE_TABLE} ({NAMES}) VALUES ({', '.join(['%s'] * 9)})"
#: Raw GROUP BYs over ten million rows take seconds: the baseline is timed this often.
BASELINE_RUNS = 2


# --- submissions ---------------------------------------------------------------------------


def submitter(url: str, mode: str, count: int) -> None:
    """One server process: open everything, say ready, wait for go, submit, report."""
    per_thread = count // THREADS
    batches = [_records(t, per_thread) for t in range(THREADS)]
    errors: list[str] = []
    if mode == "store":
        store = PostgresStore(url)
        submits = [store.submit] * THREADS
    else:
        connections = [psycopg.connect(url, autocommit=True) for _ in range(THREADS)]
        submits = [partial(lambda con, r: con.execute(INSERT, row(r)), con)
                   for con in connections]  # fmt: skip

    def run(submit, records) -> None:
        try:
            for record in records:
                submit(record)
        except Exception as exc:  # reported: a lost record fails the target
            errors.append(repr(exc))

    pairs = zip(submits, batches, strict=True)
    threads = [threading.Thread(target=run, args=pair) for pair in pairs]
    print("ready", flush=True)
    sys.stdin.readline()
    elapsed = run_threads(threads)
    if mode == "store":
        store.close()
    else:
        for con in connections:
            con.close()
    print(json.dumps({"seconds": elapsed, "errors": errors}), flush=True)


def _round(url: str, mode: str, per_server: int) -> tuple[float, bool]:
    """Records per second from SERVERS processes, and whether exactly all were saved."""
    command = [sys.executable, "-m", "benchmarks.bench_postgres", "submit", url, mode,
               str(per_server)]  # fmt: skip
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "text": True}
    servers = [subprocess.Popen(command, cwd=ROOT, **pipes) for _ in range(SERVERS)]
    for server in servers:
        if server.stdout.readline().strip() != "ready":
            raise RuntimeError(f"a {mode} submitter did not start")
    for server in servers:
        server.stdin.write("go\n")
        server.stdin.flush()
    reports = [json.loads(server.communicate(timeout=1800)[0]) for server in servers]
    table = "records" if mode == "store" else BASELINE_TABLE
    with psycopg.connect(url) as con:
        (saved,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    expected = SERVERS * THREADS * (per_server // THREADS)
    complete = saved == expected and not any(r["errors"] for r in reports)
    return expected / max(r["seconds"] for r in reports), complete


def _fresh(cluster: postgres.TempPostgres, database: str) -> str:
    url = cluster.create_schema(database, f"b_{uuid.uuid4().hex[:10]}")
    PostgresStore(url, fold_every=None).close()  # the store's schema; the baseline's table:
    with psycopg.connect(url) as con:
        con.execute(f"CREATE TABLE {BASELINE_TABLE} (LIKE inbox)")
    return url


def submissions(cluster: postgres.TempPostgres, quick: bool) -> list[Figure]:
    per_server, rounds = (800, 1) if quick else (8000, 3)
    cluster.create_database("submit")
    _round(_fresh(cluster, "submit"), "store", 80)  # imports, caches and the cluster warm up
    ours: list[tuple[float, bool]] = []
    theirs: list[tuple[float, bool]] = []
    for n in range(rounds):
        order = (("store", ours), ("baseline", theirs))
        for mode, results in order if n % 2 == 0 else reversed(order):
            results.append(_round(_fresh(cluster, "submit"), mode, per_server))
    value = statistics.median(rate for rate, _ in ours)
    complete = all(ok for _, ok in ours + theirs)
    print(f"  submissions: store {[round(r) for r, _ in ours]} /s, "
          f"one INSERT + COMMIT {[round(r) for r, _ in theirs]} /s", flush=True)  # fmt: skip
    return [
        Figure(
            "postgres_submit_2_servers_8_threads",
            value,
            "records/s",
            statistics.median(rate for rate, _ in theirs),
            f">= {SUBMIT_TARGET:,} per second, none lost",
            value >= SUBMIT_TARGET and complete,
        )
    ]


# --- Insights ------------------------------------------------------------------------------


def load(url: str, n: int, folder: Path) -> None:
    """bench_insights's n records, into records and inbox as submissions leave them; fold."""
    csv = folder / "records.csv"
    con = duckdb.connect()
    try:
        generate(con, n)
        lists = ", ".join(f"'{{' || array_to_string({c}, ',') || '}}'"
                          for c in ("top_causes", "warning_signs"))  # fmt: skip
        con.execute(
            f"COPY (SELECT week, age_band, activity, pain_band, triage, {lists}, site_id, mode "
            f"FROM records) TO '{csv}' (FORMAT csv, HEADER false)"
        )
        weeks = [w for (w,) in con.execute("SELECT DISTINCT week FROM records").fetchall()]
    finally:
        con.close()
    store = PostgresStore(url, fold_every=None)
    try:
        with psycopg.connect(url, autocommit=True) as pg:
            pg.execute("CREATE UNLOGGED TABLE staging (LIKE inbox)")
            with pg.cursor().copy("COPY staging FROM STDIN (FORMAT csv)") as copy, \
                    csv.open("rb") as source:  # fmt: skip
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
            months = [month_of(week) for week in weeks]
            for first in sorted(set(months)):
                pg.execute("SELECT backcare_add_month(%s)", [first])
            pg.execute(
                f"INSERT INTO records (month, {NAMES}) SELECT m.month, {NAMES} FROM staging "
                "JOIN unnest(%s::text[], %s::date[]) AS m(week, month) USING (week)",
                [weeks, months],
            )
            pg.execute(f"INSERT INTO inbox ({NAMES}) SELECT {NAMES} FROM staging")
            pg.execute("DROP TABLE staging")
        started = time.perf_counter()
        moved = store.fold()
        print(f"  the store's fold moved {moved:,} records into the rollups in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        with psycopg.connect(url, autocommit=True) as pg:
            pg.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    finally:
        store.close()


def insights(cluster: postgres.TempPostgres, quick: bool) -> list[Figure]:
    size, repeats = (200_000, 5) if quick else (10_000_000, 5)
    url = cluster.create_database("insights")
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        load(url, size, Path(folder))
        print(f"  {size:,} records loaded into PostgreSQL in {time.perf_counter() - start:.0f} s",
              flush=True)  # fmt: skip
    store = PostgresStore(url, fold_every=None)
    raw = psycopg.connect(url, autocommit=True)
    try:
        # What the monthly publication asks for: every count over all records.
        selection = Selection()
        for name, columns in QUERIES.items():
            sql, params = count_sql(columns, selection, mark="%s")
            ours = partial(store.count_by, columns, selection)
            theirs = partial(lambda q, p: raw.execute(q, p).fetchall(), sql, params)
            if ours() != theirs():  # also the warm-up; else the comparison means nothing
                raise AssertionError(f"rollups and raw records disagree on {name}")
            mine, baseline = [], []
            for n in range(repeats):  # the slow baseline only every few rounds
                if n < BASELINE_RUNS:
                    baseline.append(_seconds(theirs))
                mine.append(_seconds(ours))
            p50 = percentile(mine, 50) * 1000
            figures.append(Figure(
                f"postgres_insights_{name}_p50", p50, "ms",
                percentile(baseline, 50) * 1000, f"p50 <= {TARGET_MS} ms", p50 <= TARGET_MS,
            ))  # fmt: skip
    finally:
        raw.close()
        store.close()
    return figures


def _seconds(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def run(quick: bool) -> list[Figure]:
    with postgres.throwaway() as cluster:
        return submissions(cluster, quick) + insights(cluster, quick)


if __name__ == "__main__":
    if sys.argv[1:2] == ["submit"]:
        submitter(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit(__doc__)
