"""The questionnaire as steps of questions, and the mapping between widgets and answers.

The pages draw one widget per question; this module decides what a widget
starts with and what its value means as a contract answer, which questions
apply to this person at all, and which warning signs are still unanswered, so
that logic is tested without a browser. `None` always means "not answered".

The warning signs are asked in groups (data/warning_groups.csv): one Yes or No
per group, with its signs listed under it. "No" answers each sign of the group
"No"; "Yes" asks each of its signs as its own Yes or No on a follow-up page. A
sign is answered only through its group's "No" or its own answer: never assumed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backcare.assessment.answers import Answer, Answers, facts
from backcare.assessment.knowledge import (
    WARNING_STEP,
    KnowledgeBase,
    Question,
    Step,
    WarningGroup,
)

__all__ = [
    "WARNING_STEP",
    "applicable",
    "applies",
    "follow_up_groups",
    "pages",
    "sign_answers",
    "unanswered_groups",
    "warning_items",
]

#: The choices of a yes/no question and the answers they give.
YES_NO: dict[str, bool | None] = {"yes": True, "no": False, "not_sure": None}
YES_NO_LABELS = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}
#: A warning sign is answered Yes or No: no "not sure", nothing chosen at first.
YES_OR_NO: dict[str, bool] = {"yes": True, "no": False}
_CHOICES = {"yes_no": YES_NO, "yes_or_no": YES_OR_NO}


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


def warning_items(kb: KnowledgeBase) -> tuple[str, ...]:
    """The boolean items asked in the warning-sign step, in file order."""
    return tuple(
        q.id for q in kb.questions.values() if q.step == WARNING_STEP and q.type == "boolean"
    )


def applies(question: Question, answers: Answers) -> bool:
    """Whether to ask ``question``: always, or when an answer it depends on was given."""
    if not question.ask_when:
        return True
    given = facts(answers)
    return any(match.holds_for(*fact) for match in question.ask_when for fact in given)


def applicable(answers: Answers, kb: KnowledgeBase) -> Answers:
    """The answers without those to questions that do not apply, dropped until none is left.

    Dropping one answer can make another question stop applying, hence the loop.
    """
    kept = dict(answers)
    while True:
        gone = [i for i in kept if i in kb.questions and not applies(kb.questions[i], kept)]
        if not gone:
            return kept
        for item in gone:
            del kept[item]


def widget_value(question: Question, answers: Answers) -> Any:
    """What the widget shows for the stored answer (or its default)."""
    answer = answers.get(question.id)
    if question.widget in _CHOICES:
        choices = _CHOICES[question.widget]
        return next((k for k, v in choices.items() if v == answer and answer is not None), None)
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
    if question.widget in _CHOICES:
        return _CHOICES[question.widget][value]
    if question.type == "boolean":
        # A statement left unticked on a checklist the person has seen means "no".
        return bool(value)
    if question.type == "multi":
        return tuple(value)
    if question.type == "integer":
        return int(value)
    return value


def option_label(question: Question, value: str) -> str:
    if question.widget in _CHOICES:
        return YES_NO_LABELS[value]
    return next(o.label for o in question.options if o.value == value)


def widget_options(question: Question) -> list:
    """The choices of a choice widget: yes/no(/not sure), a number scale or the allowed values."""
    if question.widget in _CHOICES:
        return list(_CHOICES[question.widget])
    if question.widget == "scale":
        return list(range(question.min, question.max + 1))
    return list(question.allowed)


# --- warning signs asked in groups ------------------------------------------------------------

#: Group answers and follow-up answers: an item id mapped to the person's Yes (True) or No.
YesNo = Mapping[str, bool]


def unanswered_groups(kb: KnowledgeBase, group_answers: YesNo) -> tuple[WarningGroup, ...]:
    """The groups with neither Yes nor No chosen, in page order."""
    return tuple(g for g in kb.warning_groups if group_answers.get(g.id) is None)


def follow_up_groups(kb: KnowledgeBase, group_answers: YesNo) -> tuple[WarningGroup, ...]:
    """The groups answered Yes: each of their signs is then asked on its own."""
    return tuple(g for g in kb.warning_groups if group_answers.get(g.id) is True)


def sign_answers(kb: KnowledgeBase, group_answers: YesNo, follow_up: YesNo) -> dict[str, bool]:
    """One answer per warning sign the person gave, in file order; none for the rest.

    A group's "No" answers each of its signs "No". After a "Yes", a sign has the
    answer the person gave it on the follow-up page, or none yet (so it stays
    unanswered and the results wait). An unanswered group answers nothing.
    Follow-up answers of a group now answered "No" are kept aside, not used: the
    person's last word on that group is that none of its signs apply.
    """
    given: dict[str, bool] = {}
    for group in kb.warning_groups:
        said = group_answers.get(group.id)
        for sign in group.signs:
            if said is False:
                given[sign] = False
            elif said is True and follow_up.get(sign) is not None:
                given[sign] = bool(follow_up[sign])
    return {item: given[item] for item in warning_items(kb) if item in given}
