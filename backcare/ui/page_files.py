"""Where the page scripts are, for st.Page, st.switch_page and st.page_link.

Streamlit resolves a page path against the folder of the script it runs for
every page view (backcare/ui/router.py), so pages are named by absolute path.
"""

from __future__ import annotations

from pathlib import Path

PAGES = Path(__file__).resolve().parents[2] / "pages"
WELCOME = PAGES / "welcome.py"
ASSESSMENT = PAGES / "assessment.py"
RESULTS = PAGES / "results.py"
DIARY = PAGES / "diary.py"
ABOUT = PAGES / "about.py"
INSIGHTS = PAGES / "insights.py"
SUMMARY = PAGES / "summary.py"
