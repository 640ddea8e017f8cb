"""The kiosk's first screen: what BackCare is, that the device is shared, and Start."""

from __future__ import annotations

import streamlit as st

from backcare.ui import kiosk, page_files, session

st.title("BackCare")
st.header("Back hurting after stretching, running or lifting?")
st.write(
    "Answer a few short questions. BackCare first tells you whether you need help "
    "and how soon, then what may be behind the pain and what may ease it. "
    "It does not diagnose."
)
st.info(
    "**This is a shared device.** Your answers are cleared when you press Finish, "
    f"or after {kiosk.timeout_text()}.",
    icon=":material/lock:",
)
if st.button("Start", key="kiosk-start", type="primary", icon=":material/play_arrow:"):
    session.wipe()  # a fresh start, even if something slipped through
    st.switch_page(page_files.ASSESSMENT)
if st.button("About BackCare", key="kiosk-about", icon=":material/info:"):
    st.switch_page(page_files.ABOUT)
