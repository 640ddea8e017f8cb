"""`assess(answers) -> Assessment`: the one entry point the pages, CLI and tests call."""

from __future__ import annotations

from functools import lru_cache

from backcare.assessment import answers as answers_mod
from backcare.assessment.knowledge import KnowledgeBase, load
from backcare.assessment.questionnaire import warning_items
from backcare.assessment.result import AdviceItem, Assessment, RankedCause, Reason, Triage
from backcare.assessment.scoring import Scorer

SELF_CARE = "self_care"


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """The knowledge base in data/, loaded and checked once per process."""
    return Scorer(load())


def knowledge_base() -> KnowledgeBase:
    return default_scorer().kb


def assess(raw_answers: object, *, scorer: Scorer | None = None) -> Assessment:
    """Validate answers, score them, and say what to do. Raises InvalidAnswers."""
    scorer = scorer or default_scorer()
    kb = scorer.kb
    answers = answers_mod.validate(raw_answers, kb.questions)
    scored = scorer.score(answers_mod.facts(answers))

    reasons = tuple(
        Reason(s["id"], s["item"], s["level"], s["message"], tuple(s["sources"]))
        for s in scored.signs
    )
    level = kb.levels[reasons[0].level if reasons else SELF_CARE]
    triage = Triage(
        level.id,
        level.title,
        level.what_to_do,
        level.how_fast,
        reasons,
        kb.source_titles(level.sources),
        unanswered_warning_signs=tuple(i for i in warning_items(kb) if i not in answers),
        phone=level.phone,
        disclaimer=level.disclaimer,
    )
    causes = tuple(
        RankedCause(
            c["id"],
            c["title"],
            c["explanation"],
            c["score"],
            tuple(c["because"]),
            tuple(c["sources"]),
            c["matched"],
        )
        for c in scored.causes
    )
    advice = {
        kind: tuple(
            AdviceItem(
                a["id"],
                a["title"],
                a["text"],
                tuple(a["sources"]),
                tuple(a["for_causes"]),
                a["general"],
            )
            for a in scored.advice
            if a["kind"] == kind
        )
        for kind in ("comfort", "prevention")
    }
    return Assessment(answers, triage, causes, advice["comfort"], advice["prevention"])
