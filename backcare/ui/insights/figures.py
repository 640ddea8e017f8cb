"""The Insights figures: every chart drawn from one k-safe publication, with its numbers.

Every number here is a cell of one publication (backcare.analytics.insights):
choosing a month only picks which of its cells to draw. Each chart has its
numbers as a table under it, for reading exactly and for screen readers.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from backcare.analytics import charts as insight_charts
from backcare.analytics import insights
from backcare.analytics.store.base import StoreError
from backcare.analytics.store.registry import shared
from backcare.settings import Settings


def publication(settings: Settings, vocab: insights.Vocabulary) -> insights.Publication | None:
    """This server's publication, or None once the page has said why there is nothing to show."""
    try:
        store = shared(settings.store)
        with st.spinner("Counting and hiding small groups…"):
            published = insights.publish(store, settings.k, vocab)
    except StoreError as exc:
        st.error(str(exc))
        return None
    if not published.months:
        st.info(
            "Not enough shared records yet: figures appear for each calendar month once it is over."
        )
        return None
    return published


def _numbers(frame: pd.DataFrame) -> None:
    """The figures' numbers as a table, for reading exactly and for screen readers."""
    with st.expander("The numbers"):
        st.dataframe(frame.drop(columns="n"), hide_index=True, width="stretch")


def every_month(published: insights.Publication, vocab: insights.Vocabulary, k: int) -> None:
    """What the counts are and how they are protected, then the two charts over all months."""
    st.write(
        f"Counts of anonymous records people chose to share, by calendar month, for months that "
        f"are over. A count below {k} is shown as **<{k}**; a few larger ones are **hidden** so "
        f"that no small count can be worked out from the totals. In a row or column whose total "
        f"is below {k}, zeros read <{k} too. Every month's tables are protected together, so "
        "comparing months, sites or tables gives nothing away either."
    )
    views = published.views
    st.altair_chart(insight_charts.monthly_totals(views), width="stretch")
    _numbers(views["monthly_totals"])
    st.altair_chart(insight_charts.triage_per_month(views, vocab), width="stretch")
    _numbers(views["triage_totals"])


def one_month(published: insights.Publication, vocab: insights.Vocabulary) -> None:
    """A month picker (the last month first), its total and its four charts, or why not."""
    month = st.selectbox(
        "Month",
        published.months,
        index=len(published.months) - 1,
        format_func=insights.month_name,
    )
    total, shown = published.total(month)
    st.metric(
        f"Assessments in {insights.month_name(month)}", shown if total is None else f"{total:,}"
    )
    if month in published.withheld:
        st.warning(published.withheld[month])
        return
    tables = published.month(month)
    st.altair_chart(insight_charts.site_triage(tables, vocab), width="stretch")
    _numbers(tables["site_triage"])
    st.altair_chart(insight_charts.causes_by_activity(tables, vocab), width="stretch")
    _numbers(tables["cause_by_activity"])
    st.altair_chart(insight_charts.pain_by_age(tables), width="stretch")
    _numbers(tables["pain_by_age"])
    st.altair_chart(insight_charts.warning_signs(tables, vocab), width="stretch")
    _numbers(tables["warning_signs"])
