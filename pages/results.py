"""Results: the triage level first, then possible explanations, comfort and prevention."""

from __future__ import annotations

import streamlit as st

from backcare.assessment.presentation import call_line, fit_words
from backcare.assessment.result import AdviceItem, RankedCause, Triage
from backcare.settings import current
from backcare.ui import consent, diary_state, handover, kiosk, page_files, session

#: Explanations shown in full; the rest wait in a folded list.
SHOWN_CAUSES = 5
# Streamlit's alert boxes carry an icon and colour; the words carry the meaning on their own.
BANNERS = {
    "emergency": st.error,
    "urgent": st.warning,
    "see_doctor": st.info,
    "self_care": st.success,
}
ICONS = {
    "emergency": ":material/emergency:",
    "urgent": ":material/warning:",
    "see_doctor": ":material/stethoscope:",
    "self_care": ":material/check_circle:",
}


def _banner(triage: Triage) -> None:
    lines = [f"**{triage.title}**", "", triage.what_to_do, "", f"**How fast:** {triage.how_fast}"]
    if call := call_line(triage, getattr(current(), f"{triage.phone}_number", None)):
        lines[1:1] = ["", f"**{call}**"]
    if triage.reasons:
        lines += ["", "Why:"] + [f"- {r.message}" for r in triage.reasons]
    BANNERS[triage.level]("\n".join(lines), icon=ICONS[triage.level])


def _fit(cause: RankedCause) -> str:
    return fit_words(cause)


def _because(cause: RankedCause) -> str:
    return "Because you said:\n" + "\n".join(f"- {b}" for b in cause.because)


def _cause(rank: int, cause: RankedCause) -> None:
    with st.container(border=True):
        st.subheader(f"{rank}. {cause.title}")
        st.progress(cause.score, text=_fit(cause))
        st.markdown(f"{cause.explanation}\n\n{_because(cause)}")
        st.caption("Source: " + "; ".join(cause.sources))


def _less_likely(first_rank: int, causes: tuple[RankedCause, ...]) -> None:
    """The weaker fits as one list: each still says why and where it comes from."""
    st.markdown(
        "\n\n".join(
            f"**{rank}. {cause.title}**: {_fit(cause)}. {cause.explanation}\n\n"
            f"{_because(cause)}\n\n*Source: {'; '.join(cause.sources)}*"
            for rank, cause in enumerate(causes, start=first_rank)
        )
    )


def _advice(items: tuple[AdviceItem, ...]) -> None:
    for item in items:
        st.markdown(f"#### {item.title}\n\n{item.text}")
        st.caption("Source: " + "; ".join(item.sources))


result = session.assessment()
if result is None:
    st.title("Your results")
    st.info("There are no results yet: answer the questionnaire first.")
    st.page_link(
        page_files.ASSESSMENT, label="Start the questionnaire", icon=":material/edit_note:"
    )
    st.stop()

triage = result.triage
st.title("Your results")
_banner(triage)
st.caption(triage.disclaimer)

# At the two most urgent levels the banner must dominate: the rest waits, folded.
details = st.expander("Possible causes and what may help") if triage.is_urgent else st.container()
with details:
    if triage.is_urgent:
        st.write("Get the help described above first. Read this while you wait, not instead.")
    st.header("Possible explanations")
    if not result.causes:
        st.write(
            "None of your answers points to a particular explanation. "
            "The general tips below still help most backs."
        )
    for rank, cause in enumerate(result.causes[:SHOWN_CAUSES], start=1):
        _cause(rank, cause)
    if len(result.causes) > SHOWN_CAUSES:
        with st.expander(f"{len(result.causes) - SHOWN_CAUSES} less likely explanations"):
            _less_likely(SHOWN_CAUSES + 1, result.causes[SHOWN_CAUSES:])

    if result.comfort_actions:
        st.header("What may ease it now")
        _advice(result.comfort_actions)
    st.header("Preventing it next time")
    _advice(result.prevention_tips)

if triage.is_urgent:
    # A reminder, not a second alert: screen readers announce the banner once.
    st.markdown(f"**{ICONS[triage.level]} Remember: {triage.title.lower()}.** {triage.what_to_do}")

consent.offer(result)  # optional: share an anonymous record, saying exactly what it holds
handover.offer(result)  # the printable summary and the FHIR file for a clinician

if not current().kiosk and st.button("Add today to my pain diary", icon=":material/timeline:"):
    diary_state.start_entry_from(result.answers)

if current().kiosk:
    kiosk.take_home(result)  # the QR summary and Finish, which wipes the session
elif st.button("Start again", icon=":material/restart_alt:"):
    session.reset()
    st.switch_page(page_files.ASSESSMENT)
