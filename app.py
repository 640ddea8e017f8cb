"""BackCare: the entry point that `streamlit run app.py` starts; it only routes."""

import streamlit as st

st.set_page_config(page_title="BackCare", page_icon=":material/healing:", layout="centered")

page = st.navigation(
    [
        st.Page(
            "pages/assessment.py", title="Assessment", icon=":material/edit_note:", default=True
        ),
        st.Page("pages/results.py", title="Results", icon=":material/list_alt:"),
        st.Page("pages/about.py", title="About", icon=":material/info:"),
    ]
)
page.run()
