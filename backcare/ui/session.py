"""Session keys shared by the pages, in one place so a reset clears everything."""

from __future__ import annotations

import streamlit as st

from backcare.assessment.answers import Answers
from backcare.assessment.result import Assessment

ANSWERS, STEP, ASSESSMENT = "answers", "step", "assessment"
#: (attempt, warning-sign items) left unanswered at the last "See my results".
MISSING = "missing_signs"
#: The warning-sign groups' Yes/No, and the follow-up page's own answer for each sign.
GROUPS, FOLLOW_UP = "warning_groups", "warning_follow_up"
WIDGET_PREFIX = "q_"


def answers() -> Answers:
    return st.session_state.setdefault(ANSWERS, {})


def assessment() -> Assessment | None:
    return st.session_state.get(ASSESSMENT)


def reset() -> None:
    """Forget everything the person entered in this session."""
    for key in list(st.session_state):
        if key in (ANSWERS, STEP, ASSESSMENT, MISSING, GROUPS, FOLLOW_UP) or str(key).startswith(
            WIDGET_PREFIX
        ):
            del st.session_state[key]


def wipe() -> None:
    """Forget every key of the session, whoever added it, before a kiosk's next person.

    Clearing all of it, rather than a list of known keys, also removes whatever
    a feature adds later. Nothing is needed to draw the welcome screen, and
    keyless widgets' values go with the page that drew them.
    """
    st.session_state.clear()
