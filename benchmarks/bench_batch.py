"""Scoring many answer sets at once: `Scorer.score_many` (DuckDB) against pandas.

The answer sets are the demo-data ones (backcare.demo_data.random_answers),
drawn once and encoded before the clock starts; both sides then score the
same rows, DuckDB from the Arrow table and pandas from a DataFrame of it.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from backcare.analytics.demo_data import random_answers
from backcare.assessment.engine import default_scorer
from benchmarks import pandas_scorer
from benchmarks.harness import Figure

TARGET = 1_000_000  # answer sets per second


def run(quick: bool) -> list[Figure]:
    rows, repeats = (100_000, 3) if quick else (1_000_000, 5)
    scorer = default_scorer()
    kb, bits = scorer.kb, scorer.fact_bits
    encoded = random_answers(rows, np.random.default_rng(2026), bits).encoded
    frame = encoded.to_pandas()

    def ours() -> object:
        return scorer.score_many(encoded)

    def baseline() -> object:
        return pandas_scorer.score(frame, kb, bits)

    # Warm up both, and check they agree, or the comparison means nothing.
    if ours().to_pylist() != baseline().to_dict("records"):
        raise AssertionError("DuckDB and pandas score the answer sets differently")

    duckdb_s, pandas_s = [], []
    for n in range(repeats):
        pair = ((ours, duckdb_s), (baseline, pandas_s))
        for function, samples in pair if n % 2 == 0 else reversed(pair):
            start = time.perf_counter()
            function()
            samples.append(time.perf_counter() - start)
    rate = rows / statistics.median(duckdb_s)
    base = rows / statistics.median(pandas_s)
    return [
        Figure(
            "batch_scoring_rate",
            rate,
            "sets/s",
            base,
            ">= 1,000,000 per second",
            rate >= TARGET,
        )
    ]
