"""`python -m backcare assess` from cold: wall time and peak memory of a fresh process.

A clinic calls the command once per patient, so its start-up is what the person
waits for. The baseline is `python -c "import duckdb"` in the same run: the floor
for any command that scores with DuckDB. The two alternate, so a busy machine
slows both alike.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Figure, percentile

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = {"activity": "running", "onset": "during", "pain_now": 5, "age": 40, "fever": False}
TARGET_S = 0.4
TARGET_MB = 120


def _cold(command: list[str]) -> tuple[float, float]:
    """Seconds from start to exit, and the process's peak resident memory in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise AssertionError(f"{command} exited with {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports kilobytes


def run(quick: bool) -> list[Figure]:
    rounds = 10 if quick else 40
    with tempfile.TemporaryDirectory() as folder:
        answers = Path(folder) / "answers.json"
        answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
        assess = [sys.executable, "-m", "backcare", "assess", "--answers", str(answers)]
        duckdb = [sys.executable, "-c", "import duckdb"]
        _cold(assess), _cold(duckdb)  # warm the file cache for both
        ours, theirs = [], []
        for n in range(rounds):
            pair = ((assess, ours), (duckdb, theirs))
            for command, samples in pair if n % 2 == 0 else reversed(pair):
                samples.append(_cold(command))
    p50 = percentile([s for s, _ in ours], 50)
    peak = max(mb for _, mb in ours)
    return [
        Figure(
            "cli_assess_cold_start_p50",
            p50,
            "s",
            percentile([s for s, _ in theirs], 50),
            f"p50 <= {TARGET_S} s",
            p50 <= TARGET_S,
        ),
        Figure(
            "cli_assess_peak_rss",
            peak,
            "MB",
            max(mb for _, mb in theirs),
            f"<= {TARGET_MB} MB",
            peak <= TARGET_MB,
        ),
    ]
