"""Which backend a store location names, and this process's one open store per location.

``BACKCARE_STORE`` is a DuckDB file's path (the embedded default) or a
``postgresql://`` URL (several app servers sharing one database). Every session
thread must write through the same writer, so the pages never open a store of
their own: they ask :func:`shared` for the store the settings name. The
commands open one with :func:`open_store` for as long as they run.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

from backcare.analytics.store.base import Store
from backcare.analytics.store.duckdb_store import MEMORY, DuckDBStore
from backcare.settings import URL_SCHEMES

_shared: dict[str, Store] = {}
_shared_lock = threading.Lock()


def is_url(location: Path | str) -> bool:
    """Whether a store location names a PostgreSQL database rather than a file."""
    return str(location).partition("://")[0] in URL_SCHEMES


def describe(location: Path | str) -> str:
    """The location as messages and logs may show it: a URL loses its password."""
    if not is_url(location):
        return str(location)
    try:
        parts = urlsplit(str(location))
        user = f"{parts.username}@" if parts.username else ""
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{user}{parts.hostname or ''}{port}{parts.path}"
    except ValueError:
        return "a PostgreSQL database (its URL cannot be read)"


def open_store(location: Path | str) -> Store:
    """Open the store at ``location`` (a file path or a postgresql:// URL)."""
    if is_url(location):
        # Imported here, so a server on the DuckDB default never loads psycopg.
        from backcare.analytics.store.postgres_store import PostgresStore

        return PostgresStore(str(location))
    return DuckDBStore(location)


def shared(location: Path | str) -> Store:
    """This process's one store for ``location``, opened on first use and closed at exit.

    A failed open is not remembered: the next call tries again.
    """
    exact = location == MEMORY or is_url(location)
    key = str(location) if exact else str(Path(location).resolve())
    with _shared_lock:
        store = _shared.get(key)
        if store is None or store.closed:
            store = _shared[key] = open_store(location)
        return store


def close_shared() -> None:
    """Close this process's shared stores, finishing pending writes (tests use it too)."""
    with _shared_lock:
        stores = list(_shared.values())
        _shared.clear()
    for store in stores:
        store.close()
