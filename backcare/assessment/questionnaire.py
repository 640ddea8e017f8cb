"""The questionnaire as steps of questions, and the mapping between widgets and answers.

The pages draw one widget per question; this module decides what a widget
starts with and what its value means as a contract answer, so that logic is
tested without a browser. `None` always means "not answered".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backcare.assessment.answers import Answer, Answers
from backcare.assessment.knowledge import KnowledgeBase, Question, Step

#: The choices of a yes/no question and the answers they give.
YES_NO: dict[str, bool | None] = {"yes": True, "no": False, "not_sure": None}
YES_NO_LABELS = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}


@dataclass(frozen=True)
class Page:
    """One step of the questionnaire with its questions in file order."""

    step: Step
    questions: tuple[Question, ...]


def pages(kb: KnowledgeBase) -> tuple[Page, ...]:
    return tuple(
        Page(step, tuple(q for q in kb.questions.values() if q.step == step.id))
        for step in kb.steps
    )


def widget_value(question: Question, answers: Answers) -> Any:
    """What the widget shows for the stored answer (or its default)."""
    answer = answers.get(question.id)
    if question.widget == "yes_no":
        return next((k for k, v in YES_NO.items() if v == answer and answer is not None), None)
    if question.type == "boolean":
        return bool(answer)
    if question.type == "multi":
        return list(answer or ())
    if question.type == "integer":
        return answer if answer is not None else question.default
    return answer


def answer_from_widget(question: Question, value: Any) -> Answer | None:
    """The contract answer a widget value stands for; None when unanswered."""
    if value is None:
        return None
    if question.widget == "yes_no":
        return YES_NO[value]
    if question.type == "boolean":
        # A statement left unticked on a checklist the person has seen means "no".
        return bool(value)
    if question.type == "multi":
        return tuple(value)
    if question.type == "integer":
        return int(value)
    return value


def option_label(question: Question, value: str) -> str:
    if question.widget == "yes_no":
        return YES_NO_LABELS[value]
    return next(o.label for o in question.options if o.value == value)


def widget_options(question: Question) -> list:
    """The choices of a choice widget: yes/no/not sure, a number scale or the allowed values."""
    if question.widget == "yes_no":
        return list(YES_NO)
    if question.widget == "scale":
        return list(range(question.min, question.max + 1))
    return list(question.allowed)
