"""The URLs a clinic's system codes against: stable, and never given a new meaning.

`backcare.example` is a reserved name (RFC 2606): the URLs identify BackCare's
definitions and are not meant to be fetched. Codes in each system are ids
from CONTRACT.md (answer values, triage levels, cause ids, warning-sign ids),
so a code keeps its meaning for as long as the contract does.
"""

from typing import Final

BASE: Final = "https://backcare.example/fhir"
#: The Questionnaire's canonical URL; a response names it as `URL|version`.
QUESTIONNAIRE_URL: Final = f"{BASE}/Questionnaire/backcare"
#: Answer options of choice items: the contract's allowed values (section 1).
ANSWERS_SYSTEM: Final = f"{BASE}/CodeSystem/answers"
#: Triage levels (section 2).
TRIAGE_SYSTEM: Final = f"{BASE}/CodeSystem/triage-levels"
#: Cause ids (section 3).
CAUSES_SYSTEM: Final = f"{BASE}/CodeSystem/causes"
#: Warning signs that fired, coded by their id in data/warning_signs.csv (the ids of the
#: JSON result's `triage.reasons`).
WARNING_SIGNS_SYSTEM: Final = f"{BASE}/CodeSystem/warning-signs"
#: RiskAssessment extensions: the triage level, and each warning sign that fired.
TRIAGE_EXTENSION: Final = f"{BASE}/StructureDefinition/triage-level"
WARNING_SIGN_EXTENSION: Final = f"{BASE}/StructureDefinition/warning-sign"
#: RiskAssessment extension: the linkId of each warning-sign item left unanswered (a
#: `valueString`). With any of them, a self-care level is not a safe self-care result.
UNANSWERED_EXTENSION: Final = f"{BASE}/StructureDefinition/unanswered-warning-sign"
#: HL7's own extensions for the bounds of a number question.
MIN_VALUE_EXTENSION: Final = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE_EXTENSION: Final = "http://hl7.org/fhir/StructureDefinition/maxValue"
#: Group items hold a questionnaire step; the prefix keeps their linkIds apart
#: from item ids, which never contain a hyphen.
STEP_PREFIX: Final = "step-"


def is_resource(raw: object) -> bool:
    """Whether parsed JSON is a FHIR resource rather than a plain answers object.

    A plain answers object can never hold `resourceType`: it is not an item id.
    Cheap on purpose: the CLI asks before it imports any FHIR model.
    """
    return isinstance(raw, dict) and "resourceType" in raw
