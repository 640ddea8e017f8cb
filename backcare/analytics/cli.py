"""`python -m backcare export` and `python -m backcare demo-data`: the store from a shell.

Both open the store themselves: a DuckDB file cannot be opened while a BackCare
server holds it, and they then stop with one line that says so; a PostgreSQL
store can be used while servers run. Problems exit 1 with that line on
standard error; wrong arguments exit 2 (argparse).

This module is imported by every `python -m backcare` call, `assess` included,
so it imports pandas, pyarrow and the store only inside the commands that use
them: registering the arguments must stay cheap.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from backcare.settings import MIN_K, current

EXIT_FAILED = 1
#: From this many rows on, demo-data shows progress bars.
PROGRESS_FROM = 2000
STORE_HELP = "store file or postgresql:// URL (default: BACKCARE_STORE)"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive whole number")
    return value


def _k(text: str) -> int:
    value = int(text)
    if value < MIN_K:
        raise argparse.ArgumentTypeError(f"k={value} is below the minimum of {MIN_K}")
    return value


def _export_format(text: str) -> str:
    from backcare.analytics.insights import EXPORT_FORMATS

    if text not in EXPORT_FORMATS:
        # The words argparse's own `choices` would use, which scripts may look for.
        raise argparse.ArgumentTypeError(
            f"invalid choice: {text!r} (choose from {', '.join(EXPORT_FORMATS)})"
        )
    return text


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register `export` and `demo-data` on the main parser's sub-commands."""
    export = commands.add_parser(
        "export", help="write the protected monthly views as CSV or Parquet files"
    )
    export.add_argument("--format", required=True, type=_export_format, help="csv or parquet")
    export.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="folder for one file per view"
    )
    export.add_argument("--store", help=STORE_HELP)
    export.add_argument(
        "--k", type=_k, help=f"minimum cell size (default: BACKCARE_K; at least {MIN_K})"
    )
    export.set_defaults(run=_export)

    demo = commands.add_parser("demo-data", help="fill a store with synthetic records")
    demo.add_argument("--rows", required=True, type=_positive, metavar="N")
    demo.add_argument("--store", help=STORE_HELP)
    demo.add_argument("--seed", type=int, help="random seed, for the same records every time")
    demo.add_argument("--weeks", type=_positive, help="weeks of records (default: a year)")
    demo.set_defaults(run=_demo)


def _export(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from backcare.analytics import insights
    from backcare.analytics.store.base import StoreError
    from backcare.analytics.store.registry import open_store
    from backcare.assessment.engine import knowledge_base

    settings = current()
    k = args.k or settings.k
    try:
        store = open_store(args.store or settings.store)
    except StoreError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_FAILED
    try:
        publication = insights.publish(store, k, insights.vocabulary(knowledge_base()))
    finally:
        store.close()
    if not publication.months:
        print(
            "error: nothing to export: no month has ended since the first assessment was "
            "shared (only months that are over are published)",
            file=err,
        )
        return EXIT_FAILED
    try:
        written = insights.export(publication, args.format, args.out)
    except OSError as exc:
        print(f"error: cannot write to {args.out}: {exc}", file=err)
        return EXIT_FAILED
    for path in written:
        print(path, file=out)
    return 0


def _demo(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from itertools import islice

    from tqdm import tqdm

    from backcare.analytics import demo_data
    from backcare.analytics.store.base import StoreError
    from backcare.analytics.store.registry import describe, open_store
    from backcare.analytics.store.writer import MAX_BATCH

    location = args.store or current().store
    show = args.rows >= PROGRESS_FROM
    try:
        store = open_store(location)
    except StoreError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_FAILED
    try:
        weeks = args.weeks or demo_data.DEFAULT_WEEKS
        records = demo_data.generate(args.rows, seed=args.seed, weeks=weeks)
        with tqdm(
            total=args.rows, desc="Scoring and saving", unit="rec", disable=not show, file=err
        ) as bar:
            chunk = list(islice(records, MAX_BATCH))
            while chunk:
                store.submit_many(chunk)
                bar.update(len(chunk))
                chunk = list(islice(records, MAX_BATCH))
        total = len(store)
    except StoreError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_FAILED
    finally:
        store.close()
    print(f"added {args.rows} synthetic records to {describe(location)}; it now holds {total}",
          file=out)  # fmt: skip
    return 0
