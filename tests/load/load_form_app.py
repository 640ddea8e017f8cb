"""A two-step form for the load client's tests: each widget kind BackCare uses, echoed back.

The results page shows, as JSON, the values the server received for every
question, keyed by label, so a test can check what the virtual person sent.
With LOAD_FORM_APP_FAIL set, the second step raises, as a broken page would.
"""

import json
import os

import streamlit as st

STEPS = ("about_you", "warning_signs")
LABELS = {
    "activity": "What were you doing?",
    "age": "How old are you?",
    "weight": "Your weight in kg",
    "pain": "How bad is the pain?",
    "areas": "Where does it hurt?",
    "warmed": "I warmed up",
    "fever": "Do you have a fever?",
    "numb": "Numbness in both legs",
    "signs": "Any of these?",
}


def _move(keys: tuple[str, ...], to: int) -> None:
    seen = st.session_state.setdefault("seen", {})
    for key in keys:
        seen[LABELS[key]] = st.session_state.get(key)
    st.session_state.step = to


step = st.session_state.setdefault("step", 0)
if step >= len(STEPS):
    st.title("Your results")
    st.success("**All done**\n\nThese are the answers the server received.")
    st.code(json.dumps(st.session_state.get("seen", {}), sort_keys=True), language="json")
    st.stop()

if step == 1 and os.environ.get("LOAD_FORM_APP_FAIL"):
    raise RuntimeError("this step is broken on purpose")

st.title("A short form")
st.progress((step + 1) / len(STEPS), text=f"Step {step + 1} of {len(STEPS)}")
with st.form(f"step_{STEPS[step]}", enter_to_submit=False):
    if step == 0:
        st.subheader("About you")
        st.radio(LABELS["activity"], ["Running", "Lifting", "Stretching"], key="activity")
        st.number_input(LABELS["age"], min_value=5, max_value=110, step=1, value=None, key="age")
        st.number_input(LABELS["weight"], min_value=30.0, max_value=200.0, key="weight")
        st.segmented_control(LABELS["pain"], list(range(11)), key="pain")
        st.pills(
            LABELS["areas"], ["Lower back", "Neck", "Leg"], selection_mode="multi", key="areas"
        )
        st.checkbox(LABELS["warmed"], key="warmed")
        keys = ("activity", "age", "weight", "pain", "areas", "warmed")
    else:
        st.subheader("Warning signs")
        st.write("Tell us about anything serious.")
        st.radio(LABELS["fever"], ["Yes", "No", "Not sure"], index=None, key="fever")
        st.checkbox(LABELS["numb"], key="numb")
        st.pills(LABELS["signs"], ["Chest pain", "A bad fall"], selection_mode="multi", key="signs")
        keys = ("fever", "numb", "signs")
    back, forward = st.columns(2)
    back.form_submit_button("Back", on_click=_move, args=(keys, step - 1), disabled=step == 0)
    last = step == len(STEPS) - 1
    forward.form_submit_button(
        "See my results" if last else "Next", type="primary", on_click=_move, args=(keys, step + 1)
    )
