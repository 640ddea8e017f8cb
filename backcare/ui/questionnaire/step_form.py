"""One step of the questionnaire on screen: heading, progress, its form and where the focus goes.

A step is one form, so nothing reruns while the person answers; its buttons
save through backcare.ui.questionnaire.submit. After a refusal the step names
what was left out and the focus goes to the first one; otherwise it goes to the
step's heading.
"""

from __future__ import annotations

import streamlit as st

from backcare.assessment.knowledge import KnowledgeBase
from backcare.ui import arrival, help_text, session, warning_step
from backcare.ui.questionnaire import submit, widgets
from backcare.ui.questionnaire.steps import FOLLOW_UP, GROUPS, Step


def show(kb: KnowledgeBase, step: Step) -> None:
    """The whole page for this step, from its title to the focus moving."""
    attempt, asked_for = st.session_state.get(session.MISSING, (0, ()))
    missing = (
        warning_step.still_missing(kb, asked_for, follow_up=step.part == FOLLOW_UP)
        if step.last
        else None
    )

    st.set_page_config(page_title=f"{step.where} · BackCare")
    st.title("Check your back pain", anchor=False)
    st.progress(step.number / step.count, text=step.where)

    # Enter must not submit: the first submit button is "Back".
    with st.form(f"step_{step.id}", border=False, enter_to_submit=False):
        with st.container(key=f"step-heading-{step.id}"):
            st.header(step.title, anchor=False)
        st.write(step.intro)
        if missing:
            st.error(missing.message, icon=":material/priority_high:")
        _questions(kb, step)
        _buttons(step)

    if error := submit.error():
        st.error(f"Some answers could not be used: {error}")

    st.caption("BackCare suggests what might be going on. It does not diagnose.")
    if missing:
        # Back where something was left out: the focus goes to the first one.
        arrival.arrive(f"assessment:missing:{attempt}", missing.target, missing.said, control=True)
    else:
        arrival.arrive(f"assessment:{step.id}", f"step-heading-{step.id}", step.where)
    help_text.link_captions()


def _questions(kb: KnowledgeBase, step: Step) -> None:
    if step.part == GROUPS:
        warning_step.draw_groups(kb)
    elif step.part == FOLLOW_UP:
        warning_step.draw_follow_up(kb, widgets.draw)
    else:
        for question in step.shown:
            widgets.draw(question)


def _buttons(step: Step) -> None:
    """Back, then Next (or "See my results" on the warning step)."""
    back, forward = st.columns(2)
    back.form_submit_button(
        "Back",
        on_click=submit.move,
        args=(step.shown, step.part, step.back_to),
        disabled=step.index == 0,
        width="stretch",
    )
    if step.last:
        forward.form_submit_button(
            "See my results",
            type="primary",
            on_click=submit.finish,
            args=(step.shown, step.part),
            width="stretch",
        )
    else:
        forward.form_submit_button(
            "Next",
            type="primary",
            on_click=submit.move,
            args=(step.shown, step.part, step.index + 1),
            width="stretch",
        )
