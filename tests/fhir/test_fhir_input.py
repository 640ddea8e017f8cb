"""A QuestionnaireResponse (or a Bundle holding one) read back gives the same answers.

Clinics' systems send answers as FHIR; what comes back must be what was sent,
and every way a response can be wrong ends in one message naming what is wrong.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare import InvalidAnswers, assess
from backcare.assessment.answers import validate
from backcare.assessment.engine import knowledge_base
from backcare.fhir import codes
from backcare.fhir.bundle import answers_from_fhir, assessment_bundle
from backcare.fhir.validation import validated
from tests.assessment.strategies import ANSWER_SETS
from tests.fhir.fhir_cases import ANSWERS, AUTHORED, bundle, response
from tests.profiles import examples

KB = knowledge_base()
#: When an assessment can be authored: any time zone, but not year 1 or 9999, where a shift
#: to UTC leaves the calendar.
EARLIEST, LATEST = datetime(2000, 1, 1), datetime(2200, 1, 1)


def _read(resource: dict) -> dict:
    return answers_from_fhir(resource, KB)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWER_SETS, st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=st.timezones()))
def test_answers_survive_the_trip_through_a_bundle(answers, authored):
    result = assess(answers)
    sent = assessment_bundle(result, KB, authored=authored.replace(microsecond=0))
    # What a clinic receives is JSON text; validate it as such, then read it back.
    received = json.loads(json.dumps(sent))
    assert validated(received) == received
    back = _read(received)
    assert validate(back, KB.questions) == result.answers
    assert assess(back).to_dict() == result.to_dict()


def test_a_bare_response_reads_like_the_bundle_that_held_it():
    assert _read(response()) == _read(bundle()) == ANSWERS


def test_items_may_come_flat_instead_of_grouped_by_step():
    resource = response()
    resource["item"] = [item for group in resource["item"] for item in group["item"]]
    assert _read(resource) == ANSWERS


def test_a_list_item_without_answers_is_the_empty_list_and_others_are_unanswered():
    resource = response({"known_conditions": [], "age": 30})
    resource["item"][0]["item"].append({"linkId": "onset", "text": "When did the pain start?"})
    assert _read(resource) == {"age": 30, "known_conditions": []}


def _answer(resource: dict, link_id: str) -> dict:
    return next(
        item for group in resource["item"] for item in group["item"] if item["linkId"] == link_id
    )


def _with(change) -> dict:
    resource = response()
    change(resource)
    return resource


def _set_answer(link_id: str, answer: list):
    return lambda r: _answer(r, link_id).__setitem__("answer", answer)


BROKEN = {
    "unknown item": (
        lambda r: r["item"][0]["item"].append(
            {"linkId": "shoe_size", "answer": [{"valueInteger": 42}]}
        ),
        "shoe_size: not a questionnaire item",
    ),
    "item twice": (
        lambda r: r["item"][0]["item"].append({"linkId": "age", "answer": [{"valueInteger": 3}]}),
        "age: appears twice",
    ),
    "out of range": (_set_answer("age", [{"valueInteger": 140}]), "age: 140 is out of range"),
    "wrong value type": (
        _set_answer("fever", [{"valueString": "yes"}]),
        "fever: got valueString; each answer takes valueBoolean",
    ),
    "boolean given as a number": (
        _set_answer("age", [{"valueInteger": True}]),
        "age: got 'true'; allowed: a whole number",
    ),
    "two answers to a single choice": (
        _set_answer("warmed_up", [{"valueBoolean": True}, {"valueBoolean": False}]),
        "warmed_up: got 2 answers; it takes one",
    ),
    "unknown code": (
        lambda r: _answer(r, "activity")["answer"][0]["valueCoding"].__setitem__("code", "rowing"),
        "activity: got 'rowing'; allowed: one of stretching",
    ),
    "foreign code system": (
        lambda r: _answer(r, "activity")["answer"][0]["valueCoding"].__setitem__(
            "system", "http://snomed.info/sct"
        ),
        f"activity: a Coding from 'http://snomed.info/sct'; answer codes come from "
        f"{codes.ANSWERS_SYSTEM}",
    ),
    "answer on a step group": (
        lambda r: r["item"][0].__setitem__("answer", [{"valueBoolean": True}]),
        "step-pain: a step's group holds items, not answers",
    ),
    "another questionnaire": (
        lambda r: r.__setitem__("questionnaire", "http://example.org/Questionnaire/phq9"),
        "answers 'http://example.org/Questionnaire/phq9', not BackCare's questionnaire",
    ),
    "entered in error": (
        lambda r: r.__setitem__("status", "entered-in-error"),
        "marked entered-in-error",
    ),
    "not FHIR: no status": (
        lambda r: r.pop("status"),
        "not a valid FHIR QuestionnaireResponse: status:",
    ),
    "not FHIR: unknown element": (
        lambda r: r.__setitem__("score", 3),
        "not a valid FHIR QuestionnaireResponse: score: Extra inputs are not permitted",
    ),
    "not FHIR: a bad date": (
        lambda r: r.__setitem__("authored", "yesterday"),
        "not a valid FHIR QuestionnaireResponse: authored:",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_response_is_refused_with_one_line_naming_the_problem(case):
    change, fragment = BROKEN[case]
    with pytest.raises(InvalidAnswers) as caught:
        assess(_read(_with(change)))
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message


def test_a_bundle_must_hold_exactly_one_response():
    two = bundle()
    two["entry"].append({"fullUrl": "urn:uuid:x", "resource": response()})
    none = bundle()
    del none["entry"][0]
    for resource, count in ((two, 2), (none, 0)):
        with pytest.raises(InvalidAnswers, match=f"holds {count} QuestionnaireResponses"):
            _read(resource)


@pytest.mark.parametrize("kind", ["Patient", "Questionnaire", "Nonsense"])
def test_other_resource_types_hold_no_answers(kind):
    with pytest.raises(InvalidAnswers, match=f"a FHIR '{kind}' holds no answers"):
        _read({"resourceType": kind})


def test_a_bundle_with_an_invalid_entry_is_not_fhir():
    broken = bundle()
    broken["entry"][1]["resource"].pop("subject")
    with pytest.raises(
        InvalidAnswers, match=r"not a valid FHIR Bundle: entry\.1\.resource\.subject"
    ):
        _read(broken)


def test_authored_must_carry_a_time_zone():
    with pytest.raises(ValueError, match="time zone"):
        assessment_bundle(assess(ANSWERS), KB, authored=AUTHORED.replace(tzinfo=None))
