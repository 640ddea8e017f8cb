"""After the server a browser used has gone, start again cleanly on the one that answers now.

Streamlit keeps a session in one server's memory. Behind a proxy with several
servers, a browser whose server dies reconnects to another one, which has never
seen its session and so gives it a new, empty one (a single server that restarts
does the same). Left alone, the browser would keep showing the old page until
the next click ran it with nothing behind it. Two things make it start again:

- Streamlit's browser code reruns the page after a reconnection only when the
  page has a timer (a fragment with ``run_every``). A kiosk's pages have one
  (the idle watch); in personal mode every page gets an idle one
  (:func:`rerun_after_reconnecting`).
- A reconnecting browser names its old session in the WebSocket's
  ``Sec-WebSocket-Protocol`` header ("streamlit, <xsrf token>, <session id>").
  A browser that reconnects to the same server gets that session back; when the
  name is not the session's own, the old one was lost, and
  :func:`start_again_if_lost` opens the start page with a short note, once.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from backcare.settings import current
from backcare.ui import page_files

_NOTICE = "reconnect_notice"
#: How often the idle timer fires; it only has to exist.
TIMER = timedelta(hours=1)
LOST = "We lost the connection to the server, so your answers were not kept. Please start again."
DIARY_KEPT = " Your pain diary is still saved in this browser."


def old_session_id(protocol_header: str) -> str | None:
    """The previous session a WebSocket's Sec-WebSocket-Protocol value names, if any."""
    entries = [entry.strip() for entry in protocol_header.split(",")]
    return entries[2] if len(entries) >= 3 and entries[2] else None


#: Lost sessions already sent to the start page (a kiosk's wipe clears session_state, so
#: this cannot live there); one short id per lost session.
_handled: set[str] = set()
_handled_lock = threading.Lock()


def start_again_if_lost(page: StreamlitPage) -> None:
    """For a browser whose session was lost, open the start page, once, with a note."""
    old = old_session_id(st.context.headers.get("Sec-WebSocket-Protocol", ""))
    run = get_script_run_ctx()
    if old is None or run is None or old == run.session_id:
        return
    with _handled_lock:
        if old in _handled:
            return
        _handled.add(old)
    st.session_state[_NOTICE] = True
    if page.url_path != "":  # the start page is each mode's default, whose path is ""
        st.switch_page(page_files.WELCOME if current().kiosk else page_files.ASSESSMENT)


def show_notice() -> None:
    """The note about a lost session, once, on the page it led to."""
    if st.session_state.pop(_NOTICE, False):
        st.info(LOST + ("" if current().kiosk else DIARY_KEPT), icon=":material/sync_problem:")


def rerun_after_reconnecting() -> None:
    """In personal mode, an empty timer: it makes the browser rerun the page after it
    reconnects. (A kiosk's idle watch is already one; a second timer beside it made the
    kiosk's browser tests lose keystrokes.)"""
    if not current().kiosk:
        _timer()


@st.fragment(run_every=TIMER)
def _timer() -> None:
    """Nothing to draw: only its run_every matters."""
