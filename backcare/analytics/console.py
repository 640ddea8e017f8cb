"""The analysts' SQL console: one read-only SELECT over the k-safe views, and nothing else.

Queries never run in the server. Each one runs in a process of its own
(backcare/analytics/console_sandbox.py) that holds copies of the
already-suppressed views and nothing more, in a DuckDB whose directories all
point at an empty folder, with file and network access off and its settings
locked, so even a query that slipped past every check could only recombine
numbers the page already shows. That process checks the query with DuckDB's
own parser (exactly one SELECT, names resolved scope by scope to the views),
runs it with at most ``row_limit`` rows built, and lives under the operating
system's limits on memory and CPU; the server kills it when it runs past the
time limit. Whatever happens there, a memory blow-up or a crash, the analyst
reads one sentence and the server carries on.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from backcare.analytics.console_sandbox import (
    MAX_RESULT_BYTES,
    RECORD_TABLES,
    ROW_LIMIT,
    TIME_LIMIT_S,
    VIEW_NAME,
    Refused,
    arrow_bytes,
    arrow_table,
    write_frame,
)

__all__ = ["ROW_LIMIT", "TIME_LIMIT_S", "Console", "Refused", "Result"]

#: Seconds a sandbox may take to start and load the views before its query's clock starts.
START_LIMIT_S = 60.0
#: Sandboxes one server runs at once; more queries wait their turn for a moment.
MAX_RUNNING = 2
_RUNNING = threading.BoundedSemaphore(MAX_RUNNING)
#: The folder that holds the backcare package, for the sandbox's import path.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_TOO_MUCH_TIME = (
    "This query needs too much time: it was stopped after {limit:g} s. "
    "Aggregate first, or add a WHERE clause."
)
_TOO_MUCH_MEMORY = (
    "This query needs too much memory and was stopped. Aggregate first, or add a WHERE clause."
)


@dataclass(frozen=True)
class Result:
    frame: pd.DataFrame
    #: True when the query had more rows than the limit and only the first ones are kept.
    truncated: bool


class Console:
    """The views (name -> table) an analyst may query, and a way to run SELECTs on them."""

    def __init__(
        self,
        views: Mapping[str, pd.DataFrame],
        *,
        row_limit: int = ROW_LIMIT,
        time_limit: float = TIME_LIMIT_S,
    ) -> None:
        for name in views:
            if not VIEW_NAME.fullmatch(name) or name in RECORD_TABLES:
                raise ValueError(f"{name!r} cannot be a console view")
        self.row_limit, self.time_limit = row_limit, time_limit
        self.views = tuple(views)
        #: What each sandbox receives: the views as Arrow data, made once.
        self._payload = [
            arrow_bytes(pa.Table.from_pandas(frame, preserve_index=False))
            for frame in views.values()
        ]

    def run(self, sql: str) -> Result:
        """Check and run one query in a sandbox; at most ``row_limit`` rows come back."""
        text = sql.strip().rstrip(";").strip()
        if not text:  # answered here, without starting a process
            raise Refused("Type a SELECT query over the views listed above.")
        return self._sandboxed(sql, checked=True)

    def run_unchecked(self, sql: str) -> Result:
        """Run ``sql`` in the sandbox without the query checks: for tests that show what
        the sandbox itself allows (nothing outside the views) if a check had a hole."""
        return self._sandboxed(sql, checked=False)

    def table(self, name: str) -> pd.DataFrame:
        """A view's whole contents exactly as every sandbox receives it (for tests)."""
        if name not in self.views:
            raise KeyError(name)
        data = self._payload[self.views.index(name)]
        return arrow_table(data).to_pandas(types_mapper=_nullable_integers)

    def close(self) -> None:
        """Nothing stays open between queries; kept so callers can always close."""

    def _sandboxed(self, sql: str, *, checked: bool) -> Result:
        if not _RUNNING.acquire(timeout=self.time_limit):
            raise Refused("Other queries are running on this server; try again in a moment.")
        try:
            answer, data = self._exchange(sql, checked)
        finally:
            _RUNNING.release()
        if "refused" in answer:
            raise Refused(str(answer["refused"]))
        if "memory" in answer:
            raise Refused(_TOO_MUCH_MEMORY)
        if "failed" in answer:
            raise Refused(f"The query failed: {answer['failed']}")
        table = arrow_table(data)
        truncated = table.num_rows > self.row_limit
        frame = table.slice(0, self.row_limit).to_pandas(types_mapper=_nullable_integers)
        frame.columns = _unique([str(c) for c in frame.columns])
        return Result(frame, truncated)

    def _exchange(self, sql: str, checked: bool) -> tuple[dict, bytes]:
        header = {
            "sql": sql,
            "check": checked,
            "views": list(self.views),
            "row_limit": self.row_limit,
            "time_limit": self.time_limit,
        }
        # No user site, no current folder on the path, and an environment that names
        # nothing of the server's: home and temp are an empty folder for this query.
        folder = tempfile.mkdtemp(prefix="backcare-console-")
        process = subprocess.Popen(
            [sys.executable, "-s", "-P", "-m", "backcare.analytics.console_sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={
                "PATH": "/usr/bin:/bin",
                "LANG": "C.UTF-8",
                "HOME": folder,
                "TMPDIR": folder,
                "PYTHONPATH": _PACKAGE_ROOT,
            },
            cwd=folder,
            start_new_session=True,
        )
        try:
            assert process.stdin is not None and process.stdout is not None
            try:
                write_frame(process.stdin, json.dumps(header).encode())
                for payload in self._payload:
                    write_frame(process.stdin, payload)
                process.stdin.close()
            except BrokenPipeError:
                pass  # it died starting up: reading says how
            pipe = _Pipe(process.stdout.fileno(), time.monotonic() + START_LIMIT_S)
            if pipe.frame(16) != b"ready":
                raise EOFError
            pipe.deadline = time.monotonic() + self.time_limit
            answer = json.loads(pipe.frame(2**20))
            data = pipe.frame(MAX_RESULT_BYTES + 2**20) if answer.get("ok") else b""
            return answer, data
        except _TimedOut:
            raise Refused(_TOO_MUCH_TIME.format(limit=self.time_limit)) from None
        except EOFError:
            raise Refused(self._died(process)) from None
        finally:
            process.kill()
            process.wait()
            process.stdout.close()
            shutil.rmtree(folder, ignore_errors=True)

    def _died(self, process: subprocess.Popen) -> str:
        """Why a sandbox ended without an answer, in words for the analyst."""
        try:
            code = process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = 0
        if code == -signal.SIGXCPU:  # its CPU-time limit
            return _TOO_MUCH_TIME.format(limit=self.time_limit)
        if code < 0:  # killed by the system: out of memory, most likely
            return _TOO_MUCH_MEMORY
        return "The query could not be run: the console's sandbox did not start."


class _TimedOut(Exception):
    pass


class _Pipe:
    """Reads frames from a pipe, giving up at ``deadline`` (time.monotonic())."""

    def __init__(self, fd: int, deadline: float) -> None:
        self.fd, self.deadline = fd, deadline

    def frame(self, limit: int) -> bytes:
        size = int.from_bytes(self._exactly(8), "big")
        if size > limit:
            raise EOFError(f"a frame of {size} bytes")
        return self._exactly(size)

    def _exactly(self, count: int) -> bytes:
        parts, missing = [], count
        while missing:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise _TimedOut
            chunk = os.read(self.fd, min(missing, 2**20))
            if not chunk:
                raise EOFError
            parts.append(chunk)
            missing -= len(chunk)
        return b"".join(parts)


def _nullable_integers(kind: pa.DataType) -> object:
    """Whole numbers stay whole numbers in pandas, with <NA> where there is no value."""
    if pa.types.is_integer(kind):
        return pd.api.types.pandas_dtype(str(kind).replace("int", "Int").replace("uInt", "UInt"))
    return None


def _unique(columns: list[str]) -> list[str]:
    """Column names a DataFrame can hold: repeats get a number."""
    seen: dict[str, int] = {}
    out = []
    for name in columns:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out
