"""The questionnaire in data/ as a FHIR `Questionnaire`, one group per step.

Each question's linkId is its CONTRACT item id; a step's group is
`step-<step id>`. Choice items offer the contract's values as Codings in
BackCare's answers code system, so a response codes answers exactly as the
plain JSON does. A question asked only when it applies
(data/question_conditions.csv) carries `enableWhen`, one condition per row,
any one enough, as `questionnaire.applies` decides. The version is a digest
of the items: it changes when any wording, option, bound or condition
changes, and only then.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from backcare.assessment.knowledge import KnowledgeBase, Match, Option, Question
from backcare.assessment.questionnaire import Page, pages
from backcare.fhir import codes
from backcare.fhir.validation import validated

#: The FHIR item type of each question type in data/questions.csv.
ITEM_TYPES = {"integer": "integer", "boolean": "boolean", "enum": "choice", "multi": "choice"}
TITLE = "BackCare: back pain after exercise"


def coding(option: Option) -> dict[str, str]:
    """An answer value as a Coding in BackCare's answers code system."""
    return {"system": codes.ANSWERS_SYSTEM, "code": option.value, "display": option.label}


def group_link_id(step_id: str) -> str:
    return codes.STEP_PREFIX + step_id


def _condition(match: Match, kb: KnowledgeBase) -> dict[str, Any]:
    """One enableWhen: the earlier item's answer is (or, for a list, includes) the value."""
    asked = kb.questions[match.item]
    if asked.type == "boolean":
        answer: dict[str, Any] = {"answerBoolean": match.value == "true"}
    elif asked.type in ("enum", "multi"):
        option = next(o for o in asked.options if o.value == match.value)
        answer = {"answerCoding": coding(option)}
    else:  # the loader refuses conditions on numbers
        raise ValueError(f"'{match.item}' is a {asked.type} item: no condition can name it")
    return {"question": match.item, "operator": "=", **answer}


def _enable_when(question: Question, kb: KnowledgeBase) -> dict[str, Any]:
    conditions = [_condition(m, kb) for m in question.ask_when]
    if not conditions:
        return {}
    if len(conditions) == 1:
        return {"enableWhen": conditions}
    return {"enableWhen": conditions, "enableBehavior": "any"}


def _item(question: Question, kb: KnowledgeBase) -> dict[str, Any]:
    if question.id.startswith(codes.STEP_PREFIX):
        raise ValueError(f"item id '{question.id}' would clash with a step group's linkId")
    item: dict[str, Any] = {
        "linkId": question.id,
        "text": question.text,
        "type": ITEM_TYPES[question.type],
    }
    if question.type == "integer":
        item["extension"] = [
            {"url": codes.MIN_VALUE_EXTENSION, "valueInteger": question.min},
            {"url": codes.MAX_VALUE_EXTENSION, "valueInteger": question.max},
        ]
    if question.type == "multi":
        item["repeats"] = True
    if question.options:
        item["answerOption"] = [{"valueCoding": coding(o)} for o in question.options]
    return item | _enable_when(question, kb)


def _group(page: Page, kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "linkId": group_link_id(page.step.id),
        "text": page.step.title,
        "type": "group",
        "item": [_item(q, kb) for q in page.questions],
    }


def _items(kb: KnowledgeBase) -> list[dict[str, Any]]:
    return [_group(page, kb) for page in pages(kb) if page.questions]


def version(kb: KnowledgeBase) -> str:
    """A short digest of the items: the same questionnaire always has the same version."""
    text = json.dumps(_items(kb), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def canonical(kb: KnowledgeBase) -> str:
    """How a response names the questionnaire it answers: `url|version`."""
    return f"{codes.QUESTIONNAIRE_URL}|{version(kb)}"


def questionnaire(kb: KnowledgeBase) -> dict[str, Any]:
    """The validated Questionnaire resource, as JSON-ready data."""
    return validated(
        {
            "resourceType": "Questionnaire",
            "url": codes.QUESTIONNAIRE_URL,
            "version": version(kb),
            "name": "BackCare",
            "title": TITLE,
            "status": "active",
            "subjectType": ["Patient"],
            "item": _items(kb),
        }
    )
