"""An analysts' server for browser tests: a store of synthetic shared records and a password."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def analysts_settings(folder: Path, password: str, *, rows: int, seed: int) -> dict[str, str]:
    """BACKCARE_* settings of a personal server with Insights on, over `rows` demo records."""
    store = folder / "store.duckdb"
    subprocess.run(
        [sys.executable, "-m", "backcare", "demo-data", "--rows", str(rows), "--seed", str(seed),
         "--store", str(store)],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return {
        "BACKCARE_MODE": "personal",
        "BACKCARE_STORE": str(store),
        "BACKCARE_ANALYST_PASSWORD": password,
        "BACKCARE_INSIGHTS": "true",  # an analysts' server
    }
