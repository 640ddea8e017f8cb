"""The console's failure paths: a query that runs out of DuckDB's memory limit, one that
fails at run time, and what the analyst reads for each (one sentence, the console still
answering afterwards)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest

from backcare.analytics import console as console_module
from backcare.analytics import console_sandbox
from backcare.analytics.console import Console, Refused
from backcare.analytics.console_sandbox import arrow_bytes, read_frame, write_frame
from tests.analytics.test_console import VIEWS


def _serve_here(sql: str, folder: Path) -> dict:
    """Run the sandbox's request loop in this process (no rlimits) and return its answer."""
    request = io.BytesIO()
    header = {"sql": sql, "check": True, "views": ["numbers"], "row_limit": 5, "time_limit": 30}
    write_frame(request, json.dumps(header).encode())
    write_frame(request, arrow_bytes(pa.table({"x": pa.array(range(10), pa.int64())})))
    request.seek(0)
    answer = io.BytesIO()
    console_sandbox.serve(request, answer, str(folder))
    answer.seek(0)
    assert read_frame(answer, 16) == b"ready"
    return json.loads(read_frame(answer, 2**20))


def test_duckdbs_memory_limit_is_answered_as_too_much_memory(monkeypatch, tmp_path):
    # A small limit, so that a modest sort runs out of DuckDB's memory (and cannot spill).
    monkeypatch.setattr(console_sandbox, "MEMORY_LIMIT", "8MB")
    monkeypatch.setattr(console_sandbox, "_limit_self", lambda time_limit: None)
    monkeypatch.setattr(sys, "setrecursionlimit", lambda limit: None)
    tables = "abcdefg"  # 10^7 rows, as many distinct values: a hash table far above 8 MB
    key = " + ".join(f"{10**n} * {t}.x" for n, t in enumerate(tables))
    sql = f"SELECT count(DISTINCT {key}) AS n FROM " + ", ".join(f"numbers {t}" for t in tables)
    assert _serve_here(sql, tmp_path) == {"memory": True}
    assert _serve_here("SELECT sum(x) AS s FROM numbers", tmp_path) == {"ok": True}


TOO_MUCH_MEMORY = (
    "This query needs too much memory and was stopped. Aggregate first, or add a WHERE clause."
)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"memory": True}, TOO_MUCH_MEMORY),
        ({"failed": "Conversion Error: no"}, "The query failed: Conversion Error: no"),
        ({"refused": "One query at a time."}, "One query at a time."),
    ],
)
def test_each_answer_of_the_sandbox_is_one_sentence_for_the_analyst(monkeypatch, answer, message):
    console = Console(VIEWS)
    monkeypatch.setattr(console, "_exchange", lambda sql, checked: (answer, b""))
    with pytest.raises(Refused) as refused:
        console.run("SELECT 1")
    assert str(refused.value) == message


def test_a_query_that_fails_while_running_says_why_in_one_line_and_the_console_carries_on():
    console = Console(VIEWS, time_limit=30.0)
    with pytest.raises(Refused) as refused:
        console.run("SELECT CAST(shown AS INTEGER) AS n FROM weekly_totals")
    message = str(refused.value)
    assert message.startswith("The query failed: Conversion Error: ")
    assert "'<11'" in message and "\n" not in message
    assert console.run("SELECT count(*) AS weeks FROM weekly_totals").frame["weeks"][0] == 3


def test_an_empty_query_is_answered_without_starting_a_sandbox(monkeypatch):
    def no_process(*args, **kwargs):
        raise AssertionError("a sandbox was started for an empty query")

    monkeypatch.setattr(console_module.subprocess, "Popen", no_process)
    console = Console(VIEWS)
    for sql in ("", "   ", "  ;  ", ";\n", " ;; "):
        with pytest.raises(Refused) as refused:
            console.run(sql)
        assert str(refused.value) == "Type a SELECT query over the views listed above."


class _Ended:
    """A sandbox process that has ended with ``code``, or (None) that never ends."""

    def __init__(self, code: int | None) -> None:
        self.code = code

    def wait(self, timeout: float | None = None) -> int:
        if self.code is not None:
            return self.code
        if timeout is None:
            raise AssertionError("the server would wait for this sandbox forever")
        raise subprocess.TimeoutExpired("sandbox", timeout)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            -signal.SIGXCPU,
            "This query needs too much time: it was stopped after 2.5 s. "
            "Aggregate first, or add a WHERE clause.",
        ),
        (-signal.SIGKILL, TOO_MUCH_MEMORY),
        (1, "The query could not be run: the console's sandbox did not start."),
        (None, "The query could not be run: the console's sandbox did not start."),
    ],
    ids=["its CPU limit", "killed by the system", "exit 1", "never ends"],
)
def test_how_a_sandbox_ended_is_one_sentence_for_the_analyst(code, message):
    assert Console(VIEWS, time_limit=2.5)._died(_Ended(code)) == message


def test_reading_a_sandbox_that_says_nothing_gives_up_at_the_deadline():
    read_end, write_end = os.pipe()
    hung_up: list[bool] = []

    def hang_up() -> None:
        os.close(write_end)
        hung_up.append(True)

    # Should the deadline be ignored, the sandbox's end closes after 5 s: EOFError, not this.
    late = threading.Timer(5.0, hang_up)
    late.start()
    try:
        with pytest.raises(console_module._TimedOut):
            console_module._Pipe(read_end, time.monotonic() + 0.1).frame(16)
    finally:
        late.cancel()
        late.join()
        os.close(read_end)
        if not hung_up:
            os.close(write_end)


def test_a_sandbox_still_sending_past_the_deadline_is_cut_off():
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, (5).to_bytes(8, "big") + b"ready")
        with pytest.raises(console_module._TimedOut):
            console_module._Pipe(read_end, time.monotonic() - 0.1).frame(16)
    finally:
        os.close(read_end)
        os.close(write_end)


SANDBOX_STUB = """
import json, os, shutil, struct, sys
if os.environ["HOME"].endswith("-gone"):
    shutil.rmtree(os.environ["HOME"])  # a folder the server cannot remove any more
out = sys.stdout.buffer
for data in (b"ready", json.dumps({"refused": "the stub next to the console"}).encode()):
    out.write(struct.pack(">Q", len(data)) + data)
out.flush()
"""


def test_the_sandbox_runs_the_code_next_to_the_console(monkeypatch, tmp_path):
    """The server and its sandboxes run one version of backcare: the one the console
    was loaded from, whatever else the interpreter could import."""
    package = tmp_path / "backcare" / "analytics"
    package.mkdir(parents=True)
    (tmp_path / "backcare" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "console_sandbox.py").write_text(SANDBOX_STUB)
    monkeypatch.setattr(console_module, "_PACKAGE_ROOT", str(tmp_path))
    with pytest.raises(Refused) as refused:
        Console(VIEWS).run("SELECT 1")
    assert str(refused.value) == "the stub next to the console"
    # Cleaning up after a sandbox never costs the analyst the answer.
    monkeypatch.setattr(console_module.tempfile, "mkdtemp", lambda prefix: str(tmp_path / "q-gone"))
    (tmp_path / "q-gone").mkdir()
    with pytest.raises(Refused) as refused:
        Console(VIEWS).run("SELECT 1")
    assert str(refused.value) == "the stub next to the console"
