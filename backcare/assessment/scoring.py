"""All the scoring SQL: answers joined with the knowledge base in DuckDB.

Evidence and warning signs are both *rules*: an answer they look for and what
a match means (support for a cause with a weight, or a triage level). One join
of the answers ("facts") with the rules drives everything:

- a cause's score is the noisy-OR of its supporting weights, 1 − Π(1 − w), times
  Π(1 − w) of the answers that count against it; a cause is listed only when a
  specific answer (or a reported diagnosis) supports it, never on generic ones alone;
- the triage level is the most urgent matching warning sign;
- advice is chosen for the top causes in turn, each cause's most specific advice
  first, then general advice fills the list.

`Scorer.score` does this for one answer set in one statement. `score_many`
gives the same ranking and triage for a whole table of answer sets at once
(demo data, benchmarks) with the rules compiled into column expressions
(backcare.assessment.batch), because a join per fact is too slow at a million rows.
The knowledge base lives in one in-memory database; each thread gets its own
cursor because a DuckDB connection serves one call at a time.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb

from backcare.assessment.answers import Fact
from backcare.assessment.knowledge import KnowledgeBase, Match

if TYPE_CHECKING:  # numpy and pyarrow load only when a batch is scored
    import pyarrow as pa

    from backcare.assessment.batch import BatchStatement, FactBits

#: How many top causes choose the advice.
TOP_CAUSES = 3
#: Per kind of advice: at most this many linked to the top causes …
LINKED_ADVICE = 4
#: … then general advice until the list is this long.
ADVICE_PER_KIND = 6
#: The level when no warning sign matches.
NO_SIGN_LEVEL = "self_care"

SCHEMA = """
CREATE TABLE causes (id VARCHAR PRIMARY KEY, title VARCHAR, explanation VARCHAR,
                     sources VARCHAR[], ord INTEGER);
-- kind 'cause': target is a cause id, weight and text (the "because" phrase) apply.
-- kind 'sign': target is a warning-sign id, level/urgency and text (the message) apply;
--   urgency is the level's place in triage_levels.csv, most urgent first.
-- role (causes only): specific, generic, diagnosis or against (knowledge.ROLES).
CREATE TABLE rules (kind VARCHAR, target VARCHAR, item VARCHAR, value VARCHAR,
                    lo DOUBLE, hi DOUBLE, weight DOUBLE, role VARCHAR, level VARCHAR,
                    urgency INTEGER, text VARCHAR, sources VARCHAR[], ord INTEGER);
-- n_causes: how many causes the advice serves; fewer is more specific.
CREATE TABLE advice (id VARCHAR PRIMARY KEY, kind VARCHAR, title VARCHAR, text VARCHAR,
                     general BOOLEAN, sources VARCHAR[], n_causes INTEGER, ord INTEGER);
CREATE TABLE advice_causes (advice VARCHAR, cause VARCHAR);
"""

# A fact (an answer, one row per list element) matches a rule when the item is
# the same and the rule's value or numeric bounds, whichever it has, accept it.
_HITS = """
    SELECT f.*, r.kind, r.target, r.weight, r.role, r.level, r.urgency, r.text, r.sources, r.ord
    FROM rules AS r JOIN facts AS f
      ON f.item = r.item
     AND (r.value IS NULL OR f.value = r.value)
     AND (r.lo IS NULL OR f.num >= r.lo)
     AND (r.hi IS NULL OR f.num <= r.hi)
"""
# Rounded so that summing the same weights in another order cannot reorder a tie:
# ties are then broken by the causes' order in causes.csv, everywhere.
_FOR = "h.role <> 'against'"
_SCORE = (
    f"round((1 - exp(sum(ln(1 - h.weight)) FILTER ({_FOR})))"
    " * exp(coalesce(sum(ln(1 - h.weight)) FILTER (h.role = 'against'), 0)), 12)"
)

ASSESS_SQL = f"""
WITH facts AS (
    SELECT unnest($items::VARCHAR[]) AS item,
           unnest($vals::VARCHAR[]) AS value,
           unnest($nums::DOUBLE[]) AS num
),
hits AS ({_HITS}),
ranked AS (
    SELECT h.target AS cause, c.title, c.explanation, c.sources, c.ord, {_SCORE} AS score,
           list(h.text ORDER BY h.weight DESC, h.ord) FILTER ({_FOR}) AS because,
           count(*) FILTER ({_FOR}) AS matched
    FROM hits AS h JOIN causes AS c ON c.id = h.target
    WHERE h.kind = 'cause'
    GROUP BY h.target, c.title, c.explanation, c.sources, c.ord
    HAVING bool_or(h.role IN ('specific', 'diagnosis'))
),
top AS (
    SELECT cause, row_number() OVER (ORDER BY score DESC, ord) AS place
    FROM ranked ORDER BY score DESC, ord LIMIT $top
),
-- Each top cause lists its advice most specific first; advice then takes turns:
-- every top cause's first pick, then every second pick, and so on.
picks AS (
    SELECT ac.advice, t.cause, t.place,
           row_number() OVER (PARTITION BY t.cause, a.kind ORDER BY a.n_causes, a.ord) AS pick
    FROM advice_causes AS ac JOIN top AS t ON t.cause = ac.cause
         JOIN advice AS a ON a.id = ac.advice
),
linked AS (
    SELECT advice, min(pick * ($top + 1) + place) AS turn,
           list(cause ORDER BY place) AS for_causes
    FROM picks GROUP BY advice
),
advice_ranked AS (
    SELECT a.*, l.turn, coalesce(l.for_causes, []) AS for_causes,
           row_number() OVER (PARTITION BY a.kind ORDER BY l.turn NULLS LAST, a.ord) AS n,
           count(l.turn) OVER (PARTITION BY a.kind) AS linked
    FROM advice AS a LEFT JOIN linked AS l ON l.advice = a.id
    WHERE l.turn IS NOT NULL OR a.general
)
SELECT
    (SELECT list({{'id': cause, 'title': title, 'explanation': explanation, 'score': score,
                  'because': because, 'sources': sources, 'matched': matched}}
                 ORDER BY score DESC, ord)
     FROM ranked),
    (SELECT list({{'id': target, 'item': item, 'level': level, 'message': text,
                  'sources': sources}} ORDER BY urgency, ord)
     FROM hits WHERE kind = 'sign'),
    (SELECT list({{'id': id, 'kind': kind, 'title': title, 'text': text, 'sources': sources,
                  'general': general, 'for_causes': for_causes}} ORDER BY kind, n)
     FROM advice_ranked
     -- linked advice first (at most $linked), then general advice up to $per_kind in all
     WHERE n <= CASE WHEN turn IS NOT NULL THEN $linked
                     ELSE $per_kind - least(linked, $linked) + linked END)
"""


@dataclass(frozen=True)
class Scored:
    """What the single-assessment SQL returns, as plain dicts in ranked order."""

    causes: list[dict[str, Any]]
    signs: list[dict[str, Any]]
    advice: list[dict[str, Any]]


def _bounds(match: Match) -> tuple[str, str | None, float | None, float | None]:
    return (match.item, match.value, match.min, match.max)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """All rows in one statement: `executemany` runs one statement per row, which made
    loading the knowledge base most of a command-line assessment's start-up time."""
    if not rows:
        return
    one = f"({', '.join('?' * len(rows[0]))})"
    con.execute(
        f"INSERT INTO {table} VALUES {', '.join([one] * len(rows))}",
        [value for row in rows for value in row],
    )


def _load(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase) -> None:
    con.execute(SCHEMA)
    titles = kb.source_titles
    urgency = {level: n for n, level in enumerate(kb.levels)}
    _insert(
        con,
        "causes",
        [
            (c.id, c.title, c.explanation, list(titles(c.sources)), n)
            for n, c in enumerate(kb.causes.values())
        ],
    )
    _insert(
        con,
        "rules",
        [
            (
                "cause",
                e.cause,
                *_bounds(e.match),
                e.weight,
                e.role,
                None,
                None,
                e.because,
                list(titles(e.sources)),
                n,
            )
            for n, e in enumerate(kb.evidence)
        ]
        + [
            (
                "sign",
                w.id,
                *_bounds(w.match),
                None,
                None,
                w.level,
                urgency[w.level],
                w.message,
                list(titles(w.sources)),
                n,
            )
            for n, w in enumerate(kb.warning_signs)
        ],
    )
    _insert(
        con,
        "advice",
        [
            (a.id, a.kind, a.title, a.text, a.general, list(titles(a.sources)), len(a.causes), n)
            for n, a in enumerate(kb.advice.values())
        ],
    )
    _insert(
        con,
        "advice_causes",
        [(a.id, cause) for a in kb.advice.values() for cause in a.causes],
    )


class Scorer:
    """The knowledge base in one in-memory DuckDB, shared by every thread.

    One assessment is a few dozen rows: on one DuckDB thread it skips the
    cost of handing tiny pipelines to a second one. The batch statement reads
    no table, so it runs on a database of its own with every core.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._con = duckdb.connect(":memory:", config={"threads": 1})
        _load(self._con, kb)
        self._local = threading.local()

    # The batch pieces are made on first use: a server that only assesses one
    # person at a time never pays for a second database, numpy or pyarrow.
    @functools.cached_property
    def fact_bits(self) -> FactBits:
        """How `score_many` wants its answers: `scorer.fact_bits.encode(answer_sets)`."""
        from backcare.assessment.batch import FactBits

        return FactBits(self.kb)

    @functools.cached_property
    def _batch(self) -> BatchStatement:
        from backcare.assessment.batch import compile_batch

        return compile_batch(self.kb, self.fact_bits, top=TOP_CAUSES, no_sign_level=NO_SIGN_LEVEL)

    @functools.cached_property
    def _batch_con(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(":memory:")

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the knowledge base."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self._con.cursor()
        return cursor

    def score(self, facts: list[Fact]) -> Scored:
        """Rank causes, find warning signs and choose advice for one answer set."""
        items, vals, nums = (list(c) for c in zip(*facts, strict=True)) if facts else ([], [], [])
        # fetchall, not fetchone: DuckDB 2 keeps the cursor busy until a result is drained.
        [row] = (
            self.cursor()
            .execute(
                ASSESS_SQL,
                {
                    "items": items,
                    "vals": vals,
                    "nums": nums,
                    "top": TOP_CAUSES,
                    "linked": LINKED_ADVICE,
                    "per_kind": ADVICE_PER_KIND,
                },
            )
            .fetchall()
        )
        causes, signs, advice = (column or [] for column in row)
        return Scored(causes, signs, advice)

    def score_many(self, answers: pa.Table) -> pa.Table:
        """Triage, top causes and warning signs for every row of an answers table.

        ``answers`` is anything DuckDB can scan laid out as `FactBits.schema`
        (`self.fact_bits.encode` makes one), one row per answer set. The result
        has one row per answer set, in the same order: level, top_causes,
        warning_signs.
        """
        cursor = self._batch_con.cursor()
        cursor.register("answers", answers)
        try:
            # execute() plans the statement once (.sql() binds it twice), and its
            # columns are all numbers, which fetchnumpy hands over without copies.
            raw = cursor.execute(self._batch.sql, self._batch.params).fetchnumpy()
            return self._batch.finish(raw)
        finally:
            cursor.close()
