"""Every workload `make bench` runs can be imported: the benchmarks never run inside
`make test`, so a name one of them imports from code that moved on would otherwise
show up only when someone next measures (bench_postgres once imported a selection
that bench_insights no longer had)."""

from __future__ import annotations

import importlib

import pytest

from benchmarks.run import WORKLOADS


@pytest.mark.parametrize("workload", WORKLOADS)
def test_each_workload_imports_and_has_a_run(workload: str) -> None:
    module = importlib.import_module(f"benchmarks.{workload}")
    assert callable(module.run)
