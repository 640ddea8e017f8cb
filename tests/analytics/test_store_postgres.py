"""What only the PostgreSQL store has to get right: several servers, folds, restarts, schema.

The DuckDB store has one process by design (a second one is refused with a clear
message, tested in test_store.py); everything here involves what a shared
database adds: two server processes submitting and folding at once, a database
restart mid-ingest, transactions that commit out of order, month partitions and
the schema's version.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.analytics.record import AnonymousRecord
from backcare.analytics.store.base import Selection, StoreError
from backcare.analytics.store.postgres_store import (
    APPEND,
    SCHEMA_VERSION,
    WRITERS,
    PostgresStore,
    batch_params,
    month_of,
)
from backcare.analytics.store.writer import row
from deploy.postgres import TempPostgres
from tests.analytics.conftest import Backend, schema_url
from tests.analytics.test_store import RECORD
from tests.analytics.test_store_rollups import INSIGHTS_QUERIES, WEEKS, expected, records
from tests.live_server import free_port
from tests.profiles import examples

ROOT = Path(__file__).resolve().parents[2]
_ALL = Selection()


@pytest.fixture
def pg(postgres: TempPostgres, store_database: str) -> Backend:
    return Backend("postgres", schema_url(postgres, store_database), postgres, store_database)


def _in_step(backend: Backend, store: PostgresStore) -> None:
    """After a last fold the inbox is empty and every rollup count equals the records'."""
    store.fold()
    with psycopg.connect(backend.location) as con:
        assert con.execute("SELECT count(*) FROM inbox").fetchone() == (0,)
    for columns in (*INSIGHTS_QUERIES, ("site_id",), ()):
        assert store.count_by(columns) == backend.raw_counts(store, columns), columns


# --- two server processes ------------------------------------------------------------------

# A server process: 8 threads submit 1,000 records each while a ninth folds as fast as it can;
# it prints how many records its own folds moved.
SERVER = """
import json, sys, threading
from backcare.analytics.record import AnonymousRecord
from backcare.analytics.store.postgres_store import PostgresStore

name, url = sys.argv[1], sys.argv[2]
store = PostgresStore(url, fold_every=None)
done, moved, errors = threading.Event(), [0], []

def submit(thread):
    try:
        for n in range(1000):
            store.submit(AnonymousRecord("2026-W47", f"{n % 10 * 10}-{n % 10 * 10 + 9}",
                         "running", "4-6", "self_care", ("muscle_strain",)[: n % 2], (),
                         f"{name}-t{thread}", "personal"))
    except BaseException as exc:
        errors.append(repr(exc))

def fold():
    while not done.is_set():
        moved[0] += store.fold() or 0

folder = threading.Thread(target=fold)
folder.start()
submitters = [threading.Thread(target=submit, args=(t,)) for t in range(8)]
for thread in submitters:
    thread.start()
for thread in submitters:
    thread.join()
done.set()
folder.join()
store.close()
print(json.dumps({"moved": moved[0], "errors": errors}))
"""


def test_two_servers_of_eight_threads_save_exactly_sixteen_thousand_and_fold_each_once(pg):
    command = [sys.executable, "-c", SERVER]
    servers = [
        subprocess.Popen([*command, name, pg.location], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for name in ("a", "b")
    ]
    reports = [json.loads(server.communicate(timeout=600)[0]) for server in servers]
    assert [r["errors"] for r in reports] == [[], []]
    store = pg.open(fold_every=None)
    try:
        assert len(store) == 16_000
        assert store.count_by(("site_id",)) == [(f"{s}-t{t}", 1000) for s in "ab" for t in range(8)]
        assert store.count_by(("cause",)) == [("muscle_strain", 8000)]
        _in_step(pg, store)
    finally:
        store.close()
    # Both servers' folds moved records: they really did run side by side.
    assert all(r["moved"] > 0 for r in reports), reports


# --- a database restart mid-ingest ---------------------------------------------------------


def test_database_restarts_mid_ingest_lose_no_acknowledged_record_and_double_none(pg, postgres):
    """Crash-restart PostgreSQL three times under eight submitting threads. Each batch in
    flight is tried again or, if its COMMIT's answer was lost, looked up: nobody sees an
    error, and every record is saved exactly once."""
    store = pg.open(fold_every=0.01)
    acknowledged: list[str] = []
    failures: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def submit(thread: int) -> None:
        n = 0
        while not stop.is_set():
            site = f"t{thread}-{n}"
            try:
                store.submit(replace(RECORD, site_id=site))
            except StoreError as exc:  # asserted on below
                with lock:
                    failures.append(str(exc))
            else:
                with lock:
                    acknowledged.append(site)
            n += 1

    threads = [threading.Thread(target=submit, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(3):
            before = len(acknowledged)
            _wait_for(lambda before=before: len(acknowledged) >= before + 300)
            postgres.restart_immediately()
        after = len(acknowledged)
        _wait_for(lambda: len(acknowledged) >= after + 300)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    try:
        assert failures == []
        assert store.count_by(("site_id",)) == sorted((site, 1) for site in acknowledged)
        _in_step(pg, store)
    finally:
        store.close()


def _lose_the_commit_answer(monkeypatch: pytest.MonkeyPatch, *, committed: bool) -> None:
    """The next batch commits (or never reaches the database), but no answer comes back,
    as when the connection breaks at that moment."""
    original = psycopg.Connection.execute
    lost = []

    def execute_without_answer(self, query, params=None, **options):
        if query != APPEND or lost:
            return original(self, query, params, **options)
        lost.append(True)
        if committed:
            original(self, query, params, **options)
        self.close()  # the pool replaces it, as it would a broken one
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(psycopg.Connection, "execute", execute_without_answer)


@pytest.mark.parametrize("committed", [True, False], ids=["committed", "rolled-back"])
def test_a_commit_whose_answer_is_lost_is_looked_up_not_sent_twice(pg, monkeypatch, committed):
    store = pg.open(fold_every=None)
    try:
        _lose_the_commit_answer(monkeypatch, committed=committed)
        store.submit(RECORD)
        monkeypatch.undo()
        assert len(store) == 1
        for _ in range(3 * WRITERS):
            store.submit(RECORD)
        with psycopg.connect(pg.location) as con:  # each writer's batch removes its last token
            (tokens,) = con.execute("SELECT count(*) FROM commit_tokens").fetchone()
        assert 1 <= tokens <= WRITERS
    finally:
        store.close()


def _wait_for(condition, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


# --- folds against transactions that commit out of order ------------------------------------

STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("submit"), st.integers(0, 1), st.lists(records, max_size=5)),
        st.tuples(st.just("fold"), st.integers(0, 1)),
        st.tuples(st.just("begin"), st.lists(records, min_size=1, max_size=3)),
        st.tuples(st.just("commit")),
        st.tuples(st.just("count"), st.sampled_from(INSIGHTS_QUERIES)),
    ),
    max_size=25,
)


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS)
def test_any_interleaving_of_submits_folds_and_late_commits_counts_each_record_once(pg, steps):
    """Two servers submit and fold in any order, while a third writer's transaction stays
    open across folds (as a submission with an earlier sequence value would) and commits
    later: every count equals a plain count of what has committed."""
    where = pg.fresh()
    servers = [where.open(fold_every=None), where.open(fold_every=None)]
    late = psycopg.connect(where.location)
    # The months' partitions exist before the late transaction opens: adding one waits
    # for every open transaction on records, this one included.
    for first in {month_of(week) for week in WEEKS}:
        late.execute("SELECT backcare_add_month(%s)", [first])
    late.commit()
    committed: list[AnonymousRecord] = []
    pending: list[AnonymousRecord] = []
    try:
        for step in steps:
            if step[0] == "submit":
                servers[step[1]].submit_many(step[2])
                committed += step[2]
            elif step[0] == "fold":
                servers[step[1]].fold()
            elif step[0] == "begin":
                late.execute(APPEND, [*batch_params([row(r) for r in step[1]]), uuid4(), None])
                pending += step[1]
            elif step[0] == "commit":
                late.commit()
                committed += pending
                pending = []
            else:
                columns = step[1]
                assert servers[0].count_by(columns) == expected(committed, columns, _ALL)
        late.commit()
        committed += pending
        for columns in INSIGHTS_QUERIES:
            assert servers[1].count_by(columns) == expected(committed, columns, _ALL)
        _in_step(where, servers[0])
    finally:
        late.close()
        for server in servers:
            server.close()


# --- partitions, schema, connection errors ------------------------------------------------


def test_records_land_in_the_partition_of_their_weeks_month(pg):
    store = pg.open()
    try:
        store.submit_many([
            replace(RECORD, week="2026-W01"),  # Monday 29 December 2025, Thursday 1 January
            replace(RECORD, week="2026-W05"),
            replace(RECORD, week="2026-W06"),  # Thursday 5 February
        ])  # fmt: skip
    finally:
        store.close()
    assert month_of("2026-W01") == date(2026, 1, 1)
    with psycopg.connect(pg.location) as con:
        rows = con.execute(
            "SELECT tableoid::regclass::text, count(*) FROM records GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert rows == [("records_2026_01", 2), ("records_2026_02", 1)]


def test_the_schema_is_made_once_by_servers_starting_together_and_keeps_its_version(pg):
    opened: list[PostgresStore] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            opened.append(pg.open(fold_every=None))
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in opened:
        store.close()
    assert errors == [] and len(opened) == 4
    with psycopg.connect(pg.location) as con:
        assert con.execute("SELECT version FROM backcare_schema").fetchall() == [(SCHEMA_VERSION,)]


def test_a_store_from_a_newer_backcare_is_refused_with_a_clear_message(pg):
    pg.open().close()
    with psycopg.connect(pg.location) as con:
        con.execute("UPDATE backcare_schema SET version = version + 1")
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}.*upgrade"):
        pg.open()


def test_an_unreachable_database_is_named_without_its_password():
    url = f"postgresql://backcare:s3cret@127.0.0.1:{free_port()}/backcare"
    with pytest.raises(StoreError) as caught:
        PostgresStore(url)
    message = str(caught.value)
    assert message.startswith("cannot open the store postgresql://backcare@127.0.0.1:")
    assert "s3cret" not in message
