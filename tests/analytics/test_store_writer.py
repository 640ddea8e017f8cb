"""The record writer's own promises, on a commit function of the test's: how many records
submit_many says it saved, how big a transaction may grow, that close() commits what is
queued and returns, and that a process which never closed its store still ends."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from backcare.analytics.store.base import StoreError
from backcare.analytics.store.writer import RecordWriter, row
from tests.analytics.insights_data import record

ROOT = Path(__file__).resolve().parents[2]
RECORD = record(week="2026-W47", site_id="clinic-1")


def test_submit_many_says_how_many_it_saved_across_full_and_partial_batches() -> None:
    batches: list[int] = []
    writer = RecordWriter(lambda rows: batches.append(len(rows)), label="the test store",
                          max_batch=2)  # fmt: skip
    try:
        assert writer.submit_many([RECORD] * 5) == 5
        assert writer.submit_many([RECORD] * 4) == 4
    finally:
        writer.close()
    assert batches == [2, 2, 1, 2, 2]


def test_close_commits_the_queue_in_batches_of_whole_jobs_up_to_max_batch_and_returns() -> None:
    """Jobs of two records queue while a commit is under way, then close() is called: the
    writer adds whole jobs to a batch until it holds max_batch (3) records or more (so 2 + 2),
    counting every job's rows, commits the last batch too and stops."""
    entered, release = threading.Event(), threading.Event()
    batches: list[int] = []

    def commit(rows: list[tuple]) -> None:
        entered.set()
        assert release.wait(timeout=10)
        batches.append(len(rows))

    writer = RecordWriter(commit, label="the test store", max_batch=3)
    first = writer._enqueue([row(RECORD)])
    assert entered.wait(timeout=10)  # the writer is inside its first commit
    queued = [writer._enqueue([row(RECORD)] * 2) for _ in range(3)]
    closer = threading.Thread(target=writer.close, daemon=True)
    closer.start()
    while not writer.closed:  # close() has queued its stop behind the jobs
        closer.join(timeout=0.001)
    release.set()
    closer.join(timeout=10)
    assert not closer.is_alive(), "close() did not return"
    assert batches == [1, 4, 2]
    assert all(job.done.is_set() and job.error is None for job in (first, *queued))


def test_a_submitter_waits_for_another_on_its_way_no_longer_than_gather() -> None:
    """A second thread inside submit() that has not queued yet keeps the writer gathering
    for up to ``gather`` seconds; then the record that did queue is committed alone."""
    batches: list[int] = []
    writer = RecordWriter(lambda rows: batches.append(len(rows)), label="the test store",
                          gather=0.01)  # fmt: skip
    try:
        with writer._submitting():  # as if another thread were on its way with a record
            writer.submit(RECORD)
    finally:
        writer.close()
    assert batches == [1]


def test_the_after_commit_hook_runs_only_after_commits_that_saved() -> None:
    failures = iter([RuntimeError("disk full")])
    seen: list[int] = []

    def commit(rows: list[tuple]) -> None:
        if (failure := next(failures, None)) is not None:
            raise failure

    writer = RecordWriter(commit, label="the test store", after_commit=seen.append)
    try:
        with pytest.raises(StoreError, match=r"disk full$"):
            writer.submit(RECORD)
        writer.submit_many([RECORD] * 3)
    finally:
        writer.close()
    assert seen == [3]


NEVER_CLOSED = """
from backcare.analytics.store.base import StoreError
from backcare.analytics.store.writer import RecordWriter
RecordWriter(lambda rows: None, label="left open").submit_many([])
print("done", flush=True)
"""


def test_a_process_that_never_closes_its_writer_still_ends() -> None:
    """The writer thread must not keep a finished command (or a test run) alive."""
    finished = subprocess.run(
        [sys.executable, "-c", NEVER_CLOSED], cwd=ROOT, capture_output=True, text=True,
        timeout=30,
    )  # fmt: skip
    assert (finished.returncode, finished.stdout) == (0, "done\n"), finished.stderr
