"""Which pages a visitor may reach, decided by the server's mode, never by the URL.

Personal mode lists the patients' pages in the sidebar; Insights is never in
it (see backcare/ui/analysts.py). A kiosk has no menu at all: its pages are
reached through buttons, and its shell (styles, idle watch) wraps every page
(see backcare/ui/kiosk.py).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from backcare.settings import current
from backcare.ui import analysts, kiosk, page_files

STYLES = Path(__file__).resolve().parents[2] / "styles"


def route() -> StreamlitPage:
    """Set up the page and return the one to run, from the pages this mode allows."""
    # A local favicon: a Material or emoji page icon would be fetched from Google's servers.
    st.set_page_config(
        page_title="BackCare", page_icon=str(STYLES / "favicon.png"), layout="centered"
    )
    # Contrast fixes for Streamlit's own styles, in every mode.
    st.html(STYLES / "accessible.css")
    if current().kiosk:
        return kiosk.navigation()
    return st.navigation(
        [
            st.Page(
                page_files.ASSESSMENT,
                title="Check your back",
                icon=":material/edit_note:",
                default=True,
            ),
            st.Page(page_files.RESULTS, title="Results", icon=":material/list_alt:"),
            st.Page(page_files.DIARY, title="Pain diary", icon=":material/timeline:"),
            st.Page(page_files.ABOUT, title="About", icon=":material/info:"),
            # Reached from the results page only, so it stays out of the menu.
            st.Page(page_files.SUMMARY, title="Summary for your clinician", visibility="hidden"),
            analysts.insights_page(),
        ]
    )
