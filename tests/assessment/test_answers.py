"""Answer validation: everything outside CONTRACT section 1 is refused, naming the item."""

import pytest

from backcare.assessment.answers import InvalidAnswers, facts, validate


def test_valid_answers_come_back_in_questionnaire_order(kb):
    raw = {"pain_feels": ["sharp", "cramp"], "age": 34, "warmed_up": False, "activity": "running"}
    answers = validate(raw, kb.questions)
    assert answers == {
        "activity": "running",
        "age": 34,
        "pain_feels": ("sharp", "cramp"),
        "warmed_up": False,
    }
    assert list(answers) == [q for q in kb.questions if q in raw]


def test_an_empty_object_is_valid_and_means_nothing_answered(kb):
    assert validate({}, kb.questions) == {}


@pytest.mark.parametrize(
    ("raw", "item", "fragment"),
    [
        ({"favourite_colour": "blue"}, "favourite_colour", "not a questionnaire item"),
        ({"age": 4}, "age", "from 5 to 110"),
        ({"age": 111}, "age", "out of range"),
        ({"age": "34"}, "age", "whole number"),
        ({"age": 34.5}, "age", "whole number"),
        ({"age": True}, "age", "whole number"),
        ({"pain_now": 11}, "pain_now", "from 0 to 10"),
        ({"pain_now": -1}, "pain_now", "from 0 to 10"),
        ({"days_since_onset": 3651}, "days_since_onset", "from 0 to 3650"),
        ({"activity": "swimming"}, "activity", "one of stretching, running"),
        ({"activity": ["running"]}, "activity", "one of"),
        ({"warmed_up": "yes"}, "warmed_up", "true or false"),
        ({"warmed_up": 1}, "warmed_up", "true or false"),
        ({"fever": None}, "fever", "true or false"),
        ({"pain_areas": ["neck", "neck"]}, "pain_areas", "appears twice"),
        ({"pain_areas": ["knee"]}, "pain_areas", "unknown value 'knee'"),
        ({"pain_areas": "neck"}, "pain_areas", "list of distinct values"),
        ({"known_conditions": [1]}, "known_conditions", "list of distinct values"),
    ],
)
def test_invalid_answers_name_the_item_and_what_is_allowed(kb, raw, item, fragment):
    with pytest.raises(InvalidAnswers) as caught:
        validate(raw, kb.questions)
    assert caught.value.item == item
    assert str(caught.value).startswith(f"{item}: ")
    assert fragment in str(caught.value)


@pytest.mark.parametrize("raw", [[], "answers", 3, None])
def test_answers_must_be_an_object(kb, raw):
    with pytest.raises(InvalidAnswers, match="JSON object"):
        validate(raw, kb.questions)


def test_facts_flatten_lists_and_type_values_for_sql():
    rows = facts(
        {"age": 40, "warmed_up": False, "activity": "running", "pain_areas": ("neck", "leg")}
    )
    assert rows == [
        ("age", None, 40.0),
        ("warmed_up", "false", None),
        ("activity", "running", None),
        ("pain_areas", "neck", None),
        ("pain_areas", "leg", None),
    ]


_LIST = "a list of distinct values from lower_back, mid_back, upper_back, neck, buttock, leg"


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ({"age": "forty"}, "age: got 'forty'; allowed: a whole number from 5 to 110"),
        ({"pain_now": 12}, "pain_now: 12 is out of range; allowed: a whole number from 0 to 10"),
        (
            {"pain_now": 2**63 - 1},
            "pain_now: 9223372036854775807 is out of range; allowed: a whole number from 0 to 10",
        ),
        (
            {"pain_now": 2**63},
            "pain_now: a number that large is out of range; allowed: a whole number from 0 to 10",
        ),
        (
            {"saddle_numb": True},
            "saddle_numb: not a questionnaire item (did you mean saddle_numbness or leg_numbness?)",
        ),
        ({"zzzz": 1}, "zzzz: not a questionnaire item (see CONTRACT section 1)"),
        (
            {"activity": "swimming"},
            "activity: got 'swimming'; allowed: one of stretching, running, strength_training, "
            "other_exercise",
        ),
        ({"warmed_up": "yes"}, "warmed_up: got 'yes'; allowed: true or false"),
        ({"pain_areas": ["neck", "neck"]}, f"pain_areas: a value appears twice; allowed: {_LIST}"),
        ({"pain_areas": ["knee"]}, f"pain_areas: unknown value 'knee'; allowed: {_LIST}"),
        ({"pain_areas": "neck"}, f"pain_areas: got 'neck'; allowed: {_LIST}"),
        ({"pain_areas": ["neck", 3]}, f"pain_areas: got '[\"neck\", 3]'; allowed: {_LIST}"),
        ([], "answers must be a JSON object keyed by item id"),
    ],
)
def test_each_refusal_is_the_one_line_a_person_reads(kb, raw, line):
    """The whole message, written out: what the CLI prints and a clinic's system logs."""
    with pytest.raises(InvalidAnswers) as caught:
        validate(raw, kb.questions)
    assert str(caught.value) == line


def test_the_bounds_themselves_are_allowed(kb):
    lowest = {"age": 5, "pain_now": 0, "days_since_onset": 0}
    highest = {"age": 110, "pain_now": 10, "days_since_onset": 3650}
    assert validate(lowest, kb.questions) == lowest
    assert validate(highest, kb.questions) == highest


def test_facts_write_yes_as_true_and_keep_whole_numbers_as_numbers():
    rows = facts({"fever": True, "pain_now": 0})
    assert rows == [("fever", "true", None), ("pain_now", None, 0.0)]
