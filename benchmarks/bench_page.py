"""The results page rerun on the server (AppTest) against a hello-world page.

A running server compiles each page script once and keeps the bytecode (its
runtime's one ScriptCache); AppTest makes a new cache for every run, so it
would time compiling the page's source again on each rerun, which no person
ever waits for. Both apps here therefore share one cache across runs, as a
server's sessions do.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from backcare import assess
from benchmarks.harness import Figure
from tests.ui.app_under_test import APP, no_warning_signs, page

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = {
    "activity": "running",
    "onset": "right_after",
    "pain_now": 4,
    "age": 38,
    "pain_areas": ["lower_back"],
    "worn_shoes": True,
    "hard_surface": True,
    "warmed_up": False,
    **no_warning_signs(),  # a complete answer set: a safe self-care result, fully drawn
}


def _results_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["assessment"] = assess(ANSWERS)
    at.switch_page(page("results")).run()
    if at.exception or not at.title or at.title[0].value != "Your results":
        raise AssertionError("the results page did not render")
    return at


@contextmanager
def _compiled_once() -> Iterator[None]:
    """Reruns reuse compiled scripts, as on a server (see the module's docstring)."""
    cache = ScriptCache()
    with (
        mock.patch.object(app_test, "ScriptCache", lambda: cache),
        mock.patch.object(local_script_runner, "ScriptCache", lambda: cache),
    ):
        yield


def run(quick: bool) -> list[Figure]:
    with _compiled_once():
        return _measure(quick)


def _measure(quick: bool) -> list[Figure]:
    results = _results_app()
    hello = AppTest.from_file(str(ROOT / "benchmarks" / "hello_page.py"), default_timeout=60)
    hello.run()
    repeats = 10 if quick else 40
    ours, theirs = [], []
    for n in range(repeats + 3):
        for app, samples in (
            ((results, ours), (hello, theirs)) if n % 2 else ((hello, theirs), (results, ours))
        ):
            start = time.perf_counter()
            app.run()
            if n >= 3:  # the first reruns warm caches up
                samples.append(time.perf_counter() - start)
    value, baseline = statistics.median(ours) * 1000, statistics.median(theirs) * 1000
    return [
        Figure(
            "results_page_rerun",
            value,
            "ms",
            baseline,
            "<= 3 x hello world",
            value <= 3 * baseline,
        ),
    ]
