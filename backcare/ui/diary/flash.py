"""The diary's confirmations: one message that stays on the page until the next action.

A change happens in a widget callback, before the page reruns, so its message is
kept in session state and drawn on each run until the person does something else.
Reruns the page makes by itself (the browser confirming a save) must keep it, so
only callbacks wrapped in :func:`action` clear it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from backcare.ui.diary_state import FLASH


def say(kind: str, text: str) -> None:
    """A confirmation ("success", "info" or "error") that stays until the next action."""
    st.session_state[FLASH] = (kind, text)


def action(callback: Callable[..., None]) -> Callable[..., None]:
    """A widget callback that is the person's next action: the last confirmation goes.

    Reruns the page makes by itself (the browser confirming a save) keep it.
    """

    @functools.wraps(callback)
    def run(*args: object) -> None:
        st.session_state.pop(FLASH, None)
        callback(*args)

    return run


def show() -> None:
    """The confirmation waiting to be seen, if there is one."""
    if flash := st.session_state.get(FLASH):
        kind, text = flash
        {"success": st.success, "info": st.info}.get(kind, st.error)(text)
