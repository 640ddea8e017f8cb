"""`python -m backcare fhir questionnaire`, `assess --format fhir`, and FHIR as `--answers`."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from backcare import assess
from backcare.assessment.engine import knowledge_base
from backcare.fhir.questionnaire import questionnaire
from tests.fhir.fhir_cases import ANSWERS, bundle, response
from tests.imports_probe import loaded_after
from tests.test_cli import _run


def _one_json_line(stdout: str) -> str:
    assert stdout.count("\n") == 1 and stdout.endswith("\n")
    return stdout


def test_fhir_questionnaire_prints_the_questionnaire():
    done = _run("fhir", "questionnaire")
    assert done.returncode == 0, done.stderr
    printed = _one_json_line(done.stdout)
    Questionnaire.model_validate_json(printed)
    assert json.loads(printed) == questionnaire(knowledge_base())


def test_assess_format_fhir_prints_a_valid_bundle_of_answers_and_result(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(ANSWERS), encoding="utf-8")
    done = _run("assess", "--answers", str(path), "--format", "fhir")
    assert done.returncode == 0, done.stderr
    printed = Bundle.model_validate_json(_one_json_line(done.stdout))
    assert [e.resource.get_resource_type() for e in printed.entry] == [
        "QuestionnaireResponse",
        "RiskAssessment",
    ]
    risk = json.loads(done.stdout)["entry"][1]["resource"]
    assert risk["extension"][0]["valueCoding"]["code"] == assess(ANSWERS).triage.level == "urgent"


def test_the_printed_bundle_read_back_gives_the_same_result(tmp_path):
    """A clinic sends back what BackCare printed, and gets the plain result it would have."""
    path = tmp_path / "bundle.json"
    path.write_text(
        _run("assess", "--answers", "-", "--format", "fhir", stdin=json.dumps(ANSWERS)).stdout,
        encoding="utf-8",
    )
    done = _run("assess", "--answers", str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(json.dumps(assess(ANSWERS).to_dict()))


def test_a_questionnaire_response_on_stdin_is_assessed():
    done = _run("assess", "--answers", "-", stdin=json.dumps(response()))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["triage"]["level"] == "urgent"


def _invalid_response() -> str:
    resource = response()
    resource["item"][0]["item"][0]["answer"] = [{"valueString": "jogging"}]  # activity
    return json.dumps(resource)


@pytest.mark.parametrize(
    ("stdin", "fragment", "output"),
    [
        (_invalid_response(), "activity: got valueString; each answer takes valueCoding", "json"),
        (_invalid_response(), "activity: got valueString; each answer takes valueCoding", "fhir"),
        (
            json.dumps({**response(), "status": None}),
            "not a valid FHIR QuestionnaireResponse",
            "json",
        ),
        (json.dumps({"resourceType": "Patient"}), "a FHIR 'Patient' holds no answers", "json"),
        (json.dumps({**bundle(), "entry": []}), "holds 0 QuestionnaireResponses", "json"),
    ],
)
def test_an_invalid_response_exits_2_with_one_line(stdin, fragment, output):
    done = _run("assess", "--answers", "-", "--format", output, stdin=stdin)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert fragment in lines[0]


def test_invalid_plain_answers_with_format_fhir_keep_the_exit_2_rule():
    done = _run("assess", "--answers", "-", "--format", "fhir", stdin='{"pain_now": 12}')
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [
        "error: pain_now: 12 is out of range; allowed: a whole number from 0 to 10"
    ]


def test_an_item_id_with_a_line_break_still_gives_one_line():
    done = _run("assess", "--answers", "-", stdin=json.dumps({"shoe\nsize": 1}))
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1


def test_plain_answers_never_load_the_fhir_models():
    """`assess` stays quick: fhir.resources is imported only on the FHIR paths."""
    statements = (
        "import io\n"
        "from backcare.cli import main\n"
        f"sys.stdin = io.StringIO({json.dumps(json.dumps(ANSWERS))})\n"
        "assert main(['assess', '--answers', '-'], out=io.StringIO()) == 0"
    )
    assert loaded_after(statements, ("fhir", "backcare.fhir.")) == ["backcare.fhir.codes"]
