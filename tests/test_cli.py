"""`python -m backcare assess` exactly as CONTRACT section 4 describes it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from backcare import assess
from backcare.cli import main

ROOT = Path(__file__).resolve().parent.parent

ANSWERS = {
    "activity": "stretching",
    "pushed_past_limit": True,
    "onset": "during",
    "pain_feels": ["sharp"],
    "pain_now": 5,
    "age": 30,
}


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backcare", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )


def test_assess_reads_stdin_and_prints_one_json_object():
    done = _run("assess", "--answers", "-", stdin=json.dumps(ANSWERS))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    data = json.loads(done.stdout)
    assert data == json.loads(json.dumps(assess(ANSWERS).to_dict()))
    assert data["triage"]["level"] == "self_care"
    assert data["causes"][0]["id"] == "muscle_strain"


def test_assess_reads_a_file(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"saddle_numbness": True}), encoding="utf-8")
    done = _run("assess", "--answers", str(path))
    assert done.returncode == 0
    assert json.loads(done.stdout)["triage"]["level"] == "emergency"


@pytest.mark.parametrize(
    ("stdin", "fragment"),
    [
        ('{"shoe_size": 42}', "shoe_size: not a questionnaire item"),
        ('{"age": "forty"}', "age: got 'forty'; allowed: a whole number from 5 to 110"),
        ('{"pain_now": 12}', "pain_now: 12 is out of range"),
        ('{"pain_areas": ["neck", "neck"]}', "pain_areas: a value appears twice"),
        ('{"onset": "yesterday"}', "onset: got 'yesterday'"),
        ('{"age": 40,', "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ("", "not valid JSON"),
    ],
)
def test_invalid_answers_exit_2_with_one_line_and_no_stdout(stdin, fragment):
    done = _run("assess", "--answers", "-", stdin=stdin)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert fragment in lines[0]


def test_a_missing_file_exits_2(tmp_path):
    done = _run("assess", "--answers", str(tmp_path / "nope.json"))
    assert (done.returncode, done.stdout) == (2, "")
    assert "cannot read answers" in done.stderr


def test_main_can_be_called_in_process(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"fever": True})))
    assert main(["assess", "--answers", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["triage"]["level"] == "urgent"


def test_partial_answers_are_accepted_and_the_json_names_the_unanswered_warning_signs():
    from backcare.assessment.engine import knowledge_base
    from backcare.assessment.questionnaire import warning_items

    done = _run("assess", "--answers", "-", stdin=json.dumps({"fever": False, "age": 40}))
    assert done.returncode == 0, done.stderr
    triage = json.loads(done.stdout)["triage"]
    assert triage["level"] == "self_care"  # only signs that fired set the level
    expected = [item for item in warning_items(knowledge_base()) if item != "fever"]
    assert triage["unanswered_warning_signs"] == expected
    assert "fracture_risk" in expected
