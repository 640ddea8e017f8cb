"""The console's sandbox as a program: the frames in and out of one run, to its own exit.

The console (test_console.py) kills each sandbox as soon as it has read the answer, so
those tests never see the process end. Here the sandbox is started the way the console
starts it, fed one request and left to finish: it answers and exits 0, or, given a view
name the console never sends, stops before saying "ready". Coverage's settings are
passed on so `make coverage` sees this process too.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa

from backcare.analytics.console_sandbox import arrow_bytes, arrow_table, read_frame, write_frame

ROOT = Path(__file__).resolve().parents[2]
WEEKS = pa.table({"week": ["2026-W01", "2026-W02"], "people": [12, 15]})


def _run(tmp_path: Path, sql: str, views: list[str], *, check: bool = True):
    """Run one request to the end: (exit code, frames the sandbox wrote)."""
    request = io.BytesIO()
    header = {"sql": sql, "check": check, "views": views, "row_limit": 1, "time_limit": 3.0}
    write_frame(request, json.dumps(header).encode())
    for _ in views:
        write_frame(request, arrow_bytes(WEEKS))
    coverage = {k: v for k, v in os.environ.items() if k.startswith("COVERAGE_")}
    done = subprocess.run(
        [sys.executable, "-s", "-P", "-m", "backcare.analytics.console_sandbox"],
        input=request.getvalue(),
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path),
             "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT), **coverage},
        cwd=tmp_path,
        timeout=60,
    )  # fmt: skip
    out, frames = io.BytesIO(done.stdout), []
    while out.tell() < len(done.stdout):
        frames.append(read_frame(out, 2**31))
    return done.returncode, frames


def test_a_query_over_a_view_answers_ready_ok_and_at_most_the_row_limit_plus_one(tmp_path):
    code, (ready, answer, data) = _run(
        tmp_path, "SELECT week, people FROM weekly_totals ORDER BY week DESC", ["weekly_totals"]
    )
    assert (code, ready, json.loads(answer)) == (0, b"ready", {"ok": True})
    # row_limit 1: one more row comes back so the console can say the result was cut.
    assert arrow_table(data).to_pylist() == [
        {"week": "2026-W02", "people": 15},
        {"week": "2026-W01", "people": 12},
    ]


def test_a_query_it_refuses_is_answered_with_the_reason_and_no_rows(tmp_path):
    code, frames = _run(tmp_path, "SELECT * FROM records", ["weekly_totals"])
    assert code == 0
    assert frames[0] == b"ready"
    assert "records" in json.loads(frames[1])["refused"]
    assert len(frames) == 2


def test_a_query_that_fails_says_so_in_one_line(tmp_path):
    code, frames = _run(
        tmp_path, "SELECT CAST(week AS INTEGER) AS n FROM weekly_totals", ["weekly_totals"]
    )
    assert (code, frames[0], len(frames)) == (0, b"ready", 2)
    failed = json.loads(frames[1])["failed"]
    assert "2026-W01" in failed and "\n" not in failed


def test_a_view_name_the_console_never_sends_stops_it_before_ready(tmp_path):
    code, frames = _run(tmp_path, "SELECT 1", ['x"; DROP TABLE y; --'])
    assert code != 0
    assert frames == []
