"""Kiosk mode: the flow, the look, the idle watch and the wipe, for a clinic's shared device.

The server's settings decide the mode (see backcare/settings.py); nothing a
browser sends can change it. In kiosk mode the pages are reached only through
buttons (no menu), Streamlit's toolbar is hidden, the text and touch targets
are larger, and every trace of a person is wiped when they press "Finish" or
walk away.

Walking away is measured on the server. Every full script run is something
the person did (a click, a submitted step, a page change). Typing and ticking
inside a questionnaire step's form reach the server only when the step is
submitted, so a few lines of JavaScript in the page note the time of the last
deliberate input: a pointer press, a key, a touch or the mouse wheel, and
nothing else. Scroll and focus events are not input: the browser fires them by
itself when the page changes (the warning appearing used to fire a scroll that
kept the session alive forever).

Once a second the script reruns the idle watch, a fragment, with how long ago
that input was; the watch moves its mark and reads the clock. Every tick
carries the whole news, so a tick lost in transit costs a second, never an
answer. Ticks wait while a script run is going on or about to start:
Streamlit's own `run_every` timer cannot, and its tick racing the run of Back
made the questionnaire lose an answer.

The warning is a modal dialog drawn by the same script, outside Streamlit's
own elements: it takes the focus when it appears, keeps Tab inside, gives the
focus back after "I'm still here", and counts down on its own, so its button
stands still while the server ticks.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from backcare.assessment.result import Assessment
from backcare.kiosk.idle import idle_state, last_active_after_report
from backcare.kiosk.take_home import qr_svg, summary_text
from backcare.settings import current
from backcare.ui import page_files, session

STYLE = Path(__file__).resolve().parents[2] / "styles" / "kiosk.css"
#: How often the page asks the idle watch to look at the clock.
TICK_SECONDS = 1.0
#: Pixels per QR module: 4 keeps the largest allowed code (version 18) under 400 px.
QR_SCALE = 4
_LAST_ACTIVE = "_kiosk_last_active"
_WATCH = "kiosk_idle"
_LAST_INPUT = "_kiosk_last_input"

_IDLE_CSS = """
#backcare-idle {
  box-sizing: border-box; width: min(36rem, calc(100vw - 2rem)); max-width: none;
  border: 0; border-radius: 0.75rem; padding: 2rem;
  background: #fff; color: #000; font-family: inherit; font-size: 1.2rem; line-height: 1.5;
  box-shadow: 0 0.5rem 2rem rgba(0, 0, 0, 0.4);
}
#backcare-idle::backdrop { background: rgba(0, 0, 0, 0.6); }
#backcare-idle h2 { margin: 0 0 0.75rem; font-size: 1.75rem; line-height: 1.25; color: #000; }
#backcare-idle p { margin: 0 0 1rem; color: #000; }
#backcare-idle button {
  display: block; width: 100%; min-height: 3.6rem; margin-top: 0.5rem; padding: 0.5rem 2rem;
  border: 0.125rem solid #003366; border-radius: 0.5rem; background: #004a99; color: #fff;
  font: inherit; font-size: 1.4rem; font-weight: 600; cursor: pointer;
}
#backcare-idle button:focus-visible { outline: 0.25rem solid #000; outline-offset: 0.2rem; }
"""

_IDLE_JS = """
const RUN_WAIT_MS = 5000;

export default function (component) {
  const { data, setTriggerValue } = component;
  // One record per page: this function runs again whenever its data changes (every
  // tick of the watch), and the clock and the open dialog must survive that.
  const shared = (window.__backcareIdle ??= {
    lastInput: 0, quietUntil: 0, send: null, clock: null, generation: 0, runWatch: null,
    dialog: null, token: null, dismissed: null, deadline: 0, ticker: null, returnFocus: null,
  });
  const generation = ++shared.generation;
  // The person's last input: when (this page's clock, which also names it) and how
  // long ago; null before their first input here.
  shared.send = () =>
    setTriggerValue(
      "tick",
      shared.lastInput
        ? { input: shared.lastInput, ago_ms: Math.max(0, Date.now() - shared.lastInput) }
        : null,
    );

  // --- ticks ------------------------------------------------------------------
  // A tick reruns the watch fragment. Never while a script run is going on, nor just
  // after a press that starts one (Next, Back, Finish) and before the run shows.
  const running = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute("data-test-script-state") === "running";
  };
  const tick = () => {
    if (shared.send && !running() && Date.now() >= shared.quietUntil) shared.send();
  };
  shared.clock ??= setInterval(tick, data.tick_ms);
  // A press holds the ticks back until the run it starts has begun (then `running()`
  // holds them): on a busy machine that run began over a second later, and a tick in
  // between lost the age. Any change of the script's state after the press says the run
  // has begun, even when it has ended again by the time this observer hears of it. At
  // most RUN_WAIT_MS, so a press that runs nothing cannot stop the watch.
  const app = document.querySelector('[data-testid="stApp"]');
  if (app && !shared.runWatch) {
    shared.runWatch = new MutationObserver(() => {
      shared.quietUntil = 0;
    });
    shared.runWatch.observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
  }

  // --- deliberate input ---------------------------------------------------------
  const runsScript = (event) => {
    if (!(event.type === "pointerdown" || event.key === "Enter" || event.key === " ")) {
      return false;
    }
    const target = event.target instanceof Element ? event.target : null;
    const button = target && target.closest('[data-testid^="stBaseButton-"]');
    if (!button || button.disabled) return false;
    // Inside a form only its submit buttons run the script.
    const kind = button.getAttribute("data-testid");
    return kind.endsWith("FormSubmit") || !button.closest('[data-testid="stForm"]');
  };
  // Moving round the warning with Tab is not an answer to it: the dialog must not
  // vanish under a keyboard user on the way to its button.
  const movesInDialog = (event) =>
    event.type === "keydown" && ["Tab", "Shift"].includes(event.key) &&
    !!shared.dialog && shared.dialog.contains(event.target);
  const onInput = (event) => {
    if (!event.isTrusted || movesInDialog(event)) return;
    shared.lastInput = Date.now();
    if (runsScript(event)) {
      shared.quietUntil = Date.now() + RUN_WAIT_MS;
    } else if (shared.dialog) {
      tick(); // the person is back: tell the server now, not within the second
    }
  };
  const events = ["pointerdown", "keydown", "touchstart", "wheel"];
  const options = { capture: true, passive: true };
  events.forEach((name) => document.addEventListener(name, onInput, options));

  // --- the warning: a modal dialog ------------------------------------------
  const count = () => {
    const left = Math.max(0, Math.ceil((shared.deadline - Date.now()) / 1000));
    const text = left > 0 ? `Clearing in ${left} second${left === 1 ? "" : "s"}.` : "Clearing now.";
    const shown = shared.dialog && shared.dialog.querySelector(".backcare-idle-count");
    if (shown && shown.textContent !== text) shown.textContent = text;
  };
  const close = (giveFocusBack) => {
    clearInterval(shared.ticker);
    shared.ticker = null;
    const dialog = shared.dialog;
    if (!dialog) return;
    shared.dialog = shared.token = null;
    if (dialog.open) dialog.close();
    dialog.remove();
    const back = shared.returnFocus;
    shared.returnFocus = null;
    if (giveFocusBack && back && back.isConnected) back.focus({ preventScroll: true });
  };
  const open = (token, secondsLeft) => {
    if (shared.dialog && shared.token === token) return;
    close(false);
    if (!document.getElementById("backcare-idle-style")) {
      const style = document.createElement("style");
      style.id = "backcare-idle-style";
      style.textContent = __CSS__;
      document.head.appendChild(style);
    }
    const dialog = document.createElement("dialog");
    dialog.id = "backcare-idle";
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", "backcare-idle-title");
    dialog.setAttribute("aria-describedby", "backcare-idle-text");
    dialog.innerHTML =
      '<h2 id="backcare-idle-title">Are you still there?</h2>' +
      '<p id="backcare-idle-text">For your privacy, your answers will be cleared ' +
      "from this device soon.</p>" +
      '<p class="backcare-idle-count"></p>' +
      `<button type="button">I'm still here</button>`;
    const button = dialog.querySelector("button");
    // The answer closes it at once; the tick that follows tells the server, and this
    // warning is not shown again while the server has not heard yet.
    const stay = () => {
      shared.lastInput = Date.now();
      shared.dismissed = token;
      close(true);
      tick();
    };
    button.addEventListener("click", stay);
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault(); // Escape means "I'm still here", never a silent close
      stay();
    });
    // Tab and Shift+Tab go round the dialog's own controls only.
    dialog.addEventListener("keydown", (event) => {
      if (event.key !== "Tab") return;
      const stops = [...dialog.querySelectorAll("button, [href], input, [tabindex]")];
      const at = stops.indexOf(document.activeElement);
      const next = (at + (event.shiftKey ? stops.length - 1 : 1)) % stops.length;
      event.preventDefault();
      stops[at < 0 ? 0 : next].focus();
    });
    const focused = document.activeElement;
    shared.returnFocus = focused && focused !== document.body ? focused : null;
    shared.dialog = dialog;
    shared.token = token;
    shared.deadline = Date.now() + secondsLeft * 1000;
    document.body.appendChild(dialog);
    dialog.showModal();
    button.focus();
    count();
    shared.ticker = setInterval(count, 250);
  };
  if (data.phase !== "warning") {
    shared.dismissed = null;
    close(true);
  } else if (data.warning !== shared.dismissed) {
    open(data.warning, data.seconds_left);
  }

  return () => {
    events.forEach((name) => document.removeEventListener(name, onInput, options));
    shared.send = null;
    // Unmounted for good (the page changed) unless this runs again at once.
    setTimeout(() => shared.generation === generation && close(false), 300);
  };
}
"""
_idle = st.components.v2.component(
    "backcare_kiosk_idle", js=_IDLE_JS.replace("__CSS__", json.dumps(_IDLE_CSS))
)


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


def _tick() -> None:
    """A tick from the page: move the mark to the person's last input, once per input.

    Every tick repeats the last input's age, so one lost costs nothing; each input is
    counted once, or the network's jitter would nudge the mark on every tick.
    """
    watch = st.session_state.get(_WATCH)
    tick = watch.get("tick") if isinstance(watch, dict) else None
    if not isinstance(tick, dict) or tick.get("input") == st.session_state.get(_LAST_INPUT):
        return
    st.session_state[_LAST_INPUT] = tick.get("input")
    st.session_state[_LAST_ACTIVE] = last_active_after_report(
        st.session_state.get(_LAST_ACTIVE), _now(), tick.get("ago_ms")
    )


@st.fragment
def _idle_watch() -> None:
    last = st.session_state.get(_LAST_ACTIVE)
    if last is None:  # a fresh session seen first by the watch: start counting now
        mark_active()
        last = st.session_state[_LAST_ACTIVE]
    settings = current()
    state = idle_state(_now() - last, settings.idle_timeout, settings.idle_warning)
    if state.phase == "expired":
        finish()
    _idle(
        key=_WATCH,
        data={
            "tick_ms": int(TICK_SECONDS * 1000),
            "phase": state.phase,
            "seconds_left": state.seconds_left,
            # Names this stretch of inactivity: "I'm still here" answers one warning only.
            "warning": f"{last:.3f}",
        },
        default={},
        on_tick_change=_tick,
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
    return f"{wait} without use, after a {current().idle_warning}-second warning"
