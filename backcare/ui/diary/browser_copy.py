"""The diary's lasting copy, kept in the person's browser: read it, store changes, drop it.

The server holds only this session's copy (diary_state.ENTRIES). Every change goes
through :func:`commit` inside a widget callback, so the browser is asked to store
it in the same run (backcare/ui/browser_storage.py). A copy the diary cannot read
is kept untouched until the person downloads or deletes it.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from backcare.diary import files
from backcare.diary.entries import DiaryError, Entry, vocabulary
from backcare.ui.browser_storage import BrowserText, Stored
from backcare.ui.diary import flash
from backcare.ui.diary_state import (
    CONFIRM,
    EDITING,
    ENTRIES,
    GENERATION,
    STORAGE_NAME,
    STORED_PROBLEMS,
)

STORE = BrowserText(STORAGE_NAME)
WHERE_IT_LIVES = (
    "Your diary is kept only in this browser, on this device (in its local storage). "
    "BackCare's server does not store it: it holds your entries only while this page is open. "
    "Another browser or device will not see them, and clearing this site's data in your "
    "browser deletes them. Export your diary to keep a copy or move it."
)


def commit(entries: tuple[Entry, ...], message: str) -> None:
    """Keep the new diary for this session and ask the browser to store it."""
    st.session_state[ENTRIES] = entries
    STORE.save(files.to_json(entries) if entries else None)
    flash.say("success", message)


def refresh(stored: Stored) -> None:
    """Read the browser's copy again whenever it has sent a new one."""
    seen = st.session_state.get(GENERATION)
    if seen == stored.generation:
        return
    if seen is not None:
        flash.say("info", "Your diary was changed in another tab; this is the latest version.")
    st.session_state[GENERATION] = stored.generation
    try:
        st.session_state[ENTRIES] = files.stored_diary(stored.text, vocabulary())
        st.session_state.pop(STORED_PROBLEMS, None)
    except DiaryError as exc:
        st.session_state[ENTRIES] = ()
        st.session_state[STORED_PROBLEMS] = (exc.problems, stored.text)


def warn(stored: Stored) -> None:
    """Say so when the browser will not keep the diary, or did not keep the last change."""
    if not stored.available:
        st.warning(
            "This browser does not let BackCare keep data on this device (site data may be "
            "blocked, or this is a private window). You can use the diary now, but it is gone "
            "when you close this tab: export it to keep a copy."
        )
    if stored.save_error:
        st.warning(
            f"This browser did not save your last change ({stored.save_error}). It is kept only "
            "until you close this tab: export your diary to keep a copy."
        )


@flash.action
def delete_all() -> None:
    st.session_state.pop(CONFIRM, None)
    st.session_state.pop(EDITING, None)
    st.session_state.pop(STORED_PROBLEMS, None)
    commit((), "Your diary was deleted from this browser.")


def unreadable(problems: Sequence[str], text: str | None) -> None:
    """The browser holds something the diary cannot read: keep it until the person decides."""
    st.error(
        "The diary stored in this browser could not be read, so nothing has been changed. "
        "You can download what is stored, or delete it and start a new diary."
    )
    st.code("\n".join(problems), language=None, wrap_lines=True)
    keep, drop = st.columns(2)
    keep.download_button(
        "Download what is stored",
        (text or "").encode("utf-8"),
        file_name="backcare-pain-diary-unreadable.json",
        mime="application/json",
        on_click="ignore",
    )
    drop.button("Delete it and start a new diary", on_click=delete_all)
