"""BackCare: the entry point that `streamlit run app.py` starts; it only routes."""

from pathlib import Path

import streamlit as st

from backcare.settings import current
from pages import _kiosk as kiosk

STYLES = Path(__file__).resolve().parent / "styles"
# A local favicon: a Material or emoji page icon would be fetched from Google's servers.
st.set_page_config(page_title="BackCare", page_icon=str(STYLES / "favicon.png"), layout="centered")
# Contrast fixes for Streamlit's own styles, in every mode.
st.html(STYLES / "accessible.css")

if current().kiosk:
    # The server's setting, never the URL: no menu, no diary, no insights, idle wipe.
    page = kiosk.navigation()
else:
    page = st.navigation(
        [
            st.Page(
                "pages/assessment.py", title="Assessment", icon=":material/edit_note:", default=True
            ),
            st.Page("pages/results.py", title="Results", icon=":material/list_alt:"),
            st.Page("pages/diary.py", title="Pain diary", icon=":material/timeline:"),
            st.Page("pages/about.py", title="About", icon=":material/info:"),
            st.Page("pages/insights.py", title="Insights", icon=":material/insights:"),
        ]
    )
page.run()
