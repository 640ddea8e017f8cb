"""An assessment as one FHIR `Bundle` (type collection), and answers read from FHIR input.

The Bundle holds two entries, in this order: the QuestionnaireResponse
(the answers) and the RiskAssessment (the result), which names the response
as its basis by the response's `urn:uuid` fullUrl. Input may be such a
Bundle or a bare QuestionnaireResponse; either is validated as FHIR R4 first.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from backcare.assessment.answers import InvalidAnswers
from backcare.assessment.knowledge import KnowledgeBase
from backcare.assessment.result import Assessment
from backcare.fhir.response import answers_from_response, response
from backcare.fhir.risk_assessment import risk_assessment
from backcare.fhir.validation import InvalidResource, validated

RESPONSE = "QuestionnaireResponse"


def _full_url() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def assessment_bundle(
    assessment: Assessment, kb: KnowledgeBase, *, authored: datetime | None = None
) -> dict[str, Any]:
    """The validated Bundle of one assessment; `authored` defaults to now.

    Times are written in UTC: FHIR offsets are whole minutes, which some
    historical time zones' offsets are not.
    """
    authored = authored or datetime.now(UTC)
    if authored.tzinfo is None:
        raise ValueError("authored needs a time zone: FHIR dateTimes with a time carry one")
    authored = authored.astimezone(UTC)
    when = authored.isoformat(timespec="seconds")
    response_url, result_url = _full_url(), _full_url()
    return validated(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": when,
            "entry": [
                {"fullUrl": response_url, "resource": response(assessment.answers, kb, authored)},
                {
                    "fullUrl": result_url,
                    "resource": risk_assessment(assessment, basis=response_url, occurred=when),
                },
            ],
        }
    )


def _the_response(bundle: Mapping[str, Any]) -> Mapping[str, Any]:
    found = [
        entry["resource"]
        for entry in bundle.get("entry") or ()
        if (entry.get("resource") or {}).get("resourceType") == RESPONSE
    ]
    if len(found) != 1:
        raise InvalidAnswers(
            None, f"the Bundle holds {len(found)} QuestionnaireResponses; send exactly one"
        )
    return found[0]


def answers_from_fhir(resource: Mapping[str, Any], kb: KnowledgeBase) -> dict[str, object]:
    """The plain answers object in a QuestionnaireResponse or a Bundle holding one.

    Raises InvalidAnswers with one line: for a resource FHIR R4 would refuse,
    for any other resource type, or for answers outside the questionnaire.
    """
    kind = resource.get("resourceType")
    if kind not in ("Bundle", RESPONSE):
        raise InvalidAnswers(
            None, f"a FHIR {kind!r} holds no answers; send a {RESPONSE} or a Bundle holding one"
        )
    try:
        validated(resource)
    except InvalidResource as exc:
        raise InvalidAnswers(None, str(exc)) from None
    return answers_from_response(_the_response(resource) if kind == "Bundle" else resource, kb)
