"""One thread that commits the records many submitting threads queue, several to a transaction.

A person's submission waits for its own commit, and a commit costs a flush to
disk, so committing each record on its own bounds a server at a few hundred or
thousand records a second. Every backend therefore writes through a
:class:`RecordWriter`: submitters queue their rows, one thread takes whatever
has queued up, hands it to the backend's ``commit`` as one transaction and
only then tells each submitter that its record is saved (Datasette's
``database.py`` does SQLite writes the same way). A commit of eight records
costs little more than one of a single record, so the writer waits a moment
(:data:`GATHER`) for every thread that is submitting to queue its record, and
busy threads share commits. A database that commits on several connections at
once (PostgreSQL, whose one flush to disk covers every commit waiting for it)
gets several writer threads: a batch goes as soon as every submitter is either
in it or in a batch that is being committed.
"""

from __future__ import annotations

import atexit
import contextlib
import queue
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from backcare.analytics.record import AnonymousRecord
from backcare.analytics.store.base import StoreError, check

#: The most records one transaction appends; bigger queues wait for the next one.
MAX_BATCH = 1000
#: How long the writer waits at most for submitters to queue their records (s), and how
#: often it looks whether one has given up instead.
GATHER = 0.002
_POLL = 0.0002


def row(record: AnonymousRecord) -> tuple:
    """A record as the nine values a backend stores, lists as lists."""
    return (
        record.week,
        record.age_band,
        record.activity,
        record.pain_band,
        record.triage,
        list(record.top_causes),
        list(record.warning_signs),
        record.site_id,
        record.mode,
    )


@dataclass
class _Job:
    rows: list[tuple]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


_STOP = object()


class RecordWriter:
    """Checks records, queues them and commits them in shared transactions on one thread.

    ``commit(rows)`` writes the rows in one transaction and raises if nothing was saved
    (leaving its connection usable); ``after_commit(saved)`` runs on the writer thread after
    each successful commit (the DuckDB store folds its rollups there). ``label`` names the
    store in messages. With ``writers`` above 1, ``commit`` runs on that many threads at
    once.
    """

    def __init__(
        self,
        commit: Callable[[list[tuple]], None],
        *,
        label: str,
        max_batch: int = MAX_BATCH,
        gather: float = GATHER,
        after_commit: Callable[[int], None] | None = None,
        writers: int = 1,
    ) -> None:
        self._commit_rows = commit
        self._after_commit = after_commit
        self.label = label
        self.max_batch = max_batch
        self._gather = gather
        self._submitters = 0  # threads inside submit() or submit_many()
        self._in_flight = 0  # jobs in batches that writers are committing
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._write_loop, name="backcare-store-writer", daemon=True)
            for _ in range(writers)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(self, record: AnonymousRecord) -> None:
        """Save one record; return only once its transaction has committed."""
        with self._submitting():
            check(record)
            self._wait(self._enqueue([row(record)]))

    def submit_many(self, records: Iterable[AnonymousRecord]) -> int:
        """Save records in transactions of up to ``max_batch``; return how many were saved.

        Each batch is checked whole before any of it is queued, so a bad record stops the
        batch it is in and everything after it.
        """
        saved = 0
        chunk: list[tuple] = []
        with self._submitting():
            for record in records:
                check(record)
                chunk.append(row(record))
                if len(chunk) == self.max_batch:
                    self._wait(self._enqueue(chunk))
                    saved, chunk = saved + len(chunk), []
            if chunk:
                self._wait(self._enqueue(chunk))
                saved += len(chunk)
        return saved

    def close(self) -> None:
        """Commit everything queued, then stop the thread; later submissions are refused."""
        with self._lock:
            if not self._closed:
                self._closed = True
                for _ in self._threads:
                    self._queue.put(_STOP)
        for thread in self._threads:
            thread.join()

    @contextlib.contextmanager
    def _submitting(self) -> Iterator[None]:
        """Count the threads that are submitting, for the writer to wait for (_gather_jobs)."""
        with self._lock:
            self._submitters += 1
        try:
            yield
        finally:
            with self._lock:
                self._submitters -= 1

    def _enqueue(self, rows: list[tuple]) -> _Job:
        job = _Job(rows)
        with self._lock:
            if self._closed:
                raise StoreError(f"the store {self.label} is closed")
            self._queue.put(job)
        return job

    def _wait(self, job: _Job) -> None:
        # The writer sets `done` after COMMIT; if it died instead, say so rather than hang.
        while not job.done.wait(timeout=1.0):
            if not any(thread.is_alive() for thread in self._threads):
                raise StoreError(f"the store {self.label} stopped writing; nothing was saved")
        if job.error is not None:
            raise StoreError(f"could not save to {self.label}: {job.error}") from job.error

    def _write_loop(self) -> None:
        stop = False
        while not stop:
            jobs, stop = self._gather_jobs()
            if not jobs:
                break
            saved = self._commit(jobs)
            if saved and self._after_commit is not None:
                self._after_commit(saved)

    def _gather_jobs(self) -> tuple[list[_Job], bool]:
        """The jobs for one transaction, and whether a stop came after them.

        A submitter waits for its commit, so right after one the threads it woke are on
        their way back with their next records; taking only what has queued would commit
        them in small, dear transactions. So the writer waits, up to ``gather`` seconds,
        until every thread inside submit() has queued a job, left, or has its job in a
        batch another writer is committing. A lone submitter is never kept waiting.
        (Waiting for as many jobs as the last transaction held instead locked eight
        threads into alternating transactions of four after one stall.)
        """
        first = self._queue.get()
        if first is _STOP:
            return [], True
        jobs, size = [first], len(first.rows)
        deadline = time.monotonic() + self._gather
        while size < self.max_batch:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                remaining = deadline - time.monotonic()
                if len(jobs) + self._in_flight >= self._submitters or remaining <= 0:
                    break
                try:
                    job = self._queue.get(timeout=min(remaining, _POLL))
                except queue.Empty:
                    continue
            if job is _STOP:
                return jobs, True
            jobs.append(job)
            size += len(job.rows)
        return jobs, False

    def _commit(self, jobs: list[_Job]) -> int:
        """Commit the jobs' rows as one transaction, wake their submitters; return rows saved."""
        rows = [r for job in jobs for r in job.rows]
        saved = 0
        with self._lock:
            self._in_flight += len(jobs)
        try:
            self._commit_rows(rows)
            saved = len(rows)
        except Exception as exc:  # handed to every submitter of the batch, which raise it
            for job in jobs:
                job.error = exc
        finally:
            with self._lock:
                self._in_flight -= len(jobs)
        for job in jobs:
            job.done.set()
        return saved


class WrittenThrough:
    """The writing half of a store whose records go through a RecordWriter (``_writer``)."""

    _writer: RecordWriter

    @property
    def closed(self) -> bool:
        return self._writer.closed

    def submit(self, record: AnonymousRecord) -> None:
        self._writer.submit(record)

    def submit_many(self, records: Iterable[AnonymousRecord]) -> int:
        return self._writer.submit_many(records)


class Closable(Protocol):
    def close(self) -> None: ...


_open_stores: weakref.WeakSet = weakref.WeakSet()


def close_at_exit(store: Closable) -> None:
    """Have ``store`` closed when the process ends, so its queued writes are committed."""
    _open_stores.add(store)


@atexit.register
def _close_all() -> None:
    for store in list(_open_stores):
        with contextlib.suppress(Exception):
            store.close()
