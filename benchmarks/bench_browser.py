"""In Debian's Chromium: submit → triage banner, and server memory with many sessions."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from benchmarks.harness import Figure
from tests.browser._flow import answer_warning_signs, app_idle, at_step, press
from tests.live_server import CHROMIUM, CHROMIUM_ARGS, rss_mb, serve

TIMEOUT_MS = 30_000


def _to_last_step(page: Page) -> None:
    for step in (2, 3, 4):
        press(page, "Next", to_step=step)
    answer_warning_signs(page)  # every sign "No": the results need them all answered


def _submit_to_banner(page: Page, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        _to_last_step(page)
        start = time.perf_counter()
        page.get_by_role("button", name="See my results").click()
        banner = page.get_by_role("status").filter(has_text="Look after it yourself for now")
        banner.wait_for(timeout=TIMEOUT_MS)
        samples.append(time.perf_counter() - start)
        app_idle(page, TIMEOUT_MS)
        page.get_by_role("button", name="Start again").click()
        at_step(page, 1)
    return samples


def run(quick: bool) -> list[Figure]:
    runs, sessions = (3, 5) if quick else (20, 20)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
        )
        with serve(Path(tmp) / "server.log") as server:
            time.sleep(1)
            idle_rss = rss_mb(server.process.pid)
            contexts = [browser.new_context() for _ in range(sessions)]
            pages = [context.new_page() for context in contexts]
            for page in pages:
                page.goto(server.url)
            for page in pages:
                app_idle(page, TIMEOUT_MS)
                at_step(page, 1)
            # One session goes through to results, so every import the app makes is loaded.
            samples = _submit_to_banner(pages[0], runs)
            time.sleep(1)
            busy_rss = rss_mb(server.process.pid)
            for context in contexts:
                context.close()
        browser.close()
    p50 = statistics.median(samples) * 1000
    return [
        Figure("submit_to_banner_p50", p50, "ms", None, "p50 <= 150 ms", p50 <= 150),
        Figure(
            f"server_rss_{sessions}_sessions",
            busy_rss,
            "MB",
            idle_rss,
            "<= 250 MB",
            busy_rss <= 250,
        ),
    ]
