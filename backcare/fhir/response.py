"""Answers as a FHIR `QuestionnaireResponse`, and a response read back into answers.

Writing mirrors the Questionnaire: one group per step holding the questions
answered in it. An item left out is not answered; a list item answered with
nothing (no area, no known condition) is present with no answer, so an empty
list survives the trip. Reading accepts the items grouped or flat, and turns
them into the plain answers object that `backcare.assess` checks, so a value
outside the contract fails with the same message as in plain JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from backcare.assessment.answers import Answer, Answers, InvalidAnswers
from backcare.assessment.knowledge import KnowledgeBase, Question
from backcare.assessment.questionnaire import pages
from backcare.fhir import codes
from backcare.fhir.questionnaire import canonical, coding, group_link_id

#: The answer element each question type takes (choice items take a Coding).
VALUE_ELEMENTS = {
    "boolean": "valueBoolean",
    "integer": "valueInteger",
    "enum": "valueCoding",
    "multi": "valueCoding",
}
#: A response marked so must not be read as anyone's answers.
REFUSED_STATUS = "entered-in-error"


def _answer(question: Question, value: Answer) -> list[dict[str, Any]]:
    if question.type == "boolean":
        return [{"valueBoolean": value}]
    if question.type == "integer":
        return [{"valueInteger": value}]
    chosen = (value,) if question.type == "enum" else value
    options = {o.value: o for o in question.options}
    return [{"valueCoding": coding(options[v])} for v in chosen]


def _item(question: Question, value: Answer) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": question.id, "text": question.text}
    answer = _answer(question, value)
    if answer:
        item["answer"] = answer
    return item


def response(answers: Answers, kb: KnowledgeBase, authored: datetime) -> dict[str, Any]:
    """A completed QuestionnaireResponse for checked answers (validated with its Bundle)."""
    groups = []
    for page in pages(kb):
        items = [_item(q, answers[q.id]) for q in page.questions if q.id in answers]
        if items:
            groups.append(
                {"linkId": group_link_id(page.step.id), "text": page.step.title, "item": items}
            )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": canonical(kb),
        "status": "completed",
        "authored": authored.isoformat(timespec="seconds"),
    }
    if groups:
        resource["item"] = groups
    return resource


# --- reading ---------------------------------------------------------------------------------


def _code(question: Question, answer: Mapping[str, Any]) -> str:
    found = answer["valueCoding"]
    if found.get("system") != codes.ANSWERS_SYSTEM:
        raise InvalidAnswers(
            question.id,
            f"a Coding from {found.get('system')!r}; answer codes come from {codes.ANSWERS_SYSTEM}",
        )
    if found.get("code") is None:
        raise InvalidAnswers(question.id, "a Coding without a code")
    return found["code"]


def _value(question: Question, answers: Sequence[Mapping[str, Any]]) -> object:
    """The plain-JSON answer an item's answers stand for; None when there are none."""
    wanted = VALUE_ELEMENTS[question.type]
    for answer in answers:
        if answer.get("item"):
            raise InvalidAnswers(question.id, "answers with nested items are not part of it")
        given = [k for k, v in answer.items() if k.startswith("value") and v is not None]
        if given != [wanted]:
            got = given[0] if given else "no value"
            raise InvalidAnswers(question.id, f"got {got}; each answer takes {wanted}")
    if question.type == "multi":
        return [_code(question, a) for a in answers]
    if not answers:
        return None
    if len(answers) > 1:
        raise InvalidAnswers(question.id, f"got {len(answers)} answers; it takes one")
    if question.type == "enum":
        return _code(question, answers[0])
    return answers[0][wanted]


def _collect(
    items: Sequence[Mapping[str, Any]], kb: KnowledgeBase, raw: dict[str, object], seen: set[str]
) -> None:
    groups = {group_link_id(step.id) for step in kb.steps}
    for item in items:
        link = item["linkId"]
        if link in groups:
            if item.get("answer"):
                raise InvalidAnswers(link, "a step's group holds items, not answers")
            _collect(item.get("item") or (), kb, raw, seen)
            continue
        if link in seen:
            raise InvalidAnswers(link, "appears twice; each item may be answered once")
        seen.add(link)
        question = kb.questions.get(link)
        if question is None:
            raw[link] = None  # backcare.assess names it as not a questionnaire item
            continue
        if item.get("item"):
            raise InvalidAnswers(link, "a question holds answers, not nested items")
        value = _value(question, item.get("answer") or ())
        if value is not None:
            raw[link] = value


def answers_from_response(resource: Mapping[str, Any], kb: KnowledgeBase) -> dict[str, object]:
    """The plain answers object of a QuestionnaireResponse already validated as FHIR.

    Items present without an answer count as not answered, except list items,
    where no answer is the empty list. Raises InvalidAnswers.
    """
    if resource.get("status") == REFUSED_STATUS:
        raise InvalidAnswers(None, f"the QuestionnaireResponse is marked {REFUSED_STATUS}")
    answered = resource.get("questionnaire")
    if answered is not None and answered.split("|")[0] != codes.QUESTIONNAIRE_URL:
        raise InvalidAnswers(
            None,
            f"the QuestionnaireResponse answers {answered!r}, "
            f"not BackCare's questionnaire {codes.QUESTIONNAIRE_URL}",
        )
    raw: dict[str, object] = {}
    _collect(resource.get("item") or (), kb, raw, set())
    return raw
