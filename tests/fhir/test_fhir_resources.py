"""The Questionnaire and the Bundle BackCare builds: valid FHIR R4, coded as documented."""

from __future__ import annotations

import json

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.riskassessment import RiskAssessment
from hypothesis import given, settings

from backcare import assess
from backcare.assessment.answers import validate
from backcare.assessment.engine import knowledge_base
from backcare.assessment.knowledge import KnowledgeBase, load
from backcare.assessment.questionnaire import applicable, applies, pages, warning_items
from backcare.fhir import codes
from backcare.fhir.questionnaire import questionnaire, version
from tests.assessment.strategies import ANSWER_SETS
from tests.fhir.fhir_cases import ANSWERS, bundle
from tests.profiles import examples

_QUESTIONNAIRE = questionnaire(knowledge_base())


def _questions(resource: dict) -> dict[str, dict]:
    return {item["linkId"]: item for group in resource["item"] for item in group["item"]}


def test_the_questionnaire_validates_as_printed(kb: KnowledgeBase):
    printed = json.dumps(questionnaire(kb))
    parsed = Questionnaire.model_validate_json(printed)
    assert parsed.url == codes.QUESTIONNAIRE_URL
    assert parsed.status == "active"


def test_every_question_is_one_item_whose_link_id_is_its_contract_id(kb: KnowledgeBase):
    resource = questionnaire(kb)
    assert [g["linkId"] for g in resource["item"]] == [f"step-{page.step.id}" for page in pages(kb)]
    assert [g["text"] for g in resource["item"]] == [page.step.title for page in pages(kb)]
    items = [item["linkId"] for group in resource["item"] for item in group["item"]]
    assert items == [q.id for page in pages(kb) for q in page.questions]
    assert sorted(items) == sorted(kb.questions)


def test_items_carry_the_question_type_bounds_and_options(kb: KnowledgeBase):
    items = _questions(questionnaire(kb))
    for question in kb.questions.values():
        item = items[question.id]
        assert item["text"] == question.text
        if question.type == "integer":
            assert item["type"] == "integer"
            bounds = {e["url"]: e["valueInteger"] for e in item["extension"]}
            assert bounds == {
                codes.MIN_VALUE_EXTENSION: question.min,
                codes.MAX_VALUE_EXTENSION: question.max,
            }
        elif question.type == "boolean":
            assert item["type"] == "boolean"
            assert "answerOption" not in item
        else:
            assert item["type"] == "choice"
            assert item.get("repeats", False) is (question.type == "multi")
            assert [o["valueCoding"] for o in item["answerOption"]] == [
                {"system": codes.ANSWERS_SYSTEM, "code": o.value, "display": o.label}
                for o in question.options
            ]


def test_an_answer_code_means_one_thing_across_the_questionnaire(kb: KnowledgeBase):
    """One code system for all answers: a code may not belong to two items."""
    owners: dict[str, str] = {}
    for question in kb.questions.values():
        for value in question.allowed:
            assert value not in owners, (
                f"'{value}' is an answer to {owners[value]} and {question.id}"
            )
            owners[value] = question.id


def test_the_version_changes_with_the_wording_and_only_then(kb: KnowledgeBase, data_copy):
    assert version(load(data_copy)) == version(kb)
    path = data_copy / "questions.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("How old are you?", "What is your age?"), encoding="utf-8")
    assert version(load(data_copy)) != version(kb)


def test_the_bundle_validates_and_holds_the_response_then_the_result():
    printed = json.dumps(bundle())
    parsed = Bundle.model_validate_json(printed)
    assert parsed.type == "collection"
    response, result = (entry.resource for entry in parsed.entry)
    assert isinstance(response, QuestionnaireResponse)
    assert isinstance(result, RiskAssessment)
    assert len({entry.fullUrl for entry in parsed.entry}) == 2
    assert all(entry.fullUrl.startswith("urn:uuid:") for entry in parsed.entry)
    assert result.basis[0].reference == parsed.entry[0].fullUrl


def test_the_response_says_what_was_answered_grouped_by_step(kb: KnowledgeBase):
    response = bundle()["entry"][0]["resource"]
    assert response["status"] == "completed"
    assert response["authored"] == "2025-03-14T09:30:00Z"
    assert response["questionnaire"] == f"{codes.QUESTIONNAIRE_URL}|{version(kb)}"
    answered = _questions(response)
    assert list(answered) == [q for q in kb.questions if q in ANSWERS]
    assert answered["age"]["answer"] == [{"valueInteger": 41}]
    assert answered["warmed_up"]["answer"] == [{"valueBoolean": False}]
    assert answered["activity"]["answer"][0]["valueCoding"] == {
        "system": codes.ANSWERS_SYSTEM,
        "code": "running",
        "display": "Running",
    }
    assert [a["valueCoding"]["code"] for a in answered["pain_feels"]["answer"]] == [
        "dull_ache",
        "stiffness",
    ]
    # "None of these" is an answer too: present, with no answer element.
    assert "answer" not in answered["known_conditions"]


def test_the_risk_assessment_carries_the_triage_level_and_the_ranked_explanations():
    result = assess(ANSWERS)
    risk = bundle()["entry"][1]["resource"]
    extensions = {}
    for extension in risk["extension"]:
        if "valueCoding" in extension:
            extensions.setdefault(extension["url"], []).append(extension["valueCoding"])
    assert extensions[codes.TRIAGE_EXTENSION] == [
        {"system": codes.TRIAGE_SYSTEM, "code": "urgent", "display": result.triage.title}
    ]
    assert [c["code"] for c in extensions[codes.WARNING_SIGN_EXTENSION]] == [
        r.id for r in result.triage.reasons
    ]
    unanswered = [
        e["valueString"] for e in risk["extension"] if e["url"] == codes.UNANSWERED_EXTENSION
    ]
    assert unanswered == list(result.triage.unanswered_warning_signs)
    assert unanswered and "fever" not in unanswered
    assert result.triage.what_to_do in risk["mitigation"]
    assert risk["occurrenceDateTime"] == "2025-03-14T09:30:00Z"
    predictions = risk["prediction"]
    assert [p["outcome"]["coding"][0]["code"] for p in predictions] == [c.id for c in result.causes]
    assert {p["outcome"]["coding"][0]["system"] for p in predictions} == {codes.CAUSES_SYSTEM}
    first = result.causes[0]
    assert predictions[0]["rationale"] == "Because you said: " + "; ".join(first.because)
    # A fit score is not a probability, so none is sent as one.
    assert not any("probabilityDecimal" in p or "probabilityRange" in p for p in predictions)


def test_a_result_with_no_explanation_and_no_answers_still_validates():
    empty = bundle({})
    Bundle.model_validate_json(json.dumps(empty))
    response, risk = (entry["resource"] for entry in empty["entry"])
    assert "item" not in response
    assert "prediction" not in risk
    assert risk["extension"][0]["valueCoding"]["code"] == "self_care"


def test_questions_asked_only_when_they_apply_carry_enable_when(kb: KnowledgeBase):
    items = _questions(questionnaire(kb))
    conditional = [q for q in kb.questions.values() if q.ask_when]
    assert conditional, "data/question_conditions.csv names no question"
    for question in kb.questions.values():
        item = items[question.id]
        conditions = item.get("enableWhen", [])
        assert [(c["question"], c["operator"]) for c in conditions] == [
            (m.item, "=") for m in question.ask_when
        ]
        assert item.get("enableBehavior") == ("any" if len(conditions) > 1 else None)
        for condition, match in zip(conditions, question.ask_when, strict=True):
            if "answerCoding" in condition:
                assert condition["answerCoding"]["system"] == codes.ANSWERS_SYSTEM
                assert condition["answerCoding"]["code"] == match.value
            else:
                assert condition["answerBoolean"] is (match.value == "true")
    # A warning sign is always asked.
    assert not any("enableWhen" in items[i] for i in warning_items(kb))


def _enabled(item: dict, answers: dict) -> bool:
    """FHIR's enableWhen rule for '=' conditions, applied to contract answers."""
    if "enableWhen" not in item:
        return True

    def holds(condition: dict) -> bool:
        given = answers.get(condition["question"])
        if "answerBoolean" in condition:
            return given is condition["answerBoolean"]
        code = condition["answerCoding"]["code"]
        return code == given or (isinstance(given, tuple) and code in given)

    results = [holds(c) for c in item["enableWhen"]]
    return any(results) if item.get("enableBehavior") == "any" else all(results)


@settings(max_examples=examples(300), deadline=None)
@given(ANSWER_SETS)
def test_enable_when_shows_exactly_the_questions_the_app_asks(answers):
    kb = knowledge_base()
    kept = applicable(validate(answers, kb.questions), kb)
    items = _questions(_QUESTIONNAIRE)
    for question in kb.questions.values():
        assert _enabled(items[question.id], kept) == applies(question, kept), question.id
