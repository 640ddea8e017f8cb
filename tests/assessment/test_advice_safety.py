"""Advice carries the caveats that keep it safe, and appears only where it fits (issue 12)."""

from __future__ import annotations

from backcare import assess

STRETCHES = (
    "cat_cow",
    "piriformis_stretch",
    "pelvic_tilt",
    "hamstring_hip_flexor_stretch",
    "bend_and_twist_stretches",
)


def test_every_stretch_says_stop_if_tingling_or_pain_goes_down_a_leg(kb):
    for advice_id in STRETCHES:
        text = kb.advice[advice_id].text
        assert "Stop if you feel tingling, or pain going down a leg." in text, advice_id


def test_ice_and_heat_carry_their_cautions_and_are_not_shown_to_everyone(kb):
    advice = kb.advice["ice_or_heat"]
    assert "do not use heat for the first couple of days" in advice.text
    assert "swollen" in advice.text
    assert "skin that feels numb" in advice.text
    assert not advice.general
    assert "nerve_compression" not in advice.causes and "disc_problem" not in advice.causes
    # A runner whose only cause is the impact of running is not told to use ice or heat.
    runner = assess({"activity": "running", "worn_shoes": True})
    assert "ice_or_heat" not in [a.id for a in runner.comfort_actions]


def test_core_work_is_not_sit_ups_or_twists_and_not_offered_for_a_disc(kb):
    advice = kb.advice["core_strength"]
    assert "sit-up" not in advice.text.lower() and "twist" not in advice.text.lower()
    assert "disc_problem" not in advice.causes


def test_a_disc_problem_is_never_offered_twisting_or_sit_ups(kb):
    result = assess({"known_conditions": ["herniated_disc"]})
    for item in (*result.comfort_actions, *result.prevention_tips):
        text = item.text.lower()
        assert "sit-up" not in text and "spinal twist" not in text, item.id
