"""The questionnaire, one step at a time; answers survive moving back and forth."""

from __future__ import annotations

import streamlit as st

from backcare import InvalidAnswers, assess
from backcare.assessment.engine import knowledge_base
from backcare.assessment.knowledge import Question
from backcare.assessment.questionnaire import (
    answer_from_widget,
    option_label,
    pages,
    widget_options,
    widget_value,
)
from backcare.ui import arrival, help_text, page_files, session

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


def _save(questions: tuple[Question, ...]) -> None:
    """Copy this step's widget values into the answers kept for the session."""
    answers = session.answers()
    for question in questions:
        answer = answer_from_widget(question, st.session_state.get(_key(question)))
        if answer is None:
            answers.pop(question.id, None)
        else:
            answers[question.id] = answer


def _move(questions: tuple[Question, ...], to_step: int) -> None:
    _save(questions)
    st.session_state[session.STEP] = to_step


def _finish(questions: tuple[Question, ...]) -> None:
    _save(questions)
    try:
        st.session_state[session.ASSESSMENT] = assess(session.answers())
        st.session_state[_GO_TO_RESULTS] = True
    except InvalidAnswers as exc:  # the widgets prevent this; say so plainly if it happens
        st.session_state[_ERROR] = str(exc)


# _finish ran as the button's callback, before this script: go straight on to the
# results instead of drawing this step again first.
if st.session_state.pop(_GO_TO_RESULTS, False):
    st.switch_page(page_files.RESULTS)

steps = pages(knowledge_base())
index = min(st.session_state.setdefault(session.STEP, 0), len(steps) - 1)
current = steps[index]
last = index == len(steps) - 1

where = f"Step {index + 1} of {len(steps)}: {current.step.title}"
st.set_page_config(page_title=f"{where} · BackCare")
st.title("Check your back pain", anchor=False)
st.progress((index + 1) / len(steps), text=where)

# Enter must not submit: the first submit button is "Back".
with st.form(f"step_{current.step.id}", border=False, enter_to_submit=False):
    with st.container(key=f"step-heading-{current.step.id}"):
        st.header(current.step.title, anchor=False)
    st.write(current.step.intro)
    for question in current.questions:
        _widget(question)
    back, forward = st.columns(2)
    back.form_submit_button(
        "Back",
        on_click=_move,
        args=(current.questions, index - 1),
        disabled=index == 0,
        width="stretch",
    )
    if last:
        forward.form_submit_button(
            "See my results",
            type="primary",
            on_click=_finish,
            args=(current.questions,),
            width="stretch",
        )
    else:
        forward.form_submit_button(
            "Next",
            type="primary",
            on_click=_move,
            args=(current.questions, index + 1),
            width="stretch",
        )

if error := st.session_state.pop(_ERROR, None):
    st.error(f"Some answers could not be used: {error}")

st.caption("BackCare suggests what might be going on. It does not diagnose.")
arrival.arrive(f"assessment:{current.step.id}", f"step-heading-{current.step.id}", where)
help_text.link_captions()
