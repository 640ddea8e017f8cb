"""Which step of the questionnaire is on screen, and what it holds.

The steps come from data/ (questionnaire.pages). The warning-sign step has two
parts: the groups, then, after the last step as its own index, the follow-up
page that asks each sign of a group answered Yes. The follow-up is shown only
while some group is Yes; otherwise the person is back on the groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from backcare.assessment.knowledge import KnowledgeBase, Question
from backcare.assessment.questionnaire import WARNING_STEP, applies, follow_up_groups, pages
from backcare.ui import session, warning_step

#: What a form holds: ordinary questions, the warning-sign groups, or the follow-up signs.
QUESTIONS, GROUPS, FOLLOW_UP = "questions", "groups", "follow_up"


def indices(kb: KnowledgeBase) -> tuple[int, int]:
    """The warning step's index, and the follow-up's (after the last step, as its second part)."""
    steps = pages(kb)
    return next(n for n, p in enumerate(steps) if p.step.id == WARNING_STEP), len(steps)


@dataclass(frozen=True)
class Step:
    """The step on screen: where it stands among the steps, its words and its questions."""

    #: Its place (the follow-up's is one past the last step).
    index: int
    warning_index: int
    follow_up_index: int
    #: How many steps the progress bar counts (the follow-up is part of the last).
    count: int
    #: QUESTIONS, GROUPS or FOLLOW_UP.
    part: str
    id: str
    title: str
    intro: str
    #: The step's questions that apply, given the answers so far (what Back and Next keep).
    shown: tuple[Question, ...]

    @property
    def last(self) -> bool:
        """The warning step (groups or follow-up), whose button is "See my results"."""
        return self.part != QUESTIONS

    @property
    def where(self) -> str:
        """The progress text, also the page title and what is said on arrival."""
        return f"Step {self.number} of {self.count}: {self.title}"

    @property
    def number(self) -> int:
        """Its number on the progress bar (the follow-up counts as the last step)."""
        return min(self.index, self.warning_index) + 1

    @property
    def back_to(self) -> int:
        """Where "Back" goes: the follow-up goes back to the groups."""
        return self.warning_index if self.part == FOLLOW_UP else self.index - 1


def current(kb: KnowledgeBase) -> Step:
    """The step kept in the session (the groups instead of a follow-up with no Yes group)."""
    steps = pages(kb)
    warning_index, follow_up_index = indices(kb)
    index = min(st.session_state.setdefault(session.STEP, 0), follow_up_index)
    if index == follow_up_index and not follow_up_groups(kb, warning_step.group_answers()):
        index = warning_index
    on_follow_up = index == follow_up_index
    page = steps[warning_index] if on_follow_up else steps[index]
    on_groups = page.step.id == WARNING_STEP and not on_follow_up
    part = FOLLOW_UP if on_follow_up else GROUPS if on_groups else QUESTIONS
    if on_follow_up:
        step_id, title, intro = (
            warning_step.FOLLOW_UP_ID,
            warning_step.FOLLOW_UP_TITLE,
            warning_step.FOLLOW_UP_INTRO,
        )
    else:
        step_id, title, intro = page.step.id, page.step.title, page.step.intro
    # Ask only what applies, given the answers so far (a runner is asked about shoes).
    shown = tuple(q for q in page.questions if applies(q, session.answers()))
    return Step(
        index, warning_index, follow_up_index, len(steps), part, step_id, title, intro, shown
    )
