"""Every error exit of the analysts' commands: one line on standard error, exit 1, nothing
on standard output (wrong arguments exit 2: tests/analytics/test_insights.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcare.analytics.cli import EXIT_FAILED
from backcare.analytics.store import registry
from backcare.analytics.store.base import StoreError
from backcare.analytics.store.duckdb_store import DuckDBStore
from tests.analytics.insights_data import record
from tests.analytics.test_insights import _cli


def _one_error_line(err: str) -> str:
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
    return err.removeprefix("error: ").rstrip("\n")


@pytest.fixture
def store_with_a_finished_month(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    store = DuckDBStore(path)
    store.submit_many([record(week="2026-W01")] * 12)  # January 2026 is over
    store.close()
    return path


def test_export_into_a_folder_that_cannot_be_made(store_with_a_finished_month, tmp_path):
    (tmp_path / "taken").write_text("a file where the folder should go")
    out_dir = tmp_path / "taken" / "views"
    store = str(store_with_a_finished_month)
    code, out, err = _cli("export", "--format", "csv", "--out", str(out_dir), "--store", store)
    assert (code, out) == (EXIT_FAILED, "")
    assert _one_error_line(err).startswith(f"cannot write to {out_dir}: ")


@pytest.mark.parametrize("command", ["export", "demo-data"])
def test_a_store_that_cannot_be_opened(command, tmp_path):
    folder = tmp_path / "a-folder.duckdb"
    folder.mkdir()
    export = ["--format", "csv", "--out", str(tmp_path / "v")]
    args = export if command == "export" else ["--rows", "3"]
    code, out, err = _cli(command, *args, "--store", str(folder))
    assert (code, out) == (EXIT_FAILED, "")
    assert _one_error_line(err).startswith(f"cannot open the store {folder}: ")


def test_demo_data_that_cannot_be_saved_says_so_and_saves_nothing_more(monkeypatch, tmp_path):
    class Failing:
        closed = False

        def submit_many(self, records) -> int:
            raise StoreError("the store s.duckdb stopped writing; nothing was saved")

        def close(self) -> None:
            self.closed = True

    failing = Failing()
    monkeypatch.setattr(registry, "open_store", lambda location: failing)
    code, out, err = _cli("demo-data", "--rows", "3", "--store", str(tmp_path / "s.duckdb"))
    assert (code, out) == (EXIT_FAILED, "")
    assert _one_error_line(err) == "the store s.duckdb stopped writing; nothing was saved"
    assert failing.closed, "the store is closed on the way out"
