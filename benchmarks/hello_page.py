"""The baseline page for the page-rerun benchmark: one line of Streamlit."""

import streamlit as st

st.write("Hello, world")
