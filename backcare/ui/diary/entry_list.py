"""The diary's entries, newest first, ten to a page, each card with Edit and Delete.

A note is the person's own words and is shown with st.text, never as Markdown or
HTML. A card being edited becomes the entry form; a card being deleted asks first.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from backcare.diary.entries import Entry, vocabulary
from backcare.ui.diary import deleting, entry_form
from backcare.ui.diary_state import CONFIRM, EDITING

PAGE_SIZE = 10


def _card(entry: Entry) -> None:
    with st.container(border=True, key=f"diary_entry_{entry.id}"):
        if st.session_state.get(EDITING) == entry.id:
            entry_form.edit_form(entry)
            return
        vocab = vocabulary()
        activity = vocab.activity_label(entry.activity)
        st.markdown(f"**{entry_form.day_words(entry)}** · pain **{entry.pain}** of 10 · {activity}")
        if entry.comfort_actions:
            st.caption("Tried: " + ", ".join(vocab.comfort_title(a) for a in entry.comfort_actions))
        if entry.note:
            st.text(entry.note)  # the person's own words: plain text, never Markdown or HTML
        if st.session_state.get(CONFIRM) == ("entry", entry.id):
            st.warning("Delete this entry? This cannot be undone.")
            yes, no = st.columns(2)
            yes.button(
                "Yes, delete it",
                key=f"diary_yes_{entry.id}",
                on_click=deleting.delete,
                args=(entry,),
                type="primary",
            )
            no.button(
                "Keep it", key=f"diary_no_{entry.id}", on_click=deleting.confirm, args=(None,)
            )
            return
        # A row that wraps, so at 200 % text the labels move down instead of clipping to icons.
        row = st.container(horizontal=True)
        row.button(
            "Edit",
            key=f"diary_edit_button_{entry.id}",
            on_click=entry_form.start_edit,
            args=(entry,),
            icon=":material/edit:",
        )
        row.button(
            "Delete",
            key=f"diary_delete_button_{entry.id}",
            on_click=deleting.confirm,
            args=(("entry", entry.id),),
            icon=":material/delete:",
        )


def show(entries: Sequence[Entry]) -> None:
    """The "Your entries (n)" section: a page of cards, newest first."""
    st.header(f"Your entries ({len(entries)})")
    newest_first = list(reversed(entries))
    pages = max(1, -(-len(newest_first) // PAGE_SIZE))
    page = st.pagination(pages, key="diary_page") if pages > 1 else 1
    start = (min(page, pages) - 1) * PAGE_SIZE
    for entry in newest_first[start : start + PAGE_SIZE]:
        _card(entry)
