"""Answers and FHIR documents the FHIR tests share."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from backcare import assess
from backcare.assessment.engine import knowledge_base
from backcare.fhir.bundle import assessment_bundle

AUTHORED = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
#: A runner's sore back with a temperature: urgent, with several explanations.
ANSWERS = {
    "activity": "running",
    "onset": "right_after",
    "pain_now": 5,
    "pain_areas": ["lower_back"],
    "pain_feels": ["dull_ache", "stiffness"],
    "age": 41,
    "warmed_up": False,
    "worn_shoes": True,
    "hard_surface": True,
    "known_conditions": [],
    "fever": True,
}


def bundle(answers: dict | None = None) -> dict:
    return assessment_bundle(
        assess(ANSWERS if answers is None else answers), knowledge_base(), authored=AUTHORED
    )


def response(answers: dict | None = None) -> dict:
    """A fresh copy of the QuestionnaireResponse in the Bundle of these answers."""
    return copy.deepcopy(bundle(answers)["entry"][0]["resource"])
