"""Hypothesis profiles: "ci" is thorough (what `make test` and CI run), "fast" is for quick
local runs (`make test-fast`, or HYPOTHESIS_PROFILE=fast).

A test's own ``@settings(max_examples=...)`` overrides any profile, so such tests say
``max_examples=examples(N)``: N under "ci" (the triage properties keep their 1500), a
tenth of it under "fast". Loaded by tests/conftest.py before any test module.
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILES = ("ci", "fast")
#: Under "fast", a test's examples are divided by this (never below FAST_MINIMUM).
FAST_DIVISOR = 10
FAST_MINIMUM = 10

settings.register_profile("ci", settings.get_profile("default"))
settings.register_profile("fast", max_examples=FAST_MINIMUM)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in PROFILES:
    raise ValueError(f"HYPOTHESIS_PROFILE={PROFILE!r}: use one of {', '.join(PROFILES)}")
settings.load_profile(PROFILE)


def examples(thorough: int, *, at_least: int = FAST_MINIMUM) -> int:
    """How many examples a property runs: ``thorough`` under "ci", fewer under "fast"."""
    if PROFILE == "ci":
        return thorough
    return min(thorough, max(at_least, thorough // FAST_DIVISOR))
