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


def group_radio(at, group):
    """A warning group's Yes/No on step 4, found by its accessible name."""
    from backcare.ui.warning_step import group_label

    return next(r for r in at.radio if r.label == group_label(group))


def answer_warning_signs(at, *, yes: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> None:
    """Step 4 as a person with the signs in ``yes`` answers it: "Yes" for each group holding
    one of them, "No" for the others, none for the groups named in ``skip``. After a Yes,
    "See my results" opens the follow-up page, where each sign is answered (Yes for ``yes``).
    """
    kb = knowledge_base()
    for group in kb.warning_groups:
        if group.id not in skip:
            group_radio(at, group).set_value("yes" if set(group.signs) & set(yes) else "no")
    if not yes:
        return
    next(b for b in at.button if b.label == "See my results").click().run()
    for item in warning_items(kb):
        if item in {s for g in kb.warning_groups if set(g.signs) & set(yes) for s in g.signs}:
            radio = next(r for r in at.radio if r.label == kb.questions[item].text)
            radio.set_value("yes" if item in yes else "no")
