"""The end of the results: the person may share an anonymous record, seeing exactly what it holds.

Nothing is shared unless the box is ticked and "Share" pressed; the thank-you
appears only after the store has saved the record. To stop a second copy of
the same assessment, the session remembers *which Assessment object* was
shared — a weak reference, so nothing of it outlives the results, and nothing
about it goes into the record.
"""

from __future__ import annotations

import weakref
from datetime import date

import streamlit as st

from backcare.analytics.record import UNKNOWN, AnonymousRecord, from_assessment
from backcare.analytics.store.base import InvalidRecord, StoreError
from backcare.analytics.store.registry import shared
from backcare.assessment.engine import knowledge_base
from backcare.assessment.knowledge import KnowledgeBase
from backcare.assessment.questionnaire import option_label
from backcare.assessment.result import Assessment
from backcare.settings import current

THANKS = "Thank you — your anonymous record is saved."
_SHARED = "_shared_assessment"
_ERROR = "_share_error"
_TICKED = "share_consent"
_OFFERED = "_share_offered_for"


def _already_shared(result: Assessment) -> bool:
    ref = st.session_state.get(_SHARED)
    return ref is not None and ref() is result


def _band(band: str, unit: str = "") -> str:
    """ "30-39" as "30 to 39", and "unknown" as "not given": no codes on the page."""
    if band == UNKNOWN:
        return "not given"
    return band.replace("-", " to ") + unit


def _sign_words(kb: KnowledgeBase, sign_id: str) -> str:
    """A warning sign as the person met it: the question's words, or the answer they gave."""
    sign = next((w for w in kb.warning_signs if w.id == sign_id), None)
    if sign is None:
        return sign_id
    question = kb.questions[sign.match.item]
    if question.type == "boolean":
        return question.text
    if sign.match.value is not None:
        return option_label(question, str(sign.match.value))
    return f"{question.text} {sign.match.min} to {sign.match.max}"


def _where(record: AnonymousRecord) -> str:
    # The site name goes with the record whenever the server has one, so it is shown.
    named = "" if record.site_id == "default" else f" (site name: {record.site_id})"
    if record.mode == "kiosk":
        return f"this clinic's shared device{named}"
    return f"your own device, not a clinic's{named}"


def _what_is_shared(record: AnonymousRecord) -> str:
    kb = knowledge_base()
    activities = {o.value: o.label for o in kb.questions["activity"].options}
    causes = ", ".join(kb.causes[c].title for c in record.top_causes) or "none"
    signs = "; ".join(_sign_words(kb, s) for s in record.warning_signs) or "none"
    activity = activities.get(record.activity, "not given")
    lines = [
        f"- **Week:** {record.week} (the week only, not the day or time)",
        f"- **Age band:** {_band(record.age_band)}",
        f"- **Activity:** {activity}",
        f"- **Pain band:** {_band(record.pain_band, ' out of 10')}",
        f"- **Triage level:** {kb.levels[record.triage].title}",
        f"- **Top possible causes:** {causes}",
        f"- **Warning signs that applied:** {signs}",
        f"- **Where:** {_where(record)}",
    ]
    return "\n".join(lines)


def _share(result: Assessment, record: AnonymousRecord) -> None:
    """Button callback: remember first, then save, so a double click cannot save twice."""
    if _already_shared(result) or not st.session_state.get(_TICKED):
        return
    st.session_state[_SHARED] = weakref.ref(result)
    try:
        shared(current().store).submit(record)
    except (StoreError, InvalidRecord) as exc:
        del st.session_state[_SHARED]
        st.session_state[_ERROR] = str(exc)


def offer(result: Assessment) -> None:
    """Draw the sharing choice, or the thank-you once this assessment has been shared."""
    settings = current()
    st.header("Help improve care (optional)", anchor=False)
    if _already_shared(result):
        st.success(THANKS, icon=":material/volunteer_activism:")
        return
    record = from_assessment(result, site_id=settings.site_id, mode=settings.mode, day=date.today())
    st.write(
        "Clinics and researchers study which problems follow which activities. You can add "
        "an anonymous record of this assessment to what they see. It holds only:"
    )
    st.markdown(_what_is_shared(record))
    st.caption(
        "Nothing else: no exact date or time, no other answers, no notes, no name and nothing "
        "else that could point to you or this visit. "
        "Analysts only ever see counts of at least "
        f"{settings.k} people together."
    )
    if settings.share_default:
        st.caption("This clinic has ticked the box for you. Untick it if you prefer not to share.")
    # Every assessment starts from the default: a tick never carries over to the next one.
    offered = st.session_state.get(_OFFERED)
    if _TICKED not in st.session_state or offered is None or offered() is not result:
        st.session_state[_TICKED] = settings.share_default
        st.session_state[_OFFERED] = weakref.ref(result)
    ticked = st.checkbox("Share a record of this check, with no name on it", key=_TICKED)
    st.button(
        "Share",
        icon=":material/share:",
        disabled=not ticked,
        on_click=_share,
        args=(result, record),
    )
    if error := st.session_state.pop(_ERROR, None):
        st.error(f"Your record could not be saved, so nothing was shared. {error}")
