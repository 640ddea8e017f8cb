"""The command line clinics integrate against (CONTRACT section 4).

`assess` prints exactly one JSON object on success (exit 0). Anything wrong
with the input exits 2 with a single line on standard error and nothing on
standard output, so a calling system can tell the two apart without parsing.
The answers are read strictly (backcare.json_input): a key given twice is an
error, never "the last one wins".

A clinic runs `assess` once per patient, so it must start fast: the analyst
commands register their arguments here, but import pandas and the store only
when one of them runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from backcare.analytics import cli as analyst_cli
from backcare.assessment.answers import InvalidAnswers
from backcare.assessment.engine import assess
from backcare.json_input import JSONInputError, one_line, parse

EXIT_INVALID = 2


def _read_answers(path: str, stdin: TextIO) -> object:
    try:
        if path == "-":
            # Bytes where there are any, so the reader names a bad byte instead of crashing.
            data: str | bytes = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidAnswers(None, f"answers: cannot read {path}: {exc}") from None
    try:
        return parse(data, what="answers")
    except JSONInputError as exc:
        raise InvalidAnswers(None, str(exc)) from None


def _assess(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    try:
        result = assess(_read_answers(args.answers, stdin))
    except InvalidAnswers as exc:
        print(f"error: {one_line(str(exc))}", file=err)
        return EXIT_INVALID
    json.dump(result.to_dict(), out, ensure_ascii=False)
    out.write("\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backcare", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    assess_cmd = commands.add_parser("assess", help="score one answer set and print JSON")
    assess_cmd.add_argument(
        "--answers", required=True, metavar="FILE", help="JSON answers file, or - for stdin"
    )
    assess_cmd.set_defaults(run=_assess)
    analyst_cli.add_commands(commands)  # export, demo-data
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    args = _parser().parse_args(argv)
    return args.run(args, out or sys.stdout, err or sys.stderr, stdin or sys.stdin)
