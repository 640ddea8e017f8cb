"""Run the benchmarks, print one table and write benchmarks/results.json.

python -m benchmarks.run            # full sizes (make bench)
python -m benchmarks.run --quick    # smaller sizes, under a minute (make bench-quick)
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import time
from pathlib import Path

from benchmarks.harness import Figure

WORKLOADS = (
    "bench_cli",
    "bench_assess",
    "bench_batch",
    "bench_insights",
    "bench_submit",
    "bench_postgres",
    "bench_page",
    "bench_browser",
    "bench_load",
)
RESULTS = Path(__file__).resolve().parent / "results.json"


def _machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "baseline", "ratio", "target", "met")]
    for f in figures:
        rows.append(
            (
                f.name,
                f"{f.value:,.2f} {f.unit}",
                "-" if f.baseline is None else f"{f.baseline:,.2f} {f.unit}",
                "-" if f.ratio is None else f"{f.ratio:.2f}",
                f.target,
                "-" if f.met is None else "yes" if f.met else "NO",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, under a minute")
    parser.add_argument("--only", action="append", choices=WORKLOADS, help="run only these")
    args = parser.parse_args()
    figures: list[Figure] = []
    started = time.perf_counter()
    for name in args.only or WORKLOADS:
        print(f"running {name} …", flush=True)
        figures += importlib.import_module(f"benchmarks.{name}").run(args.quick)
    print()
    print(_table(figures))
    print(
        f"\n{_machine()}; {'quick' if args.quick else 'full'} run in "
        f"{time.perf_counter() - started:.0f} s"
    )
    RESULTS.write_text(
        json.dumps(
            {
                "machine": _machine(),
                "size": "quick" if args.quick else "full",
                "figures": {f.name: f.as_json() for f in figures},
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
