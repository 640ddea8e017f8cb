"""Make every page run inside app.py's routing, even on a server's very first request.

Streamlit 1.67 keeps a legacy rule for apps with a `pages/` folder: until some
script run in the process has called `st.navigation`, it runs the requested
file directly (`_mpa_v1` in its script runner), with a sidebar listing every
file in the folder. So the first request after a server start that asks for,
say, `/results` would skip app.py: no kiosk navigation, no hidden menu, no idle
watch. A page calls `through_app()` first; in that legacy case it runs app.py
(which routes, styles and watches as usual and then runs this same page), and
stops the direct run. AppTest resets the rule before every run, so there this
happens on every run: app.py is compiled once per process, not each time.
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import CodeType

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

APP = Path(__file__).resolve().parent.parent / "app.py"


@functools.cache
def _app_code() -> CodeType:
    return compile(APP.read_text(encoding="utf-8"), str(APP), "exec")


def through_app() -> None:
    """Return at once when app.py routed this run; otherwise route through it and stop."""
    # st.navigation clears this flag for the whole process; it is only still set
    # when Streamlit ran this page file directly, without app.py.
    if not PagesManager.uses_pages_directory:
        return
    exec(_app_code(), {"__name__": "__main__", "__file__": str(APP)})
    st.stop()
