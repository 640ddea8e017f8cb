"""How it is going: three tabs of charts, each with a sentence that says what it shows.

The charts and sentences come from backcare.diary.charts; they are built once
per version of the diary (diary_state.memo), not on every rerun.
"""

from __future__ import annotations

import streamlit as st

from backcare.diary import charts
from backcare.diary.entries import Entry, vocabulary
from backcare.ui import diary_state


def show(entries: tuple[Entry, ...]) -> None:
    """The "How it is going" section."""
    st.header("How it is going")
    vocab, today = vocabulary(), diary_state.today()
    shown = diary_state.memo(
        "charts",
        entries,
        lambda: (
            (
                charts.pain_over_time(entries, vocab, today=today),
                charts.trend_sentence(entries, today),
            ),
            (charts.pain_by_activity(entries, vocab), charts.activity_sentence(entries, vocab)),
            (charts.comfort_chart(entries, vocab), charts.comfort_sentence(entries, vocab)),
        ),
    )
    (over_time_chart, trend), (activity_chart, by_what), (comfort_chart, comfort) = shown
    over_time, by_activity, after = st.tabs(
        ["Pain over time", "By activity", "After comfort actions"]
    )
    with over_time:
        st.altair_chart(over_time_chart, width="stretch")
        st.write(trend)
        st.caption(
            "Each dot is an entry, shaped and coloured by what you did that day. "
            "The line is your average over the last 7 days."
        )
    with by_activity:
        st.altair_chart(activity_chart, width="stretch")
        st.write(by_what)
    with after:
        if comfort_chart is not None:
            st.altair_chart(comfort_chart, width="stretch")
        st.write(comfort)
        st.caption(
            "Each bar is the average change in pain from a day you tried something to the "
            "next day. It shows what happened, not what caused it."
        )
