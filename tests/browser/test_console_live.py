"""The SQL console on a live server: a query that would eat the machine's memory or run for
ever is stopped in its sandbox, the analyst reads one sentence, and the server process is
still there, answering, with its memory where it was (issue 13)."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterator

import pytest
from _analysts import analysts_settings
from playwright.sync_api import Page, expect

from tests.live_server import LiveServer, rss_mb, serve

PASSWORD = "console test password"
#: The first run imports the whole stack and the first sign-in opens the store.
FIRST_RUN_MS = 90_000
#: How much the server may grow while a hostile query runs elsewhere.
RSS_SLACK_MB = 40
HOGS = [
    ("SELECT list_sort(range(300000000)) AS x", "This query needs too much memory"),
    (
        "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r",
        "This query needs too much time",
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("streamlit-console")
    settings = analysts_settings(folder, PASSWORD, rows=600, seed=3)
    with serve(folder / "server.log", settings) as live:
        yield live


def _healthy(server: LiveServer) -> bool:
    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as answer:
        return answer.read().strip() == b"ok"


def _run_query(page: Page, sql: str, wait_idle: Callable[..., None]) -> None:
    query = page.get_by_label("Query")
    query.fill(sql)
    query.press("Tab")  # the text area hands its value over when it loses the focus
    page.get_by_role("button", name="Run query").click()
    wait_idle(page, FIRST_RUN_MS)


def test_a_hog_is_stopped_and_the_server_carries_on(
    page: Page, server: LiveServer, wait_idle: Callable[..., None]
) -> None:
    page.goto(server.url + "/insights")
    wait_idle(page, FIRST_RUN_MS)
    page.get_by_label("Analyst password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page, FIRST_RUN_MS)
    _run_query(page, "SELECT 1 AS warm", wait_idle)  # the first query imports pyarrow
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()

    for sql, message in HOGS:
        before = rss_mb(server.process.pid)
        _run_query(page, sql, wait_idle)
        expect(page.get_by_test_id("stAlertContainer").filter(has_text=message)).to_be_visible()
        assert server.process.poll() is None and _healthy(server)
        assert rss_mb(server.process.pid) - before < RSS_SLACK_MB, sql

    _run_query(page, "SELECT 41 + 1 AS answer", wait_idle)
    expect(page.get_by_test_id("stAlertContainer").filter(has_text="needs too much")).to_have_count(
        0
    )
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()
