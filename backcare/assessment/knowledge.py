"""Load the knowledge base in data/ and check every row before anything uses it.

A mistake in a CSV file must stop the app at start-up with a message a content
editor can act on ("causes.csv, row 7: …"), never surface later as a wrong
triage level. Rows are counted as a spreadsheet counts them: the header is row 1.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from backcare.assessment import contract

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

QUESTION_TYPES = ("integer", "enum", "multi", "boolean")
#: Which widgets can show which question type.
WIDGETS = {
    "integer": ("number", "scale"),
    "enum": ("radio",),
    "multi": ("pills",),
    "boolean": ("checkbox", "yes_no"),
}
ADVICE_KINDS = ("comfort", "prevention")


class KnowledgeError(ValueError):
    """A data file is missing, malformed or inconsistent with the rest."""

    def __init__(self, file: str, row: int | None, problem: str) -> None:
        self.file, self.row, self.problem = file, row, problem
        where = file if row is None else f"{file}, row {row}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str
    kind: str


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    intro: str


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    step: str
    type: str
    widget: str
    text: str
    help: str
    min: int | None
    max: int | None
    default: int | None
    options: tuple[Option, ...]

    @property
    def allowed(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Match:
    """One answer that a piece of evidence or a warning sign looks for."""

    item: str
    value: str | None
    min: int | None
    max: int | None


@dataclass(frozen=True)
class Cause:
    id: str
    title: str
    explanation: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Evidence:
    cause: str
    match: Match
    weight: float
    because: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class TriageLevel:
    id: str
    title: str
    what_to_do: str
    how_fast: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class WarningSign:
    id: str
    match: Match
    level: str
    message: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Advice:
    id: str
    kind: str
    title: str
    text: str
    causes: tuple[str, ...]
    general: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything in data/, checked. Collections keep the files' row order."""

    sources: dict[str, Source]
    steps: tuple[Step, ...]
    questions: dict[str, Question]
    causes: dict[str, Cause]
    evidence: tuple[Evidence, ...]
    levels: dict[str, TriageLevel]
    warning_signs: tuple[WarningSign, ...]
    advice: dict[str, Advice]

    def source_titles(self, ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self.sources[i].title for i in ids)


Row = dict[str, str]


def _rows(data_dir: Path, name: str, columns: tuple[str, ...]) -> Iterator[tuple[int, Row]]:
    """Yield (spreadsheet row number, row) after checking the header."""
    path = data_dir / name
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        raise KnowledgeError(name, None, f"file not found in {data_dir}") from None
    with handle:
        try:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None:
                raise KnowledgeError(name, None, "the file is empty")
            if tuple(h.strip() for h in header) != columns:
                raise KnowledgeError(
                    name, 1, f"expected the columns {', '.join(columns)}; found {', '.join(header)}"
                )
            for cells in reader:
                number = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(columns):
                    raise KnowledgeError(
                        name, number, f"expected {len(columns)} cells, found {len(cells)}"
                    )
                yield number, {c: v.strip() for c, v in zip(columns, cells, strict=True)}
        except (csv.Error, UnicodeDecodeError) as exc:
            raise KnowledgeError(name, None, f"not a readable UTF-8 CSV file ({exc})") from None


class _Checker:
    """Field parsers that raise a KnowledgeError naming file and row."""

    def __init__(self, file: str, row: int) -> None:
        self.file, self.row = file, row

    def fail(self, problem: str) -> KnowledgeError:
        return KnowledgeError(self.file, self.row, problem)

    def text(self, row: Row, column: str) -> str:
        if not row[column]:
            raise self.fail(f"'{column}' is empty")
        return row[column]

    def choice(self, row: Row, column: str, allowed: tuple[str, ...] | dict) -> str:
        value = self.text(row, column)
        if value not in allowed:
            raise self.fail(f"'{column}' is '{value}', which is not one of: {', '.join(allowed)}")
        return value

    def ids(self, row: Row, column: str, known: dict | tuple, *, empty_ok: bool = False):
        values = tuple(v.strip() for v in row[column].split(";") if v.strip())
        if not values and not empty_ok:
            raise self.fail(f"'{column}' is empty")
        for value in values:
            if value not in known:
                raise self.fail(f"'{column}' names unknown id '{value}'")
        if len(set(values)) != len(values):
            raise self.fail(f"'{column}' lists an id twice")
        return values

    def integer(self, row: Row, column: str) -> int | None:
        if not row[column]:
            return None
        try:
            return int(row[column])
        except ValueError:
            raise self.fail(f"'{column}' is '{row[column]}', not a whole number") from None

    def weight(self, row: Row, column: str) -> float:
        try:
            value = float(self.text(row, column))
        except ValueError:
            raise self.fail(f"'{column}' is '{row[column]}', not a number") from None
        if not (math.isfinite(value) and 0 < value < 1):
            raise self.fail(f"'{column}' is {value}; it must lie strictly between 0 and 1")
        return value

    def flag(self, row: Row, column: str) -> bool:
        return self.choice(row, column, ("yes", "no")) == "yes"

    def unique(self, seen: dict, key: str) -> str:
        if key in seen:
            raise self.fail(f"id '{key}' appears twice")
        return key

    def match(self, row: Row, questions: dict[str, Question]) -> Match:
        item = self.text(row, "item")
        question = questions.get(item)
        if question is None:
            raise self.fail(f"'item' names unknown questionnaire item '{item}'")
        value, low, high = row["value"] or None, self.integer(row, "min"), self.integer(row, "max")
        if question.type == "integer":
            if value is not None:
                raise self.fail(f"'{item}' is a number: leave 'value' empty and use min/max")
            if low is None and high is None:
                raise self.fail(f"'{item}' is a number: give 'min', 'max' or both")
            lo, hi = (
                low if low is not None else question.min,
                high if high is not None else question.max,
            )
            if not (question.min <= lo <= hi <= question.max):
                raise self.fail(
                    f"min/max {lo}..{hi} do not fit inside "
                    f"{question.min}..{question.max} for '{item}'"
                )
            return Match(item, None, low, high)
        if low is not None or high is not None:
            raise self.fail(f"'{item}' is not a number: leave 'min' and 'max' empty")
        allowed = ("true", "false") if question.type == "boolean" else question.allowed
        if value not in allowed:
            raise self.fail(
                f"'value' is '{value or ''}'; for '{item}' use one of: {', '.join(allowed)}"
            )
        return Match(item, value, None, None)


def _each(data_dir: Path, name: str, columns: tuple[str, ...]) -> Iterator[tuple[_Checker, Row]]:
    for number, row in _rows(data_dir, name, columns):
        yield _Checker(name, number), row


def _load_sources(data_dir: Path) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for check, row in _each(data_dir, "sources.csv", ("id", "title", "publisher", "url", "kind")):
        sid = check.unique(sources, check.text(row, "id"))
        sources[sid] = Source(
            sid,
            check.text(row, "title"),
            check.text(row, "publisher"),
            row["url"],
            check.choice(row, "kind", ("article", "guideline")),
        )
    return sources


def _load_questions(data_dir: Path, steps: dict[str, Step]) -> dict[str, Question]:
    options: dict[str, list[Option]] = {}
    for check, row in _each(data_dir, "question_options.csv", ("question", "value", "label")):
        values = options.setdefault(check.text(row, "question"), [])
        value = check.text(row, "value")
        if any(o.value == value for o in values):
            raise check.fail(f"value '{value}' appears twice for '{row['question']}'")
        values.append(Option(value, check.text(row, "label")))
    for item, contract_values in contract.ITEM_VALUES.items():
        lost = set(contract_values) - {o.value for o in options.get(item, ())}
        if lost:
            raise KnowledgeError(
                "question_options.csv",
                None,
                f"contract item '{item}' lost the values: {', '.join(sorted(lost))}",
            )

    questions: dict[str, Question] = {}
    columns = ("id", "step", "type", "widget", "text", "help", "min", "max", "default")
    for check, row in _each(data_dir, "questions.csv", columns):
        qid = check.unique(questions, check.text(row, "id"))
        qtype = check.choice(row, "type", QUESTION_TYPES)
        own = tuple(options.pop(qid, ()))
        low, high, default = (check.integer(row, c) for c in ("min", "max", "default"))
        if qtype == "integer":
            if low is None or high is None or low > high:
                raise check.fail(f"number item '{qid}' needs 'min' ≤ 'max'")
            if default is not None and not low <= default <= high:
                raise check.fail(f"'default' {default} is outside {low}..{high}")
        elif low is not None or high is not None or default is not None:
            raise check.fail(
                f"only number items take 'min', 'max' or 'default' ('{qid}' is {qtype})"
            )
        if (qtype in ("enum", "multi")) != bool(own):
            raise check.fail(
                f"'{qid}' is {qtype}: options in question_options.csv are "
                + ("required" if qtype in ("enum", "multi") else "not allowed")
            )
        _check_contract_item(check, qid, qtype, low, high)
        questions[qid] = Question(
            qid,
            check.choice(row, "step", steps),
            qtype,
            check.choice(row, "widget", WIDGETS[qtype]),
            check.text(row, "text"),
            row["help"],
            low,
            high,
            default,
            own,
        )
    if options:
        raise KnowledgeError(
            "question_options.csv", None, f"options for unknown questions: {', '.join(options)}"
        )
    missing = [i for i in contract.ITEM_TYPES if i not in questions]
    if missing:
        raise KnowledgeError("questions.csv", None, f"contract items missing: {', '.join(missing)}")
    return questions


def _check_contract_item(
    check: _Checker, qid: str, qtype: str, low: int | None, high: int | None
) -> None:
    """A contract item may gain values but never change type or shrink its range."""
    expected = contract.ITEM_TYPES.get(qid)
    if expected is None:
        return
    if qtype != expected:
        raise check.fail(f"contract item '{qid}' must be {expected}, not {qtype}")
    if qid in contract.ITEM_RANGES:
        c_low, c_high = contract.ITEM_RANGES[qid]
        if low > c_low or high < c_high:
            raise check.fail(f"contract item '{qid}' must allow at least {c_low}..{c_high}")


def _load_causes(data_dir: Path, sources: dict[str, Source]) -> dict[str, Cause]:
    causes: dict[str, Cause] = {}
    for check, row in _each(data_dir, "causes.csv", ("id", "title", "explanation", "sources")):
        cid = check.unique(causes, check.text(row, "id"))
        causes[cid] = Cause(
            cid,
            check.text(row, "title"),
            check.text(row, "explanation"),
            check.ids(row, "sources", sources),
        )
    missing = [c for c in contract.CAUSE_IDS if c not in causes]
    if missing:
        raise KnowledgeError("causes.csv", None, f"contract causes missing: {', '.join(missing)}")
    return causes


def _load_evidence(
    data_dir: Path,
    questions: dict[str, Question],
    causes: dict[str, Cause],
    sources: dict[str, Source],
) -> tuple[Evidence, ...]:
    columns = ("cause", "item", "value", "min", "max", "weight", "because", "sources")
    evidence = tuple(
        Evidence(
            check.choice(row, "cause", causes),
            check.match(row, questions),
            check.weight(row, "weight"),
            check.text(row, "because"),
            check.ids(row, "sources", sources),
        )
        for check, row in _each(data_dir, "evidence.csv", columns)
    )
    supported = {e.cause for e in evidence}
    unsupported = [c for c in causes if c not in supported]
    if unsupported:
        raise KnowledgeError(
            "evidence.csv",
            None,
            f"no evidence for {', '.join(unsupported)}: such a cause could never be suggested",
        )
    return evidence


def _load_levels(data_dir: Path, sources: dict[str, Source]) -> dict[str, TriageLevel]:
    levels: dict[str, TriageLevel] = {}
    columns = ("id", "title", "what_to_do", "how_fast", "sources")
    for check, row in _each(data_dir, "triage_levels.csv", columns):
        lid = check.unique(levels, check.text(row, "id"))
        levels[lid] = TriageLevel(
            lid,
            check.text(row, "title"),
            check.text(row, "what_to_do"),
            check.text(row, "how_fast"),
            check.ids(row, "sources", sources),
        )
    if tuple(levels) != contract.TRIAGE_LEVELS:
        raise KnowledgeError(
            "triage_levels.csv",
            None,
            f"levels must be exactly {', '.join(contract.TRIAGE_LEVELS)}, most urgent first",
        )
    return levels


def _load_warning_signs(
    data_dir: Path,
    questions: dict[str, Question],
    levels: dict[str, TriageLevel],
    sources: dict[str, Source],
) -> tuple[WarningSign, ...]:
    signs: dict[str, WarningSign] = {}
    columns = ("id", "item", "value", "min", "max", "level", "message", "sources")
    for check, row in _each(data_dir, "warning_signs.csv", columns):
        sid = check.unique(signs, check.text(row, "id"))
        level = check.choice(row, "level", levels)
        if level == "self_care":
            raise check.fail("a warning sign cannot give the level 'self_care'")
        signs[sid] = WarningSign(
            sid,
            check.match(row, questions),
            level,
            check.text(row, "message"),
            check.ids(row, "sources", sources),
        )
    return tuple(signs.values())


def _load_advice(
    data_dir: Path, causes: dict[str, Cause], sources: dict[str, Source]
) -> dict[str, Advice]:
    advice: dict[str, Advice] = {}
    columns = ("id", "kind", "title", "text", "causes", "general", "sources")
    for check, row in _each(data_dir, "advice.csv", columns):
        aid = check.unique(advice, check.text(row, "id"))
        item = Advice(
            aid,
            check.choice(row, "kind", ADVICE_KINDS),
            check.text(row, "title"),
            check.text(row, "text"),
            check.ids(row, "causes", causes, empty_ok=True),
            check.flag(row, "general"),
            check.ids(row, "sources", sources),
        )
        if not item.causes and not item.general:
            raise check.fail("advice must help at least one cause or be marked general")
        advice[aid] = item
    for kind in ADVICE_KINDS:
        if not any(a.general and a.kind == kind for a in advice.values()):
            raise KnowledgeError(
                "advice.csv", None, f"no general {kind} advice for when nothing fits"
            )
    return advice


def load(data_dir: Path = DATA_DIR) -> KnowledgeBase:
    """Read and check every file in ``data_dir``; raise KnowledgeError on the first problem."""
    sources = _load_sources(data_dir)
    steps = {s.id: s for s in _load_steps(data_dir)}
    questions = _load_questions(data_dir, steps)
    causes = _load_causes(data_dir, sources)
    levels = _load_levels(data_dir, sources)
    return KnowledgeBase(
        sources=sources,
        steps=tuple(steps.values()),
        questions=questions,
        causes=causes,
        evidence=_load_evidence(data_dir, questions, causes, sources),
        levels=levels,
        warning_signs=_load_warning_signs(data_dir, questions, levels, sources),
        advice=_load_advice(data_dir, causes, sources),
    )


def _load_steps(data_dir: Path) -> list[Step]:
    steps: dict[str, Step] = {}
    for check, row in _each(data_dir, "steps.csv", ("id", "title", "intro")):
        sid = check.unique(steps, check.text(row, "id"))
        steps[sid] = Step(sid, check.text(row, "title"), check.text(row, "intro"))
    return list(steps.values())
