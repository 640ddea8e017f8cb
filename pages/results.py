"""Results: a decision first (the triage level and what to do), a short list, the rest folded."""

from __future__ import annotations

import streamlit as st

from backcare.settings import current
from backcare.ui import arrival, consent, diary_state, handover, kiosk, page_files, session
from backcare.ui import results_view as view

#: At the urgent levels everything after the call to action waits behind this fold.
MORE = "More: why we list no causes, sharing and your diary"
MORE_IN_KIOSK = "More: why we list no causes, and sharing"
URGENT_NOTE = (
    "Possible explanations are not listed at this level. A warning sign needs a doctor to "
    "find its cause, and a list of everyday causes could make it look harmless."
)

settings = current()
result = session.assessment()
if result is None:
    st.title("Your results", anchor=False)
    st.info("There are no results yet: answer the questionnaire first.")
    st.page_link(
        page_files.ASSESSMENT, label="Start the questionnaire", icon=":material/edit_note:"
    )
    st.stop()

triage = result.triage
if triage.level == "self_care" and not triage.safe_self_care:
    # Never a self-care result while a warning sign is unanswered (the questionnaire does
    # not let it happen; this holds whatever put the result in the session).
    st.title("Your results", anchor=False)
    st.warning(
        "BackCare cannot say yet whether it is safe to look after this yourself: "
        f"{len(triage.unanswered_warning_signs)} warning signs are not answered.",
        icon=":material/priority_high:",
    )
    st.page_link(page_files.ASSESSMENT, label="Answer them now", icon=":material/edit_note:")
    st.stop()
st.set_page_config(page_title=f"Your results: {triage.title} · BackCare")
view.heading(triage.is_urgent)
view.banner(triage)
view.call(triage, settings)
view.reasons(triage)
st.caption(triage.disclaimer)  # the level's own, which never contradicts its action
# The banner announces itself (role alert or status): the arrival only moves the focus.
arrival.arrive(f"results:{id(result)}", view.HEADING_KEY + ("-urgent" if triage.is_urgent else ""))


def _share_and_diary() -> None:
    consent.offer(result)  # optional: share an anonymous record, saying exactly what it holds
    if not settings.kiosk and st.button("Add today to my pain diary", icon=":material/timeline:"):
        diary_state.start_entry_from(result.answers)
    handover.offer(result)  # the printable summary and the FHIR file for a clinician


if triage.is_urgent:

    def _more() -> None:
        st.write(URGENT_NOTE)
        _share_and_diary()

    view.lazy_fold(MORE_IN_KIOSK if settings.kiosk else MORE, "results-more", _more)
else:
    view.explanations(result.causes)
    view.advice(
        "What may ease it now",
        result.comfort_actions,
        "More ways to ease it",
        "results-more-comfort",
    )
    view.advice("Preventing it next time", result.prevention_tips, "More tips", "results-more-tips")
    _share_and_diary()

if settings.kiosk:
    kiosk.take_home(result)  # the QR summary and Finish, which wipes the session
elif st.button("Start again", icon=":material/restart_alt:"):
    session.reset()
    st.switch_page(page_files.ASSESSMENT)
