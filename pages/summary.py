"""A one-page summary of the result to print or save as PDF for a doctor or physiotherapist.

The controls (a name for the printout, the diary choice, Print) sit above the
summary and are never printed; styles/summary.css lays the summary out for one
A4 page. The name exists only in this page's field and on the printout.
"""

from __future__ import annotations

import streamlit as st

from backcare.assessment.engine import knowledge_base
from backcare.settings import current
from backcare.summary.content import summarise
from backcare.summary.printout import render
from backcare.ui import diary_state, handover, page_files, session

result = session.assessment()
st.html(handover.STYLE)
with st.container(key="summary-controls"):
    st.title("Summary for your clinician")
    if result is None:
        st.info("There is no result to summarise yet: answer the questionnaire first.")
        st.page_link(
            page_files.ASSESSMENT, label="Start the questionnaire", icon=":material/edit_note:"
        )
        st.stop()
    st.write(
        "Print this page, or save it as a PDF, and take it to your GP or physiotherapist. "
        "Only the summary below is printed."
    )
    name = st.text_input(
        "Your name, to print on the summary (optional)",
        max_chars=80,
        key="summary_name",
        help="It appears only on the printout. BackCare does not keep it or send it anywhere.",
    )
    with_diary = not current().kiosk and st.checkbox(
        "Include my pain diary from the last 14 days", key="summary_diary"
    )
    today = diary_state.today()
    diary = handover.recent_diary(today) if with_diary else None
    if isinstance(diary, str):
        st.caption(diary)
        diary = None
    handover.print_button()
    st.page_link(page_files.RESULTS, label="Back to your results", icon=":material/arrow_back:")

summary = summarise(
    result,
    knowledge_base(),
    today=today,
    name=name,
    phone_number=handover.phone_number(result.triage),
    diary=diary,
)
st.html(render(summary))
