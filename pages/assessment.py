"""The questionnaire, one step at a time; answers survive moving back and forth.

Only the questions that apply to this person are shown (data/question_conditions.csv),
and only their answers are sent to assess(). The warning signs are asked in groups
(backcare/ui/warning_step.py): a Yes or No per group, then each sign of a "Yes"
group on its own. Until every group and every such sign has an answer, "See my
results" brings the person back to what they left out instead of showing a result.
"""

from __future__ import annotations

import streamlit as st

from backcare import InvalidAnswers, assess
from backcare.assessment.engine import knowledge_base
from backcare.assessment.knowledge import Question
from backcare.assessment.questionnaire import (
    WARNING_STEP,
    answer_from_widget,
    applicable,
    applies,
    follow_up_groups,
    option_label,
    pages,
    widget_options,
    widget_value,
)
from backcare.ui import arrival, help_text, page_files, session, warning_step

_GO_TO_RESULTS, _ERROR = "_go_to_results", "_assessment_error"


def _key(question: Question) -> str:
    return session.WIDGET_PREFIX + question.id


def _widget(question: Question) -> None:
    """The question's widget, with its help as a caption under it (not a "?" tooltip)."""
    with help_text.question(question.id, question.help):
        _control(question)


def _control(question: Question) -> None:
    key = _key(question)
    if key not in st.session_state:
        st.session_state[key] = widget_value(question, session.answers())
    label = question.text
    if question.widget == "number":
        st.number_input(
            label,
            min_value=question.min,
            max_value=question.max,
            step=1,
            key=key,
            placeholder="Type a number",
        )
    elif question.widget == "scale":
        # One row of buttons, even on a phone (accessible.css lets them share the width).
        with st.container(key=f"scale-{question.id}"):
            st.segmented_control(label, widget_options(question), key=key, width="stretch")
    elif question.widget in ("radio", "yes_no", "yes_or_no"):
        st.radio(
            label,
            widget_options(question),
            key=key,
            format_func=lambda v: option_label(question, v),
            horizontal=question.widget in ("yes_no", "yes_or_no"),
        )
    elif question.widget == "pills":
        st.pills(
            label,
            widget_options(question),
            selection_mode="multi",
            key=key,
            format_func=lambda v: option_label(question, v),
        )
    else:
        st.checkbox(label, key=key)


#: What a form holds: ordinary questions, the warning-sign groups, or the follow-up signs.
QUESTIONS, GROUPS, FOLLOW_UP = "questions", "groups", "follow_up"


def _indices(kb) -> tuple[int, int]:
    """The warning step's index, and the follow-up's (after the last step, as its second part)."""
    steps = pages(kb)
    return next(n for n, p in enumerate(steps) if p.step.id == WARNING_STEP), len(steps)


def _save(questions: tuple[Question, ...], part: str) -> None:
    """Copy this step's widget values into the answers kept for the session."""
    kb = knowledge_base()
    if part == GROUPS:
        warning_step.save_groups(kb)
        return
    if part == FOLLOW_UP:
        warning_step.save_follow_up(kb, lambda q: st.session_state.get(_key(q)))
        return
    answers = session.answers()
    for question in questions:
        answer = answer_from_widget(question, st.session_state.get(_key(question)))
        if answer is None:
            answers.pop(question.id, None)
        else:
            answers[question.id] = answer


def _move(questions: tuple[Question, ...], part: str, to_step: int) -> None:
    _save(questions, part)
    st.session_state[session.STEP] = to_step


def _refuse(missing: tuple[str, ...], to_step: int) -> None:
    """Stay on (or go back to) the page with what is missing; the page names it."""
    attempt = st.session_state.get(session.MISSING, (0, ()))[0] + 1
    st.session_state[session.MISSING] = (attempt, missing)
    st.session_state[session.STEP] = to_step


def _finish(questions: tuple[Question, ...], part: str) -> None:
    """Assess what applies, unless a warning sign is unanswered: then go back to it.

    From the groups, a "Yes" leads on to the follow-up page first.
    """
    _save(questions, part)
    kb = knowledge_base()
    warning_index, follow_up_index = _indices(kb)
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


# _finish ran as the button's callback, before this script: go straight on to the
# results instead of drawing this step again first.
if st.session_state.pop(_GO_TO_RESULTS, False):
    st.switch_page(page_files.RESULTS)

kb = knowledge_base()
steps = pages(kb)
warning_index, follow_up_index = _indices(kb)
index = min(st.session_state.setdefault(session.STEP, 0), follow_up_index)
if index == follow_up_index and not follow_up_groups(kb, warning_step.group_answers()):
    index = warning_index
on_follow_up = index == follow_up_index
current = steps[warning_index] if on_follow_up else steps[index]
on_groups = current.step.id == WARNING_STEP and not on_follow_up
last = current.step.id == WARNING_STEP
part = FOLLOW_UP if on_follow_up else GROUPS if on_groups else QUESTIONS
if on_follow_up:
    step_id, title, intro = (
        warning_step.FOLLOW_UP_ID,
        warning_step.FOLLOW_UP_TITLE,
        warning_step.FOLLOW_UP_INTRO,
    )
else:
    step_id, title, intro = current.step.id, current.step.title, current.step.intro
# Ask only what applies, given the answers so far (a runner is asked about shoes).
shown = tuple(q for q in current.questions if applies(q, session.answers()))

attempt, asked_for = st.session_state.get(session.MISSING, (0, ()))
missing = warning_step.still_missing(kb, asked_for, follow_up=on_follow_up) if last else None

where = f"Step {min(index, warning_index) + 1} of {len(steps)}: {title}"
st.set_page_config(page_title=f"{where} · BackCare")
st.title("Check your back pain", anchor=False)
st.progress((min(index, warning_index) + 1) / len(steps), text=where)

# Enter must not submit: the first submit button is "Back".
with st.form(f"step_{step_id}", border=False, enter_to_submit=False):
    with st.container(key=f"step-heading-{step_id}"):
        st.header(title, anchor=False)
    st.write(intro)
    if missing:
        st.error(missing.message, icon=":material/priority_high:")
    if on_groups:
        warning_step.draw_groups(kb)
    elif on_follow_up:
        warning_step.draw_follow_up(kb, _widget)
    else:
        for question in shown:
            _widget(question)
    back, forward = st.columns(2)
    back.form_submit_button(
        "Back",
        on_click=_move,
        args=(shown, part, warning_index if on_follow_up else index - 1),
        disabled=index == 0,
        width="stretch",
    )
    if last:
        forward.form_submit_button(
            "See my results",
            type="primary",
            on_click=_finish,
            args=(shown, part),
            width="stretch",
        )
    else:
        forward.form_submit_button(
            "Next",
            type="primary",
            on_click=_move,
            args=(shown, part, index + 1),
            width="stretch",
        )

if error := st.session_state.pop(_ERROR, None):
    st.error(f"Some answers could not be used: {error}")

st.caption("BackCare suggests what might be going on. It does not diagnose.")
if missing:
    # Back where something was left out: the focus goes to the first one.
    arrival.arrive(f"assessment:missing:{attempt}", missing.target, missing.said, control=True)
else:
    arrival.arrive(f"assessment:{step_id}", f"step-heading-{step_id}", where)
help_text.link_captions()
