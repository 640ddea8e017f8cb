"""How a cause's fit and a level's call are put into words."""

from __future__ import annotations

from backcare import assess
from backcare.assessment import presentation
from backcare.assessment.presentation import call_line, fit_words


def test_fit_is_words_about_answers_not_a_percentage():
    result = assess({"activity": "running", "worn_shoes": True, "pain_areas": ["lower_back"]})
    top = result.causes[0]
    assert top.id == "running_impact" and top.matched == 3
    assert fit_words(top) == "Matches 3 of your answers"
    assert "%" not in fit_words(top)
    assert not hasattr(presentation, "percent")
    assert result.to_dict()["causes"][0]["matched"] == 3


def test_the_call_names_the_number_the_level_uses():
    assert call_line(assess({"chest_pain": True}).triage) == "Call 999"
    assert call_line(assess({"fever": True}).triage, "116 117") == "Call 116 117"
    assert call_line(assess({"pain_now": 9}).triage) == ""
