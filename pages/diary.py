"""The pain diary: entries kept in this browser, charts of how it is going, export and import.

The page only puts its parts in order; each part is a module of backcare/ui/diary/
over the diary's core (backcare.diary). Every change happens in a widget
callback, so the browser is asked to save it in the same run.
"""

from __future__ import annotations

import streamlit as st

from backcare.settings import current
from backcare.ui import diary_state
from backcare.ui.diary import (
    browser_copy,
    charts_view,
    deleting,
    entry_form,
    entry_list,
    files_view,
    flash,
)

if current().kiosk:
    st.title("Pain diary")
    st.info("The pain diary is not available on this shared device.")
    st.stop()

st.title("Pain diary")
st.caption(browser_copy.WHERE_IT_LIVES)
stored = browser_copy.STORE.sync()
if stored is None:
    # Nothing is drawn from the diary until the browser has answered: no empty diary flashes.
    st.info("Opening your diary…", icon=":material/hourglass_top:")
    st.stop()
browser_copy.refresh(stored)
browser_copy.warn(stored)
if problems := st.session_state.get(diary_state.STORED_PROBLEMS):
    browser_copy.unreadable(*problems)
    st.stop()
flash.show()

entries = diary_state.entries()
entry_form.add_section()
if entries:
    charts_view.show(entries)
    entry_list.show(entries)
else:
    st.write("No entries yet. Add your first one above, or import a diary file below.")

st.header("Export and import")
files_view.export(entries)
files_view.import_file(entries)
deleting.delete_everything(entries)
st.caption("BackCare suggests what might be going on. It does not diagnose.")
