"""Kiosk mode: the flow, the look, the idle watch and the wipe, for a clinic's shared device.

The server's settings decide the mode (see backcare/settings.py); nothing a
browser sends can change it. In kiosk mode the pages are reached only through
buttons (no menu), Streamlit's toolbar is hidden, the text and touch targets
are larger, and every trace of a person is wiped when they press "Finish" or
walk away.

Walking away is measured on the server. Every full script run is something
the person did (a click, a submitted step, a page change); the idle watch is a
fragment that reruns itself once a second and reads the clock, and those
reruns never count. Typing and ticking inside a questionnaire step's form
reach the server only when the step is submitted, so a few lines of
JavaScript in the page also report any key press, tap or scroll (at most once
a second, and never while a text or number field is being typed in); those
reports rerun only the watch, which marks the time.
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from backcare.assessment.result import Assessment
from backcare.kiosk.idle import idle_state
from backcare.kiosk.take_home import qr_svg, summary_text
from backcare.settings import IDLE_WARNING_SECONDS, current
from backcare.ui import page_files, session

STYLE = Path(__file__).resolve().parents[2] / "styles" / "kiosk.css"
#: How often the idle watch looks at the clock (and redraws the countdown).
TICK_SECONDS = 1.0
#: Pixels per QR module: 4 keeps the largest allowed code (version 18) under 400 px.
QR_SCALE = 4
_LAST_ACTIVE = "_kiosk_last_active"

_ACTIVITY_JS = """
export default function (component) {
  // One shared record per page, so a remount never loses a pending report.
  const shared = (window.__backcareActivity ??= {
    last: 0,
    timer: null,
    owed: false,
    quietUntil: 0,
  });
  const gap = (component.data && component.data.gap_ms) || 1000;
  shared.report = () => component.setTriggerValue("active", Date.now());
  // A rerun while a number or text field holds half-typed digits makes Streamlit
  // commit them ("5" of "52"), so reports wait until the field has lost the focus.
  const typing = () => {
    const el = document.activeElement;
    if (!el) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA") return true;
    const untyped = ["radio", "checkbox", "button", "submit", "reset", "range", "file"];
    return el.tagName === "INPUT" && !untyped.includes(el.type);
  };
  // A report queued behind a script run that switches pages would later run with
  // the old page and blank the new one, so it waits until no run is going on
  // (Streamlit's own auto-reruns wait the same way).
  const running = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute("data-test-script-state") === "running";
  };
  const send = () => {
    shared.timer = null;
    const quiet = shared.quietUntil - Date.now();
    if (quiet > 0) {
      shared.owed = true;
      schedule(quiet);
      return;
    }
    if (running()) {
      shared.owed = true;
      schedule(200);
      return;
    }
    if (typing()) {
      shared.owed = true;
      return;
    }
    shared.owed = false;
    shared.last = Date.now();
    if (shared.report) shared.report();
  };
  const schedule = (delay) => {
    if (!shared.timer) shared.timer = setTimeout(send, Math.max(0, delay));
  };
  // Pressing a Streamlit button (Next, See my results, Finish…) reruns the whole
  // script, which counts as activity on the server anyway: no report, and none
  // for a moment after, until the run has visibly started.
  const rerunsItself = (event) =>
    (event.type === "pointerdown" || event.key === "Enter" || event.key === " ") &&
    event.target instanceof Element &&
    !!event.target.closest('[data-testid^="stBaseButton-"]');
  const onActivity = (event) => {
    if (rerunsItself(event)) {
      shared.quietUntil = Date.now() + 1000;
      return;
    }
    schedule(shared.last + gap - Date.now());
  };
  // After the field's own blur handler has committed its value.
  const onFocusOut = () => shared.owed && schedule(250);
  const events = ["pointerdown", "keydown", "wheel", "touchstart", "input", "scroll"];
  const options = { capture: true, passive: true };
  events.forEach((name) => document.addEventListener(name, onActivity, options));
  document.addEventListener("focusout", onFocusOut, options);
  return () => {
    events.forEach((name) => document.removeEventListener(name, onActivity, options));
    document.removeEventListener("focusout", onFocusOut, options);
    shared.report = null;
  };
}
"""
_activity = st.components.v2.component("backcare_kiosk_activity", js=_ACTIVITY_JS)


def _now() -> float:
    """The server's monotonic clock (a function, so a test can move time on)."""
    return time.monotonic()


def mark_active() -> None:
    """Record that the person did something just now."""
    st.session_state[_LAST_ACTIVE] = _now()


def navigation() -> StreamlitPage:
    """Route the kiosk's pages with no menu, style them, and watch for inactivity.

    Runs on every full script run, never on the idle watch's own reruns, so
    marking activity here counts only what the person did.
    """
    welcome = st.Page(
        page_files.WELCOME, title="Welcome", icon=":material/waving_hand:", default=True
    )
    page = st.navigation(
        [
            welcome,
            st.Page(page_files.ASSESSMENT, title="Assessment", icon=":material/edit_note:"),
            st.Page(page_files.RESULTS, title="Results", icon=":material/list_alt:"),
            st.Page(page_files.ABOUT, title="About", icon=":material/info:"),
            # Most waiting-room tablets have no printer: the clinic turns printing on.
            *([st.Page(page_files.SUMMARY, title="Summary")] if current().print_in_kiosk else []),
        ],
        position="hidden",
    )
    # Scriptable client options: no developer menu, no data export buttons.
    st.set_option("client.toolbarMode", "minimal")
    st.set_option("client.disableDataExport", True)
    st.html(STYLE)
    mark_active()
    if page.url_path != welcome.url_path:
        _idle_watch()
    return page


def finish() -> None:
    """Wipe everything the person entered and show the welcome screen."""
    session.wipe()
    st.switch_page(page_files.WELCOME)


@st.fragment(run_every=TICK_SECONDS)
def _idle_watch() -> None:
    _activity(key="kiosk_activity", data={"gap_ms": 1000}, on_active_change=mark_active)
    last = st.session_state.get(_LAST_ACTIVE)
    if last is None:  # a fresh session seen first by the watch: start counting now
        mark_active()
        return
    state = idle_state(_now() - last, current().idle_timeout)
    if state.phase == "expired":
        finish()
    elif state.phase == "warning":
        _warning(state.seconds_left)


def _warning(seconds_left: int) -> None:
    with st.container(key="kiosk-idle"), st.container(key="kiosk-idle-box"):
        # role="alert": announced once when it appears; the number below is not
        # a live region, so a screen reader is not interrupted every second.
        st.warning(
            "**Are you still there?** For your privacy, your answers will be cleared "
            "from this device soon.",
            icon=":material/timer:",
        )
        st.markdown(f"Clearing in **{seconds_left}** seconds.")
        st.button(
            "I'm still here",
            key="kiosk-still-here",
            type="primary",
            on_click=mark_active,
            width="stretch",
        )


def take_home(result: Assessment) -> None:
    """The results page's end in kiosk mode: the summary as a QR code, and Finish."""
    text = summary_text(result)
    st.header("Take your result with you")
    st.write(
        "Point your phone's camera at the code to read a short summary of your result. "
        "The summary is inside the code itself: nothing is saved or sent anywhere."
    )
    st.image(
        qr_svg(text, scale=QR_SCALE),
        alt="QR code that holds a short summary of your result",
        width="content",
    )
    with st.expander("What the code says"):
        st.text(text)
    st.write("When you are done, press Finish. Your answers are then cleared from this device.")
    if st.button("Finish", key="kiosk-finish", type="primary", icon=":material/logout:"):
        finish()


def back_to_start() -> None:
    """A way back from a side page, since a kiosk has no menu."""
    if st.button("Back to the start", key="kiosk-back", icon=":material/arrow_back:"):
        st.switch_page(page_files.WELCOME)


def timeout_text() -> str:
    """How long the device waits, in words for the welcome screen."""
    seconds = current().idle_timeout
    if seconds % 60:
        wait = f"{seconds} seconds"
    else:
        minutes = seconds // 60
        wait = f"{minutes} minute{'s' if minutes > 1 else ''}"
    return f"{wait} without use, after a {IDLE_WARNING_SECONDS}-second warning"
