"""Faults injected at the store's seams: what the person or analyst is told, and that
nothing already saved is lost. DuckDB only: the paths are the backends' shared code
(the writer) or DuckDB's own (folds, rollups, opening a file)."""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from backcare.analytics.store import duckdb_store
from backcare.analytics.store.base import InvalidRecord, StoreError, StoreLocked
from backcare.analytics.store.duckdb_store import DuckDBStore
from backcare.analytics.store.writer import RecordWriter
from tests.analytics.insights_data import record
from tests.analytics.test_store_rollups import assert_in_step

RECORD = record(week="2026-W47", site_id="clinic-1")


class WriterDied(BaseException):
    """What kills a thread outright (not an Exception the writer hands to submitters)."""


@pytest.fixture
def quiet_thread_deaths(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Collect the exceptions that end threads instead of printing them."""
    died: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: died.append(args.exc_value))
    return died


def _folded(store: DuckDBStore) -> int:
    return store._con.execute("SELECT folded FROM rollup_state").fetchone()[0]


def test_a_dead_writer_thread_says_nothing_was_saved_and_keeps_what_was(
    tmp_path: Path, quiet_thread_deaths: list[BaseException]
) -> None:
    store = DuckDBStore(tmp_path / "s.duckdb")
    store.submit(RECORD)

    def dies(rows: list[tuple]) -> None:
        raise WriterDied

    store._writer._commit_rows = dies
    with pytest.raises(StoreError) as caught:
        store.submit(replace(RECORD, site_id="clinic-2"))
    assert (
        str(caught.value) == f"the store {tmp_path / 's.duckdb'} stopped writing; nothing was saved"
    )
    assert [type(e) for e in quiet_thread_deaths] == [WriterDied]
    assert store.count_by(("site_id",)) == [("clinic-1", 1)]  # reading still works
    store.close()
    reopened = DuckDBStore(tmp_path / "s.duckdb")
    assert reopened.count_by(("site_id",)) == [("clinic-1", 1)]
    reopened.close()


def test_a_commit_that_fails_is_told_to_its_submitter_and_the_next_one_is_saved() -> None:
    saved: list[list[tuple]] = []
    failures = iter([RuntimeError("disk full")])

    def commit(rows: list[tuple]) -> None:
        if (failure := next(failures, None)) is not None:
            raise failure
        saved.append(rows)

    writer = RecordWriter(commit, label="the test store")
    with pytest.raises(StoreError, match=r"^could not save to the test store: disk full$"):
        writer.submit(RECORD)
    writer.submit(RECORD)
    writer.close()
    assert len(saved) == 1 and len(saved[0]) == 1


def test_a_fold_that_fails_once_is_logged_counts_stay_right_and_the_next_fold_catches_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = DuckDBStore(tmp_path / "s.duckdb", fold_at=2)
    real_sql, real_fold = duckdb_store.fold_sql, store._fold
    calls = {"n": 0}
    folds: queue.Queue[bool] = queue.Queue()

    def fails_once(rollup):
        calls["n"] += 1
        return "SELECT * FROM no_such_table" if calls["n"] == 1 else real_sql(rollup)

    def watched(cursor: duckdb.DuckDBPyConnection) -> bool:
        folds.put(folded := real_fold(cursor))  # the fold runs on the writer thread
        return folded

    monkeypatch.setattr(duckdb_store, "fold_sql", fails_once)
    store._fold = watched
    with caplog.at_level(logging.WARNING, logger=duckdb_store.__name__):
        store.submit_many([RECORD, replace(RECORD, site_id="clinic-2")])
        assert folds.get(timeout=30) is False
    assert _folded(store) == 0, "the failed fold moved the mark"
    (warning,) = [r.getMessage() for r in caplog.records]
    assert warning.startswith(
        f"could not fold new records into the rollups of {tmp_path / 's.duckdb'}: "
    )
    # The unfolded records are read from the tail: the counts are right all the same.
    assert store.count_by(("site_id",)) == [("clinic-1", 1), ("clinic-2", 1)]
    store.submit(replace(RECORD, site_id="clinic-3"))  # the retry, after the next commit
    assert folds.get(timeout=30) is True
    assert _folded(store) == 3
    assert_in_step(store._con)
    assert store.count_by(("site_id",)) == [("clinic-1", 1), ("clinic-2", 1), ("clinic-3", 1)]
    store.close()


def test_rollups_that_cannot_be_prepared_stop_the_open_with_one_line_and_lose_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.duckdb"
    store = DuckDBStore(path)
    store.submit_many([RECORD] * 3)
    store.close()
    with duckdb.connect(str(path)) as con:  # as if an older BackCare had written the file
        con.execute("UPDATE rollup_state SET layout = 1")

    class Broken:
        table = "broken_rollup"

        def create_sql(self) -> str:
            return "CREATE TABLE broken_rollup (n INTEGER NOT NULL REFERENCES nowhere(n))"

    monkeypatch.setattr(duckdb_store, "ROLLUPS", (*duckdb_store.ROLLUPS, Broken()))
    with pytest.raises(StoreError) as caught:
        DuckDBStore(path)
    message = str(caught.value)
    assert message.startswith("cannot prepare the counts in the store: ")
    assert "\n" not in message.split(": ", 1)[0]
    monkeypatch.undo()
    reopened = DuckDBStore(path)  # the rollback left the old file as it was
    assert len(reopened) == 3
    assert_in_step(reopened._con)
    reopened.close()


@pytest.mark.parametrize("kind", ["a folder", "a file in the way of its folder", "not a database"])
def test_a_store_that_cannot_be_opened_says_so_in_one_line(tmp_path: Path, kind: str) -> None:
    if kind == "a folder":
        path = tmp_path / "store.duckdb"
        path.mkdir()
    elif kind == "a file in the way of its folder":
        (tmp_path / "var").write_text("not a folder")
        path = tmp_path / "var" / "store.duckdb"
    else:
        path = tmp_path / "store.duckdb"
        path.write_bytes(b"these are not the bytes of a DuckDB file" * 200)
    with pytest.raises(StoreError) as caught:
        DuckDBStore(path)
    message = str(caught.value)
    assert message.startswith(f"cannot open the store {path}: ")
    assert "Traceback" not in message
    if kind == "not a database":
        assert path.read_bytes().startswith(b"these are not the bytes")  # left as it was


def test_a_closed_store_refuses_reads_and_writes_by_name(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    store = DuckDBStore(path)
    store.submit(RECORD)
    store.close()
    with pytest.raises(StoreError, match=rf"^the store {path} is closed$"):
        store.count_by(("week",))
    with pytest.raises(StoreError, match=rf"^the store {path} is closed$"):
        store.submit(RECORD)
    store.close()  # a second close is harmless
    reopened = DuckDBStore(path)
    assert len(reopened) == 1
    reopened.close()


@pytest.mark.parametrize("size", [1, duckdb_store.BULK])
def test_a_failed_append_names_the_databases_own_reason(tmp_path: Path, size: int) -> None:
    """Small batches and Arrow-sized ones fail the same way: the submitter hears DuckDB's
    reason, not a fault of the clean-up after it, and the next write goes through."""
    path = tmp_path / "s.duckdb"
    store = DuckDBStore(path)
    store._con.execute("ALTER TABLE records RENAME TO gone")
    with pytest.raises(StoreError) as caught:
        store.submit_many([RECORD] * size)
    assert str(caught.value).startswith(
        f"could not save to {path}: Catalog Error: Table with name records does not exist!"
    )
    store._con.execute("ALTER TABLE gone RENAME TO records")
    assert store.submit_many([RECORD] * size) == size
    assert len(store) == size
    store.close()


def test_a_file_locked_by_a_process_duckdb_cannot_name_gives_the_whole_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "held.duckdb"

    def held(database: str) -> duckdb.DuckDBPyConnection:
        raise duckdb.IOException(
            f'IO Error: Could not set lock on file "{database}": Conflicting lock is held'
        )

    monkeypatch.setattr(duckdb, "connect", held)
    with pytest.raises(StoreLocked) as caught:
        DuckDBStore(path)
    assert str(caught.value) == (
        f"The store {path} is in use by another process (another BackCare server, or a "
        "`python -m backcare` command). Only one process can use it at a time: stop that "
        "process, or give this one its own file with BACKCARE_STORE."
    )


def test_a_refused_record_is_told_in_one_whole_sentence(tmp_path: Path) -> None:
    store = DuckDBStore(tmp_path / "s.duckdb")
    with pytest.raises(InvalidRecord) as caught:
        store.submit(replace(RECORD, week="2026-11-21"))
    assert str(caught.value) == "week='2026-11-21' is not a value an anonymous record may hold"
    store.close()
