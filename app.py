"""BackCare's server: `streamlit run app.py` serves the app defined here.

Streamlit runs backcare/ui/router.py for every page view. That script lives
away from `pages/` on purpose: for a script with a `pages/` folder beside it,
Streamlit 1.67 keeps a legacy rule that, until the process's first
`st.navigation` call, runs a requested page file directly and shows a menu of
every file in the folder. Away from it, every run goes through the router from
the very first request, in both modes.

Before serving, the settings are read and the knowledge base is loaded and
checked, so a mistake in data/ or in a BACKCARE_* variable stops the server at
start with one line naming it, not a visitor's page later.
"""

from pathlib import Path

import streamlit as st

from backcare.assessment.engine import knowledge_base
from backcare.assessment.knowledge import KnowledgeError
from backcare.settings import SettingsError, current

ROUTER = Path(__file__).resolve().parent / "backcare" / "ui" / "router.py"

try:
    current()
    knowledge_base()
except (SettingsError, KnowledgeError) as problem:
    raise SystemExit(f"BackCare cannot start: {problem}") from None

app = st.App(ROUTER)
