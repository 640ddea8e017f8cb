"""The results page rerun on the server (AppTest) against a hello-world page."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from backcare import assess
from benchmarks.harness import Figure
from tests.ui.app_under_test import APP, page

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
}


def _results_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["assessment"] = assess(ANSWERS)
    at.switch_page(page("results")).run()
    if at.exception or not at.title or at.title[0].value != "Your results":
        raise AssertionError("the results page did not render")
    return at


def run(quick: bool) -> list[Figure]:
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
            "<= 1.5 x hello world",
            value <= 1.5 * baseline,
        ),
    ]
