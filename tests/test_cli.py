"""`python -m backcare assess` exactly as CONTRACT section 4 describes it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare import assess
from backcare.cli import main
from backcare.json_input import MAX_LINE
from tests.profiles import examples

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
        ('{"saddle_numbness": true, "saddle_numbness": false}', "'saddle_numbness' appears twice"),
        ('{"age": ' + "4" * 5000 + "}", "5,000 characters is too long"),
        ('{"age": 1e400}', "too large"),
        ('{"age": NaN}', "NaN is not a JSON value"),
        ("[" * 100_000 + "]" * 100_000, "nested more than"),
        ('{"pain_areas": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested more than"),
        ('{"shoe\\nsize": 42}', "shoe\\nsize: not a questionnaire item"),
        ('{"saddle_numb": true}', "(did you mean saddle_numbness or leg_numbness?)"),
        ('{"pain_now": ' + "9" * 90 + "}", "pain_now: a number that large is out of range"),
        ('{"activity": "' + "run\\n" * 100_000 + '"}', "activity: got 'run\\nrun"),
        ('{"pain_areas": ["' + "x" * 10_000_000 + '"]}', "unknown value 'xxxx"),
        ('{"\u202eevil": 1}', "\\u202eevil: not a questionnaire item"),
    ],
)
def test_invalid_answers_exit_2_with_one_line_and_no_stdout(stdin, fragment):
    done = _run("assess", "--answers", "-", stdin=stdin)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert fragment in lines[0]
    assert len(lines[0]) <= len("error: ") + MAX_LINE


def test_a_utf16_or_binary_answers_file_gets_one_line(tmp_path):
    utf16 = tmp_path / "answers.json"
    utf16.write_text(json.dumps(ANSWERS), encoding="utf-16")
    done = _run("assess", "--answers", str(utf16))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "error: answers: this is UTF-16 text; save it as UTF-8 and try again\n"
    binary = tmp_path / "answers.bin"
    binary.write_bytes(b'{"age": "\xff\xfe"}')
    done = _run("assess", "--answers", str(binary))
    assert (done.returncode, done.stdout) == (2, "")
    assert "not UTF-8 text (byte 10 cannot be read)" in done.stderr


def test_assess_never_imports_the_analyst_stack():
    """A clinic calls `assess` once per patient: pandas and pyarrow cost it a second."""
    probe = (
        "import io, sys\n"
        "from backcare.cli import main\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b'{\"age\": 30}'))\n"
        "main(['assess', '--answers', '-'], out=io.StringIO())\n"
        "heavy = ('pandas', 'pyarrow', 'numpy', 'altair', 'streamlit', 'tqdm')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_analyst_commands_still_check_their_arguments(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["export", "--format", "xlsx", "--out", "x"])
    assert stopped.value.code == 2
    assert "invalid choice: 'xlsx' (choose from csv, parquet)" in capsys.readouterr().err


def test_a_missing_file_exits_2(tmp_path):
    done = _run("assess", "--answers", str(tmp_path / "nope.json"))
    assert (done.returncode, done.stdout) == (2, "")
    assert "answers: cannot read" in done.stderr


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


def _in_process(data: bytes) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    code = main(["assess", "--answers", "-"], out=out, err=err, stdin=stdin)
    return code, out.getvalue(), err.getvalue()


def _clean(code: int, out: str, err: str) -> None:
    """Exit 0 with one JSON object, or exit 2 with one short line: nothing else."""
    if code == 0:
        assert err == "" and out.count("\n") == 1
        assert json.loads(out)["triage"]["level"]
    else:
        assert (code, out) == (2, "")
        assert err.count("\n") == 1 and err.startswith("error: ")
        assert len(err) <= len("error: \n") + MAX_LINE


#: Keys that are questionnaire items half of the time, so answers are often partly valid.
_ITEMS = st.sampled_from(["age", "pain_now", "activity", "pain_areas", "fever", "saddle_numbness"])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(_ITEMS | st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=20,
)


@given(_JSON)
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_json_gives_a_result_or_one_clean_line(value):
    _clean(*_in_process(json.dumps(value).encode("utf-8")))


@given(st.binary(max_size=200))
@settings(max_examples=examples(300), deadline=None)
def test_any_bytes_give_a_result_or_one_clean_line(data):
    _clean(*_in_process(data))
