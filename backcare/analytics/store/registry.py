"""This process's one open store, shared by every session thread.

Every session thread must write through the same writer, so the pages never open
a store of their own: they ask :func:`shared` for the store the settings name.
"""

from __future__ import annotations

import threading
from pathlib import Path

from backcare.analytics.store.duckdb_store import MEMORY, DuckDBStore

_shared: dict[str, DuckDBStore] = {}
_shared_lock = threading.Lock()


def shared(path: Path | str) -> DuckDBStore:
    """This process's one store for ``path``, opened on first use and closed at exit.

    A failed open is not remembered: the next call tries again.
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
