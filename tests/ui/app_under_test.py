"""Where AppTest finds the app: the router script Streamlit runs, and the page files."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The script `streamlit run app.py` runs for every page view.
APP = str(ROOT / "backcare" / "ui" / "router.py")


def page(name: str) -> str:
    """A page file for ``AppTest.switch_page`` or ``AppTest.from_file``, by its name."""
    return str(ROOT / "pages" / f"{name}.py")
