"""Insights is for analysts: never in the patients' menu, served at its URL only when enabled.

The server decides (BACKCARE_INSIGHTS, see backcare/settings.py; a kiosk can
never enable it). In personal mode a page is registered at /insights either
way, hidden from the menu, so a direct visit gets a plain answer rather than
Streamlit's "page not found" and a jump to the questionnaire. A kiosk does not
register it: any address it does not serve leads back to its welcome screen.
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from backcare.settings import current
from backcare.ui import page_files

URL_PATH = "insights"
NOT_AVAILABLE = "Insights are not available here."


def not_available(*, routed: bool = True) -> None:
    """The whole page a visitor sees at /insights when the server has not enabled it.

    ``routed`` is False when the Insights file itself runs unrouted (a direct run in a
    test): there is no navigation then to link back to.
    """
    st.title("Not available here")
    st.write(f"{NOT_AVAILABLE} This page is only for the analysts of a clinic's own server.")
    if routed:
        st.page_link(page_files.ASSESSMENT, label="Go to the start", icon=":material/home:")


def insights_page() -> StreamlitPage:
    """The page at /insights: the real one when enabled, else the "not available" notice."""
    target = page_files.INSIGHTS if current().insights_enabled else not_available
    return st.Page(
        target,
        title="Insights",
        icon=":material/insights:",
        url_path=URL_PATH,
        visibility="hidden",
    )
