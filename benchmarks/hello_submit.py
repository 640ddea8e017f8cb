"""The baseline for submit → banner: Streamlit's own cost of the same kind of step.

A form's submit button runs a callback, the script switches to a second page, and that
page draws one status box; "Back" returns. BackCare's submit does the same plus its own
work (assessing, drawing the results), so the ratio is what BackCare adds.
"""

import streamlit as st

_GO = "_hello_go"


def _submit() -> None:
    st.session_state[_GO] = True


def _form() -> None:
    if st.session_state.pop(_GO, False):
        st.switch_page(result)
    with st.form("hello"):
        st.radio("Pick one", ["Yes", "No"], index=None)
        st.form_submit_button("See my results", type="primary", on_click=_submit)


def _result() -> None:
    st.success("Hello, world")
    if st.button("Back"):
        st.switch_page(form)


form = st.Page(_form, title="Form", default=True)
result = st.Page(_result, title="Result", url_path="result")
st.navigation([form, result], position="hidden").run()
