"""What the diary page keeps in session state, and what the results page hands it.

Only this session's copy of the diary is kept here; the lasting copy is in the
person's browser (see backcare/ui/browser_storage.py). The keys are named in one
place because several parts of the page (backcare/ui/diary/) read and clear them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from backcare.diary.entries import Entry, draft_from_answers, vocabulary
from backcare.ui import page_files

#: The localStorage key the diary is kept under (a revision token sits at "<key>.rev").
STORAGE_NAME = "backcare.diary"
#: Set by the results page: {"day", "pain", "activity"} for a new entry.
PREFILL = "diary_prefill"

#: This session's diary: a tuple of entries, replaced by a new tuple on every change.
ENTRIES = "diary_entries"
#: The browser answer the diary was last read from, and why it could not be read.
GENERATION, STORED_PROBLEMS = "diary_generation", "diary_stored_problems"
#: The confirmation on show, the form whose entry was refused (and why), the entry being
#: edited, and the deletion being asked about.
FLASH, FORM_ERROR, EDITING, CONFIRM = (
    "diary_flash",
    "diary_form_error",
    "diary_editing",
    "diary_confirm",
)
#: The add form was filled in from an assessment; which import round and which file.
PREFILLED, UPLOAD_ROUND, PARSED = "diary_prefilled", "diary_upload_round", "diary_parsed_upload"
#: Counts new add forms (each gets fresh widget keys).
ADD_ROUND = "diary_add_round"

T = TypeVar("T")


def today() -> date:
    """Today where the person is: the browser's time zone when it told us, else the server's."""
    zone = st.context.timezone
    if zone:
        try:
            return datetime.now(ZoneInfo(zone)).date()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return date.today()


def start_entry_from(answers: Mapping[str, object]) -> None:
    """Open the diary with a new entry for today filled in from an assessment's answers."""
    st.session_state[PREFILL] = draft_from_answers(answers, vocabulary(), today())
    st.switch_page(page_files.DIARY)


def entries() -> tuple[Entry, ...]:
    """This session's copy of the diary (empty until the browser has answered)."""
    return st.session_state.get(ENTRIES, ())


def memo(name: str, diary: tuple[Entry, ...], build: Callable[[], T]) -> T:
    """Build once per version of this session's diary (kept in the session, never shared).

    A diary only changes by being replaced with a new tuple, so identity says it is the same.
    """
    key = f"diary_memo_{name}"
    day = today()
    cached = st.session_state.get(key)
    if cached is None or cached[0] is not diary or cached[1] != day:
        cached = (diary, day, build())
        st.session_state[key] = cached
    return cached[2]
