"""docs/CONTRACT.md: the shared contract word for word plus additions, and every id it
lists (items, values, causes, levels) exists in data/."""

from __future__ import annotations

import re

import pytest

from tests.readability import ROOT

COPY = ROOT / "docs" / "CONTRACT.md"
SHARED = ROOT.parent / "shared" / "CONTRACT.md"
ADDS = "## What this repository adds"


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## ", text, flags=re.MULTILINE)
    return {part.splitlines()[0]: part for part in parts[1:]}


def _tables(text: str) -> list[list[dict[str, str]]]:
    """Every markdown table in text as rows of {header: cell}."""
    tables, lines = [], text.splitlines()
    for n, line in enumerate(lines):
        if n + 1 < len(lines) and line.startswith("|") and re.match(r"\|[-| ]+\|$", lines[n + 1]):
            header = [c.strip() for c in line.strip("|").split("|")]
            rows = []
            for body in lines[n + 2 :]:
                if not body.startswith("|"):
                    break
                cells = [c.strip() for c in body.strip("|").split("|")]
                rows.append(dict(zip(header, cells, strict=True)))
            tables.append(rows)
    return tables


def _ids(cell: str) -> list[str]:
    return re.findall(r"`([a-z_0-9]+)`", cell)


def test_the_copy_is_the_shared_contract_word_for_word_then_additions():
    if not SHARED.is_file():
        pytest.skip(f"no shared contract beside the repository ({SHARED})")
    copy = COPY.read_text(encoding="utf-8")
    assert copy.startswith(SHARED.read_text(encoding="utf-8"))
    assert copy.count(ADDS) == 1


def test_every_item_and_value_the_contract_lists_exists(kb):
    section = _sections(COPY.read_text(encoding="utf-8"))["1. Questionnaire items (answers)"]
    found = 0
    for table in _tables(section):
        for row in table:
            [item] = _ids(row["id"])
            assert item in kb.questions, item
            found += 1
            for value in _ids(row.get("allowed values", "")):
                assert value in kb.questions[item].allowed, (item, value)
    assert found >= 45


def test_every_level_and_sign_of_the_triage_table_exists(kb):
    section = _sections(COPY.read_text(encoding="utf-8"))["2. Triage levels"]
    [table] = _tables(section)
    assert [_ids(row["level"])[0] for row in table] == list(kb.levels)
    for row in table:
        for item in _ids(row["given by"]):
            assert item in kb.questions or any(item in q.allowed for q in kb.questions.values())


def test_every_cause_id_of_section_3_exists(kb):
    section = _sections(COPY.read_text(encoding="utf-8"))["3. Cause ids"]
    causes = _ids(section.split("\n\n", 2)[2])
    assert len(causes) == 19
    assert set(causes) <= set(kb.causes)


def test_the_additions_name_only_what_exists(kb):
    adds = COPY.read_text(encoding="utf-8").split(ADDS, 1)[1]
    causes = _ids(adds.split("**JSON fields**")[0])
    assert causes and set(causes) <= set(kb.causes)
