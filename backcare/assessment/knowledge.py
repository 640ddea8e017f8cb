"""Load the knowledge base in data/ and check every row before anything uses it.

A mistake in a CSV file must stop the app at start-up with a message a content
editor can act on ("causes.csv, row 7: …"), never surface later as a wrong
triage level. Rows are counted as a spreadsheet counts them: the header is row 1.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from backcare.assessment import contract

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

QUESTION_TYPES = ("integer", "enum", "multi", "boolean")
#: Which widgets can show which question type. `yes_no` offers "not sure" as well;
#: `yes_or_no` is an explicit Yes or No with nothing chosen at first (warning signs).
WIDGETS = {
    "integer": ("number", "scale"),
    "enum": ("radio",),
    "multi": ("pills",),
    "boolean": ("checkbox", "yes_no", "yes_or_no"),
}
ADVICE_KINDS = ("comfort", "prevention")
#: The step whose questions are the warning signs: every one asked, as Yes or No.
WARNING_STEP = "warning_signs"
WARNING_WIDGET = "yes_or_no"
#: What an evidence row does for its cause (data/README.md, "Scoring").
ROLES = ("specific", "generic", "diagnosis", "against")
#: Roles whose match lets a cause into the list; `generic` only adds weight.
ENTRY_ROLES = ("specific", "diagnosis")
#: The item a reported diagnosis is read from.
DIAGNOSIS_ITEM = "known_conditions"
#: How many causes one reported diagnosis may support: all of them must fit the top three.
DIAGNOSIS_CAUSES = 3
#: Which configured phone number a triage level's action uses ("" = none).
PHONES = ("emergency", "urgent", "")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_NUMBER_CELL = re.compile(r"\{([a-z_]+)\}(?:\s*\+\s*([0-9]+))?")
_PHONE_NUMBER = re.compile(r"[0-9]{3,}")


class KnowledgeError(ValueError):
    """A data file is missing, malformed or inconsistent with the rest."""

    def __init__(self, file: str, row: int | None, problem: str) -> None:
        self.file, self.row, self.problem = file, row, problem
        where = file if row is None else f"{file}, row {row}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Timeline:
    """A time rule stated once (timeline.csv): texts say ``words``, numbers use ``days``."""

    id: str
    days: int
    words: str


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
    #: Ask only when one of these answers was given (question_conditions.csv); () = always.
    ask_when: tuple[Match, ...] = ()

    @property
    def allowed(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Match:
    """One answer that a piece of evidence, a warning sign or a condition looks for."""

    item: str
    value: str | None
    min: int | None
    max: int | None

    def holds_for(self, item: str, value: str | None, num: float | None) -> bool:
        """Whether one flattened answer (see answers.facts) is the answer looked for."""
        return (
            self.item == item
            and (self.value is None or self.value == value)
            and (self.min is None or (num is not None and num >= self.min))
            and (self.max is None or (num is not None and num <= self.max))
        )


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
    #: specific, generic, diagnosis or against (data/README.md, "Scoring").
    role: str
    because: str
    sources: tuple[str, ...]

    @property
    def supports(self) -> bool:
        return self.role != "against"


@dataclass(frozen=True)
class TriageLevel:
    id: str
    title: str
    what_to_do: str
    how_fast: str
    #: Which configured number the action uses: "emergency", "urgent" or "".
    phone: str
    #: A caution that fits this level and never contradicts its action.
    disclaimer: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class WarningSign:
    id: str
    match: Match
    level: str
    message: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class WarningGroup:
    """Warning signs asked together ("Do any of these apply to you?"), listed under ``title``."""

    id: str
    title: str
    #: The warning-sign items of this group, in the order they are listed.
    signs: tuple[str, ...]


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
    timelines: dict[str, Timeline]
    steps: tuple[Step, ...]
    questions: dict[str, Question]
    causes: dict[str, Cause]
    evidence: tuple[Evidence, ...]
    levels: dict[str, TriageLevel]
    warning_signs: tuple[WarningSign, ...]
    advice: dict[str, Advice]
    #: The warning-sign step's groups (warning_groups.csv): each sign in exactly one.
    warning_groups: tuple[WarningGroup, ...]

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
    """Field parsers that raise a KnowledgeError naming file and row.

    Text may name a time rule as ``{id}`` (its words) and a number cell as
    ``{id}`` or ``{id}+N`` (its days), so the rule is stated once in timeline.csv.
    """

    def __init__(self, file: str, row: int, timelines: dict[str, Timeline] | None = None) -> None:
        self.file, self.row = file, row
        self.timelines = timelines or {}

    def fail(self, problem: str) -> KnowledgeError:
        return KnowledgeError(self.file, self.row, problem)

    def _timeline(self, name: str) -> Timeline:
        if name not in self.timelines:
            raise self.fail(f"'{{{name}}}' is not a rule in timeline.csv")
        return self.timelines[name]

    def text(self, row: Row, column: str) -> str:
        if not row[column]:
            raise self.fail(f"'{column}' is empty")
        return self.optional_text(row, column)

    def optional_text(self, row: Row, column: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self._timeline(m.group(1)).words, row[column])

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
        rule = _NUMBER_CELL.fullmatch(row[column])
        if rule:
            return self._timeline(rule.group(1)).days + int(rule.group(2) or 0)
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


def _each(
    data_dir: Path,
    name: str,
    columns: tuple[str, ...],
    timelines: dict[str, Timeline] | None = None,
) -> Iterator[tuple[_Checker, Row]]:
    for number, row in _rows(data_dir, name, columns):
        yield _Checker(name, number, timelines), row


def _load_timelines(data_dir: Path) -> dict[str, Timeline]:
    timelines: dict[str, Timeline] = {}
    for check, row in _each(data_dir, "timeline.csv", ("id", "days", "words")):
        tid = check.unique(timelines, check.text(row, "id"))
        if not re.fullmatch(r"[a-z_]+", tid):
            raise check.fail(f"id '{tid}' must be lower-case letters and '_' only")
        days = check.integer(row, "days")
        if days is None or days < 1:
            raise check.fail("'days' must be a whole number of at least 1")
        timelines[tid] = Timeline(tid, days, check.text(row, "words"))
    return timelines


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


def _load_questions(
    data_dir: Path, steps: dict[str, Step], timelines: dict[str, Timeline]
) -> dict[str, Question]:
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
    for check, row in _each(data_dir, "questions.csv", columns, timelines):
        qid = check.unique(questions, check.text(row, "id"))
        if not re.fullmatch(r"[a-z_]+", qid):
            raise check.fail(f"id '{qid}' must be lower-case letters and '_' only")
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
        question = Question(
            qid,
            check.choice(row, "step", steps),
            qtype,
            check.choice(row, "widget", WIDGETS[qtype]),
            check.text(row, "text"),
            check.optional_text(row, "help"),
            low,
            high,
            default,
            own,
        )
        _check_warning_question(check, question)
        questions[qid] = question
    if options:
        raise KnowledgeError(
            "question_options.csv", None, f"options for unknown questions: {', '.join(options)}"
        )
    missing = [i for i in contract.ITEM_TYPES if i not in questions]
    if missing:
        raise KnowledgeError("questions.csv", None, f"contract items missing: {', '.join(missing)}")
    return _load_conditions(data_dir, questions, list(steps))


def _check_warning_question(check: _Checker, question: Question) -> None:
    """Warning signs are asked in their own step, each as an explicit Yes or No."""
    is_warning_item = question.id in contract.WARNING_ITEMS
    in_step = question.step == WARNING_STEP
    if is_warning_item and not in_step:
        raise check.fail(f"warning-sign item '{question.id}' must be in the '{WARNING_STEP}' step")
    if in_step and (question.type != "boolean" or question.widget != WARNING_WIDGET):
        raise check.fail(
            f"'{question.id}' is in the '{WARNING_STEP}' step: it must be boolean "
            f"with the '{WARNING_WIDGET}' widget"
        )


def _load_conditions(
    data_dir: Path, questions: dict[str, Question], step_order: list[str]
) -> dict[str, Question]:
    """question_conditions.csv: ask a question only when an earlier answer is given."""
    when: dict[str, list[Match]] = {}
    for check, row in _each(data_dir, "question_conditions.csv", ("question", "item", "value")):
        qid = check.choice(row, "question", questions)
        question = questions[qid]
        if question.step == WARNING_STEP or qid in contract.WARNING_ITEMS:
            raise check.fail(f"'{qid}' is a warning sign: warning signs are always asked")
        item = check.choice(row, "item", questions)
        if questions[item].type == "integer":
            raise check.fail(f"a condition cannot be on the number item '{item}'")
        match = check.match({**row, "min": "", "max": ""}, questions)
        asked = questions[match.item]
        if step_order.index(asked.step) >= step_order.index(question.step):
            raise check.fail(
                f"'{match.item}' is not asked in a step before '{qid}', "
                "so it cannot decide whether to ask it"
            )
        if match in when.get(qid, ()):
            raise check.fail(f"this condition for '{qid}' appears twice")
        when.setdefault(qid, []).append(match)
    return {qid: replace(q, ask_when=tuple(when.get(qid, ()))) for qid, q in questions.items()}


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


def _load_causes(
    data_dir: Path, sources: dict[str, Source], timelines: dict[str, Timeline]
) -> dict[str, Cause]:
    causes: dict[str, Cause] = {}
    columns = ("id", "title", "explanation", "sources")
    for check, row in _each(data_dir, "causes.csv", columns, timelines):
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
    timelines: dict[str, Timeline],
) -> tuple[Evidence, ...]:
    columns = ("cause", "item", "value", "min", "max", "weight", "role", "because", "sources")
    evidence = []
    for check, row in _each(data_dir, "evidence.csv", columns, timelines):
        item = Evidence(
            check.choice(row, "cause", causes),
            check.match(row, questions),
            check.weight(row, "weight"),
            check.choice(row, "role", ROLES),
            check.text(row, "because"),
            check.ids(row, "sources", sources),
        )
        if item.role == "diagnosis" and item.match.item != DIAGNOSIS_ITEM:
            raise check.fail(f"only '{DIAGNOSIS_ITEM}' answers can have the role 'diagnosis'")
        evidence.append(item)
    can_enter = {e.cause for e in evidence if e.role in ENTRY_ROLES}
    unsupported = [c for c in causes if c not in can_enter]
    if unsupported:
        raise KnowledgeError(
            "evidence.csv",
            None,
            f"no specific evidence for {', '.join(unsupported)}: "
            "such a cause could never be suggested",
        )
    _check_diagnoses_outrank(evidence, questions)
    return tuple(evidence)


def _best_score(rows: Iterable[Evidence], questions: dict[str, Question]) -> float:
    """The highest score these supporting rows can reach together in one answer set.

    A yes/no or single-choice item holds one value, a number one value, a list any
    of its values; items are otherwise treated as independent (an upper bound).
    """
    by_item: dict[str, list[Evidence]] = {}
    for e in rows:
        by_item.setdefault(e.match.item, []).append(e)
    log_miss = 0.0
    for item, found in by_item.items():
        question = questions[item]
        if question.type == "multi":
            groups = [found]
        elif question.type == "integer":
            points = {b for e in found for b in (e.match.min, e.match.max) if b is not None}
            groups = [[e for e in found if _accepts_number(e.match, n)] for n in points]
        else:
            values = {e.match.value for e in found}
            groups = [[e for e in found if e.match.value == v] for v in values]
        log_miss += min(sum(math.log1p(-e.weight) for e in group) for group in groups)
    return 1 - math.exp(log_miss)


def _accepts_number(match: Match, number: int) -> bool:
    return (match.min is None or number >= match.min) and (match.max is None or number <= match.max)


def _check_diagnoses_outrank(evidence: list[Evidence], questions: dict[str, Question]) -> None:
    """A diagnosis the person reports must rank its causes above every guess from other answers.

    Each diagnosis row's weight, after every 'against' row of its cause, must beat
    the best score any cause can reach without a diagnosis; and one diagnosis may
    support at most DIAGNOSIS_CAUSES causes, so all of them make the top three.
    """
    guessed = max(
        _best_score(
            (e for e in evidence if e.cause == cause and e.supports and e.role != "diagnosis"),
            questions,
        )
        for cause in {e.cause for e in evidence}
    )
    per_value: dict[str, set[str]] = {}
    for e in evidence:
        if e.role != "diagnosis":
            continue
        per_value.setdefault(e.match.value or "", set()).add(e.cause)
        worst = e.weight * math.prod(
            1 - a.weight for a in evidence if a.cause == e.cause and a.role == "against"
        )
        if worst <= guessed:
            raise KnowledgeError(
                "evidence.csv",
                None,
                f"the diagnosis row {e.cause} ← {e.match.value} can score {worst:.3f}, not above "
                f"the {guessed:.3f} other answers can reach: a reported diagnosis must come first",
            )
    for value, supported in per_value.items():
        if len(supported) > DIAGNOSIS_CAUSES:
            raise KnowledgeError(
                "evidence.csv",
                None,
                f"the diagnosis '{value}' supports {len(supported)} causes; "
                f"at most {DIAGNOSIS_CAUSES} fit the top three",
            )


def _load_levels(
    data_dir: Path, sources: dict[str, Source], timelines: dict[str, Timeline]
) -> dict[str, TriageLevel]:
    levels: dict[str, TriageLevel] = {}
    columns = ("id", "title", "what_to_do", "how_fast", "phone", "disclaimer", "sources")
    for check, row in _each(data_dir, "triage_levels.csv", columns, timelines):
        lid = check.unique(levels, check.text(row, "id"))
        what_to_do = check.text(row, "what_to_do")
        if _PHONE_NUMBER.search(what_to_do):
            raise check.fail(
                "'what_to_do' holds a phone number: the page adds the number the server "
                "is set up with (name it in 'phone')"
            )
        phone = row["phone"]
        if phone not in PHONES:
            raise check.fail(f"'phone' is '{phone}'; use emergency, urgent or leave it empty")
        levels[lid] = TriageLevel(
            lid,
            check.text(row, "title"),
            what_to_do,
            check.text(row, "how_fast"),
            phone,
            check.text(row, "disclaimer"),
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
    timelines: dict[str, Timeline],
) -> tuple[WarningSign, ...]:
    signs: dict[str, WarningSign] = {}
    columns = ("id", "item", "value", "min", "max", "level", "message", "sources")
    for check, row in _each(data_dir, "warning_signs.csv", columns, timelines):
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
    rank = {level: n for n, level in enumerate(contract.TRIAGE_LEVELS)}
    for item, least in contract.WARNING_ITEM_LEVELS.items():
        given = [s.level for s in signs.values() if s.match == Match(item, "true", None, None)]
        if not given or min(rank[g] for g in given) > rank[least]:
            raise KnowledgeError(
                "warning_signs.csv",
                None,
                f"'{item}' = true must give at least the level '{least}' (CONTRACT section 2)",
            )
    return tuple(signs.values())


def _load_warning_groups(
    data_dir: Path, questions: dict[str, Question], timelines: dict[str, Timeline]
) -> tuple[WarningGroup, ...]:
    """warning_groups.csv: every warning-sign question in exactly one group, none elsewhere.

    A "No" to a group answers each of its signs "No", so a sign missing from every
    group would never be asked, and a sign in two groups could get two answers.
    """
    in_step = [q.id for q in questions.values() if q.step == WARNING_STEP]
    groups: dict[str, WarningGroup] = {}
    placed: dict[str, str] = {}
    for check, row in _each(data_dir, "warning_groups.csv", ("id", "title", "signs"), timelines):
        gid = check.unique(groups, check.text(row, "id"))
        if not re.fullmatch(r"[a-z_]+", gid):
            raise check.fail(f"id '{gid}' must be lower-case letters and '_' only")
        signs = check.ids(row, "signs", questions)
        for sign in signs:
            if sign not in in_step:
                raise check.fail(f"'{sign}' is not a question of the '{WARNING_STEP}' step")
            if sign in placed:
                raise check.fail(f"'{sign}' is already in the group '{placed[sign]}'")
            placed[sign] = gid
        groups[gid] = WarningGroup(gid, check.text(row, "title"), signs)
    left_out = [item for item in in_step if item not in placed]
    if left_out:
        raise KnowledgeError(
            "warning_groups.csv",
            None,
            f"warning signs in no group (they would never be asked): {', '.join(left_out)}",
        )
    return tuple(groups.values())


def _load_advice(
    data_dir: Path,
    causes: dict[str, Cause],
    sources: dict[str, Source],
    timelines: dict[str, Timeline],
) -> dict[str, Advice]:
    advice: dict[str, Advice] = {}
    columns = ("id", "kind", "title", "text", "causes", "general", "sources")
    for check, row in _each(data_dir, "advice.csv", columns, timelines):
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
    timelines = _load_timelines(data_dir)
    sources = _load_sources(data_dir)
    steps = {s.id: s for s in _load_steps(data_dir, timelines)}
    if WARNING_STEP not in steps:
        raise KnowledgeError("steps.csv", None, f"the '{WARNING_STEP}' step is missing")
    questions = _load_questions(data_dir, steps, timelines)
    causes = _load_causes(data_dir, sources, timelines)
    levels = _load_levels(data_dir, sources, timelines)
    return KnowledgeBase(
        sources=sources,
        timelines=timelines,
        steps=tuple(steps.values()),
        questions=questions,
        causes=causes,
        evidence=_load_evidence(data_dir, questions, causes, sources, timelines),
        levels=levels,
        warning_signs=_load_warning_signs(data_dir, questions, levels, sources, timelines),
        advice=_load_advice(data_dir, causes, sources, timelines),
        warning_groups=_load_warning_groups(data_dir, questions, timelines),
    )


def _load_steps(data_dir: Path, timelines: dict[str, Timeline]) -> list[Step]:
    steps: dict[str, Step] = {}
    for check, row in _each(data_dir, "steps.csv", ("id", "title", "intro"), timelines):
        sid = check.unique(steps, check.text(row, "id"))
        steps[sid] = Step(sid, check.text(row, "title"), check.text(row, "intro"))
    return list(steps.values())
