"""The analysts' password in front of Insights: set on the server, tried slowly, signed out.

The password comes from BACKCARE_ANALYST_PASSWORD or Streamlit's secrets; with
neither, Insights stays switched off. Wrong tries are slowed down by
backcare.analytics.access (its policy is shown under the form).
"""

from __future__ import annotations

import math

import streamlit as st

from backcare.analytics import access
from backcare.settings import current
from backcare.ui.insights import sql_console

ANALYST = "_insights_analyst"


def expected_password() -> str | None:
    """The analysts' password: the environment variable, else Streamlit's secrets."""
    configured = current().analyst_password
    if configured:
        return configured
    try:
        secret = st.secrets.get("analyst_password")
    except FileNotFoundError:  # no secrets file at all
        return None
    return str(secret) if secret else None


def switched_off() -> None:
    """What the page says when the server has no analysts' password."""
    st.info(
        "Insights are switched off on this server: no analyst password is set. Set "
        "BACKCARE_ANALYST_PASSWORD, or `analyst_password` in Streamlit's secrets, and restart."
    )


def signed_in() -> bool:
    return bool(st.session_state.get(ANALYST))


def sign_in(expected: str) -> None:
    """The sign-in form; a right password reruns the page signed in."""
    st.write("Insights are for analysts. Sign in with the analysts' password.")
    st.caption(access.describe_policy())
    waiting = access.analysts.waiting()
    if waiting > 0:
        st.warning(f"Too many wrong passwords: the next try is possible in {math.ceil(waiting)} s.")
    with st.form("analyst_sign_in", enter_to_submit=True):
        given = st.text_input("Analyst password", type="password")
        pressed = st.form_submit_button("Sign in", type="primary")
    if not pressed:
        return
    verdict = access.analysts.attempt(given, expected)
    if verdict.granted:
        st.session_state[ANALYST] = True
        st.rerun()
    elif verdict.wait > 0:
        st.error(
            f"That password was not accepted. Wait {math.ceil(verdict.wait)} s before the next try."
        )
    else:
        st.error("That password was not accepted.")


def sign_out_button() -> None:
    """A sidebar button that signs out and forgets the console's query and result."""
    if st.sidebar.button("Sign out of Insights", icon=":material/logout:"):
        st.session_state.pop(ANALYST, None)
        sql_console.forget()
        st.rerun()
