"""Every store test runs on both backends: a DuckDB file, and a schema of its own in PostgreSQL.

A test takes ``backend`` (or ``store``, opened on it) and so runs twice. A
PostgreSQL store gets a fresh schema in one database of the session's throwaway
cluster (its URL sets ``search_path``), which is much quicker than a database
per test and keeps tests apart just as well.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from backcare.analytics.store.base import Selection, Store
from backcare.analytics.store.duckdb_store import MEMORY, DuckDBStore
from backcare.analytics.store.postgres_store import PostgresStore
from backcare.analytics.store.queries import count_sql
from deploy.postgres import TempPostgres

BACKENDS = ("duckdb", "postgres")


@dataclass(frozen=True)
class Backend:
    """One place to keep records, and how a test opens, folds and inspects it."""

    name: str
    location: str
    cluster: TempPostgres | None = None
    database: str = ""

    def fresh(self) -> Backend:
        """The same backend at a new, empty location (a property test's next example)."""
        if self.cluster is None:
            return Backend(self.name, MEMORY)
        return Backend(self.name, schema_url(self.cluster, self.database), self.cluster,
                       self.database)  # fmt: skip

    def open(self, **options: object) -> Store:
        if self.name == "duckdb":
            return DuckDBStore(self.location, **options)
        return PostgresStore(self.location, **options)

    def open_folding_often(self, every: int) -> Store:
        """A store whose rollups lag behind: DuckDB folds every ``every`` records by itself,
        PostgreSQL only when a test calls :meth:`fold`."""
        if self.name == "duckdb":
            return self.open(fold_at=every)
        return self.open(fold_every=None)

    def fold(self, store: Store) -> None:
        """Fold now where the backend lets a caller (PostgreSQL); DuckDB folds on its own."""
        if isinstance(store, PostgresStore):
            store.fold()

    def raw_counts(
        self, store: Store, columns: Sequence[str], selection: Selection = Selection()
    ) -> list[tuple]:
        """count_by's answer straight from the records table, past every rollup."""
        if isinstance(store, DuckDBStore):
            return store._con.execute(*count_sql(columns, selection)).fetchall()
        with psycopg.connect(self.location) as con:
            return con.execute(*count_sql(columns, selection, mark="%s")).fetchall()


def schema_url(postgres: TempPostgres, database: str) -> str:
    """A URL to a new empty schema of its own in ``database``."""
    return postgres.create_schema(database, f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="session")
def store_database(postgres: TempPostgres) -> str:
    """The database the store tests make their schemas in."""
    postgres.create_database("store_tests")
    return "store_tests"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "duckdb":
        return Backend("duckdb", str(tmp_path / "store.duckdb"))
    postgres = request.getfixturevalue("postgres")
    database = request.getfixturevalue("store_database")
    return Backend("postgres", schema_url(postgres, database), postgres, database)


@pytest.fixture
def store(backend: Backend) -> Iterator[Store]:
    opened = backend.open()
    yield opened
    opened.close()
