"""Which backend a store location names, how messages show it, one shared store per place."""

from __future__ import annotations

import pytest

from backcare.analytics.store import postgres_store, registry
from backcare.analytics.store.duckdb_store import MEMORY, DuckDBStore


@pytest.mark.parametrize(
    ("location", "url"),
    [
        ("postgresql://db.example/backcare", True),
        ("postgres://db.example/backcare", True),
        ("mysql://db.example/backcare", False),
        ("var/backcare.duckdb", False),
        (MEMORY, False),
    ],
)
def test_only_postgresql_urls_name_a_database(location, url):
    assert registry.is_url(location) is url


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("postgresql://ann:secret@db.example:5433/backcare", "postgresql://ann@db.example:5433/backcare"),
        ("postgres://ann:secret@db.example/backcare", "postgres://ann@db.example/backcare"),
        ("postgresql://db.example/backcare", "postgresql://db.example/backcare"),
        ("postgresql:///backcare", "postgresql:///backcare"),  # the local socket: no host
        ("postgresql://h:99999/x", "a PostgreSQL database (its URL cannot be read)"),
        ("var/backcare.duckdb", "var/backcare.duckdb"),
    ],
)  # fmt: skip
def test_a_location_is_shown_without_its_password(location, shown):
    assert registry.describe(location) == shown


def test_one_file_is_one_shared_store_however_it_is_named_until_it_is_closed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        first = registry.shared(tmp_path / "a.duckdb")
        assert isinstance(first, DuckDBStore)
        assert registry.shared("a.duckdb") is first
        assert registry.shared(tmp_path / "b.duckdb") is not first
        first.close()
        again = registry.shared("a.duckdb")
        assert again is not first and not again.closed
        assert registry.shared(MEMORY) is registry.shared(MEMORY)
    finally:
        registry.close_shared()
    assert again.closed


def test_a_postgresql_url_opens_a_postgresql_store_on_that_url(monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(postgres_store, "PostgresStore", opened.append)
    registry.open_store("postgresql://ann@db.example/backcare")
    assert opened == ["postgresql://ann@db.example/backcare"]


def test_the_shared_memory_store_stays_one_when_the_process_changes_folder(tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    try:
        first = registry.shared(MEMORY)
        monkeypatch.chdir(tmp_path / "elsewhere")
        assert registry.shared(MEMORY) is first
    finally:
        registry.close_shared()
