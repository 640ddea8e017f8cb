"""One question's control, with its help as a caption under it (not a "?" tooltip).

Each control is keyed session.WIDGET_PREFIX + the question's id and starts from
the answers kept for the session, so an answer survives moving back and forth.
"""

from __future__ import annotations

import streamlit as st

from backcare.assessment.knowledge import Question
from backcare.assessment.questionnaire import option_label, widget_options, widget_value
from backcare.ui import help_text, session


def widget_key(question: Question) -> str:
    """The widget key of a question's control."""
    return session.WIDGET_PREFIX + question.id


def draw(question: Question) -> None:
    """The question's widget, with its help as a caption under it (not a "?" tooltip)."""
    with help_text.question(question.id, question.help):
        _control(question)


def _control(question: Question) -> None:
    key = widget_key(question)
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
