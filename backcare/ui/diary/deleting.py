"""Deleting from the diary: one entry or all of it, always asked about first.

What is being asked about is kept in session state (diary_state.CONFIRM):
("entry", id) for one entry, ALL for the whole diary, nothing once answered.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from backcare.diary import changes
from backcare.diary.entries import Entry
from backcare.ui import diary_state
from backcare.ui.diary import browser_copy, flash
from backcare.ui.diary.entry_form import day_words
from backcare.ui.diary_state import CONFIRM

ALL = ("all",)


@flash.action
def confirm(what: tuple[str, ...] | None) -> None:
    """Ask before deleting: ("entry", id) for one entry, ALL for everything, None to stop asking."""
    st.session_state[CONFIRM] = what


@flash.action
def delete(entry: Entry) -> None:
    """Delete one entry (the person has said yes)."""
    st.session_state.pop(CONFIRM, None)
    remaining = changes.delete(diary_state.entries(), entry.id)
    browser_copy.commit(remaining, f"Deleted the entry for {day_words(entry)}.")


def delete_everything(entries: Sequence[Entry]) -> None:
    """The section that deletes the whole diary from this browser."""
    st.header("Delete all my diary data")
    st.write("This removes every entry from this browser. BackCare's server has no copy.")
    if st.session_state.get(CONFIRM) == ALL:
        st.warning(
            f"Delete all {len(entries)} {'entry' if len(entries) == 1 else 'entries'}? "
            "This cannot be undone. Export your diary first if you want a copy."
        )
        yes, no = st.columns(2)
        yes.button("Yes, delete everything", type="primary", on_click=browser_copy.delete_all)
        no.button("Cancel", on_click=confirm, args=(None,), key="diary_cancel_all")
    else:
        st.button(
            "Delete all my diary data",
            on_click=confirm,
            args=(ALL,),
            icon=":material/delete_forever:",
            disabled=not entries,
        )
