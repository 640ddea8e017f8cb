"""Insights for analysts: the protected monthly figures of the shared records and a SQL console.

Every number here is a cell of one publication (backcare.analytics.insights): choosing a
month only picks which of its cells to draw.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from backcare.analytics import access, insights
from backcare.analytics import charts as insight_charts
from backcare.analytics.console import ROW_LIMIT, Console, Refused
from backcare.analytics.store.base import StoreError
from backcare.analytics.store.registry import shared
from backcare.assessment.engine import knowledge_base
from backcare.settings import current
from backcare.ui.analysts import not_available

_ANALYST = "_insights_analyst"
_QUERY = "insights_query"
_RESULT = "_insights_result"
EXAMPLE_QUERY = "SELECT month, n, shown\nFROM monthly_totals\nORDER BY month"


def _expected_password() -> str | None:
    """The analysts' password: the environment variable, else Streamlit's secrets."""
    configured = current().analyst_password
    if configured:
        return configured
    try:
        secret = st.secrets.get("analyst_password")
    except FileNotFoundError:  # no secrets file at all
        return None
    return str(secret) if secret else None


def _sign_in(expected: str) -> None:
    st.write("Insights are for analysts. Sign in with the analysts' password.")
    st.caption(access.describe_policy())
    waiting = access.analysts.waiting()
    if waiting > 0:
        st.warning(f"Too many wrong passwords: the next try is possible in {math.ceil(waiting)} s.")
    with st.form("analyst_sign_in", enter_to_submit=True):
        given = st.text_input("Analyst password", type="password")
        pressed = st.form_submit_button("Sign in", type="primary")
    if not pressed:
        return
    verdict = access.analysts.attempt(given, expected)
    if verdict.granted:
        st.session_state[_ANALYST] = True
        st.rerun()
    elif verdict.wait > 0:
        st.error(
            f"That password was not accepted. Wait {math.ceil(verdict.wait)} s before the next try."
        )
    else:
        st.error("That password was not accepted.")


def _numbers(frame: pd.DataFrame) -> None:
    """The figures' numbers as a table, for reading exactly and for screen readers."""
    with st.expander("The numbers"):
        st.dataframe(frame.drop(columns="n"), hide_index=True, width="stretch")


def _console(publication: insights.Publication, kiosk: bool) -> None:
    st.header("SQL console")
    st.write(
        "Write one SELECT over the views below: they hold the figures above, already with "
        f"small groups hidden (`n` is empty where `shown` says <{publication.k} or hidden). "
        f"At most {ROW_LIMIT:,} rows come back, and a query stops after a few seconds."
    )
    with st.expander("Views and their columns"):
        st.markdown(
            "\n".join(
                f"- `{name}` ({', '.join((*columns, 'n', 'shown'))}): {about}"
                for name, (columns, about) in insights.VIEWS.items()
            )
        )
    st.session_state.setdefault(_QUERY, EXAMPLE_QUERY)
    sql = st.text_area("Query", key=_QUERY, height=120)
    if st.button("Run query", icon=":material/play_arrow:"):
        console = Console(publication.views)
        try:
            st.session_state[_RESULT] = console.run(sql)
        except Refused as exc:
            st.session_state.pop(_RESULT, None)
            st.error(str(exc))
        finally:
            console.close()
    result = st.session_state.get(_RESULT)
    if result is None:
        return
    st.dataframe(result.frame, hide_index=True, width="stretch")
    if result.truncated:
        st.caption(f"Only the first {ROW_LIMIT:,} rows are shown.")
    if not kiosk:  # nothing leaves a kiosk as a file
        st.download_button(
            "Download as CSV",
            data=result.frame.to_csv(index=False),
            file_name="backcare-insights-query.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )


settings = current()
if not settings.insights_enabled:
    # Navigation routes /insights here only when enabled (never in a kiosk); this refuses a
    # direct run of the file too.
    not_available(routed=False)
    st.stop()
st.title("Insights")

expected = _expected_password()
if expected is None:
    st.info(
        "Insights are switched off on this server: no analyst password is set. Set "
        "BACKCARE_ANALYST_PASSWORD, or `analyst_password` in Streamlit's secrets, and restart."
    )
    st.stop()
if not st.session_state.get(_ANALYST):
    _sign_in(expected)
    st.stop()

if st.sidebar.button("Sign out of Insights", icon=":material/logout:"):
    for key in (_ANALYST, _RESULT, _QUERY):
        st.session_state.pop(key, None)
    st.rerun()

k = settings.k
vocab = insights.vocabulary(knowledge_base())
try:
    store = shared(settings.store)
    with st.spinner("Counting and hiding small groups…"):
        publication = insights.publish(store, k, vocab)
except StoreError as exc:
    st.error(str(exc))
    st.stop()
if not publication.months:
    st.info(
        "Not enough shared records yet: figures appear for each calendar month once it is over."
    )
    st.stop()

st.write(
    f"Counts of anonymous records people chose to share, by calendar month, for months that "
    f"are over. A count below {k} is shown as **<{k}**; a few larger ones are **hidden** so "
    f"that no small count can be worked out from the totals. In a row or column whose total "
    f"is below {k}, zeros read <{k} too. Every month's tables are protected together, so "
    "comparing months, sites or tables gives nothing away either."
)
views = publication.views
st.altair_chart(insight_charts.monthly_totals(views), width="stretch")
_numbers(views["monthly_totals"])
st.altair_chart(insight_charts.triage_per_month(views, vocab), width="stretch")
_numbers(views["triage_totals"])

month = st.selectbox(
    "Month", publication.months, index=len(publication.months) - 1, format_func=insights.month_name
)
total, shown = publication.total(month)
st.metric(
    f"Assessments in {insights.month_name(month)}", shown if total is None else f"{total:,}"
)
if month in publication.withheld:
    st.warning(publication.withheld[month])
else:
    tables = publication.month(month)
    st.altair_chart(insight_charts.site_triage(tables, vocab), width="stretch")
    _numbers(tables["site_triage"])
    st.altair_chart(insight_charts.causes_by_activity(tables, vocab), width="stretch")
    _numbers(tables["cause_by_activity"])
    st.altair_chart(insight_charts.pain_by_age(tables), width="stretch")
    _numbers(tables["pain_by_age"])
    st.altair_chart(insight_charts.warning_signs(tables, vocab), width="stretch")
    _numbers(tables["warning_signs"])

_console(publication, settings.kiosk)
