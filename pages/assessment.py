"""The questionnaire, one step at a time; answers survive moving back and forth.

Only the questions that apply to this person are shown (data/question_conditions.csv),
and only their answers are sent to assess(). Every warning sign must be answered
Yes or No: until it is, "See my results" brings the person back to the sign they
left out instead of showing a result.
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
    """Assess what applies; with a warning sign unanswered, go back to it instead."""
    _save(questions)
    kb = knowledge_base()
    try:
        result = assess(applicable(session.answers(), kb))
    except InvalidAnswers as exc:  # the widgets prevent this; say so plainly if it happens
        st.session_state[_ERROR] = str(exc)
        return
    missing = result.triage.unanswered_warning_signs
    if missing:
        attempt = st.session_state.get(session.MISSING, (0, ()))[0] + 1
        st.session_state[session.MISSING] = (attempt, missing)
        st.session_state[session.STEP] = next(
            n for n, page in enumerate(pages(kb)) if page.step.id == WARNING_STEP
        )
        return
    st.session_state.pop(session.MISSING, None)
    st.session_state[session.ASSESSMENT] = result
    st.session_state[_GO_TO_RESULTS] = True


def _how_many(missing: tuple[str, ...]) -> str:
    return f"{len(missing)} warning sign{'s are' if len(missing) > 1 else ' is'} not answered yet"


def _missing_message(missing: tuple[str, ...]) -> str:
    kb = knowledge_base()
    lines = [f"**Please answer every warning sign first.** {_how_many(missing)}:", ""]
    return "\n".join(lines + [f"- {kb.questions[item].text}" for item in missing])


# _finish ran as the button's callback, before this script: go straight on to the
# results instead of drawing this step again first.
if st.session_state.pop(_GO_TO_RESULTS, False):
    st.switch_page(page_files.RESULTS)

steps = pages(knowledge_base())
index = min(st.session_state.setdefault(session.STEP, 0), len(steps) - 1)
current = steps[index]
last = index == len(steps) - 1
# Ask only what applies, given the answers so far (a runner is asked about shoes).
shown = tuple(q for q in current.questions if applies(q, session.answers()))
attempt, missing = st.session_state.get(session.MISSING, (0, ()))
missing = tuple(m for m in missing if m not in session.answers())

where = f"Step {index + 1} of {len(steps)}: {current.step.title}"
st.set_page_config(page_title=f"{where} · BackCare")
st.title("Check your back pain", anchor=False)
st.progress((index + 1) / len(steps), text=where)

# Enter must not submit: the first submit button is "Back".
with st.form(f"step_{current.step.id}", border=False, enter_to_submit=False):
    with st.container(key=f"step-heading-{current.step.id}"):
        st.header(current.step.title, anchor=False)
    st.write(current.step.intro)
    if missing and current.step.id == WARNING_STEP:
        st.error(_missing_message(missing), icon=":material/priority_high:")
    for question in shown:
        _widget(question)
    back, forward = st.columns(2)
    back.form_submit_button(
        "Back",
        on_click=_move,
        args=(shown, index - 1),
        disabled=index == 0,
        width="stretch",
    )
    if last:
        forward.form_submit_button(
            "See my results",
            type="primary",
            on_click=_finish,
            args=(shown,),
            width="stretch",
        )
    else:
        forward.form_submit_button(
            "Next",
            type="primary",
            on_click=_move,
            args=(shown, index + 1),
            width="stretch",
        )

if error := st.session_state.pop(_ERROR, None):
    st.error(f"Some answers could not be used: {error}")

st.caption("BackCare suggests what might be going on. It does not diagnose.")
if missing and current.step.id == WARNING_STEP:
    # Back at the warning signs: the focus goes to the first one left out.
    arrival.arrive(
        f"assessment:missing:{attempt}",
        help_text.container_key(missing[0]),
        _how_many(missing),
        control=True,
    )
else:
    arrival.arrive(f"assessment:{current.step.id}", f"step-heading-{current.step.id}", where)
help_text.link_captions()
