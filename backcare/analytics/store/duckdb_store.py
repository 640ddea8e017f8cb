"""The store as one DuckDB file: the embedded default, for one server process.

Streamlit serves every session on a thread of one process, and DuckDB lets only
one process open a file for writing. So every write goes through one writer
thread fed by a queue: it takes whatever has queued up, appends it in a single
transaction and only then tells each waiting submitter that its record is saved
(Datasette's ``database.py`` does SQLite writes the same way). A commit of eight
records costs little more than one of a single record (~2.4 against ~1.8 ms
here), so the writer waits a moment (:data:`GATHER`) for every thread that is
submitting to queue its record, and busy threads share commits. Reads run on
cursors of their own.

``records`` is the source of truth; the Insights page reads pre-aggregated
counts instead, because a GROUP BY over ten million records takes seconds.
The rollup tables (:data:`ROLLUPS`) hold the counts of every record whose
rowid is below the mark in ``rollup_state``. Records are only ever appended,
never updated or deleted, so a rowid (a row's position) never changes and the
records at and above the mark are a short tail. A count is the rollup's sum
plus a GROUP BY of that tail, read in one statement and so from one snapshot.
Every :data:`FOLD_AT` records, and when a store opens, the writer folds the
tail into the rollups and moves the mark in one transaction: whatever a crash
interrupts, rollups and mark stay in step with ``records``. A submission's own
transaction only appends: upserting three rollups in it as well cut the rate
of submissions from 8 threads to about a quarter when measured here. A file
written before the rollups existed gets them, built from ``records``, the
first time it is opened.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import queue
import re
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from backcare.analytics.record import AnonymousRecord
from backcare.analytics.store.base import (
    COLUMNS,
    FILTERED,
    LIST_COLUMNS,
    NO_CAUSE,
    TOP_CAUSE,
    Selection,
    StoreError,
    StoreLocked,
    check,
    list_column,
    where,
)

MEMORY = ":memory:"
#: The most records one transaction appends; bigger queues wait for the next one.
MAX_BATCH = 1000
#: Records appended after the last fold that make the writer fold them into the rollups.
FOLD_AT = 10_000
#: How long the writer waits at most for submitters to queue their records (s), and how
#: often it looks whether one has given up instead.
GATHER = 0.002
_POLL = 0.0002

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    week VARCHAR NOT NULL,
    age_band VARCHAR NOT NULL,
    activity VARCHAR NOT NULL,
    pain_band VARCHAR NOT NULL,
    triage VARCHAR NOT NULL,
    top_causes VARCHAR[] NOT NULL,
    warning_signs VARCHAR[] NOT NULL,
    site_id VARCHAR NOT NULL,
    mode VARCHAR NOT NULL
)
"""
#: A small batch as nine parameters, one list per column, zipped back into rows by unnest.
APPEND = f"INSERT INTO records SELECT {', '.join(['unnest(?)'] * 9)}"
#: From this many rows on, a batch goes in as one Arrow table instead (measured here: eight
#: rows ~1.4 ms as lists against ~2.0 ms as Arrow, a thousand ~13 ms against ~5 ms).
BULK = 64

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rollup:
    """A table of record counts, one row per distinct key, that the writer keeps in step.

    With an ``element`` (a list column's name in :data:`LIST_COLUMNS`) a record counts once
    under each of its elements, as in :meth:`Store.count_by`.
    """

    table: str
    keys: tuple[str, ...]
    element: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.keys, self.element) if self.element else self.keys

    def covers(self, columns: Sequence[str], element: str | None, selection: Selection) -> bool:
        """Whether this rollup can answer a count by ``columns`` of the selected records."""
        return element == self.element and set(columns) | _filtered(selection) <= set(self.columns)

    def create_sql(self) -> str:
        types = ", ".join(f"{name} VARCHAR NOT NULL" for name in self.columns)
        key = ", ".join(self.columns)
        return f"CREATE TABLE {self.table} ({types}, n BIGINT NOT NULL, PRIMARY KEY ({key}))"

    def fold_sql(self) -> str:
        """Add the counts of the records with rowid in [?, ?) to this rollup."""
        names = ", ".join(self.columns)
        source = _records(self.element, "rowid >= ? AND rowid < ?")
        return (
            f"INSERT INTO {self.table} SELECT {names}, count(*) AS n FROM {source} "
            f"GROUP BY {names} ON CONFLICT DO UPDATE SET n = n + excluded.n"
        )


def _filtered(selection: Selection) -> set[str]:
    """The columns a selection narrows (both ends of a week range narrow ``week``)."""
    names = {name for name in FILTERED[1:] if getattr(selection, name) is not None}
    if selection.first_week is not None or selection.last_week is not None:
        names.add("week")
    return names


#: First, small rollups of exactly the counts insights.publish() asks for (a few thousand
#: rows each, however many records: their reads cost the same at any size); then the scalar
#: columns' counts, the first-ranked cause's and each list column's counts by the columns a
#: Selection filters on, which answer any count under any Selection (others, such as causes
#: by pain band, are counted from records). The first rollup that covers a count answers it.
ROLLUPS = (
    Rollup("week_site_triage", ("week", "site_id", "triage")),
    Rollup("week_age_pain", ("week", "age_band", "pain_band")),
    Rollup("week_activity_top_cause", ("week", "activity", TOP_CAUSE)),
    Rollup("week_warning_signs", ("week",), "warning_sign"),
    Rollup("counts", COLUMNS),
    Rollup("top_cause_counts", (*FILTERED, TOP_CAUSE)),
    Rollup("cause_counts", FILTERED, "cause"),
    Rollup("warning_sign_counts", FILTERED, "warning_sign"),
)
#: Bumped whenever ROLLUPS change: a store with another layout rebuilds its rollups.
ROLLUP_LAYOUT = 2
STATE = "rollup_state"
STATE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {STATE} (layout INTEGER NOT NULL, folded BIGINT NOT NULL)
"""


def _arrow(rows: list[tuple]) -> pa.Table:
    names = ("week", "age_band", "activity", "pain_band", "triage", "top_causes",
             "warning_signs", "site_id", "mode")  # fmt: skip
    columns = list(zip(*rows, strict=True))
    return pa.table(
        {
            name: pa.array(column, type=pa.list_(pa.string()) if name in LIST_COLUMNS.values()
                           else pa.string())
            for name, column in zip(names, columns, strict=True)
        }
    )  # fmt: skip


def _row(record: AnonymousRecord) -> tuple:
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


#: The first-ranked cause as a column (DuckDB lists count from 1; an empty list gives NULL).
_TOP_CAUSE = f"coalesce(top_causes[1], '{NO_CAUSE}') AS {TOP_CAUSE}"


def _records(element: str | None, rows: str = "TRUE") -> str:
    """The records that ``rows`` picks, one row per element of a list column if one is named."""
    if element is None:
        return f"(SELECT *, {_TOP_CAUSE} FROM records WHERE {rows})"
    unnest = f"unnest({LIST_COLUMNS[element]}) AS {element}"
    return f"(SELECT *, {_TOP_CAUSE}, {unnest} FROM records WHERE {rows})"


def count_sql(columns: Sequence[str], selection: Selection) -> tuple[str, list[str]]:
    """GROUP BY SQL over the raw records; column names come from a fixed list only.

    The reference that :func:`rollup_sql` must agree with, and the fallback for counts
    no rollup covers.
    """
    source = _records(list_column(columns))
    condition, params = where(selection)
    names = ", ".join(columns)
    select = f"{names}, count(*) AS n" if columns else "count(*) AS n"
    group = f" GROUP BY {names} ORDER BY {names}" if columns else ""
    return f"SELECT {select} FROM {source} WHERE {condition}{group}", params


def rollup_sql(columns: Sequence[str], selection: Selection) -> tuple[str, list[str]] | None:
    """The same counts as :func:`count_sql` from a rollup and the unfolded tail, if one covers.

    Both parts are read in one statement, so from one snapshot of rollup, mark and records.
    """
    element = list_column(columns)
    rollup = next((r for r in ROLLUPS if r.covers(columns, element, selection)), None)
    if rollup is None:
        return None
    condition, params = where(selection)
    tail = _records(element, f"rowid >= (SELECT folded FROM {STATE})")
    names = ", ".join(columns)
    keyed = f"{names}, " if columns else ""
    group = f" GROUP BY {names}" if columns else ""
    parts = (
        f"SELECT {keyed}n FROM {rollup.table} WHERE {condition} UNION ALL "
        f"SELECT {keyed}count(*) AS n FROM {tail} WHERE {condition}{group}"
    )
    if not columns:
        return f"SELECT coalesce(sum(n), 0)::BIGINT AS n FROM ({parts})", params + params
    sql = f"SELECT {names}, sum(n)::BIGINT AS n FROM ({parts}){group} ORDER BY {names}"
    return sql, params + params


@dataclass
class _Job:
    rows: list[tuple]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


_STOP = object()


class DuckDBStore:
    """The store as one DuckDB file, written by one thread (see the module docstring)."""

    def __init__(
        self,
        path: Path | str,
        *,
        max_batch: int = MAX_BATCH,
        fold_at: int = FOLD_AT,
        gather: float = GATHER,
    ) -> None:
        self.path = path if path == MEMORY else Path(path)
        self._max_batch = max_batch
        self._fold_at = fold_at
        self._gather = gather
        self._submitters = 0  # threads inside submit() or submit_many()
        self._con = _connect(self.path)
        try:
            self._con.execute(SCHEMA)
            _prepare_rollups(self._con)
            self._unfolded = 0 if self._fold(self._con) else fold_at
        except BaseException:
            self._con.close()
            raise
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._writer = threading.Thread(
            target=self._write_loop, name="backcare-store-writer", daemon=True
        )
        self._writer.start()
        _open_stores.add(self)

    @property
    def closed(self) -> bool:
        return self._closed

    # --- writing ---------------------------------------------------------------------------

    def submit(self, record: AnonymousRecord) -> None:
        with self._submitting():
            check(record)
            self._wait(self._enqueue([_row(record)]))

    def submit_many(self, records: Iterable[AnonymousRecord]) -> int:
        saved = 0
        chunk: list[tuple] = []
        with self._submitting():
            for record in records:
                check(record)
                chunk.append(_row(record))
                if len(chunk) == self._max_batch:
                    self._wait(self._enqueue(chunk))
                    saved, chunk = saved + len(chunk), []
            if chunk:
                self._wait(self._enqueue(chunk))
                saved += len(chunk)
        return saved

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
                raise StoreError(f"the store {self.path} is closed")
            self._queue.put(job)
        return job

    def _wait(self, job: _Job) -> None:
        # The writer sets `done` after COMMIT; if it died instead, say so rather than hang.
        while not job.done.wait(timeout=1.0):
            if not self._writer.is_alive():
                raise StoreError(f"the store {self.path} stopped writing; nothing was saved")
        if job.error is not None:
            raise StoreError(f"could not save to {self.path}: {job.error}") from job.error

    def _write_loop(self) -> None:
        cursor = self._con.cursor()
        try:
            stop = False
            while not stop:
                jobs, stop = self._gather_jobs()
                if not jobs:
                    break
                self._unfolded += self._commit(cursor, jobs)
                if self._unfolded >= self._fold_at and self._fold(cursor):
                    self._unfolded = 0
        finally:
            cursor.close()

    def _gather_jobs(self) -> tuple[list[_Job], bool]:
        """The jobs for one transaction, and whether a stop came after them.

        A submitter waits for its commit, so right after one the threads it woke are on
        their way back with their next records; taking only what has queued would commit
        them in small, dear transactions. So the writer waits, up to ``gather`` seconds,
        until every thread inside submit() has queued a job or left. A lone submitter is
        never kept waiting. (Waiting for as many jobs as the last transaction held instead
        locked eight threads into alternating transactions of four after one stall.)
        """
        first = self._queue.get()
        if first is _STOP:
            return [], True
        jobs, size = [first], len(first.rows)
        deadline = time.monotonic() + self._gather
        while size < self._max_batch:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                remaining = deadline - time.monotonic()
                if len(jobs) >= self._submitters or remaining <= 0:
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

    def _commit(self, cursor: duckdb.DuckDBPyConnection, jobs: list[_Job]) -> int:
        """Append the jobs' rows in one transaction, wake their submitters; return rows saved."""
        rows = [row for job in jobs for row in job.rows]
        saved = 0
        try:
            # One statement, so one transaction of its own: BEGIN and COMMIT would only add
            # two more round trips to every commit.
            if len(rows) < BULK:
                cursor.execute(APPEND, [list(column) for column in zip(*rows, strict=True)])
            else:
                cursor.from_arrow(_arrow(rows)).insert_into("records")
            saved = len(rows)
        except duckdb.Error as exc:
            _rollback(cursor)
            for job in jobs:
                job.error = exc
        for job in jobs:
            job.done.set()
        return saved

    def _fold(self, cursor: duckdb.DuckDBPyConnection) -> bool:
        """Count the records above the mark into the rollups and move the mark past them.

        One transaction, so the rollups never disagree with the mark. A failure only leaves
        a longer tail, which reads still count; it is logged and tried again later.
        """
        try:
            cursor.execute("BEGIN TRANSACTION")
            (low,) = cursor.execute(f"SELECT folded FROM {STATE}").fetchone()
            (high,) = cursor.execute("SELECT coalesce(max(rowid) + 1, 0) FROM records").fetchone()
            if high > low:
                for rollup in ROLLUPS:
                    cursor.execute(rollup.fold_sql(), [low, high])
                cursor.execute(f"UPDATE {STATE} SET folded = ?", [high])
            cursor.execute("COMMIT")
        except duckdb.Error as exc:
            _rollback(cursor)
            log.warning("could not fold new records into the rollups of %s: %s", self.path, exc)
            return False
        return True

    # --- reading ---------------------------------------------------------------------------

    def count_by(self, columns: Sequence[str], selection: Selection = Selection()) -> list[tuple]:
        sql, params = rollup_sql(columns, selection) or count_sql(columns, selection)
        with self._lock:
            if self._closed:
                raise StoreError(f"the store {self.path} is closed")
            cursor = self._con.cursor()
        try:
            return cursor.execute(sql, params).fetchall()
        finally:
            cursor.close()

    def __len__(self) -> int:
        return self.count_by(())[0][-1]

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._writer.join()
        self._con.close()


def _rollback(cursor: duckdb.DuckDBPyConnection) -> None:
    # The transaction may already be gone; either way nothing of it was committed.
    with contextlib.suppress(duckdb.Error):
        cursor.execute("ROLLBACK")


def _prepare_rollups(con: duckdb.DuckDBPyConnection) -> None:
    """Create empty rollups with the mark at 0 when a file has none or another layout.

    The records are then all tail, and the first fold counts them; a crash before it
    finishes leaves a store that is still correct, only slower to read.
    """
    con.execute(STATE_SCHEMA)
    if con.execute(f"SELECT layout FROM {STATE}").fetchall() == [(ROLLUP_LAYOUT,)]:
        return
    try:
        con.execute("BEGIN TRANSACTION")
        for rollup in ROLLUPS:
            con.execute(f"DROP TABLE IF EXISTS {rollup.table}")
            con.execute(rollup.create_sql())
        con.execute(f"DELETE FROM {STATE}")
        con.execute(f"INSERT INTO {STATE} VALUES (?, 0)", [ROLLUP_LAYOUT])
        con.execute("COMMIT")
    except duckdb.Error as exc:
        _rollback(con)
        raise StoreError(f"cannot prepare the counts in the store: {exc}") from exc


def _connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    if path == MEMORY:
        return duckdb.connect(MEMORY)
    assert isinstance(path, Path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path))
    except duckdb.IOException as exc:
        if "Could not set lock" in str(exc):
            holder = re.search(r"\(PID (\d+)\)", str(exc))
            who = f"process {holder.group(1)}" if holder else "another process"
            raise StoreLocked(
                f"The store {path} is in use by {who} (another BackCare server, or a "
                "`python -m backcare` command). Only one process can use it at a time: stop "
                "that process, or give this one its own file with BACKCARE_STORE."
            ) from None
        raise StoreError(f"cannot open the store {path}: {exc}") from None
    except (OSError, duckdb.Error) as exc:
        raise StoreError(f"cannot open the store {path}: {exc}") from None


_open_stores: weakref.WeakSet[DuckDBStore] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """Finish every pending write before the process ends, shared store or not."""
    for store in list(_open_stores):
        store.close()
