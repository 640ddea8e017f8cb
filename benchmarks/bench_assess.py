"""One assessment at a time: backcare.assess against the plain-Python reference scorer."""

from __future__ import annotations

import random

from backcare import assess
from backcare.assessment import reference as reference_scorer
from backcare.assessment.answers import Answers, validate
from backcare.assessment.engine import default_scorer, knowledge_base
from backcare.assessment.knowledge import KnowledgeBase
from benchmarks.harness import Figure, interleaved, percentile

#: One filter over the rules table with a list parameter: no join, no scoring.
LOOKUP_SQL = "SELECT target, weight FROM rules WHERE list_contains($items::VARCHAR[], item)"


def random_answer_sets(kb: KnowledgeBase, count: int, seed: int = 7) -> list[Answers]:
    """Uniformly random valid answer sets: each item answered half of the time."""
    rng = random.Random(seed)
    sets = []
    for _ in range(count):
        raw: dict[str, object] = {}
        for q in kb.questions.values():
            if rng.random() < 0.5:
                continue
            if q.type == "boolean":
                raw[q.id] = rng.random() < 0.3
            elif q.type == "integer":
                raw[q.id] = rng.randint(q.min, q.max)
            elif q.type == "enum":
                raw[q.id] = rng.choice(q.allowed)
            else:
                raw[q.id] = rng.sample(q.allowed, rng.randint(0, 3))
        sets.append(validate(raw, kb.questions))
    return sets


def run(quick: bool) -> list[Figure]:
    kb = knowledge_base()
    answer_sets = random_answer_sets(kb, 100 if quick else 1000)

    def ours(answers: Answers) -> object:
        return assess(answers)

    def baseline(answers: Answers) -> object:
        return reference_scorer.score(kb, answers)

    for answers in answer_sets:  # the baseline must agree, or the comparison means nothing
        expected = reference_scorer.score(kb, answers)
        got = assess(answers)
        if [(c.id, c.score) for c in got.causes] != list(expected.ranking):
            raise AssertionError(f"rankings differ for {answers}")
        if got.triage.level != expected.level:
            raise AssertionError(f"triage differs for {answers}")

    mine, theirs = interleaved(ours, baseline, answer_sets)
    ms = 1000
    p50, p95 = percentile(mine, 50) * ms, percentile(mine, 95) * ms

    # Context for the 1 ms target: the cheapest statement an assessment could run
    # on the same connection, fetching the rules its items touch and no more.
    cursor = default_scorer().cursor()

    def lookup(answers: Answers) -> object:
        items = list(answers)
        return cursor.execute(LOOKUP_SQL, {"items": items}).fetchall()

    floor, plain = interleaved(lookup, baseline, answer_sets)
    return [
        Figure("assess_p50", p50, "ms", percentile(theirs, 50) * ms, "p50 <= 1 ms", p50 <= 1),
        Figure("assess_p95", p95, "ms", percentile(theirs, 95) * ms, "p95 <= 3 ms", p95 <= 3),
        Figure(
            "duckdb_rule_lookup_p50",
            percentile(floor, 50) * ms,
            "ms",
            percentile(plain, 50) * ms,
            "context: DuckDB's floor per statement",
            None,
        ),
    ]
