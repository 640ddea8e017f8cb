"""All the scoring SQL: answers joined with the knowledge base in DuckDB.

One statement scores an answer set: support per cause (a noisy-OR of the
matching evidence weights, so 0..1), the warning signs that fired, and the
advice for the top causes. The knowledge base is loaded once into an
in-memory database; each thread gets its own cursor because a DuckDB
connection serves one call at a time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import duckdb

from backcare.answers import Fact
from backcare.knowledge import KnowledgeBase, Match

#: How many top causes choose the advice.
TOP_CAUSES = 3
#: Per kind of advice: at most this many linked to the top causes …
LINKED_ADVICE = 4
#: … then general advice until the list is this long.
ADVICE_PER_KIND = 6

SCHEMA = """
CREATE TABLE causes (id VARCHAR PRIMARY KEY, title VARCHAR, explanation VARCHAR,
                     sources VARCHAR[], ord INTEGER);
CREATE TABLE evidence (cause VARCHAR, item VARCHAR, value VARCHAR, lo DOUBLE, hi DOUBLE,
                       weight DOUBLE, because VARCHAR, ord INTEGER);
CREATE TABLE triage_levels (id VARCHAR PRIMARY KEY, urgency INTEGER);
CREATE TABLE warning_signs (id VARCHAR PRIMARY KEY, item VARCHAR, value VARCHAR, lo DOUBLE,
                            hi DOUBLE, level VARCHAR, message VARCHAR, sources VARCHAR[],
                            ord INTEGER);
CREATE TABLE advice (id VARCHAR PRIMARY KEY, kind VARCHAR, title VARCHAR, text VARCHAR,
                     general BOOLEAN, sources VARCHAR[], ord INTEGER);
CREATE TABLE advice_causes (advice VARCHAR, cause VARCHAR);
"""

# A fact matches a row when the item is the same and the row's value or
# numeric bounds (whichever it has) accept it.
_MATCHES = """f.item = {t}.item
     AND ({t}.value IS NULL OR f.value = {t}.value)
     AND ({t}.lo IS NULL OR f.num >= {t}.lo)
     AND ({t}.hi IS NULL OR f.num <= {t}.hi)"""

ASSESS_SQL = f"""
WITH facts AS (
    SELECT unnest($items::VARCHAR[]) AS item,
           unnest($vals::VARCHAR[]) AS value,
           unnest($nums::DOUBLE[]) AS num
),
hits AS (
    SELECT e.cause, e.weight, e.because, e.ord
    FROM evidence AS e JOIN facts AS f ON {_MATCHES.format(t="e")}
),
ranked AS (
    SELECT h.cause, c.title, c.explanation, c.sources,
           1 - exp(sum(ln(1 - h.weight))) AS score,
           list(h.because ORDER BY h.weight DESC, h.ord) AS because,
           row_number() OVER (ORDER BY 1 - exp(sum(ln(1 - h.weight))) DESC, c.ord) AS rank
    FROM hits AS h JOIN causes AS c ON c.id = h.cause
    GROUP BY h.cause, c.title, c.explanation, c.sources, c.ord
),
signs AS (
    SELECT w.id, w.item, w.level, w.message, w.sources, l.urgency, w.ord
    FROM warning_signs AS w
    JOIN facts AS f ON {_MATCHES.format(t="w")}
    JOIN triage_levels AS l ON l.id = w.level
),
advice_scored AS (
    SELECT a.id, a.kind, a.title, a.text, a.sources, a.general, a.ord,
           coalesce(sum(r.score), 0) AS relevance,
           coalesce(list(r.cause ORDER BY r.rank) FILTER (WHERE r.cause IS NOT NULL), [])
               AS for_causes
    FROM advice AS a
    LEFT JOIN advice_causes AS ac ON ac.advice = a.id
    LEFT JOIN ranked AS r ON r.cause = ac.cause AND r.rank <= $top
    GROUP BY ALL
),
linked AS (
    SELECT *, 0 AS tier FROM advice_scored WHERE relevance > 0
    QUALIFY row_number() OVER (PARTITION BY kind ORDER BY relevance DESC, ord) <= $linked
),
chosen AS (
    SELECT * FROM linked
    UNION ALL
    SELECT g.*, 1 AS tier FROM advice_scored AS g
    WHERE g.relevance = 0 AND g.general
    QUALIFY row_number() OVER (PARTITION BY g.kind ORDER BY g.ord)
            <= $per_kind - (SELECT count(*) FROM linked AS l WHERE l.kind = g.kind)
)
SELECT
    (SELECT list({{'id': cause, 'title': title, 'explanation': explanation, 'score': score,
                  'because': because, 'sources': sources}} ORDER BY rank) FROM ranked),
    (SELECT list({{'id': id, 'item': item, 'level': level, 'message': message,
                  'sources': sources}} ORDER BY urgency, ord) FROM signs),
    (SELECT list({{'id': id, 'kind': kind, 'title': title, 'text': text, 'sources': sources,
                  'general': general, 'for_causes': for_causes}}
                 ORDER BY kind, tier, relevance DESC, ord) FROM chosen)
"""


@dataclass(frozen=True)
class Scored:
    """What the SQL returns, as plain dicts in ranked order."""

    causes: list[dict[str, Any]]
    signs: list[dict[str, Any]]
    advice: list[dict[str, Any]]


def _bounds(match: Match) -> tuple[str, str | None, float | None, float | None]:
    return (match.item, match.value, match.min, match.max)


def _load(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase) -> None:
    con.execute(SCHEMA)
    titles = kb.source_titles
    con.executemany(
        "INSERT INTO causes VALUES (?, ?, ?, ?, ?)",
        [
            (c.id, c.title, c.explanation, list(titles(c.sources)), n)
            for n, c in enumerate(kb.causes.values())
        ],
    )
    con.executemany(
        "INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(e.cause, *_bounds(e.match), e.weight, e.because, n) for n, e in enumerate(kb.evidence)],
    )
    con.executemany(
        "INSERT INTO triage_levels VALUES (?, ?)", [(lid, n) for n, lid in enumerate(kb.levels)]
    )
    con.executemany(
        "INSERT INTO warning_signs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (w.id, *_bounds(w.match), w.level, w.message, list(titles(w.sources)), n)
            for n, w in enumerate(kb.warning_signs)
        ],
    )
    con.executemany(
        "INSERT INTO advice VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (a.id, a.kind, a.title, a.text, a.general, list(titles(a.sources)), n)
            for n, a in enumerate(kb.advice.values())
        ],
    )
    con.executemany(
        "INSERT INTO advice_causes VALUES (?, ?)",
        [(a.id, cause) for a in kb.advice.values() for cause in a.causes],
    )


class Scorer:
    """The knowledge base in one in-memory DuckDB, shared by every thread."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._con = duckdb.connect(":memory:")
        _load(self._con, kb)
        self._local = threading.local()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self._con.cursor()
        return cursor

    def score(self, facts: list[Fact]) -> Scored:
        items, vals, nums = (
            (list(column) for column in zip(*facts, strict=True)) if facts else ([], [], [])
        )
        row = (
            self._cursor()
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
            .fetchone()
        )
        causes, signs, advice = (column or [] for column in row)
        return Scored(causes, signs, advice)
