"""Insights for analysts: the protected monthly figures of the shared records and a SQL console.

The page only puts its parts in order; each part is a module of backcare/ui/insights/
over backcare.analytics, where every number is a cell of one k-safe publication.
"""

from __future__ import annotations

import streamlit as st

from backcare.analytics import insights
from backcare.assessment.engine import knowledge_base
from backcare.settings import current
from backcare.ui.analysts import not_available
from backcare.ui.insights import figures, gate, sql_console

settings = current()
if not settings.insights_enabled:
    # Navigation routes /insights here only when enabled (never in a kiosk); this refuses a
    # direct run of the file too.
    not_available(routed=False)
    st.stop()
st.title("Insights")

expected = gate.expected_password()
if expected is None:
    gate.switched_off()
    st.stop()
if not gate.signed_in():
    gate.sign_in(expected)
    st.stop()
gate.sign_out_button()

vocab = insights.vocabulary(knowledge_base())
publication = figures.publication(settings, vocab)
if publication is None:
    st.stop()
figures.every_month(publication, vocab, settings.k)
figures.one_month(publication, vocab)
sql_console.show(publication, settings.kiosk)
