"""The results page's parts: a decision first, then a short list, the rest folded.

The banner says what to do and how fast; at the two urgent levels a tap-to-call
link for the number the level names is the largest thing on the page, and
everything else waits behind one "More" fold. Otherwise at most three
explanations are shown in full (each with why and its source), and at most
three comfort actions and prevention tips; the rest sit behind one fold each.
A fold's contents are drawn only once it is opened (it reruns the page), so
the page a person waits for after "See my results" stays short.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from backcare.assessment.presentation import call_line, fit_words
from backcare.assessment.result import AdviceItem, RankedCause, Triage
from backcare.settings import Settings

#: Explanations, comfort actions and prevention tips shown before their fold.
SHOWN = 3
#: The key of the container that holds the results page's heading (the focus target).
HEADING_KEY = "results-heading"
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


def heading(urgent: bool) -> None:
    """The page's h1, in a keyed container: the focus target on arrival, and smaller than
    the call to action at the urgent levels (styles/accessible.css)."""
    key = f"{HEADING_KEY}-urgent" if urgent else HEADING_KEY
    with st.container(key=key):
        st.title("Your results", anchor=False)


def banner(triage: Triage) -> None:
    """The triage level, what to do and how fast, in one announced box (the why follows the
    action, so on a phone the call to action is not pushed down by the reasons)."""
    lines = [f"## {triage.title}", "", triage.what_to_do, "", f"**How fast:** {triage.how_fast}"]
    BANNERS[triage.level]("\n".join(lines), icon=ICONS[triage.level])


def reasons(triage: Triage) -> None:
    """The warning signs behind the level, in words."""
    if triage.reasons:
        st.markdown("\n".join(["**Why:**"] + [f"- {r.message}" for r in triage.reasons]))


def tel_uri(number: str) -> str:
    """A dialable tel: address: digits and a leading '+' only."""
    plus = "+" if number.strip().startswith("+") else ""
    return "tel:" + plus + "".join(c for c in number if c.isdigit())


def call(triage: Triage, settings: Settings) -> None:
    """The tap-to-call link for the number the level names, the largest thing on the page
    (styles/accessible.css). The number is the server's (BACKCARE_EMERGENCY_NUMBER, …)."""
    number = {"emergency": settings.emergency_number, "urgent": settings.urgent_number}.get(
        triage.phone
    )
    if not number:
        return
    with st.container(key="results-call"):
        st.link_button(
            call_line(triage, number),
            tel_uri(number),
            type="primary",
            icon=":material/call:",
            width="stretch",
        )


def lazy_fold(label: str, key: str, draw: Callable[[], None]) -> None:
    """An expander whose contents are drawn only while it is open."""
    with st.expander(label, key=key, on_change="rerun") as fold:
        if fold.open:
            draw()


def _because(cause: RankedCause) -> str:
    return "Because you said:\n" + "\n".join(f"- {b}" for b in cause.because)


def _cause_text(rank: int, cause: RankedCause, level: str = "###") -> str:
    return (
        f"{level} {rank}. {cause.title}\n\n**{fit_words(cause)}.** {cause.explanation}"
        f"\n\n{_because(cause)}\n\n*Source: {'; '.join(cause.sources)}*"
    )


def explanations(causes: Sequence[RankedCause]) -> None:
    """The best three in full, each in its own card; the others behind one fold."""
    st.header("Possible explanations", anchor=False)
    if not causes:
        st.write(
            "None of your answers points to a particular explanation. "
            "The general tips below still help most backs."
        )
        return
    for rank, cause in enumerate(causes[:SHOWN], start=1):
        with st.container(border=True):
            st.markdown(_cause_text(rank, cause))
    rest = causes[SHOWN:]
    if rest:
        lazy_fold(
            f"Other possible explanations ({len(rest)})",
            "results-more-causes",
            lambda: st.markdown(
                "\n\n".join(
                    _cause_text(rank, cause) for rank, cause in enumerate(rest, start=SHOWN + 1)
                )
            ),
        )


def _advice_text(items: Sequence[AdviceItem]) -> str:
    return "\n\n".join(
        f"### {item.title}\n\n{item.text}\n\n*Source: {'; '.join(item.sources)}*" for item in items
    )


def advice(title: str, items: Sequence[AdviceItem], more: str, key: str) -> None:
    """A heading, the first three items, and the rest behind a fold labelled ``more``."""
    if not items:
        return
    st.header(title, anchor=False)
    st.markdown(_advice_text(items[:SHOWN]))
    rest = items[SHOWN:]
    if rest:
        lazy_fold(f"{more} ({len(rest)})", key, lambda: st.markdown(_advice_text(rest)))
