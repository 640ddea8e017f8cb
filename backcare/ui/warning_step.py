"""The warning signs on screen: one Yes or No per group, then "Which of these?" after a Yes.

Step 4 lists each group's signs in plain words under its title and asks one
required Yes or No for the whole group. A group answered Yes has each of its
signs asked as its own Yes or No on a follow-up page, shown only when some
group was Yes. What the person chose is kept in the session as given (groups,
and follow-up answers); the per-sign answers the assessment receives are
worked out from both by `questionnaire.sign_answers`, so they never hold a
sign the person did not answer, through its group or on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from backcare.assessment.knowledge import KnowledgeBase, Question, WarningGroup
from backcare.assessment.questionnaire import (
    YES_NO_LABELS,
    YES_OR_NO,
    answer_from_widget,
    follow_up_groups,
    sign_answers,
    unanswered_groups,
    warning_items,
)
from backcare.ui import help_text, session

#: The follow-up page, drawn as the second part of the warning-sign step.
FOLLOW_UP_ID = "warning_follow_up"
FOLLOW_UP_TITLE = "Which of these apply to you?"
FOLLOW_UP_INTRO = (
    "You said Yes to the groups below. Now answer Yes or No to each sign in them, "
    "so we know which one it is."
)
#: The question asked of each group, after its list of signs.
ANY_OF_THESE = "Do any of these apply to you?"
_GROUP_KEY = "group_"


def group_answers() -> dict[str, bool]:
    """Each group's Yes (True) or No as the person chose it."""
    return st.session_state.setdefault(session.GROUPS, {})


def follow_up_answers() -> dict[str, bool]:
    """Each sign's own Yes or No from the follow-up page (kept if the group turns No)."""
    return st.session_state.setdefault(session.FOLLOW_UP, {})


def group_control(group: WarningGroup) -> str:
    """The container key around a group's question (where the focus goes when it is missing)."""
    return help_text.container_key(_GROUP_KEY + group.id)


def _widget_key(group: WarningGroup) -> str:
    return session.WIDGET_PREFIX + _GROUP_KEY + group.id


def group_label(group: WarningGroup) -> str:
    """The group question's accessible name: its title and the question."""
    return f"{group.title}: {ANY_OF_THESE[0].lower()}{ANY_OF_THESE[1:]}"


def _sign_line(question: Question) -> str:
    return f"- {question.text}" + (f" *({question.help})*" if question.help else "")


def draw_groups(kb: KnowledgeBase) -> None:
    """Each group: its title, its signs listed, then a Yes or No with nothing chosen."""
    chosen = group_answers()
    for group in kb.warning_groups:
        key = _widget_key(group)
        if key not in st.session_state:
            said = chosen.get(group.id)
            st.session_state[key] = None if said is None else ("yes" if said else "no")
        with st.container(key=group_control(group), border=True):
            st.subheader(group.title, anchor=False)
            st.markdown("\n".join(_sign_line(kb.questions[s]) for s in group.signs))
            st.markdown(f"**{ANY_OF_THESE}**")
            st.radio(
                group_label(group),
                list(YES_OR_NO),
                key=key,
                format_func=YES_NO_LABELS.get,
                horizontal=True,
                label_visibility="collapsed",
            )


def draw_follow_up(kb: KnowledgeBase, draw_question: Callable[[Question], None]) -> None:
    """Each sign of the groups answered Yes, as its own Yes or No, under its group's title."""
    for group in follow_up_groups(kb, group_answers()):
        st.subheader(group.title, anchor=False)
        for sign in group.signs:
            draw_question(kb.questions[sign])


def save_groups(kb: KnowledgeBase) -> None:
    """Keep the groups' answers and give the assessment the per-sign answers they make."""
    chosen = group_answers()
    for group in kb.warning_groups:
        value = st.session_state.get(_widget_key(group))
        if value is None:
            chosen.pop(group.id, None)
        else:
            chosen[group.id] = YES_OR_NO[value]
    _sync(kb)


def save_follow_up(kb: KnowledgeBase, widget_value: Callable[[Question], object]) -> None:
    """Keep each follow-up sign's own answer, then update the per-sign answers."""
    own = follow_up_answers()
    for group in follow_up_groups(kb, group_answers()):
        for sign in group.signs:
            answer = answer_from_widget(kb.questions[sign], widget_value(kb.questions[sign]))
            if answer is None:
                own.pop(sign, None)
            else:
                own[sign] = bool(answer)
    _sync(kb)


def _sync(kb: KnowledgeBase) -> None:
    answers = session.answers()
    for item in warning_items(kb):
        answers.pop(item, None)
    answers.update(sign_answers(kb, group_answers(), follow_up_answers()))


def missing_groups(kb: KnowledgeBase) -> tuple[WarningGroup, ...]:
    return unanswered_groups(kb, group_answers())


def _missing_signs(kb: KnowledgeBase) -> tuple[str, ...]:
    """Signs of the groups answered Yes that have no answer of their own yet."""
    answers = session.answers()
    return tuple(
        sign
        for group in follow_up_groups(kb, group_answers())
        for sign in group.signs
        if sign not in answers
    )


@dataclass(frozen=True)
class Missing:
    """What "See my results" found left out on this page, and where the focus goes."""

    #: The refusal shown above the questions, naming each item left out.
    message: str
    #: Its short form, said out loud as the focus moves.
    said: str
    #: The container key of the first item left out.
    target: str


def still_missing(
    kb: KnowledgeBase, asked_for: tuple[str, ...], *, follow_up: bool
) -> Missing | None:
    """Of the groups or signs a refusal named, those still unanswered on this page (or None)."""
    if follow_up:
        signs = tuple(s for s in _missing_signs(kb) if s in asked_for)
        if not signs:
            return None
        said = _count(len(signs), "warning sign", "warning signs")
        lines = [f"**Please answer every warning sign first.** {said}:", ""]
        lines += [f"- {kb.questions[s].text}" for s in signs]
        return Missing("\n".join(lines), said, help_text.container_key(signs[0]))
    groups = tuple(g for g in missing_groups(kb) if g.id in asked_for)
    if not groups:
        return None
    said = _count(len(groups), "group of warning signs", "groups of warning signs")
    lines = [f"**Please answer Yes or No for every group first.** {said}:", ""]
    lines += [f"- {g.title}" for g in groups]
    return Missing("\n".join(lines), said, group_control(groups[0]))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many} {'is' if n == 1 else 'are'} not answered yet"
