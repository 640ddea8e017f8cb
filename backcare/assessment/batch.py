"""The scoring rules compiled into column expressions, for many answer sets at once.

`backcare.assessment.scoring` scores one answer set by joining its facts with the rules.
At a million answer sets that join, and the GROUP BY per answer set and cause
after it, cost some 20 µs an answer set here. Here the same rules become plain
arithmetic over a compact table of encoded answers, one row per answer set, so
DuckDB scores each row with no join, no aggregate and few branches:

- every yes/no answer, choice and ticked box is one bit in a few BIGINT words
  (`FactBits`); numbers stay numbers. A rule is then a bit test
  (``(facts_0 & 4096) <> 0``) or a range test (``age <= 17``);
- a cause's score is ``(1 - exp(Σ ln(1 - w))) * exp(Σ ln(1 - a))`` over its
  supporting and its "against" rules, rounded to 12 places like the
  single-assessment SQL, so ties break the same way; a cause with no matching
  specific (or diagnosis) rule gets no score at all, as there;
- the triage level is the most urgent level with a matching warning sign.

Every knowledge-base value reaches the SQL as a parameter; column names are
question ids, which the knowledge loader allows only as lower-case words.
The tests hold this to the single-assessment path and to the reference scorer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from backcare.assessment.answers import Answers, facts
from backcare.assessment.knowledge import ENTRY_ROLES, KnowledgeBase, Match, Question

#: Tie-breaks pack a cause's position into the low bits of its sort key.
_ORD_BITS = 6
_ORD_SPAN = 1 << _ORD_BITS
#: Bits used per BIGINT word, leaving the sign bit alone.
WORD_BITS = 63


class FactBits:
    """Where each answer that is not a number lives in the encoded words.

    A boolean item has two bits (answered yes, answered no), so "not answered"
    sets neither; an enum or multi item has one bit per allowed value.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.positions: dict[tuple[str, str], int] = {}
        for q in kb.questions.values():
            if q.type == "integer":
                continue
            for value in ("true", "false") if q.type == "boolean" else q.allowed:
                self.positions[(q.id, value)] = len(self.positions)
        self.words = -(-len(self.positions) // WORD_BITS)
        self.numbers = tuple(q.id for q in kb.questions.values() if q.type == "integer")

    def word_and_mask(self, item: str, value: str) -> tuple[int, int]:
        word, bit = divmod(self.positions[(item, value)], WORD_BITS)
        return word, 1 << bit

    def schema(self) -> pa.Schema:
        """facts_0 … facts_{words-1}, then one nullable column per number item."""
        words = [(f"facts_{w}", pa.int64()) for w in range(self.words)]
        return pa.schema(words + [(item, pa.int32()) for item in self.numbers])

    def pack(
        self,
        rows: int,
        chosen: Mapping[tuple[str, str], np.ndarray],
        numbers: Mapping[str, np.ma.MaskedArray],
    ) -> pa.Table:
        """The encoded table from column-wise answers.

        ``chosen[(item, value)]`` says, per row, whether that answer was given
        (booleans as "true"/"false"); ``numbers[item]`` holds the number items,
        masked where unanswered. Missing keys mean "never answered".
        """
        words = [np.zeros(rows, dtype=np.int64) for _ in range(self.words)]
        for (item, value), given in chosen.items():
            word, mask = self.word_and_mask(item, value)
            words[word] |= np.where(given, np.int64(mask), np.int64(0))
        columns = [pa.array(w) for w in words]
        for item in self.numbers:
            values = numbers.get(item, np.ma.masked_all(rows, dtype=np.int32))
            columns.append(
                pa.array(values.filled(0), type=pa.int32(), mask=np.ma.getmaskarray(values))
            )
        return pa.Table.from_arrays(columns, schema=self.schema())

    def encode(self, answer_sets: Sequence[Answers]) -> pa.Table:
        """Validated answer sets as the table `Scorer.score_many` reads."""
        rows = len(answer_sets)
        chosen: dict[tuple[str, str], np.ndarray] = {}
        numbers = {item: np.ma.masked_all(rows, dtype=np.int32) for item in self.numbers}
        for n, answers in enumerate(answer_sets):
            # The same flattening the single-assessment SQL joins on.
            for item, value, number in facts(answers):
                if number is not None:
                    numbers[item][n] = int(number)
                else:
                    chosen.setdefault((item, value), np.zeros(rows, dtype=bool))[n] = True
        return self.pack(rows, chosen, numbers)

    def decode(self, table: pa.Table) -> list[Answers]:
        """The answer sets back from an encoded table (an empty list reads as unanswered)."""
        kinds = {q.id: q.type for q in self.kb.questions.values()}
        columns = table.to_pydict()
        sets = []
        for n in range(table.num_rows):
            answers: dict[str, Any] = {}
            for (item, value), position in self.positions.items():
                word, bit = divmod(position, WORD_BITS)
                if not columns[f"facts_{word}"][n] >> bit & 1:
                    continue
                if kinds[item] == "boolean":
                    answers[item] = value == "true"
                elif kinds[item] == "enum":
                    answers[item] = value
                else:
                    answers[item] = (*answers.get(item, ()), value)
            answers |= {i: columns[i][n] for i in self.numbers if columns[i][n] is not None}
            sets.append({item: answers[item] for item in kinds if item in answers})
        return sets


def _lists(counts: np.ndarray, positions: np.ndarray, names: Sequence[str]) -> pa.Array:
    """Lists of names: row i takes the next ``counts[i]`` of ``positions`` into ``names``."""
    offsets = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    values = pa.DictionaryArray.from_arrays(pa.array(positions, pa.int8()), pa.array(names))
    return pa.ListArray.from_arrays(pa.array(offsets), values)


@dataclass(frozen=True)
class BatchStatement:
    """The compiled statement, and how its number columns become ids.

    DuckDB returns numbers only: each row's level as a position, the positions
    of its best causes and a bitmask of its warning signs. numpy and Arrow turn
    those into ids and lists of ids, far cheaper than building them in SQL.
    """

    sql: str
    params: dict[str, Any]
    levels: tuple[str, ...]
    causes: tuple[str, ...]
    signs: tuple[str, ...]
    top: int

    def finish(self, raw: Mapping[str, np.ndarray]) -> pa.Table:
        """level, top_causes and warning_signs from the statement's columns."""
        best = np.column_stack([raw[f"best_{r}"] for r in range(self.top)])
        found = best >= 0  # best first; a cause with no evidence is -1
        masks = raw["sign_mask"]
        return pa.table(
            {
                "level": pa.DictionaryArray.from_arrays(
                    pa.array(raw["level"], pa.int8()), pa.array(self.levels)
                ),
                "top_causes": _lists(found.sum(axis=1), best[found], self.causes),
                "warning_signs": _lists(np.bitwise_count(masks), _bit_positions(masks), self.signs),
            }
        )


def _bit_positions(masks: np.ndarray) -> np.ndarray:
    """The set bits of every mask, row by row, lowest first.

    Few distinct masks occur, so each is taken apart once and its positions
    are repeated for every row that has it.
    """
    distinct, which = np.unique(masks[masks != 0], return_inverse=True)
    counts = np.bitwise_count(distinct).astype(np.int64)
    positions = np.nonzero((distinct[:, None] >> np.arange(WORD_BITS)) & 1)[1]
    starts = np.cumsum(counts) - counts  # where each distinct mask's positions begin
    lengths = counts[which]
    row_starts = np.cumsum(lengths) - lengths
    within = np.arange(lengths.sum()) - np.repeat(row_starts, lengths)
    return positions[np.repeat(starts[which], lengths) + within]


class _Params:
    """Collects the statement's parameters and hands out their names."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def _condition(match: Match, question: Question, bits: FactBits, p: _Params) -> str:
    """A rule's test on the encoded answers: never null, so sums need no coalesce."""
    if question.type == "integer":
        bounds = [f'"{question.id}" >= {p(match.min)}'] if match.min is not None else []
        bounds += [f'"{question.id}" <= {p(match.max)}'] if match.max is not None else []
        return f"coalesce({' AND '.join(bounds)}, false)"
    word, mask = bits.word_and_mask(match.item, match.value or "")
    return f"(facts_{word} & {p(mask)}) <> 0"


def compile_batch(
    kb: KnowledgeBase, bits: FactBits, *, top: int, no_sign_level: str
) -> BatchStatement:
    """The statement that scores every row of a registered ``answers`` table."""
    if len(kb.causes) > _ORD_SPAN:
        raise ValueError(f"batch scoring handles at most {_ORD_SPAN} causes")
    p = _Params()
    causes = list(kb.causes)
    signs = sorted(kb.warning_signs, key=lambda sign: sign.id)

    def test(match: Match) -> str:
        return _condition(match, kb.questions[match.item], bits, p)

    # Per cause: Σ ln(1 − w) over matching support and over matching "against"
    # evidence, and how many matches may let the cause into the list at all.
    support: dict[str, list[str]] = {cause: [] for cause in causes}
    against: dict[str, list[str]] = {cause: [] for cause in causes}
    entry: dict[str, list[str]] = {cause: [] for cause in causes}
    for e in kb.evidence:
        term = f"({test(e.match)})::DOUBLE * {p(math.log1p(-e.weight))}"
        (support if e.supports else against)[e.cause].append(term)
        if e.role in ENTRY_ROLES:
            entry[e.cause].append(f"({test(e.match)})::INTEGER")

    def total(terms: list[str], name: str) -> str:
        return f"({' + '.join(terms) or '0'})::DOUBLE AS {name}"

    miss = [
        column
        for n, cause in enumerate(causes)
        for column in (
            total(support[cause], f"miss_{n}"),
            total(against[cause], f"anti_{n}"),
            f"({' + '.join(entry[cause]) or '0'}) > 0 AS entry_{n}",
        )
    ]

    def any_of(matches: list[Match]) -> str:
        """One test for "any of these matches": bits merge into one mask per word."""
        masks: dict[int, int] = {}
        tests = []
        for m in matches:
            if kb.questions[m.item].type == "integer":
                tests.append(test(m))
            else:
                word, mask = bits.word_and_mask(m.item, m.value or "")
                masks[word] = masks.get(word, 0) | mask
        tests += [f"(facts_{w} & {p(mask)}) <> 0" for w, mask in sorted(masks.items())]
        return " OR ".join(tests) or "false"

    # The most urgent level with a matching sign, and the matching signs by id; most
    # answer sets report no sign, so only the others build a list.
    levels = list(kb.levels) + ([] if no_sign_level in kb.levels else [no_sign_level])
    level_cases = [
        f"WHEN {any_of([s.match for s in signs if s.level == level])} THEN {n}"
        for n, level in enumerate(kb.levels)
        if any(s.level == level for s in signs)
    ]
    level = f"CASE {' '.join(level_cases)} ELSE {levels.index(no_sign_level)} END AS level"
    if len(signs) > WORD_BITS:
        raise ValueError(f"batch scoring handles at most {WORD_BITS} warning signs")
    sign_mask = " + ".join(f"({test(s.match)})::BIGINT * {p(1 << n)}" for n, s in enumerate(signs))
    # A sort key per cause: the rounded score in the high bits, then the cause's
    # position in causes.csv reversed, so the largest key is the best cause with
    # ties broken. A key below _ORD_SPAN means the cause is not listed.
    keys = [
        f"CAST((1 - exp(miss_{n})) * exp(anti_{n}) * 1e12 AS BIGINT) * entry_{n}::BIGINT"
        f" * {_ORD_SPAN} + {_ORD_SPAN - 1 - n} AS key_{n}"
        for n in range(len(causes))
    ]
    # The best `top` keys by repeated greatest(), each over the keys below the last:
    # arithmetic rather than a list sort or CASE per cause, which cost far more here.
    best = [f"greatest({', '.join(f'key_{n}' for n in range(len(causes)))}) AS best_0"]
    for r in range(1, top):
        below = (f"key_{n} * (key_{n} < best_{r - 1})::BIGINT" for n in range(len(causes)))
        best.append(f"greatest({', '.join(below)}) AS best_{r}")
    # Each best key's cause position, or -1 when fewer causes have evidence.
    positions = [
        f"if(best_{r} >= {_ORD_SPAN}, {_ORD_SPAN - 1} - best_{r} % {_ORD_SPAN}, -1) AS best_{r}"
        for r in range(top)
    ]
    # The level is computed last, from the answers carried through the layers.
    answers = [*(f"facts_{w}" for w in range(bits.words)), *(f'"{n}"' for n in bits.numbers)]
    layers = [
        ", ".join([*answers, *miss]),
        ", ".join([*answers, *keys]),
        *(f"*, {column}" for column in best),
        f"{level}, {', '.join(positions)}, ({sign_mask or '0'})::BIGINT AS sign_mask",
    ]
    sql = "answers"
    for columns in layers:  # each layer reads the columns the one before it computed
        sql = f"(SELECT {columns} FROM {sql})"
    signs_ids = tuple(s.id for s in signs)
    return BatchStatement(sql[1:-1], p.values, tuple(levels), tuple(causes), signs_ids, top)
