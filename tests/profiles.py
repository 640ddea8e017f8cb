"""Hypothesis profiles: "ci" is thorough (what `make test` and CI run), "fast" is for quick
local runs (`make test-fast`, or HYPOTHESIS_PROFILE=fast), "mutate" is what `make mutate`
runs against each mutant.

A test's own ``@settings(max_examples=...)`` overrides any profile, so such tests say
``max_examples=examples(N)``: N under "ci" (the triage properties keep their 1500), a
tenth of it under "fast". Loaded by tests/conftest.py before any test module.
"""

from __future__ import annotations

import os

from hypothesis import Phase, settings

PROFILES = ("ci", "fast", "mutate")
#: Under "fast", a test's examples are divided by this (never below FAST_MINIMUM).
FAST_DIVISOR = 10
FAST_MINIMUM = 10

settings.register_profile("ci", settings.get_profile("default"))
settings.register_profile("fast", max_examples=FAST_MINIMUM)
# Against a mutant, a failure is all that counts: shrinking it only spends the time box
# (a failing property shrank for 10+ CPU seconds). No deadline, since two mutants share the
# two cores and a slow example is not a kill; the same examples every run, so a verdict is
# repeatable; nothing saved, so one mutant's failure is not replayed against the next.
settings.register_profile(
    "mutate",
    max_examples=FAST_MINIMUM,
    phases=(Phase.explicit, Phase.generate, Phase.target),
    deadline=None,
    derandomize=True,
    database=None,
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in PROFILES:
    raise ValueError(f"HYPOTHESIS_PROFILE={PROFILE!r}: use one of {', '.join(PROFILES)}")
settings.load_profile(PROFILE)


def examples(thorough: int, *, at_least: int = FAST_MINIMUM) -> int:
    """How many examples a property runs: ``thorough`` under "ci", fewer otherwise."""
    if PROFILE == "ci":
        return thorough
    return min(thorough, max(at_least, thorough // FAST_DIVISOR))
