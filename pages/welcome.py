"""The kiosk's first screen: what BackCare is, that the device is shared, and Start."""

from __future__ import annotations

import streamlit as st

from backcare.assessment.engine import knowledge_base
from backcare.assessment.questionnaire import pages, warning_items
from backcare.ui import arrival, kiosk, page_files, session

kb = knowledge_base()
with st.container(key="welcome-heading"):
    st.title("BackCare")
# Focus on the title and nothing left in the announcer from the person before.
arrival.arrive("welcome", "welcome-heading")
st.header("Back hurting after stretching, running or lifting?")
# Say how long it really is: only the questions that fit you are asked, but every
# warning sign is read, a few at a time.
st.write(
    f"There are {len(pages(kb))} short steps. First some questions about your pain and what "
    f"you did; you only see the ones that fit you. Then {len(warning_items(kb))} warning "
    f"signs in {len(kb.warning_groups)} short lists: answer Yes or No for each list. "
    "BackCare first tells you whether you need help and how soon, then what may be behind "
    "the pain and what may ease it. It does not diagnose."
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
