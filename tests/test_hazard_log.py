"""The hazard log (data/hazards.csv, docs/clinical-safety.md): every control names a test that
exists, so a control cannot quietly lose the test that proves it."""

from __future__ import annotations

import ast
import csv

import pytest

from tests.readability import ROOT

SEVERITIES = ("catastrophic", "major", "considerable", "significant", "minor")
LIKELIHOODS = ("very high", "high", "medium", "low", "very low")


def _hazards() -> list[dict[str, str]]:
    with (ROOT / "data" / "hazards.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _test_names(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def test_the_log_covers_the_hazards_issue_12_names():
    hazards = " ".join(h["hazard"].lower() for h in _hazards())
    for kind in ("red flag", "over-triage", "unsafe advice", "misleading explanation", "leaked"):
        assert kind in hazards, kind
    assert "lost answer" in hazards


@pytest.mark.parametrize("hazard", _hazards(), ids=lambda h: h["id"])
def test_each_hazard_is_rated_and_its_test_exists(hazard):
    assert hazard["severity"] in SEVERITIES
    assert hazard["likelihood"] in LIKELIHOODS
    assert hazard["cause"] and hazard["control"]
    path, _, name = hazard["test"].partition("::")
    file = ROOT / path
    assert file.is_file(), f"{hazard['id']}: no file {path}"
    assert name in _test_names(file), f"{hazard['id']}: no test {name} in {path}"


def test_the_safety_case_lists_every_hazard_and_the_readme_links_it():
    case = (ROOT / "docs" / "clinical-safety.md").read_text(encoding="utf-8")
    ids = [h["id"] for h in _hazards()]
    assert len(set(ids)) == len(ids)
    for hazard_id in ids:
        assert hazard_id in case, hazard_id
    assert "docs/clinical-safety.md" in (ROOT / "README.md").read_text(encoding="utf-8")
