"""The store, on both backends: checked records in, durable before acknowledged, clear errors."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import psycopg
import pytest

from backcare.analytics.record import AnonymousRecord
from backcare.analytics.store.base import InvalidRecord, Selection, StoreError, StoreLocked
from backcare.analytics.store.duckdb_store import BULK, DuckDBStore
from backcare.analytics.store.postgres_store import PostgresStore
from backcare.analytics.store.queries import count_sql
from backcare.analytics.store.registry import close_shared, shared
from tests.analytics.conftest import Backend
from tests.analytics.test_store_rollups import assert_in_step

ROOT = Path(__file__).resolve().parents[2]
RECORD = AnonymousRecord(
    week="2026-W47",
    age_band="30-39",
    activity="running",
    pain_band="4-6",
    triage="urgent",
    top_causes=("running_impact", "muscle_strain"),
    warning_signs=("fever", "night_pain"),
    site_id="clinic-1",
    mode="kiosk",
)


def test_a_submitted_record_can_be_counted_by_every_column(store):
    store.submit(RECORD)
    assert len(store) == 1
    for column in ("week", "age_band", "activity", "pain_band", "triage", "site_id", "mode"):
        assert store.count_by((column,)) == [(getattr(RECORD, column), 1)]
    assert store.count_by(("cause",)) == [("muscle_strain", 1), ("running_impact", 1)]
    assert store.count_by(("activity", "warning_sign")) == [
        ("running", "fever", 1),
        ("running", "night_pain", 1),
    ]


def test_a_record_without_causes_or_signs_counts_but_names_none(store):
    store.submit(replace(RECORD, top_causes=(), warning_signs=(), triage="self_care"))
    assert len(store) == 1
    assert store.count_by(("cause",)) == []


def test_selections_filter_with_parameters_not_text(store):
    store.submit_many(
        [
            RECORD,
            replace(RECORD, week="2026-W50", site_id="clinic-2"),
            replace(RECORD, week="2027-W01"),
        ]
    )
    assert store.count_by((), Selection(first_week="2026-W48")) == [(2,)]
    assert store.count_by((), Selection(last_week="2026-W50", site_id="clinic-2")) == [(1,)]
    assert store.count_by((), Selection(site_id="x' OR '1'='1")) == [(0,)]
    sql, params = count_sql(("week",), Selection(site_id="x' OR '1'='1"))
    assert "x'" not in sql and params == ["x' OR '1'='1"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"week": "2026-11-21"}, "week"),
        ({"week": "2026-W54"}, "week"),
        ({"week": "2025-W53"}, "week"),  # 2025 has 52 ISO weeks
        ({"week": "2026-W1"}, "week"),  # a real week, but not written the one way
        ({"age_band": "37"}, "age_band"),
        ({"activity": "swimming"}, "activity"),
        ({"pain_band": "5"}, "pain_band"),
        ({"triage": "whenever"}, "triage"),
        ({"top_causes": ("a", "b", "c", "d")}, "top_causes"),
        ({"top_causes": ["muscle_strain"]}, "top_causes"),
        ({"top_causes": ("muscle_strain", "muscle_strain")}, "top_causes"),
        ({"top_causes": ("Robert'); DROP TABLE records;--",)}, "top_causes"),
        ({"warning_signs": ("night_pain", "fever")}, "warning_signs"),
        ({"site_id": "clinic 1"}, "site_id"),
        ({"site_id": ""}, "site_id"),
        ({"mode": "public"}, "mode"),
    ],
)
def test_anything_but_coarse_values_is_refused_and_nothing_is_saved(store, change, field):
    with pytest.raises(InvalidRecord, match=f"^{field}="):
        store.submit(replace(RECORD, **change))
    with pytest.raises(InvalidRecord):
        store.submit_many([RECORD, replace(RECORD, **change)])
    assert len(store) == 0


def test_counts_come_in_byte_order_whatever_the_databases_collation(store):
    """The test cluster's default collation is ICU English, which puts "a_b" before "a-b"
    and "ab" before "B"; Insights (and DuckDB) expect plain byte order."""
    sites = ("a-b", "a_b", "ab", "B", "b-1", "A9")
    store.submit_many([replace(RECORD, site_id=site) for site in sites])
    assert store.count_by(("site_id",)) == [(site, 1) for site in sorted(sites)]
    assert store.count_by((), Selection(site_id="a_b")) == [(1,)]


def test_counts_no_rollup_holds_come_from_the_records_under_the_selection(store):
    """Causes by pain band: no rollup keeps them, so they are grouped from the records."""
    store.submit_many(
        [RECORD, replace(RECORD, pain_band="0", site_id="clinic-2", top_causes=("muscle_strain",))]
    )
    assert store.count_by(("pain_band", "cause")) == [
        ("0", "muscle_strain", 1),
        ("4-6", "muscle_strain", 1),
        ("4-6", "running_impact", 1),
    ]
    assert store.count_by(("pain_band", "cause"), Selection(site_id="clinic-2")) == [
        ("0", "muscle_strain", 1)
    ]


def test_a_big_batch_keeps_every_value_as_it_was(store):
    """From BULK records on, DuckDB takes a batch as one Arrow table."""
    other = replace(RECORD, week="2026-W48", age_band="unknown", activity="unknown",
                    pain_band="0", triage="self_care", top_causes=(), warning_signs=(),
                    site_id="clinic-2", mode="personal")  # fmt: skip
    assert store.submit_many([RECORD, other] * BULK) == 2 * BULK
    for column in ("week", "age_band", "activity", "pain_band", "triage", "site_id", "mode"):
        counts = sorted([(getattr(RECORD, column), BULK), (getattr(other, column), BULK)])
        assert store.count_by((column,)) == counts
    assert store.count_by(("cause",)) == [("muscle_strain", BULK), ("running_impact", BULK)]
    assert store.count_by(("warning_sign",)) == [("fever", BULK), ("night_pain", BULK)]


def test_only_known_columns_can_be_counted(store):
    with pytest.raises(ValueError, match="cannot count by 'week; DROP'"):
        store.count_by(("week; DROP",))
    with pytest.raises(ValueError, match="at most one list column"):
        store.count_by(("cause", "warning_sign"))


def test_eight_threads_of_a_thousand_submissions_save_exactly_eight_thousand(store):
    errors: list[BaseException] = []

    def submit_many_times(thread: int) -> None:
        try:
            for n in range(1000):
                store.submit(
                    replace(
                        RECORD, site_id=f"t{thread}", age_band=f"{n % 10 * 10}-{n % 10 * 10 + 9}"
                    )
                )
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=submit_many_times, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store) == 8000
    assert store.count_by(("site_id",)) == [(f"t{t}", 1000) for t in range(8)]
    assert {n for _, n in store.count_by(("age_band",))} == {800}


def _alter(backend: Backend, store, sql: str) -> None:
    """Run DDL behind the store's back, to break it and to mend it."""
    if isinstance(store, DuckDBStore):
        cursor = store._con.cursor()
        cursor.execute(sql)
        cursor.close()
    else:
        with psycopg.connect(backend.location, autocommit=True) as con:
            con.execute(sql)


def test_a_failed_write_is_reported_and_the_writer_carries_on(backend, store):
    _alter(backend, store, "ALTER TABLE records RENAME TO gone")
    with pytest.raises(StoreError, match="could not save"):
        store.submit(RECORD)
    _alter(backend, store, "ALTER TABLE gone RENAME TO records")
    store.submit(RECORD)
    assert len(store) == 1


def test_close_finishes_pending_writes_and_later_submissions_are_refused(backend):
    store = backend.open()
    store.submit_many([RECORD] * 2500)
    store.close()
    assert store.closed
    with pytest.raises(StoreError, match="closed"):
        store.submit(RECORD)
    with pytest.raises(StoreError, match="closed"):
        store.count_by(("week",))
    reopened = backend.open()
    assert len(reopened) == 2500
    reopened.close()


def test_the_shared_store_is_one_per_location_and_the_location_picks_the_backend(backend):
    kind = DuckDBStore if backend.name == "duckdb" else PostgresStore
    try:
        first = shared(backend.location)
        assert isinstance(first, kind)
        assert shared(backend.location) is first
        assert shared(backend.fresh().location) is not first
    finally:
        close_shared()
    assert first.closed


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()
"""


def test_a_file_held_by_another_process_gives_a_clear_error(tmp_path):
    path = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(StoreLocked) as caught:
            DuckDBStore(path)
        message = str(caught.value)
        assert str(path) in message
        assert f"process {holder.pid}" in message
        assert "BACKCARE_STORE" in message
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    DuckDBStore(path).close()  # free again once the other process has gone


# --- crash safety -------------------------------------------------------------------------

# Starting Python and importing the stack takes seconds here, so one helper process
# imports everything once and forks a fresh submitter for each round (fork is cheap, and
# the helper has opened no store, so the child starts clean). Each submitter runs three
# threads that submit in a loop and print each record's unique site id the moment
# submit() returns; its store folds every few records (DuckDB) or every few milliseconds
# (PostgreSQL) into the rollups, so kills land in folds too. The helper reaps the killed
# child and then says so: everything the child printed is in the pipe before that line.
FORKER = """
import os, sys, threading
from backcare.analytics.record import AnonymousRecord
from backcare.analytics.store.duckdb_store import BULK, DuckDBStore
from backcare.analytics.store.postgres_store import PostgresStore

def submit_forever(backend, location, round_id):
    if backend == "duckdb":
        store = DuckDBStore(location, fold_at=7)
    else:
        store = PostgresStore(location, fold_every=0.005)
    lock = threading.Lock()

    def loop(thread):
        n = 0
        while True:
            site = f"r{round_id}-t{thread}-{n}"
            causes = ("muscle_strain", "tight_muscles")[: n % 3]
            store.submit(AnonymousRecord("2026-W47", "30-39", "running", "4-6", "self_care",
                                         causes, (), site, "personal"))
            with lock:  # one write(2) of a short line: a kill cannot cut it in half
                os.write(1, f"ack {site}\\n".encode())
            n += 1

    for t in range(3):
        threading.Thread(target=loop, args=(t,), daemon=True).start()
    threading.Event().wait()

print("ready", flush=True)
for line in sys.stdin:
    round_id = line.strip()
    pid = os.fork()
    if pid == 0:
        try:
            submit_forever(sys.argv[1], sys.argv[2], round_id)
        except BaseException as exc:
            print("failed", exc, flush=True)
        os._exit(1)
    print("child", pid, flush=True)
    os.waitpid(pid, 0)
    print("reaped", pid, flush=True)
"""


def test_every_acknowledged_submission_survives_sigkill(backend):
    """Kill a submitting process at random moments; what it acknowledged must be there once."""
    rng = random.Random(20261121)
    acknowledged: set[str] = set()
    forker = subprocess.Popen(
        [sys.executable, "-c", FORKER, backend.name, backend.location],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert forker.stdout.readline().split() == ["ready"]
        for round_id in range(12):
            forker.stdin.write(f"{round_id}\n")
            forker.stdin.flush()
            child, kill_after = None, rng.randint(1, 120)
            acks_this_round, killed = 0, False
            for line in forker.stdout:
                word, _, rest = line.strip().partition(" ")
                assert word != "failed", rest
                if word == "child":
                    child = int(rest)
                elif word == "ack":
                    acknowledged.add(rest)
                    acks_this_round += 1
                else:
                    assert word == "reaped", f"unexpected line {line!r}"
                if child and acks_this_round >= kill_after and not killed:
                    # The child may ack before the helper has said its pid.
                    os.kill(child, signal.SIGKILL)
                    killed = True
                if word == "reaped":
                    assert int(rest) == child
                    break
            assert acks_this_round >= kill_after
            if backend.name == "duckdb":
                con = duckdb.connect(backend.location, read_only=True)  # as the kill left it
                try:
                    assert_in_step(con)
                finally:
                    con.close()
            else:
                _wait_for_orphans(backend)
            store = backend.open()  # a DuckDB file opens at once: the lock died with the process
            try:
                saved = store.count_by(("site_id",))
                for columns in (("site_id",), ("week", "triage"), ("activity", "cause")):
                    assert store.count_by(columns) == backend.raw_counts(store, columns)
            finally:
                store.close()
            twice = [site for site, n in saved if n != 1]
            assert not twice, f"round {round_id}: saved more than once: {twice[:5]}"
            missing = acknowledged - {site for site, _ in saved}
            assert not missing, f"round {round_id}: acknowledged but lost: {sorted(missing)[:5]}"
    finally:
        forker.stdin.close()
        forker.wait(timeout=30)
    assert len(acknowledged) >= 12


def _wait_for_orphans(backend: Backend) -> None:
    """Wait until the killed process's PostgreSQL server processes have finished.

    A batch it sent just before the kill may still commit (never acknowledged, which is
    allowed); counting before that would compare two different moments.
    """
    others = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )
    with psycopg.connect(backend.location, autocommit=True) as con:
        deadline = time.monotonic() + 60
        while con.execute(others).fetchone()[0]:
            assert time.monotonic() < deadline, "the killed process's connections stayed"
            time.sleep(0.02)
