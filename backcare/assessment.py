"""`assess(answers) -> Assessment`: the one entry point the pages, CLI and tests call."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from backcare import answers as answers_mod
from backcare.knowledge import KnowledgeBase, load
from backcare.scoring import Scorer

SELF_CARE = "self_care"


@dataclass(frozen=True)
class Reason:
    """A warning sign that fired, and the level it asks for."""

    id: str
    item: str
    level: str
    message: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Triage:
    level: str
    title: str
    what_to_do: str
    how_fast: str
    reasons: tuple[Reason, ...]
    sources: tuple[str, ...]

    @property
    def is_urgent(self) -> bool:
        """Emergency and urgent levels must dominate the page."""
        return self.level in ("emergency", "urgent")


@dataclass(frozen=True)
class RankedCause:
    id: str
    title: str
    explanation: str
    score: float
    because: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class AdviceItem:
    id: str
    title: str
    text: str
    sources: tuple[str, ...]
    for_causes: tuple[str, ...]
    general: bool


@dataclass(frozen=True)
class Assessment:
    answers: answers_mod.Answers
    triage: Triage
    causes: tuple[RankedCause, ...]
    comfort_actions: tuple[AdviceItem, ...]
    prevention_tips: tuple[AdviceItem, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of CONTRACT section 4 (plus a few extra fields)."""
        triage = self.triage
        return {
            "triage": {
                "level": triage.level,
                "title": triage.title,
                "what_to_do": triage.what_to_do,
                "how_fast": triage.how_fast,
                "reasons": [
                    {
                        "id": r.id,
                        "message": r.message,
                        "item": r.item,
                        "level": r.level,
                        "sources": list(r.sources),
                    }
                    for r in triage.reasons
                ],
                "sources": list(triage.sources),
            },
            "causes": [
                {
                    "id": c.id,
                    "title": c.title,
                    "score": round(c.score, 4),
                    "because": list(c.because),
                    "sources": list(c.sources),
                    "explanation": c.explanation,
                }
                for c in self.causes
            ],
            "comfort_actions": [_advice_dict(a) for a in self.comfort_actions],
            "prevention_tips": [_advice_dict(a) for a in self.prevention_tips],
        }


def _advice_dict(item: AdviceItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "text": item.text,
        "sources": list(item.sources),
        "for_causes": list(item.for_causes),
        "general": item.general,
    }


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
    )
    causes = tuple(
        RankedCause(
            c["id"],
            c["title"],
            c["explanation"],
            c["score"],
            tuple(c["because"]),
            tuple(c["sources"]),
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
