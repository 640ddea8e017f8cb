"""Shared pieces of the benchmarks: figures, interleaved timing, percentiles.

Every workload times BackCare and its baseline in the same process,
alternating between them after a warm-up, so a busy machine slows both
alike and the ratio stays meaningful even when the absolute numbers move.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    #: The baseline measured beside it in the same run (None where there is none).
    baseline: float | None
    #: The target, as text for people ("p50 <= 1 ms").
    target: str
    #: Whether the value meets the target; None for a figure that only gives context.
    met: bool | None

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("name")
        data["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        return data


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def interleaved(
    subject: Callable[[object], object],
    baseline: Callable[[object], object],
    inputs: Sequence[object],
    *,
    warmup: int = 20,
) -> tuple[list[float], list[float]]:
    """Time subject and baseline on each input in turn; seconds per call for each."""
    for item in inputs[:warmup]:
        subject(item)
        baseline(item)
    ours, theirs = [], []
    for n, item in enumerate(inputs):
        # Alternate who goes first so neither always gets the warmer cache.
        pair = ((subject, ours), (baseline, theirs))
        for function, samples in pair if n % 2 == 0 else reversed(pair):
            start = time.perf_counter()
            function(item)
            samples.append(time.perf_counter() - start)
    return ours, theirs


def median_of(repeats: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(repeats))


def run_threads(threads: Sequence[threading.Thread]) -> float:
    """Start the threads together and wait for all; the seconds that took."""
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start
