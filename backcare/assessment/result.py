"""What an assessment says: the triage, the ranked explanations and the advice, as data.

Pages, the command line and the anonymous record all read these dataclasses;
:meth:`Assessment.to_dict` is the JSON shape of CONTRACT section 4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backcare.assessment.answers import Answers


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
    #: Warning-sign items the answers leave out, in questionnaire order. They never
    #: change the level (only signs that fired do), but they forbid a safe self-care.
    unanswered_warning_signs: tuple[str, ...] = ()
    #: Which configured number the action uses: "emergency", "urgent" or "".
    phone: str = ""
    #: A caution that fits this level and never contradicts its action.
    disclaimer: str = ""

    @property
    def is_urgent(self) -> bool:
        """Emergency and urgent levels must dominate the page."""
        return self.level in ("emergency", "urgent")

    @property
    def safe_self_care(self) -> bool:
        """Self-care that may be shown as such: every warning sign answered, none fired."""
        return self.level == "self_care" and not self.unanswered_warning_signs


@dataclass(frozen=True)
class RankedCause:
    id: str
    title: str
    explanation: str
    score: float
    because: tuple[str, ...]
    sources: tuple[str, ...]
    #: How many of the person's answers support it (the "because" phrases).
    matched: int = 0


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
    answers: Answers
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
                "unanswered_warning_signs": list(triage.unanswered_warning_signs),
                "phone": triage.phone,
                "disclaimer": triage.disclaimer,
            },
            "causes": [
                {
                    "id": c.id,
                    "title": c.title,
                    "score": round(c.score, 4),
                    "matched": c.matched,
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
