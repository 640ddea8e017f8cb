"""Words for numbers: how a cause's fit is put to a person.

Never a percentage: "84%" reads as an 84% chance, which BackCare cannot know.
"""

from __future__ import annotations

from backcare.assessment.result import RankedCause, Triage

#: The UK's numbers, used where the server's settings name no other.
UK_NUMBERS = {"emergency": "999", "urgent": "111"}

#: Lower bound of each band, highest first, with the words shown for it.
FIT_BANDS: tuple[tuple[float, str], ...] = (
    (0.75, "Strong fit with your answers"),
    (0.5, "Good fit with your answers"),
    (0.25, "Some fit with your answers"),
    (0.0, "Slight fit with your answers"),
)


def fit_label(score: float) -> str:
    """Turn a 0–1 score into words; the bar beside it shows the amount."""
    return next(label for floor, label in FIT_BANDS if score >= floor)


def fit_words(cause: RankedCause) -> str:
    """How many of the person's answers point to it, e.g. "Matches 3 of your answers"."""
    return f"Matches {cause.matched} of your answers"


def call_line(triage: Triage, number: str | None = None) -> str:
    """The call a level's action asks for ("Call 999"), or "" when it names no number.

    ``number`` is the one the server is set up with; the data never holds one.
    """
    if not triage.phone:
        return ""
    return f"Call {number or UK_NUMBERS[triage.phone]}"
