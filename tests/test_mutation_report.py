"""`make mutate`'s report: kill rates per module from mutmut's files, and every survivor
named in docs/mutation-survivors.md or the target fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quality import mutation_report

SURVIVED, KILLED, TIMED_OUT, NO_TESTS, NOT_CHECKED = 0, 1, -24, 33, None


def _meta(root: Path, module: str, codes: dict[str, int | None]) -> None:
    path = root / (module + ".meta")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"exit_code_by_key": codes}), "utf-8")


@pytest.fixture
def mutants(tmp_path: Path) -> Path:
    root = tmp_path / "mutants"
    _meta(
        root,
        "backcare/diary/files.py",
        {
            "backcare.diary.files.x_to_csv__mutmut_1": KILLED,
            "backcare.diary.files.x_to_csv__mutmut_2": TIMED_OUT,
            "backcare.diary.files.x_to_csv__mutmut_3": SURVIVED,
            "backcare.diary.files.x_from_csv__mutmut_1": NOT_CHECKED,
        },
    )
    _meta(
        root,
        "backcare/analytics/store/writer.py",
        {"backcare.analytics.store.writer.x_a__mutmut_1": NO_TESTS},
    )
    _meta(
        root,
        "backcare/analytics/store/base.py",
        {"backcare.analytics.store.base.x_b__mutmut_1": KILLED},
    )
    return root


def test_kill_rates_count_timeouts_as_kills_and_untested_code_as_survivors(mutants: Path) -> None:
    counts = mutation_report.tally(mutants)
    assert counts["backcare/diary/files.py"] == {"killed": 2, "survived": 1, "not checked": 1}
    assert counts["backcare/analytics/store/"] == {"killed": 1, "no tests": 1}
    # Not-checked mutants are left out of the rate: 2 of the 3 judged were killed.
    assert mutation_report.rate(counts["backcare/diary/files.py"]) == pytest.approx(200 / 3)
    assert mutation_report.rate(counts["backcare/analytics/store/"]) == 50.0
    table = mutation_report.render(counts)
    assert table.splitlines()[-1].split()[:2] == ["all", "6"]


def test_survivors_are_those_no_test_killed(mutants: Path) -> None:
    assert mutation_report.survivors(mutation_report.exit_codes(mutants)) == [
        "backcare.analytics.store.writer.x_a__mutmut_1",
        "backcare.diary.files.x_to_csv__mutmut_3",
    ]


def test_a_survivor_is_explained_by_its_name_or_a_pattern_in_backquotes() -> None:
    names = ["backcare.a.x_f__mutmut_1", "backcare.a.x_f__mutmut_12", "backcare.b.x_g__mutmut_2"]
    doc = "- `backcare.a.x_f__mutmut_1`: same result.\n- backcare.b.x_g__mutmut_2 (no quotes)"
    assert mutation_report.unexplained(names, doc) == names[1:]
    assert mutation_report.unexplained(names, "`backcare.a.x_f__mutmut_*` and `backcare.b.*`") == []


def test_the_report_fails_and_names_what_is_left_unexplained(
    mutants: Path, tmp_path: Path, capsys
) -> None:
    doc = tmp_path / "survivors.md"
    doc.write_text(
        "## Killed\n- `backcare.analytics.store.writer.x_a__mutmut_1`: by test_x\n"
        "## Explained: diary\n- `backcare.diary.files.x_to_csv__mutmut_3`: the same bytes.\n",
        "utf-8",
    )
    args = ["--mutants", str(mutants), "--explained", str(doc)]
    assert mutation_report.main(args) == 1
    out = capsys.readouterr().out
    assert "1 surviving mutants are not explained" in out
    assert "  backcare.analytics.store.writer.x_a__mutmut_1" in out  # "killed" is no excuse
    assert "x_to_csv__mutmut_3" not in out.split("not explained")[1]

    doc.write_text(
        doc.read_text("utf-8") + "- `backcare.analytics.store.writer.*`: unused.\n", "utf-8"
    )
    assert mutation_report.main(args) == 0
    assert "Every surviving mutant is explained" in capsys.readouterr().out


def test_no_results_say_how_to_get_them(tmp_path: Path, capsys) -> None:
    assert mutation_report.main(["--mutants", str(tmp_path / "none")]) == 1
    assert "run `make mutate`" in capsys.readouterr().err


def test_an_explanation_of_a_killed_or_vanished_mutant_fails_the_report(
    mutants: Path, tmp_path: Path, capsys
) -> None:
    """An edit renumbers its function's mutants: the old names must leave the file with it."""
    explained = (
        "## Explained: all\n"
        "- `backcare.diary.files.x_to_csv__mutmut_3`: the same bytes.\n"
        "- `backcare.analytics.store.writer.x_a__mutmut_1`: unused.\n"
        "- `backcare.diary.files.x_from_csv__mutmut_1`: not in this sample, still there.\n"
    )
    doc = tmp_path / "survivors.md"
    args = ["--mutants", str(mutants), "--explained", str(doc)]
    for stale in (
        "backcare.diary.files.x_to_csv__mutmut_1",  # killed
        "backcare.diary.files.x_to_csv__mutmut_2",  # timed out: a kill too
        "backcare.diary.files.x_to_csv__mutmut_9",  # no such mutant any more
        "backcare.analytics.store.base.*",  # a pattern that matches only kills
        "backcare.gone.*",  # a pattern that matches nothing
    ):
        doc.write_text(explained + f"- `{stale}`: was a survivor.\n", "utf-8")
        assert mutation_report.main(args) == 1, stale
        out = capsys.readouterr().out
        assert f"1 explanations in {doc} excuse no surviving mutant:\n  {stale}\n" in out
        assert "not explained" not in out
    doc.write_text(explained, "utf-8")
    assert mutation_report.main(args) == 0
