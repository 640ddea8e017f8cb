"""What the step's buttons do: keep the answers, move, refuse, or hand over to the results.

Each runs as a form button's callback, before the page script. "See my results"
assesses only the answers that apply, and only once every warning-sign group and
every sign of a "Yes" group has an answer; until then it sends the person back to
what they left out (session.MISSING names it, with a count of attempts so each
refusal is announced again).
"""

from __future__ import annotations

import streamlit as st

from backcare import InvalidAnswers, assess
from backcare.assessment.engine import knowledge_base
from backcare.assessment.knowledge import Question
from backcare.assessment.questionnaire import answer_from_widget, applicable, follow_up_groups
from backcare.ui import page_files, session, warning_step
from backcare.ui.questionnaire.steps import FOLLOW_UP, GROUPS, indices
from backcare.ui.questionnaire.widgets import widget_key

_GO_TO_RESULTS, _ERROR = "_go_to_results", "_assessment_error"


def go_on_to_results() -> None:
    """After a result was made: straight on to the results instead of drawing the step again."""
    if st.session_state.pop(_GO_TO_RESULTS, False):
        st.switch_page(page_files.RESULTS)


def error() -> str | None:
    """Why the answers could not be assessed, once (the widgets prevent it; never a traceback)."""
    return st.session_state.pop(_ERROR, None)


def _save(questions: tuple[Question, ...], part: str) -> None:
    """Copy this step's widget values into the answers kept for the session."""
    kb = knowledge_base()
    if part == GROUPS:
        warning_step.save_groups(kb)
        return
    if part == FOLLOW_UP:
        warning_step.save_follow_up(kb, lambda q: st.session_state.get(widget_key(q)))
        return
    answers = session.answers()
    for question in questions:
        answer = answer_from_widget(question, st.session_state.get(widget_key(question)))
        if answer is None:
            answers.pop(question.id, None)
        else:
            answers[question.id] = answer


def move(questions: tuple[Question, ...], part: str, to_step: int) -> None:
    """Back or Next: keep what this step holds, then go to another step."""
    _save(questions, part)
    st.session_state[session.STEP] = to_step


def _refuse(missing: tuple[str, ...], to_step: int) -> None:
    """Stay on (or go back to) the page with what is missing; the page names it."""
    attempt = st.session_state.get(session.MISSING, (0, ()))[0] + 1
    st.session_state[session.MISSING] = (attempt, missing)
    st.session_state[session.STEP] = to_step


def finish(questions: tuple[Question, ...], part: str) -> None:
    """Assess what applies, unless a warning sign is unanswered: then go back to it.

    From the groups, a "Yes" leads on to the follow-up page first.
    """
    _save(questions, part)
    kb = knowledge_base()
    warning_index, follow_up_index = indices(kb)
    if groups_left := warning_step.missing_groups(kb):
        _refuse(tuple(g.id for g in groups_left), warning_index)
        return
    if part == GROUPS and follow_up_groups(kb, warning_step.group_answers()):
        st.session_state.pop(session.MISSING, None)
        st.session_state[session.STEP] = follow_up_index
        return
    try:
        result = assess(applicable(session.answers(), kb))
    except InvalidAnswers as exc:  # the widgets prevent this; say so plainly if it happens
        st.session_state[_ERROR] = str(exc)
        return
    if missing := result.triage.unanswered_warning_signs:
        _refuse(missing, follow_up_index)
        return
    st.session_state.pop(session.MISSING, None)
    st.session_state[session.ASSESSMENT] = result
    st.session_state[_GO_TO_RESULTS] = True
