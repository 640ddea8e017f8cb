"""What the printable summary says, as plain data a test can read without a browser.

Nothing here identifies the person: the only identifier a summary can carry
is a name the person types on the summary page for the printout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from backcare.assessment.answers import Answer, Answers
from backcare.assessment.knowledge import KnowledgeBase, Question
from backcare.assessment.presentation import call_line
from backcare.assessment.questionnaire import WARNING_STEP, option_label, pages
from backcare.assessment.result import Assessment, RankedCause, Triage

if TYPE_CHECKING:  # the diary part loads pandas; a summary without it does not
    from backcare.summary.diary import DiaryPart

#: Explanations on the page: the rest are on the results page.
TOP_CAUSES = 3
#: Said when a warning-sign question was left unanswered: the level may then be too low.
UNANSWERED_NOTE = (
    "Not every warning-sign question was answered (see below), so this level may be too low."
)


@dataclass(frozen=True)
class StepAnswers:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    printed_on: date
    name: str
    triage: Triage
    #: "Call 999" when the level's action is a call, else "".
    call: str
    warning_signs_yes: tuple[str, ...]
    #: The top explanations, best first.
    explanations: tuple[RankedCause, ...]
    answers: tuple[StepAnswers, ...]
    #: None when the person chose to leave the diary off.
    diary: DiaryPart | None

    @property
    def cautions(self) -> tuple[str, ...]:
        """What the triage box adds to the level's own words."""
        return (UNANSWERED_NOTE,) if self.triage.unanswered_warning_signs else ()


def answer_words(question: Question, value: Answer) -> str:
    """One answer as a person would say it: "Running", "5 out of 10", "None"."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if question.widget == "scale":
        return f"{value} out of {question.max}"
    if question.type == "integer":
        return str(value)
    if question.type == "enum":
        return option_label(question, value)
    return ", ".join(option_label(question, v) for v in value) or "None"


def _checklist(questions: Sequence[Question], answers: Answers) -> str:
    ticked = [q.text for q in questions if answers.get(q.id) is True]
    return "Ticked: " + "; ".join(ticked) + "." if ticked else "Nothing ticked."


def _warning_tally(questions: Sequence[Question], answers: Answers) -> tuple[str, ...]:
    """The warning-sign step in one or two lines: the yes answers are listed at the top."""
    yes = sum(answers.get(q.id) is True for q in questions)
    no = sum(answers.get(q.id) is False for q in questions)
    lines = [f"Yes to {yes} (listed at the top)."] if yes else []
    if no:
        lines.append(f"No to all {no}." if no == len(questions) else f"No to {no}.")
    unanswered = [q.text for q in questions if q.id not in answers]
    if unanswered:
        lines.append(f"Not answered ({len(unanswered)}): " + "; ".join(unanswered) + ".")
    return tuple(lines)


def answers_in_words(answers: Answers, kb: KnowledgeBase) -> tuple[StepAnswers, ...]:
    """Every step's answers in plain words, in questionnaire order."""
    steps = []
    for page in pages(kb):
        if page.step.id == WARNING_STEP:
            lines = _warning_tally(page.questions, answers)
        else:
            asked = [q for q in page.questions if q.widget != "checkbox" and q.id in answers]
            lines = tuple(f"{q.text} {answer_words(q, answers[q.id])}" for q in asked)
            checklist = [q for q in page.questions if q.widget == "checkbox"]
            if checklist:
                lines += (_checklist(checklist, answers),)
        steps.append(StepAnswers(page.step.title, lines or ("Not answered.",)))
    return tuple(steps)


def warning_signs_yes(answers: Answers, kb: KnowledgeBase) -> tuple[str, ...]:
    """The warning-sign questions answered yes, in the person's own words."""
    return tuple(
        q.text
        for q in kb.questions.values()
        if q.step == WARNING_STEP and answers.get(q.id) is True
    )


def summarise(
    assessment: Assessment,
    kb: KnowledgeBase,
    *,
    today: date,
    name: str = "",
    phone_number: str | None = None,
    diary: DiaryPart | None = None,
) -> Summary:
    """The summary of one result; `phone_number` is the server's number for the level's call."""
    return Summary(
        printed_on=today,
        name=" ".join(name.split()),
        triage=assessment.triage,
        call=call_line(assessment.triage, phone_number),
        warning_signs_yes=warning_signs_yes(assessment.answers, kb),
        explanations=assessment.causes[:TOP_CAUSES],
        answers=answers_in_words(assessment.answers, kb),
        diary=diary,
    )
