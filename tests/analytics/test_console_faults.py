"""The console's failure paths: a query that runs out of DuckDB's memory limit, one that
fails at run time, and what the analyst reads for each (one sentence, the console still
answering afterwards)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pyarrow as pa
import pytest

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
