"""The store as one DuckDB file: the embedded default, for one server process.

Streamlit serves every session on a thread of one process, and DuckDB lets only
one process open a file for writing. So every write goes through the one
:class:`~backcare.analytics.store.writer.RecordWriter` thread of the store,
which commits what has queued up as one transaction (~2.4 ms for eight records
against ~1.8 ms for one, measured here). Reads run on cursors of their own.

``records`` is the source of truth; the Insights page reads pre-aggregated
counts instead, because a GROUP BY over ten million records takes seconds.
The rollup tables (:data:`~backcare.analytics.store.queries.ROLLUPS`) hold the
counts of every record whose rowid is below the mark in ``rollup_state``.
Records are only ever appended, never updated or deleted, and only this
process writes, so a rowid (a row's position) never changes and the records at
and above the mark are a short tail. A count is the rollup's sum plus a GROUP
BY of that tail, read in one statement and so from one snapshot. Every
:data:`FOLD_AT` records, and when a store opens, the writer folds the tail into
the rollups and moves the mark in one transaction: whatever a crash
interrupts, rollups and mark stay in step with ``records``. A submission's own
transaction only appends: upserting three rollups in it as well cut the rate
of submissions from 8 threads to about a quarter when measured here. A file
written before the rollups existed gets them, built from ``records``, the
first time it is opened.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from backcare.analytics.store.base import LIST_COLUMNS, Selection, StoreError, StoreLocked
from backcare.analytics.store.queries import ROLLUPS, Rollup, count_sql, rollup_sql
from backcare.analytics.store.writer import (
    GATHER,
    MAX_BATCH,
    RecordWriter,
    WrittenThrough,
    close_at_exit,
)

MEMORY = ":memory:"
#: Records appended after the last fold that make the writer fold them into the rollups.
FOLD_AT = 10_000

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

#: Bumped whenever ROLLUPS change: a store with another layout rebuilds its rollups.
ROLLUP_LAYOUT = 2
STATE = "rollup_state"
STATE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {STATE} (layout INTEGER NOT NULL, folded BIGINT NOT NULL)
"""
#: The records not yet folded into the rollups.
TAIL = f"rowid >= (SELECT folded FROM {STATE})"

log = logging.getLogger(__name__)


def fold_sql(rollup: Rollup) -> str:
    """Add the counts of the records with rowid in [?, ?) to ``rollup``."""
    grouped = rollup.grouped_sql("records", "rowid >= ? AND rowid < ?")
    return f"INSERT INTO {rollup.table} {grouped} ON CONFLICT DO UPDATE SET n = n + excluded.n"


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


class DuckDBStore(WrittenThrough):
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
        self._fold_at = fold_at
        self._con = _connect(self.path)
        try:
            self._con.execute(SCHEMA)
            _prepare_rollups(self._con)
            self._unfolded = 0 if self._fold(self._con) else fold_at
            self._cursor = self._con.cursor()  # the writer thread's
        except BaseException:
            self._con.close()
            raise
        self._lock = threading.Lock()
        self._writer = RecordWriter(
            self._append,
            label=str(self.path),
            max_batch=max_batch,
            gather=gather,
            after_commit=self._after_commit,
        )
        close_at_exit(self)

    # --- writing ---------------------------------------------------------------------------

    def _append(self, rows: list[tuple]) -> None:
        """Append rows in one transaction (the writer thread's commit)."""
        try:
            # One statement, so one transaction of its own: BEGIN and COMMIT would only add
            # two more round trips to every commit.
            if len(rows) < BULK:
                self._cursor.execute(APPEND, [list(column) for column in zip(*rows, strict=True)])
            else:
                self._cursor.from_arrow(_arrow(rows)).insert_into("records")
        except duckdb.Error:
            _rollback(self._cursor)
            raise

    def _after_commit(self, saved: int) -> None:
        self._unfolded += saved
        if self._unfolded >= self._fold_at and self._fold(self._cursor):
            self._unfolded = 0

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
                    cursor.execute(fold_sql(rollup), [low, high])
                cursor.execute(f"UPDATE {STATE} SET folded = ?", [high])
            cursor.execute("COMMIT")
        except duckdb.Error as exc:
            _rollback(cursor)
            log.warning("could not fold new records into the rollups of %s: %s", self.path, exc)
            return False
        return True

    # --- reading ---------------------------------------------------------------------------

    def count_by(self, columns: Sequence[str], selection: Selection = Selection()) -> list[tuple]:
        sql, params = rollup_sql(
            columns, selection, tail_table="records", tail_rows=TAIL
        ) or count_sql(columns, selection)
        with self._lock:
            if self.closed:
                raise StoreError(f"the store {self.path} is closed")
            cursor = self._con.cursor()
        try:
            return cursor.execute(sql, params).fetchall()
        finally:
            cursor.close()

    def __len__(self) -> int:
        return self.count_by(())[0][-1]

    def close(self) -> None:
        self._writer.close()  # commits what is queued, then stops
        with self._lock:
            if self._con is not None:
                self._cursor.close()
                self._con.close()
                self._con = None


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
