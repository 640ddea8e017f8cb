"""Run virtual people against a BackCare server on this machine; print a table, write JSON.

python -m benchmarks.load --url http://127.0.0.1:8501 --users 10 --seconds 30
(`make load URL=… USERS=… SECONDS=…` runs this.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import replace
from pathlib import Path

from benchmarks.load.person import Habits, Person
from benchmarks.load.protocol import NotLoopback
from benchmarks.load.runner import LoadError, LoadSettings, run_load

RESULTS = Path(__file__).resolve().parent.parent / "load-results.json"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description=__doc__.split("\n")[0]
    )
    p.add_argument("--url", default="http://127.0.0.1:8501", help="loopback only")
    p.add_argument("--users", type=int, default=10, help="virtual people at once")
    p.add_argument("--seconds", type=float, default=30.0, help="how long new visits start")
    for name, default, meaning in (
        ("--wait", (1.0, 3.0), "seconds between one person's visits"),
        ("--think", (0.0, 0.0), "seconds between the steps of one visit"),
    ):
        p.add_argument(
            name, type=float, nargs=2, default=default, metavar=("MIN", "MAX"), help=meaning
        )
    p.add_argument(
        "--share-rate",
        type=float,
        default=Habits.share_rate,
        help="share of people who share an anonymous record",
    )
    p.add_argument(
        "--flag-share",
        type=float,
        default=Habits.flag_share,
        help="share of people who report one warning sign",
    )
    p.add_argument(
        "--server-pid",
        type=int,
        action="append",
        default=[],
        help="a server process to measure (repeatable); default: who listens on the port",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds one rerun may take")
    p.add_argument("--no-warmup", action="store_true", help="count the first visit too")
    p.add_argument("--json", type=Path, default=RESULTS, help=f"where to write (default {RESULTS})")
    return p  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    habits = replace(
        Habits(),
        think=tuple(args.think),
        share_rate=args.share_rate,
        flag_share=args.flag_share,
    )
    settings = LoadSettings(
        url=args.url,
        users=args.users,
        seconds=args.seconds,
        wait=tuple(args.wait),
        seed=args.seed,
        timeout=args.timeout,
        warmup=not args.no_warmup,
    )
    try:
        report = asyncio.run(run_load(settings, lambda seed: Person(seed, habits), args.server_pid))
    except (LoadError, NotLoopback) as exc:
        print(f"load: {exc}", file=sys.stderr)
        return 2
    print(report.table())
    args.json.write_text(json.dumps(report.as_json(), indent=2) + "\n")
    print(f"written to {args.json}")
    return 0 if report.completed else 1


if __name__ == "__main__":
    raise SystemExit(main())
