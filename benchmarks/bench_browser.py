"""In Debian's Chromium: submit → triage banner, and server memory with many sessions.

Submit → banner is timed beside a baseline in the same browser, alternating: the same
kind of step in a two-page Streamlit app with nothing of BackCare (hello_submit.py), so a
busy machine slows both alike and the ratio says what BackCare adds.
"""

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
#: Timed in the page itself: from the click event on the button to the first animation
#: frame in which the expected status box is in the document and laid out. Playwright's
#: own work around a click (waiting for the button to be stable, polling for the box)
#: stays out of the figure; it is what a person waits, not what the test driver adds.
_WATCH = """([button, text]) => {
  const watch = (window.__benchWatch = { clicked: null, shown: null });
  const onClick = (event) => {
    if (event.target.closest("button")?.innerText.trim() === button) {
      watch.clicked = performance.now();
    }
  };
  document.addEventListener("click", onClick, { capture: true, once: false });
  const shown = () =>
    [...document.querySelectorAll("[role=status], [role=alert]")].some(
      (el) => el.textContent.includes(text) && el.getClientRects().length > 0,
    );
  const observer = new MutationObserver(() => {
    if (watch.clicked === null || watch.shown !== null || !shown()) return;
    observer.disconnect();
    document.removeEventListener("click", onClick, { capture: true });
    requestAnimationFrame(() => (watch.shown = performance.now()));
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
}"""


def _timed_click(page: Page, button: str, text: str) -> float:
    """Seconds from the click on ``button`` to ``text`` shown in a status or alert box."""
    page.evaluate(_WATCH, [button, text])
    page.get_by_role("button", name=button).click()
    page.wait_for_function("() => window.__benchWatch.shown !== null", timeout=TIMEOUT_MS)
    watch = page.evaluate("() => window.__benchWatch")
    return (watch["shown"] - watch["clicked"]) / 1000


def _to_last_step(page: Page) -> None:
    for step in (2, 3, 4):
        press(page, "Next", to_step=step)
    answer_warning_signs(page)  # every group "No": the results need every sign answered


def _submit_to_banner(page: Page) -> float:
    """One submit in BackCare: from the click on "See my results" to the triage banner."""
    _to_last_step(page)
    elapsed = _timed_click(page, "See my results", "Look after it yourself for now")
    app_idle(page, TIMEOUT_MS)
    page.get_by_role("button", name="Start again").click()
    at_step(page, 1)
    return elapsed


def _baseline(page: Page) -> float:
    """One submit in the two-page hello app: from the click to its status box."""
    elapsed = _timed_click(page, "See my results", "Hello, world")
    app_idle(page, TIMEOUT_MS)
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="See my results").wait_for(timeout=TIMEOUT_MS)
    app_idle(page, TIMEOUT_MS)
    return elapsed


def _interleaved(ours: Page, hello: Page, runs: int) -> tuple[list[float], list[float]]:
    """Both submits in turn, alternating which goes first; one warm-up each."""
    _submit_to_banner(ours)
    _baseline(hello)
    mine, theirs = [], []
    for n in range(runs):
        pair = ((_submit_to_banner, ours, mine), (_baseline, hello, theirs))
        for submit, page, samples in pair if n % 2 == 0 else reversed(pair):
            samples.append(submit(page))
    return mine, theirs


def run(quick: bool) -> list[Figure]:
    runs, sessions = (3, 5) if quick else (20, 20)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
        )
        with (
            serve(Path(tmp) / "server.log") as server,
            serve(Path(tmp) / "hello.log", script="benchmarks/hello_submit.py") as hello_server,
        ):
            time.sleep(1)
            idle_rss = rss_mb(server.process.pid)
            contexts = [browser.new_context() for _ in range(sessions)]
            pages = [context.new_page() for context in contexts]
            for page in pages:
                page.goto(server.url)
            for page in pages:
                app_idle(page, TIMEOUT_MS)
                at_step(page, 1)
            hello = browser.new_page()
            hello.goto(hello_server.url)
            hello.get_by_role("button", name="See my results").wait_for(timeout=TIMEOUT_MS)
            app_idle(hello, TIMEOUT_MS)
            # One session goes through to results, so every import the app makes is loaded.
            samples, baseline = _interleaved(pages[0], hello, runs)
            time.sleep(1)
            busy_rss = rss_mb(server.process.pid)
            for context in contexts:
                context.close()
        browser.close()
    p50, hello_p50 = statistics.median(samples) * 1000, statistics.median(baseline) * 1000
    return [
        Figure("submit_to_banner_p50", p50, "ms", hello_p50, "p50 <= 150 ms", p50 <= 150),
        Figure(
            f"server_rss_{sessions}_sessions",
            busy_rss,
            "MB",
            idle_rss,
            "<= 250 MB",
            busy_rss <= 250,
        ),
    ]
