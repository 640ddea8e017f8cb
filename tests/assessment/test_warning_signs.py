"""Each warning sign added or reworded in issue 12, the triage levels' phone and disclaimer,
and the one timeline rule the banner, the advice and the long-lasting sign share."""

from __future__ import annotations

import csv

import pytest

from backcare import assess
from backcare.assessment.knowledge import DATA_DIR
from backcare.assessment.questionnaire import warning_items

NEW_SIGNS = ("between_shoulder_blades", "fracture_risk", "infection_risk")


def _all_no(kb) -> dict:
    return {item: False for item in warning_items(kb)}


@pytest.mark.parametrize("sign", NEW_SIGNS)
def test_each_new_sign_alone_asks_for_a_doctor_today(kb, sign):
    result = assess({**_all_no(kb), sign: True})
    assert result.triage.level == "urgent"
    assert [r.id for r in result.triage.reasons] == [sign]
    assert result.triage.phone == "urgent"
    # Its source is NICE's or the NHS's own page, never one of the web articles.
    kinds = {
        kb.sources[s].kind
        for s in kb.warning_signs[[w.id for w in kb.warning_signs].index(sign)].sources
    }
    assert kinds == {"guideline"}


def test_a_runner_with_sharp_pain_between_the_shoulder_blades_is_not_self_care(kb):
    # Issue 12: this came out as self-care when upper-back pain only counted as posture.
    story = {
        **_all_no(kb),
        "activity": "strength_training",
        "pain_areas": ["upper_back"],
        "pain_feels": ["sharp"],
        "between_shoulder_blades": True,
    }
    assert assess(story).triage.level == "urgent"


def test_the_new_questions_say_what_the_contract_means(kb):
    shoulder = kb.questions["between_shoulder_blades"].text.lower()
    assert "between my shoulder blades" in shoulder
    fracture = (kb.questions["fracture_risk"].text + kb.questions["fracture_risk"].help).lower()
    assert all(w in fracture for w in ("weak bones", "osteoporosis", "steroid", "fall or strain"))
    infection = (kb.questions["infection_risk"].text + kb.questions["infection_risk"].help).lower()
    assert all(w in infection for w in ("immune system", "inject drugs"))


def test_worse_with_cough_asks_about_the_toilet_not_lifting_effort(kb):
    question = kb.questions["worse_with_cough"]
    assert "poo" in question.text
    assert "strain" not in question.text  # a lifter reads "strain" as lifting effort
    assert "lifting does not" in question.help


def test_feeling_unwell_excludes_ordinary_tiredness_after_exercise(kb):
    question = kb.questions["feeling_unwell"]
    assert "exhausted" not in question.text and "weak" not in question.text
    assert "not just tired" in question.text
    assert "tiredness after a hard session does not count" in question.help


def test_each_level_names_its_phone_and_a_disclaimer_that_fits(kb):
    phones = {level.id: level.phone for level in kb.levels.values()}
    assert phones == {
        "emergency": "emergency",
        "urgent": "urgent",
        "see_doctor": "",
        "self_care": "",
    }
    for level in kb.levels.values():
        assert level.disclaimer
        # The action never carries a number: the page adds the one the server is set up with.
        assert not any(ch.isdigit() for ch in level.what_to_do.replace("4 weeks", ""))
    for urgent in ("emergency", "urgent"):
        disclaimer = kb.levels[urgent].disclaimer.lower()
        # Issue 11: "if the pain does not settle, speak to a doctor" contradicted "call now".
        assert "settle" not in disclaimer and "wait" not in disclaimer
        assert "even if the pain eases" in disclaimer


def test_the_result_carries_the_levels_phone_and_disclaimer(kb):
    result = assess({"chest_pain": True})
    assert result.triage.phone == "emergency"
    assert result.triage.disclaimer == kb.levels["emergency"].disclaimer
    data = result.to_dict()["triage"]
    assert data["phone"] == "emergency"
    assert data["disclaimer"] == kb.levels["emergency"].disclaimer
    assert assess({**_all_no(kb)}).to_dict()["triage"]["phone"] == ""


# --- one timeline rule ---------------------------------------------------------------------


def _raw(name: str, key: str) -> dict[str, dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


def test_the_banner_the_advice_and_the_long_lasting_sign_use_one_rule(kb):
    rule = kb.timelines["review_after"]
    # Stated once: the three rows name the rule rather than a number of their own.
    assert "{review_after}" in _raw("triage_levels.csv", "id")["self_care"]["what_to_do"]
    assert "{review_after}" in _raw("advice.csv", "id")["get_checked"]["text"]
    assert _raw("warning_signs.csv", "id")["long_lasting"]["min"] == "{review_after}+1"
    # And they read the same to a person.
    assert rule.words in kb.levels["self_care"].what_to_do
    assert rule.words in kb.advice["get_checked"].text
    long_lasting = next(s for s in kb.warning_signs if s.id == "long_lasting")
    assert rule.words in long_lasting.message
    assert long_lasting.match.min == rule.days + 1
    # "Not better after 4 weeks" starts the day after the rule's last day.
    assert assess({"days_since_onset": rule.days}).triage.level == "self_care"
    assert assess({"days_since_onset": rule.days + 1}).triage.level == "see_doctor"
    # The contract's "over 28 days" is the latest the rule may fire.
    assert rule.days <= 28


def test_no_other_text_sets_a_different_time_to_see_someone(kb):
    texts = [kb.levels[level].what_to_do for level in kb.levels] + [
        a.text for a in kb.advice.values()
    ]
    for text in texts:
        assert "few days" not in text or "next few days" in text, text
        assert "few weeks" not in text, text


def test_severe_pain_stays_a_reason_to_book_not_an_emergency(kb):
    # data/README.md explains why pain 9-10 stays see_doctor; this holds it there.
    for pain in (8, 9, 10):
        result = assess({**_all_no(kb), "pain_now": pain})
        assert result.triage.level == "see_doctor"
        assert [r.id for r in result.triage.reasons] == ["severe_pain"]
