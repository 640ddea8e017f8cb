"""Handing a result to a clinician: the printable summary and, at home, a FHIR file.

The results page makes one call, :func:`offer`. A kiosk offers the summary
only when the clinic has turned printing on (BACKCARE_KIOSK_PRINT) and never
offers a download. The results page loads neither the FHIR models (the
Bundle is built only when the download is pressed) nor the diary's charting
libraries (only the summary page reads the diary).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from backcare.assessment.engine import knowledge_base
from backcare.assessment.result import Assessment, Triage
from backcare.diary.entries import DiaryError
from backcare.diary.files import stored_diary
from backcare.settings import current
from backcare.ui import diary_state, page_files
from backcare.ui.browser_storage import BrowserText

if TYPE_CHECKING:
    from backcare.summary.diary import DiaryPart

SUMMARY_LABEL = "Printable summary for your clinician"
FHIR_LABEL = "Download for your clinician (FHIR JSON)"
FHIR_FILE = "backcare-for-my-clinician.fhir.json"
PRINT_LABEL = "Print or save as PDF"
STYLE = Path(__file__).resolve().parents[2] / "styles" / "summary.css"


def phone_number(triage: Triage) -> str | None:
    """The number this server gives for the level's call (999, 111 or the site's own)."""
    # As the results page reads it: settings name the numbers `emergency_number` and so on.
    return getattr(current(), f"{triage.phone}_number", None) if triage.phone else None


def printing_allowed() -> bool:
    settings = current()
    return not settings.kiosk or settings.print_in_kiosk


def fhir_json(result: Assessment) -> bytes:
    """The result as a FHIR R4 Bundle (answers and result), as the CLI prints it."""
    from backcare.fhir.bundle import assessment_bundle

    bundle = assessment_bundle(result, knowledge_base())
    return json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8")


def offer(result: Assessment) -> None:
    """The results page's way to the printable summary and, in personal mode, the FHIR file."""
    if not printing_allowed():
        return
    if st.button(SUMMARY_LABEL, icon=":material/print:", key="handover-summary"):
        st.switch_page(page_files.SUMMARY)
    if not current().kiosk:
        st.download_button(
            FHIR_LABEL,
            data=lambda: fhir_json(result),
            file_name=FHIR_FILE,
            mime="application/fhir+json",
            on_click="ignore",
            icon=":material/download:",
        )
        # Shown, not behind a "?" tooltip (a 16 px target and one more tab stop).
        st.caption(
            "For a clinic's health record system: your answers and result in the FHIR "
            "format. It holds no name or other detail about who you are."
        )


#: One click listener for the whole page: Streamlit's HTML keeps no inline handlers, and
#: a listener on the document still works after the button is drawn again.
_PRINT_SCRIPT = """<script>
if (!window.__backcarePrint) {
  window.__backcarePrint = true;
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest(".bc-print-button")) {
      window.print();
    }
  });
}
</script>"""


def print_button() -> None:
    """The browser's own Print dialog, from a button (print to paper or save as PDF)."""
    st.html(
        f'<button type="button" class="bc-print-button">{PRINT_LABEL}</button>{_PRINT_SCRIPT}',
        unsafe_allow_javascript=True,
    )


def recent_diary(today: date) -> DiaryPart | str:
    """The diary's last two weeks from this browser, or a sentence saying why not yet."""
    from backcare.summary.diary import diary_part  # pandas: only when the diary is wanted

    stored = BrowserText(diary_state.STORAGE_NAME).sync()
    if stored is None:
        return "Reading your diary from this browser…"
    try:
        entries = stored_diary(stored.text, diary_state.vocabulary())
    except DiaryError:
        return "Your diary in this browser could not be read, so it is left off."
    return diary_part(entries, diary_state.vocabulary(), today)
