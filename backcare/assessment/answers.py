"""Check a person's answers against the questionnaire before anything scores them.

Answers arrive from the pages, the CLI and clinics' systems as a JSON-like
mapping keyed by item id (CONTRACT section 1). Anything the contract does not
allow is refused with one message naming the item and what it accepts, so a
mistake is never silently scored as "not answered".
"""

from __future__ import annotations

from collections.abc import Mapping

from backcare.assessment.knowledge import Question
from backcare.json_input import excerpt, shortened

Answer = int | str | bool | tuple[str, ...]
Answers = dict[str, Answer]
#: One answer as the scoring SQL sees it: (item, text value, numeric value).
Fact = tuple[str, str | None, float | None]


class InvalidAnswers(ValueError):
    """An answer set breaks the contract; ``item`` names the offending item."""

    def __init__(self, item: str | None, problem: str) -> None:
        self.item, self.problem = item, problem
        # The item may come from the input itself: shown escaped and cut short.
        super().__init__(f"{shortened(item)}: {problem}" if item else problem)


def _describe(question: Question) -> str:
    if question.type == "integer":
        return f"a whole number from {question.min} to {question.max}"
    if question.type == "boolean":
        return "true or false"
    values = ", ".join(question.allowed)
    if question.type == "enum":
        return f"one of {values}"
    return f"a list of distinct values from {values}"


def _check_one(question: Question, value: object) -> Answer:
    wanted = _describe(question)
    if question.type == "boolean":
        if isinstance(value, bool):
            return value
    elif question.type == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            if question.min <= value <= question.max:
                return value
            shown = str(value) if value.bit_length() < 64 else "a number that large"
            raise InvalidAnswers(question.id, f"{shown} is out of range; allowed: {wanted}")
    elif question.type == "enum":
        if isinstance(value, str) and value in question.allowed:
            return value
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        unknown = [v for v in value if v not in question.allowed]
        if unknown:
            raise InvalidAnswers(
                question.id, f"unknown value {excerpt(unknown[0])}; allowed: {wanted}"
            )
        if len(set(value)) != len(value):
            raise InvalidAnswers(question.id, f"a value appears twice; allowed: {wanted}")
        return tuple(value)
    raise InvalidAnswers(question.id, f"got {excerpt(value)}; allowed: {wanted}")


def validate(raw: object, questions: Mapping[str, Question]) -> Answers:
    """Return the answers in questionnaire order, or raise InvalidAnswers."""
    if not isinstance(raw, Mapping):
        raise InvalidAnswers(None, "answers must be a JSON object keyed by item id")
    for item in raw:
        if item not in questions:
            import difflib  # only for this message: it slows every command-line start

            close = difflib.get_close_matches(str(item)[:100], questions, n=3)
            hint = f"did you mean {' or '.join(close)}?" if close else "see CONTRACT section 1"
            raise InvalidAnswers(str(item), f"not a questionnaire item ({hint})")
    return {qid: _check_one(q, raw[qid]) for qid, q in questions.items() if qid in raw}


def facts(answers: Answers) -> list[Fact]:
    """Flatten answers into rows the scoring SQL joins on: one per list element."""
    rows: list[Fact] = []
    for item, value in answers.items():
        if isinstance(value, bool):
            rows.append((item, "true" if value else "false", None))
        elif isinstance(value, int):
            rows.append((item, None, float(value)))
        elif isinstance(value, str):
            rows.append((item, value, None))
        else:
            rows.extend((item, v, None) for v in value)
    return rows
