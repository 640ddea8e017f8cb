"""The scoring of data/README.md in plain Python, row by row, without DuckDB.

The app never uses this. It is the independent oracle the tests compare the
SQL with, and the baseline the benchmarks measure the SQL against, so it is
written for clarity: it must give the same ranking and triage as
`backcare.assessment.scoring`, not the same code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from backcare.assessment.answers import Answers, Fact, facts
from backcare.assessment.knowledge import ENTRY_ROLES, KnowledgeBase, Match


@dataclass(frozen=True)
class ReferenceResult:
    level: str
    #: (cause id, score), best first.
    ranking: tuple[tuple[str, float], ...]
    #: Ids of the warning signs that matched, most urgent first.
    signs: tuple[str, ...]


def matches(match: Match, fact: Fact) -> bool:
    return match.holds_for(*fact)


def score(kb: KnowledgeBase, answers: Answers) -> ReferenceResult:
    """Rank causes and triage validated answers exactly as the SQL does."""
    rows = facts(answers)
    log_for: dict[str, float] = {}
    log_against: dict[str, float] = {}
    can_enter: set[str] = set()
    for evidence in kb.evidence:
        hits = sum(matches(evidence.match, fact) for fact in rows)
        if not hits:
            continue
        total = log_for if evidence.supports else log_against
        total[evidence.cause] = total.get(evidence.cause, 0.0) + hits * math.log(
            1 - evidence.weight
        )
        if evidence.role in ENTRY_ROLES:
            can_enter.add(evidence.cause)
    order = {cause: n for n, cause in enumerate(kb.causes)}
    ranking = sorted(
        (
            (cause, round((1 - math.exp(total)) * math.exp(log_against.get(cause, 0.0)), 12))
            for cause, total in log_for.items()
            if cause in can_enter
        ),
        key=lambda pair: (-pair[1], order[pair[0]]),
    )
    urgency = {level: n for n, level in enumerate(kb.levels)}
    fired = sorted(
        (
            (urgency[sign.level], n, sign)
            for n, sign in enumerate(kb.warning_signs)
            if any(matches(sign.match, fact) for fact in rows)
        ),
        key=lambda t: t[:2],
    )
    level = fired[0][2].level if fired else next(reversed(kb.levels))
    return ReferenceResult(level, tuple(ranking), tuple(sign.id for _, _, sign in fired))
