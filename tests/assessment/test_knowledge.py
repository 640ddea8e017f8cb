"""Loading data/: the real files pass, and each kind of mistake is named by file and row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from backcare.assessment import contract
from backcare.assessment.knowledge import KnowledgeError, load


def test_the_knowledge_base_covers_the_contract(kb):
    assert set(contract.CAUSE_IDS) <= set(kb.causes)
    assert set(contract.ITEM_TYPES) <= set(kb.questions)
    assert tuple(kb.levels) == contract.TRIAGE_LEVELS
    for item, values in contract.ITEM_VALUES.items():
        assert set(values) <= set(kb.questions[item].allowed)


def test_every_row_names_a_source(kb):
    rows = [
        *kb.causes.values(),
        *kb.evidence,
        *kb.warning_signs,
        *kb.advice.values(),
        *kb.levels.values(),
    ]
    assert all(row.sources for row in rows)
    assert {s.kind for s in kb.sources.values()} == {"article", "guideline"}


def test_every_cause_has_a_two_to_four_sentence_explanation(kb):
    for cause in kb.causes.values():
        sentences = [s for s in cause.explanation.replace("?", ".").split(". ") if s.strip()]
        assert 2 <= len(sentences) <= 4, cause.id


def test_advice_of_both_kinds_exists_and_some_is_general(kb):
    for kind in ("comfort", "prevention"):
        assert any(a.kind == kind and a.general for a in kb.advice.values())
        assert sum(a.kind == kind for a in kb.advice.values()) >= 8


def _rewrite(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _set(column: str, value: str, row: int = 1):
    """Change one cell of data row ``row`` (1 = first row after the header)."""

    def change(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value

    return change


def _append(values: list[str]):
    return lambda rows: rows.append(values)


BROKEN = [
    # (file, change, expected fragment, spreadsheet row or None)
    ("causes.csv", _set("sources", "no_such_source"), "unknown id 'no_such_source'", 2),
    ("causes.csv", _set("title", ""), "'title' is empty", 2),
    ("causes.csv", _set("id", "muscle_strain", row=2), "appears twice", 3),
    ("evidence.csv", _set("weight", "1.5"), "strictly between 0 and 1", 2),
    ("evidence.csv", _set("weight", "0"), "strictly between 0 and 1", 2),
    ("evidence.csv", _set("weight", "heavy"), "not a number", 2),
    ("evidence.csv", _set("cause", "bad_luck"), "'bad_luck'", 2),
    ("evidence.csv", _set("item", "shoe_size"), "unknown questionnaire item 'shoe_size'", 2),
    (
        "evidence.csv",
        _append(
            [
                "muscle_strain",
                "activity",
                "swimming",
                "",
                "",
                "0.3",
                "generic",
                "x",
                "cramp_article",
            ]
        ),
        "for 'activity' use one of",
        None,
    ),
    (
        "evidence.csv",
        _append(["muscle_strain", "age", "", "1", "200", "0.3", "generic", "x", "cramp_article"]),
        "do not fit inside 5..110",
        None,
    ),
    (
        "evidence.csv",
        _append(["muscle_strain", "age", "old", "", "", "0.3", "generic", "x", "cramp_article"]),
        "leave 'value' empty",
        None,
    ),
    ("warning_signs.csv", _set("level", "panic"), "not one of: emergency", 2),
    ("warning_signs.csv", _set("level", "self_care"), "cannot give the level", 2),
    ("advice.csv", _set("causes", "bad_luck"), "unknown id 'bad_luck'", 2),
    ("advice.csv", _set("general", "maybe"), "not one of: yes, no", 2),
    ("advice.csv", _set("kind", "cure"), "not one of: comfort, prevention", 2),
    ("questions.csv", _set("type", "text"), "not one of: integer", 2),
    ("questions.csv", _set("widget", "slider"), "not one of: radio", 2),
    ("question_options.csv", _set("value", "walking"), "lost the values: stretching", None),
    ("triage_levels.csv", _set("id", "panic"), "levels must be exactly", None),
    ("sources.csv", _set("kind", "rumour"), "not one of: article, guideline", 2),
    ("causes.csv", lambda rows: rows[0].append("extra"), "expected the columns", 1),
    ("evidence.csv", lambda rows: rows[1].pop(), "expected 9 cells, found 8", 2),
    ("evidence.csv", _set("role", "maybe"), "not one of: specific, generic", 2),
    ("evidence.csv", _set("role", "diagnosis"), "only 'known_conditions' answers", 2),
    (
        "evidence.csv",
        _append(
            [
                "muscle_strain",
                "known_conditions",
                "other",
                "",
                "",
                "0.5",
                "diagnosis",
                "x",
                "cramp_article",
            ]
        ),
        "a reported diagnosis must come first",
        None,
    ),
    ("triage_levels.csv", _set("phone", "fax"), "use emergency, urgent or leave it empty", 2),
    ("triage_levels.csv", _set("what_to_do", "Call 999 now."), "holds a phone number", 2),
    ("triage_levels.csv", _set("disclaimer", ""), "'disclaimer' is empty", 2),
    ("triage_levels.csv", _set("how_fast", "In {two_weeks}"), "not a rule in timeline.csv", 2),
    ("timeline.csv", _set("days", "0"), "at least 1", 2),
    ("warning_signs.csv", _set("level", "see_doctor"), "'saddle_numbness' = true must give", None),
    ("questions.csv", _set("widget", "checkbox", row=26), "with the 'yes_or_no' widget", 27),
    ("questions.csv", _set("step", "habits", row=26), "must be in the 'warning_signs' step", 27),
    ("question_conditions.csv", _append(["fever", "activity", "running"]), "always asked", None),
    (
        "question_conditions.csv",
        _append(["activity", "heavy_lifting", "true"]),
        "not asked in a step before 'activity'",
        None,
    ),
    ("question_conditions.csv", _append(["smoker", "age", ""]), "number item 'age'", None),
    ("question_conditions.csv", _set("value", "swimming"), "for 'activity' use one of", 2),
    # A group's "No" answers its signs: each sign in exactly one group, nothing else in one.
    ("warning_groups.csv", _set("signs", "saddle_numbness;fever", row=2), "already in", 3),
    ("warning_groups.csv", _set("signs", "saddle_numbness;activity"), "not a question of", 2),
    ("warning_groups.csv", _set("signs", "saddle_numbness;kidney_pain"), "unknown id", 2),
    ("warning_groups.csv", _set("signs", "saddle_numbness"), "in no group", None),
    ("warning_groups.csv", _set("title", ""), "'title' is empty", 2),
    ("warning_groups.csv", _set("id", "Nerves!"), "lower-case letters", 2),
]


@pytest.mark.parametrize(("name", "change", "fragment", "row"), BROKEN)
def test_a_broken_file_names_file_row_and_problem(data_copy, name, change, fragment, row):
    _rewrite(data_copy / name, change)
    with pytest.raises(KnowledgeError) as caught:
        load(data_copy)
    error = caught.value
    assert fragment in str(error)
    # The first error found is reported; with a row, it is the row we broke.
    if row is not None:
        assert (error.file, error.row) == (name, row)
        assert str(error).startswith(f"{name}, row {row}: ")
    else:
        assert error.file == name


def test_a_missing_contract_cause_is_refused(data_copy):
    def drop_strain(rows):
        rows[:] = [r for r in rows if r[0] != "muscle_strain"]

    _rewrite(data_copy / "causes.csv", drop_strain)
    with pytest.raises(KnowledgeError, match="muscle_strain"):
        load(data_copy)


def test_a_missing_file_is_named(data_copy):
    (data_copy / "advice.csv").unlink()
    with pytest.raises(KnowledgeError, match=r"^advice.csv: file not found"):
        load(data_copy)


def test_binary_junk_is_refused_not_crashed_on(data_copy):
    (data_copy / "causes.csv").write_bytes(b"\xff\xfe\x00junk\x00\x81")
    with pytest.raises(KnowledgeError, match=r"^causes.csv"):
        load(data_copy)


def test_a_cause_without_evidence_is_refused(data_copy):
    def drop(rows):
        rows[:] = [r for r in rows if r[0] != "dehydration"]

    _rewrite(data_copy / "evidence.csv", drop)
    with pytest.raises(KnowledgeError, match="no specific evidence for dehydration"):
        load(data_copy)
