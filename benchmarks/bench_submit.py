"""Consented submissions from 8 threads into the store, against one INSERT per record.

Each thread calls ``store.submit(record)`` once per record, as the Results page
does when a person consents, and waits for it to be durable. The baseline is
the plainest durable alternative: one thread, one autocommitted INSERT per
record on a plain DuckDB connection. Every round writes to fresh files.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import duckdb

from backcare.analytics.record import AnonymousRecord
from backcare.analytics.store.duckdb_store import SCHEMA, DuckDBStore
from benchmarks.harness import Figure, run_threads

THREADS = 8
#: The baseline's statement: one record, one autocommitted INSERT.
INSERT = "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
TARGET = 2000  # records per second
RECORD = AnonymousRecord(
    week="2026-W47",
    age_band="30-39",
    activity="running",
    pain_band="4-6",
    triage="see_doctor",
    top_causes=("running_impact", "muscle_strain", "tight_muscles"),
    warning_signs=("leg_numbness",),
    site_id="clinic-north",
    mode="kiosk",
)


def _records(thread: int, count: int) -> list[AnonymousRecord]:
    """Each thread's own records, with varied weeks and ages so the rollups get several keys."""
    weeks = [f"2026-W{1 + (thread + n) % 52:02d}" for n in range(count)]
    ages = [f"{n % 9 * 10}-{n % 9 * 10 + 9}" for n in range(count)]
    return [replace(RECORD, week=w, age_band=a) for w, a in zip(weeks, ages, strict=True)]


def store_rate(path: Path, per_thread: int) -> tuple[float, bool]:
    """Records per second from THREADS submitting threads, and whether all were counted."""
    batches = [_records(t, per_thread) for t in range(THREADS)]
    store = DuckDBStore(path)
    errors: list[BaseException] = []

    def submit_all(records: list[AnonymousRecord]) -> None:
        try:
            for record in records:
                store.submit(record)
        except BaseException as exc:  # reported below: a lost record fails the target
            errors.append(exc)

    threads = [threading.Thread(target=submit_all, args=(b,)) for b in batches]
    try:
        elapsed = run_threads(threads)
        complete = not errors and len(store) == THREADS * per_thread
    finally:
        store.close()
    return THREADS * per_thread / elapsed, complete


def baseline_rate(path: Path, count: int) -> float:
    """Records per second from one thread, one autocommitted INSERT per record."""
    rows = [
        (r.week, r.age_band, r.activity, r.pain_band, r.triage, list(r.top_causes),
         list(r.warning_signs), r.site_id, r.mode)
        for r in _records(0, count)
    ]  # fmt: skip
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA)
        start = time.perf_counter()
        for row in rows:
            con.execute(INSERT, row)
        elapsed = time.perf_counter() - start
        if con.execute("SELECT count(*) FROM records").fetchone()[0] != count:
            raise AssertionError("the baseline lost records")
    finally:
        con.close()
    return count / elapsed


def run(quick: bool) -> list[Figure]:
    per_thread, baseline_count, rounds = (300, 250, 3) if quick else (2500, 2500, 3)
    ours: list[tuple[float, bool]] = []
    theirs: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        files = Path(folder)
        store_rate(files / "warm-store.duckdb", 20)  # imports, threads and caches warm up
        baseline_rate(files / "warm-plain.duckdb", 50)
        for n in range(rounds):
            # Alternate who goes first so neither always runs on a cooler machine.
            if n % 2 == 0:
                ours.append(store_rate(files / f"store-{n}.duckdb", per_thread))
            theirs.append(baseline_rate(files / f"plain-{n}.duckdb", baseline_count))
            if n % 2 == 1:
                ours.append(store_rate(files / f"store-{n}.duckdb", per_thread))
    value = statistics.median(rate for rate, _ in ours)
    complete = all(ok for _, ok in ours)
    return [
        Figure(
            "submit_8_threads",
            value,
            "records/s",
            statistics.median(theirs),
            f">= {TARGET:,} per second, none lost",
            value >= TARGET and complete,
        )
    ]
