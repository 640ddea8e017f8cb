"""The analysts' SQL console: one SELECT over the published views, never the records.

The views hold the figures the page shows, already with small groups hidden, so
a query can tell nothing the charts do not. The query runs in the sandbox of
backcare.analytics.console; its last result stays until the analyst signs out.
"""

from __future__ import annotations

import streamlit as st

from backcare.analytics import insights
from backcare.analytics.console import ROW_LIMIT, Console, Refused

QUERY = "insights_query"
RESULT = "_insights_result"
EXAMPLE_QUERY = "SELECT month, n, shown\nFROM monthly_totals\nORDER BY month"


def forget() -> None:
    """Drop the query and its result (signing out)."""
    for key in (RESULT, QUERY):
        st.session_state.pop(key, None)


def show(publication: insights.Publication, kiosk: bool) -> None:
    """The "SQL console" section: the views, the query box, its result and a CSV of it."""
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
    st.session_state.setdefault(QUERY, EXAMPLE_QUERY)
    sql = st.text_area("Query", key=QUERY, height=120)
    if st.button("Run query", icon=":material/play_arrow:"):
        console = Console(publication.views)
        try:
            st.session_state[RESULT] = console.run(sql)
        except Refused as exc:
            st.session_state.pop(RESULT, None)
            st.error(str(exc))
        finally:
            console.close()
    result = st.session_state.get(RESULT)
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
