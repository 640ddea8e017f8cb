"""Where shared anonymous records live: one small interface, and its DuckDB implementation.

Streamlit serves every session on a thread of one process, and DuckDB lets only
one process open a file for writing. So every write goes through one writer
thread fed by a queue: it takes whatever has queued up, appends it in a single
transaction and only then tells each waiting submitter that its record is saved
(Datasette's ``database.py`` does SQLite writes the same way). Reads run on
cursors of their own. A later deployment with several app servers can swap in
a shared PostgreSQL behind the same :class:`Store` protocol: the SQL here is
plain GROUP BY over nine columns.
"""

from __future__ import annotations

import atexit
import contextlib
import queue
import re
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa

from backcare.contract import ITEM_VALUES, TRIAGE_LEVELS
from backcare.record import PAIN_BANDS, TOP_CAUSES, UNKNOWN, AnonymousRecord
from backcare.settings import MODES

MEMORY = ":memory:"
#: The most records one transaction appends; bigger queues wait for the next one.
MAX_BATCH = 1000

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
INSERT = "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
#: From this many rows on, a batch goes in as one Arrow table (executemany is row by row).
BULK = 64

#: Columns analysts may group by, and the list columns that group one row per element.
COLUMNS = ("week", "age_band", "activity", "pain_band", "triage", "site_id", "mode")
LIST_COLUMNS = {"cause": "top_causes", "warning_sign": "warning_signs"}

AGE_BANDS = (*(f"{low}-{low + 9}" for low in range(0, 120, 10)), UNKNOWN)
ACTIVITIES = (*ITEM_VALUES["activity"], UNKNOWN)
PAIN_BANDS_ALL = (*PAIN_BANDS, UNKNOWN)
_WEEK = re.compile(r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])")
_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
_SITE = re.compile(r"[A-Za-z0-9_-]{1,40}")


class StoreError(RuntimeError):
    """The store cannot be opened or could not save; the message says what to do."""


class StoreLocked(StoreError):
    """Another process holds the store's file."""


class InvalidRecord(ValueError):
    """A record has a field outside the coarse values an anonymous record may hold."""


@dataclass(frozen=True)
class Selection:
    """Which records an aggregate covers; ``None`` means every value."""

    first_week: str | None = None
    last_week: str | None = None
    site_id: str | None = None
    activity: str | None = None
    age_band: str | None = None


class Store(Protocol):
    """What the app needs from a store of anonymous records, and nothing more."""

    def submit(self, record: AnonymousRecord) -> None:
        """Save one record; return only once it is durable. Raises InvalidRecord, StoreError."""

    def submit_many(self, records: Iterable[AnonymousRecord]) -> int:
        """Save many records (demo data, imports); return how many were saved."""

    def count_by(self, columns: Sequence[str], selection: Selection = Selection()) -> list[tuple]:
        """Rows of (*values of columns, number of records) for the selected records.

        At most one of ``columns`` may be a list column ("cause", "warning_sign"):
        a record then counts once under each of its causes or signs.
        """

    def close(self) -> None:
        """Finish pending writes and let go of the storage."""


def check(record: AnonymousRecord) -> None:
    """Refuse anything but the coarse values a record may hold, naming the field."""
    problems = {
        "week": isinstance(record.week, str) and _WEEK.fullmatch(record.week),
        "age_band": record.age_band in AGE_BANDS,
        "activity": record.activity in ACTIVITIES,
        "pain_band": record.pain_band in PAIN_BANDS_ALL,
        "triage": record.triage in TRIAGE_LEVELS,
        "top_causes": _ids(record.top_causes) and len(record.top_causes) <= TOP_CAUSES,
        "warning_signs": _ids(record.warning_signs)
        and list(record.warning_signs) == sorted(record.warning_signs),
        "site_id": isinstance(record.site_id, str) and _SITE.fullmatch(record.site_id),
        "mode": record.mode in MODES,
    }
    bad = [name for name, ok in problems.items() if not ok]
    if bad:
        field_name = bad[0]
        raise InvalidRecord(
            f"{field_name}={getattr(record, field_name)!r} is not a value an anonymous record "
            "may hold"
        )


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


def _ids(values: object) -> bool:
    return (
        isinstance(values, tuple)
        and all(isinstance(v, str) and _ID.fullmatch(v) for v in values)
        and len(set(values)) == len(values)
    )


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


def where(selection: Selection) -> tuple[str, list[str]]:
    """The WHERE clause for a selection, with its values as parameters."""
    clauses, params = ["TRUE"], []
    if selection.first_week is not None:
        clauses.append("week >= ?")
        params.append(selection.first_week)
    if selection.last_week is not None:
        clauses.append("week <= ?")
        params.append(selection.last_week)
    for name in ("site_id", "activity", "age_band"):
        value = getattr(selection, name)
        if value is not None:
            clauses.append(f"{name} = ?")
            params.append(value)
    return " AND ".join(clauses), params


def count_sql(columns: Sequence[str], selection: Selection) -> tuple[str, list[str]]:
    """GROUP BY SQL for :meth:`Store.count_by`; column names come from a fixed list only."""
    unknown = [c for c in columns if c not in COLUMNS and c not in LIST_COLUMNS]
    if unknown:
        raise ValueError(f"cannot count by {unknown[0]!r}")
    lists = [c for c in columns if c in LIST_COLUMNS]
    if len(lists) > 1:
        raise ValueError("count by at most one list column at a time")
    condition, params = where(selection)
    source = "records"
    if lists:
        name = lists[0]
        source = f"(SELECT *, unnest({LIST_COLUMNS[name]}) AS {name} FROM records)"
    names = ", ".join(columns)
    select = f"{names}, count(*) AS n" if columns else "count(*) AS n"
    group = f" GROUP BY {names} ORDER BY {names}" if columns else ""
    return f"SELECT {select} FROM {source} WHERE {condition}{group}", params


@dataclass
class _Job:
    rows: list[tuple]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


_STOP = object()


class DuckDBStore:
    """The store as one DuckDB file, written by one thread (see the module docstring)."""

    def __init__(self, path: Path | str, *, max_batch: int = MAX_BATCH) -> None:
        self.path = path if path == MEMORY else Path(path)
        self._max_batch = max_batch
        self._con = _connect(self.path)
        self._con.execute(SCHEMA)
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
        check(record)
        self._wait(self._enqueue([_row(record)]))

    def submit_many(self, records: Iterable[AnonymousRecord]) -> int:
        saved = 0
        chunk: list[tuple] = []
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
                first = self._queue.get()
                if first is _STOP:
                    break
                jobs, size = [first], len(first.rows)
                while size < self._max_batch:
                    try:
                        job = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if job is _STOP:
                        stop = True
                        break
                    jobs.append(job)
                    size += len(job.rows)
                self._commit(cursor, jobs)
        finally:
            cursor.close()

    def _commit(self, cursor: duckdb.DuckDBPyConnection, jobs: list[_Job]) -> None:
        rows = [row for job in jobs for row in job.rows]
        try:
            cursor.execute("BEGIN TRANSACTION")
            if len(rows) < BULK:
                cursor.executemany(INSERT, rows)
            else:
                cursor.register("incoming", _arrow(rows))
                try:
                    cursor.execute("INSERT INTO records SELECT * FROM incoming")
                finally:
                    cursor.unregister("incoming")
            cursor.execute("COMMIT")
        except duckdb.Error as exc:
            # The transaction may already be gone; either way nothing of it was committed.
            with contextlib.suppress(duckdb.Error):
                cursor.execute("ROLLBACK")
            for job in jobs:
                job.error = exc
        for job in jobs:
            job.done.set()

    # --- reading ---------------------------------------------------------------------------

    def count_by(self, columns: Sequence[str], selection: Selection = Selection()) -> list[tuple]:
        sql, params = count_sql(columns, selection)
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


_shared: dict[str, DuckDBStore] = {}
_open_stores: weakref.WeakSet[DuckDBStore] = weakref.WeakSet()
_shared_lock = threading.Lock()


def shared(path: Path | str) -> DuckDBStore:
    """This process's one store for ``path``, opened on first use and closed at exit.

    Every session thread must write through the same writer, so the pages never open
    a store of their own. A failed open is not remembered: the next call tries again.
    """
    key = path if path == MEMORY else str(Path(path).resolve())
    with _shared_lock:
        store = _shared.get(key)
        if store is None or store.closed:
            store = _shared[key] = DuckDBStore(path)
        return store


def close_shared() -> None:
    """Close this process's shared stores, finishing pending writes (tests use it too)."""
    with _shared_lock:
        stores = list(_shared.values())
        _shared.clear()
    for store in stores:
        store.close()


@atexit.register
def _close_all() -> None:
    """Finish every pending write before the process ends."""
    close_shared()
    for store in list(_open_stores):
        store.close()
