"""What the diary page keeps in session state, and what the results page hands it.

Only this session's copy of the diary is kept here; the lasting copy is in the
person's browser (see backcare/ui/browser_storage.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from backcare.diary.entries import draft_from_answers, vocabulary
from backcare.ui import page_files

#: The localStorage key the diary is kept under (a revision token sits at "<key>.rev").
STORAGE_NAME = "backcare.diary"
#: Set by the results page: {"day", "pain", "activity"} for a new entry.
PREFILL = "diary_prefill"


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
