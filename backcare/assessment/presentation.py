"""Words for numbers: how a cause's score is put to a person."""

from __future__ import annotations

#: Lower bound of each band, highest first, with the words shown for it.
FIT_BANDS: tuple[tuple[float, str], ...] = (
    (0.75, "Strong fit with your answers"),
    (0.5, "Good fit with your answers"),
    (0.25, "Some fit with your answers"),
    (0.0, "Slight fit with your answers"),
)


def fit_label(score: float) -> str:
    """Turn a 0–1 score into words; the bar beside it shows the exact amount."""
    return next(label for floor, label in FIT_BANDS if score >= floor)


def percent(score: float) -> int:
    return round(score * 100)
