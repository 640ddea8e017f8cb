"""Where AppTest finds the app: the router script Streamlit runs, and the page files."""

from __future__ import annotations

from pathlib import Path

from backcare.assessment.engine import knowledge_base
from backcare.assessment.questionnaire import warning_items

ROOT = Path(__file__).resolve().parents[2]
#: The script `streamlit run app.py` runs for every page view.
APP = str(ROOT / "backcare" / "ui" / "router.py")


def page(name: str) -> str:
    """A page file for ``AppTest.switch_page`` or ``AppTest.from_file``, by its name."""
    return str(ROOT / "pages" / f"{name}.py")


def no_warning_signs() -> dict[str, bool]:
    """Every warning sign answered "No": what a complete answer set without one holds."""
    return {item: False for item in warning_items(knowledge_base())}


def answer_warning_signs(at, *, yes: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> None:
    """On the warning-sign step: "Yes" for the items in ``yes``, none for ``skip``, else "No"."""
    kb = knowledge_base()
    for item in warning_items(kb):
        if item not in skip:
            radio = next(r for r in at.radio if r.label == kb.questions[item].text)
            radio.set_value("yes" if item in yes else "no")
