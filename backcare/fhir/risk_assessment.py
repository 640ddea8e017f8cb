"""An assessment's result as a FHIR `RiskAssessment`.

The triage level, each warning sign that fired and each warning-sign
question left unanswered are extensions (RiskAssessment has no element for an
urgency of care); what to do is the
`mitigation`; the possible explanations are the `prediction`s, ranked, each
with its "because you said". A score is never sent as a probability: it is
not one. The subject is named by a display text only: BackCare keeps no
identifiers.
"""

from __future__ import annotations

from typing import Any

from backcare.assessment.result import Assessment, RankedCause
from backcare.fhir import codes

SUBJECT = "The person who answered the questionnaire (BackCare keeps no identifiers)"
CODE_TEXT = "Back pain after exercise: triage and possible explanations"
NOTE = (
    "Not a diagnosis. BackCare ranks possible explanations from the person's own answers; "
    "the ranking is not a probability. The triage level follows the warning signs answered yes."
)


def because_text(cause: RankedCause) -> str:
    return "Because you said: " + "; ".join(cause.because)


def _prediction(cause: RankedCause) -> dict[str, Any]:
    return {
        "outcome": {
            "coding": [{"system": codes.CAUSES_SYSTEM, "code": cause.id, "display": cause.title}],
            "text": cause.title,
        },
        "rationale": because_text(cause),
    }


def risk_assessment(assessment: Assessment, *, basis: str, occurred: str) -> dict[str, Any]:
    """The RiskAssessment of one result, based on the response at fullUrl `basis`."""
    triage = assessment.triage
    extensions = [
        {
            "url": codes.TRIAGE_EXTENSION,
            "valueCoding": {
                "system": codes.TRIAGE_SYSTEM,
                "code": triage.level,
                "display": triage.title,
            },
        }
    ]
    extensions += [
        {
            "url": codes.WARNING_SIGN_EXTENSION,
            "valueCoding": {
                "system": codes.WARNING_SIGNS_SYSTEM,
                "code": reason.id,
                "display": reason.message,
            },
        }
        for reason in triage.reasons
    ]
    extensions += [
        {"url": codes.UNANSWERED_EXTENSION, "valueString": item}
        for item in triage.unanswered_warning_signs
    ]
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "extension": extensions,
        "status": "final",
        "code": {"text": CODE_TEXT},
        "subject": {"display": SUBJECT},
        "occurrenceDateTime": occurred,
        "basis": [{"reference": basis}],
        "mitigation": f"{triage.title}. {triage.what_to_do}",
        "note": [{"text": NOTE}],
    }
    if assessment.causes:
        resource["prediction"] = [_prediction(c) for c in assessment.causes]
    return resource
