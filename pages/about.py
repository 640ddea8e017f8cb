"""What BackCare is and is not, and where its knowledge comes from."""

from __future__ import annotations

import streamlit as st

from backcare.assessment.engine import knowledge_base
from backcare.settings import current
from backcare.ui import kiosk

kiosk_mode = current().kiosk

st.title("About BackCare", anchor=False)
st.markdown(
    """
BackCare helps people whose back or spine hurts after stretching, running or
lifting to make sense of it. You answer a short questionnaire; BackCare checks
your answers for **warning signs** first and tells you plainly if you need help
and how quickly. Then it lists **possible explanations** that fit your answers,
says why each was suggested, and offers comfort actions and prevention tips.

**What it is not.** BackCare does not diagnose, prescribe or replace a doctor
or physiotherapist. The explanations are possibilities drawn from what you
said, not findings. If you are worried, or your pain is severe, getting worse
or not settling, speak to a professional.

**Your answers** stay in this browser session and are gone when you start
again or close the page.
"""
)

kb = knowledge_base()
for kind, heading in (("article", "Articles"), ("guideline", "Health services and expert bodies")):
    st.header(heading, anchor=False)
    for source in kb.sources.values():
        if source.kind == kind:
            # A kiosk must not lead away from the app: titles only, no links.
            linked = source.url and not kiosk_mode
            title = f"[{source.title}]({source.url})" if linked else f"*{source.title}*"
            st.markdown(f"- {title}, {source.publisher}")
st.caption(
    "We wrote every text in BackCare in our own words. Each cause, warning sign and tip "
    "names the source it is based on."
)
if kiosk_mode:
    kiosk.back_to_start()
