"""The command line clinics integrate against (CONTRACT section 4).

`assess` prints exactly one JSON object on success (exit 0). Anything wrong
with the input exits 2 with a single line on standard error and nothing on
standard output, so a calling system can tell the two apart without parsing.
The answers are read strictly (backcare.json_input): a key given twice is an
error, never "the last one wins".

A clinic runs `assess` once per patient, so it must start fast: the analyst
commands register their arguments here, but import pandas and the store only
when one of them runs. FHIR (section 5) goes through backcare.fhir, imported
only when a command needs it: its models take most of a second to load.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from backcare.analytics import cli as analyst_cli
from backcare.assessment.answers import InvalidAnswers
from backcare.assessment.engine import assess, knowledge_base
from backcare.fhir.codes import is_resource
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


def _answers(path: str, stdin: TextIO) -> object:
    """Plain answers, or the answers in a FHIR QuestionnaireResponse or Bundle."""
    raw = _read_answers(path, stdin)
    if is_resource(raw):
        from backcare.fhir.bundle import answers_from_fhir

        return answers_from_fhir(raw, knowledge_base())
    return raw


def _print(data: object, out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False)
    out.write("\n")


def _assess(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    try:
        result = assess(_answers(args.answers, stdin))
    except InvalidAnswers as exc:
        print(f"error: {one_line(str(exc))}", file=err)
        return EXIT_INVALID
    if args.format == "fhir":
        from backcare.fhir.bundle import assessment_bundle

        _print(assessment_bundle(result, knowledge_base()), out)
    else:
        _print(result.to_dict(), out)
    return 0


def _fhir_questionnaire(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from backcare.fhir.questionnaire import questionnaire

    _print(questionnaire(knowledge_base()), out)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backcare", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    assess_cmd = commands.add_parser("assess", help="score one answer set and print JSON")
    assess_cmd.add_argument(
        "--answers",
        required=True,
        metavar="FILE",
        help="JSON answers, or a FHIR QuestionnaireResponse or Bundle holding one; - for stdin",
    )
    assess_cmd.add_argument(
        "--format",
        choices=("json", "fhir"),
        default="json",
        help="json: the result object (default); fhir: a FHIR R4 Bundle of answers and result",
    )
    assess_cmd.set_defaults(run=_assess)
    fhir_cmd = commands.add_parser("fhir", help="print FHIR R4 definitions")
    fhir_what = fhir_cmd.add_subparsers(dest="fhir_command", required=True)
    fhir_what.add_parser(
        "questionnaire", help="the questionnaire as a FHIR R4 Questionnaire"
    ).set_defaults(run=_fhir_questionnaire)
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
