"""The entry form: one form adds an entry or edits one, and nothing is kept until it checks out.

Each form has its own widget keys (a prefix): the add form gets a fresh prefix
after every add, so a cleared radio never shows a stale choice, and an edit
form's prefix names its entry. A refused entry's problems are kept with the
form's prefix and shown under that form only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from backcare.diary import changes
from backcare.diary.entries import (
    EARLIEST,
    MAX_NOTE,
    MAX_PAIN,
    DiaryError,
    Entry,
    check_entry,
    entry_fields,
    vocabulary,
)
from backcare.ui import diary_state
from backcare.ui.diary import browser_copy, flash
from backcare.ui.diary_state import ADD_ROUND, CONFIRM, EDITING, FORM_ERROR, PREFILL, PREFILLED


def day_words(entry: Entry) -> str:
    """An entry's day as a person says it: "Mon 3 Nov 2025"."""
    return f"{entry.date:%a} {entry.date.day} {entry.date:%b %Y}"


def _fill_form(prefix: str, fields: dict) -> None:
    st.session_state[f"{prefix}_day"] = fields.get("day", diary_state.today())
    st.session_state[f"{prefix}_pain"] = fields.get("pain")
    st.session_state[f"{prefix}_activity"] = fields.get("activity")
    st.session_state[f"{prefix}_comfort"] = list(fields.get("comfort_actions", ()))
    st.session_state[f"{prefix}_note"] = fields.get("note", "")


def _form_entry(prefix: str, entry_id: str | None = None) -> Entry | None:
    """The entry the form describes, or None with the problems kept to show under the form."""
    get = st.session_state.get
    entry, problems = check_entry(
        vocabulary(),
        day=get(f"{prefix}_day"),
        pain=get(f"{prefix}_pain"),
        activity=get(f"{prefix}_activity"),
        comfort_actions=get(f"{prefix}_comfort") or (),
        note=get(f"{prefix}_note") or "",
        entry_id=entry_id,
        today=diary_state.today(),
    )
    if entry is None:
        st.session_state[FORM_ERROR] = (prefix, problems)
    return entry


def _add_prefix() -> str:
    """Each new add form gets fresh widget keys: a cleared radio must not show a stale choice."""
    return f"diary_add_{st.session_state.get(ADD_ROUND, 0)}"


def _edit_prefix(entry_id: str) -> str:
    return f"diary_edit_{entry_id}"


def _new_add_form(draft: dict) -> None:
    st.session_state[ADD_ROUND] = st.session_state.get(ADD_ROUND, 0) + 1
    _fill_form(_add_prefix(), draft)


def _apply(
    prefix: str,
    change: Callable[[Sequence[Entry], Entry], tuple[Entry, ...]],
    entry_id: str | None = None,
) -> tuple[tuple[Entry, ...], Entry] | None:
    """The diary with the form's entry added or saved, or None with the problems kept."""
    entry = _form_entry(prefix, entry_id)
    if entry is None:
        return None
    try:
        return change(diary_state.entries(), entry), entry
    except DiaryError as exc:
        st.session_state[FORM_ERROR] = (prefix, exc.problems)
        return None


@flash.action
def _add() -> None:
    applied = _apply(_add_prefix(), changes.add)
    if applied is None:
        return
    entries, entry = applied
    browser_copy.commit(entries, f"Added your entry for {day_words(entry)}.")
    _new_add_form({})
    st.session_state.pop(PREFILLED, None)
    st.session_state.pop(FORM_ERROR, None)


@flash.action
def _save_edit(entry_id: str) -> None:
    applied = _apply(_edit_prefix(entry_id), changes.update, entry_id)
    if applied is None:
        return
    entries, entry = applied
    st.session_state.pop(FORM_ERROR, None)
    st.session_state.pop(EDITING, None)
    browser_copy.commit(entries, f"Saved your changes to {day_words(entry)}.")


@flash.action
def start_edit(entry: Entry) -> None:
    """Open the entry's card as an edit form filled in with the entry."""
    st.session_state[EDITING] = entry.id
    st.session_state.pop(CONFIRM, None)
    _fill_form(_edit_prefix(entry.id), dict(entry_fields(entry)))


@flash.action
def _stop_edit() -> None:
    st.session_state.pop(EDITING, None)
    st.session_state.pop(FORM_ERROR, None)


def _entry_form(
    prefix: str,
    submit: str,
    on_submit: Callable[..., None],
    args: tuple = (),
    *,
    editing: bool = False,
) -> None:
    if f"{prefix}_day" not in st.session_state:
        _fill_form(prefix, {})
    vocab = vocabulary()
    with st.form(f"{prefix}_form", enter_to_submit=False):
        st.date_input(
            "Date",
            key=f"{prefix}_day",
            min_value=EARLIEST,
            max_value=diary_state.today(),
            format="DD/MM/YYYY",
        )
        st.segmented_control(
            "Pain (0 = none, 10 = worst)", list(range(MAX_PAIN + 1)), key=f"{prefix}_pain"
        )
        st.radio(
            "What did you do that day?",
            list(vocab.activities),
            key=f"{prefix}_activity",
            format_func=vocab.activity_label,
        )
        st.multiselect(
            "Comfort actions you tried",
            list(vocab.comfort),
            key=f"{prefix}_comfort",
            format_func=vocab.comfort_title,
            placeholder="Choose any you tried",
        )
        st.text_input(
            f"Note (optional, up to {MAX_NOTE} characters)",
            key=f"{prefix}_note",
            max_chars=MAX_NOTE,
        )
        columns = st.columns(2 if editing else 1)
        columns[0].form_submit_button(submit, type="primary", on_click=on_submit, args=args)
        if editing:
            columns[1].form_submit_button("Cancel", on_click=_stop_edit)
    error = st.session_state.get(FORM_ERROR)
    if error and error[0] == prefix:
        st.error("The entry was not saved: " + "; ".join(error[1]) + ".")


def add_section() -> None:
    """The "Add an entry" section, filled in once from an assessment handed over by results."""
    if draft := st.session_state.pop(PREFILL, None):
        _new_add_form(draft)
        st.session_state[PREFILLED] = True
        st.session_state.pop(FORM_ERROR, None)
    st.header("Add an entry")
    if st.session_state.get(PREFILLED):
        st.info("Today's date, your pain and your activity are filled in from your assessment.")
    with st.container(key="diary_add_box"):
        _entry_form(_add_prefix(), "Add to my diary", _add)


def edit_form(entry: Entry) -> None:
    """The entry's card while it is being edited."""
    st.markdown(f"**Editing {day_words(entry)}**")
    _entry_form(_edit_prefix(entry.id), "Save changes", _save_edit, (entry.id,), editing=True)
