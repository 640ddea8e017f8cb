"""Insights for analysts: k-anonymous figures of the shared records and a SQL console over them."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from backcare.analytics import access, insights
from backcare.analytics import charts as insight_charts
from backcare.analytics.console import ROW_LIMIT, Console, Refused
from backcare.analytics.store.base import ACTIVITIES, AGE_BANDS, Selection, StoreError
from backcare.analytics.store.registry import shared
from backcare.assessment.engine import knowledge_base
from backcare.settings import current

_ANALYST = "_insights_analyst"
_QUERY = "insights_query"
_RESULT = "_insights_result"
ALL = "All"
EXAMPLE_QUERY = "SELECT week, n, shown\nFROM weekly_totals\nORDER BY week"


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


def _filters(options: insights.Options) -> Selection:
    weeks = options.weeks
    if len(weeks) > 1:
        first, last = st.select_slider(
            "Weeks",
            options=weeks,
            value=(weeks[0], weeks[-1]),
            help="At either end the range also takes in the quieter weeks before or after.",
        )
    else:
        first = last = weeks[0]
        st.write(f"Week: {first}")
    site_col, activity_col, age_col = st.columns(3)
    site = site_col.selectbox("Site", [ALL, *options.sites])
    activity = activity_col.selectbox(
        "Activity", [ALL, *ACTIVITIES], format_func=lambda a: a.replace("_", " ")
    )
    age = age_col.selectbox("Age band", [ALL, *AGE_BANDS])
    return Selection(
        # The ends of the slider mean "from the start" and "to date", thin weeks included.
        first_week=None if first == weeks[0] else first,
        last_week=None if last == weeks[-1] else last,
        site_id=None if site == ALL else site,
        activity=None if activity == ALL else activity,
        age_band=None if age == ALL else age,
    )


def _numbers(frame: pd.DataFrame) -> None:
    """The figures' numbers as a table, for reading exactly and for screen readers."""
    with st.expander("The numbers"):
        st.dataframe(frame.drop(columns="n"), hide_index=True, width="stretch")


def _console(report: insights.Report, kiosk: bool) -> None:
    st.header("SQL console")
    st.write(
        "Write one SELECT over the views below: they hold the figures above, already with "
        f"small groups hidden (`n` is empty where `shown` says <{report.k} or hidden). "
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
        console = Console(report.views)
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
st.title("Insights")
if settings.kiosk:
    # app.py does not even route here in kiosk mode; this refuses a direct run too.
    st.error("Insights are not available on a kiosk.")
    st.stop()

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
try:
    store = shared(settings.store_path)
    with st.spinner("Looking at the shared records…"):
        options = insights.options(store, k)
except StoreError as exc:
    st.error(str(exc))
    st.stop()
if not options.weeks:
    st.info(f"Not enough shared records yet: figures appear once a week holds at least {k}.")
    st.stop()

st.write(
    f"Counts of anonymous records people chose to share. A count below {k} is shown as "
    f"**<{k}**; a few larger ones are **hidden** so that no small count can be worked out "
    f"from the totals. In a row or column whose total is below {k}, zeros read <{k} too."
)
selection = _filters(options)
vocab = insights.vocabulary(knowledge_base())
with st.spinner("Counting and hiding small groups…"):
    report = insights.build(store, selection, k, vocab)
if report.withheld:
    st.warning(report.withheld)
    st.stop()

total = report.total
st.metric("Assessments in this selection", "hidden" if total is None else f"{total:,}")

st.altair_chart(insight_charts.weekly_totals(report), width="stretch")
_numbers(report.views["weekly_totals"])
st.altair_chart(insight_charts.triage_mix(report, vocab), width="stretch")
_numbers(report.views["weekly_triage"])
st.altair_chart(insight_charts.top_causes(report, vocab), width="stretch")
_numbers(report.views["causes_by_activity"])
st.altair_chart(insight_charts.pain_by_age(report), width="stretch")
_numbers(report.views["pain_by_age"])
st.altair_chart(insight_charts.warning_signs(report, vocab), width="stretch")
_numbers(report.views["warning_signs"])

_console(report, settings.kiosk)
