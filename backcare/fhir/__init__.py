"""FHIR R4 for clinics' systems: the questionnaire, a person's answers and the result.

Builds the `Questionnaire` from data/questions.csv, an assessment as a
`Bundle` (type collection) holding a `QuestionnaireResponse` and a
`RiskAssessment`, and reads a `QuestionnaireResponse` (or a Bundle holding
one) back into contract answers. Every resource built here is validated with
fhir.resources' R4B models before it leaves; `codes` holds the stable URLs
clinics code against (README, CONTRACT section 5). fhir.resources takes most
of a second to import, so only the FHIR paths import these modules.
May import: backcare.assessment.
"""
