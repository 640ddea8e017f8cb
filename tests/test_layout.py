"""The folders show the architecture: each subsystem imports only what its docstring allows.

Only backcare/ui (with pages/ and app.py) may import Streamlit; the core stays
usable from the command line, the tests and any other front end.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BACKCARE = ROOT / "backcare"
#: What each part of backcare/ may import of backcare/ (besides itself), as its
#: package docstring says. `cli` is the command line over all of them.
MAY_IMPORT = {
    "assessment": {"json_input"},
    "diary": {"assessment", "json_input"},
    "kiosk": {"assessment", "settings"},
    "analytics": {"assessment", "settings", "json_input"},
    "ui": {"assessment", "diary", "kiosk", "analytics", "fhir", "summary", "settings"},
    "summary": {"assessment", "diary"},
    "fhir": {"assessment"},
    "settings": set(),
    "json_input": set(),
    "cli": {"assessment", "analytics", "fhir", "settings", "json_input"},
    "__init__": {"assessment"},
    "__main__": {"cli"},
}


def _modules() -> list[Path]:
    return sorted(BACKCARE.rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _part(path: Path) -> str:
    return path.relative_to(BACKCARE).parts[0].removesuffix(".py")


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_ui_package_imports_streamlit(path: Path) -> None:
    if _part(path) == "ui":
        return
    streamlit = [
        f"line {n}: {name}" for n, name in _imports(path) if name.split(".")[0] == "streamlit"
    ]
    assert not streamlit, f"{path.relative_to(ROOT)} imports Streamlit ({streamlit})"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_each_subsystem_imports_only_what_it_may(path: Path) -> None:
    part = _part(path)
    allowed = MAY_IMPORT[part] | {part}
    wrong = [
        f"line {n}: {name}"
        for n, name in _imports(path)
        if name.startswith("backcare.") and name.split(".")[1] not in allowed
    ]
    assert not wrong, f"{path.relative_to(ROOT)} ({part}) may not import {wrong}"


def test_the_guard_catches_a_streamlit_import(tmp_path: Path) -> None:
    """The walk above would notice a core module that imports Streamlit."""
    module = tmp_path / "sneaky.py"
    module.write_text("import os\nfrom streamlit import session_state\n", encoding="utf-8")
    assert (2, "streamlit") in _imports(module)


def test_every_subsystem_says_what_it_owns_and_may_import() -> None:
    for package in sorted(p.parent for p in BACKCARE.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{package.relative_to(ROOT)} has no docstring"
        if package != BACKCARE:
            assert "May import" in doc, (
                f"{package.relative_to(ROOT)} does not say what it may import"
            )


def test_pages_holds_page_scripts_only() -> None:
    """Every file in pages/ is a page the router can reach; helpers live in backcare/ui."""
    from backcare.ui import page_files

    routed = {v for v in vars(page_files).values() if isinstance(v, Path) and v.suffix == ".py"}
    assert {p for p in (ROOT / "pages").iterdir() if p.name != "__pycache__"} == routed
