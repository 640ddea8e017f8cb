"""When a kiosk session counts as idle, and how long the person has left to say so.

A shared tablet must not show one patient's answers to the next, yet WCAG
2.2.1 asks that nobody loses their work without a warning and at least 20
seconds to keep it. The rule is plain arithmetic on seconds so it is tested
without a browser or a clock: the page measures how long the person has done
nothing and asks this module what to show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from backcare.settings import IDLE_WARNING_SECONDS

Phase = Literal["active", "warning", "expired"]


@dataclass(frozen=True)
class IdleState:
    """What a kiosk shows after a stretch of inactivity."""

    phase: Phase
    #: Whole seconds before the next phase begins: the warning while active, the
    #: wipe while warning (the countdown the person sees), 0 once expired.
    seconds_left: int


def idle_state(
    idle_seconds: float, timeout: int, warning_seconds: int = IDLE_WARNING_SECONDS
) -> IdleState:
    """Active until `timeout`, then a `warning_seconds` countdown, then expired.

    The countdown rounds up, so it never shows 0 while time is still left and
    shows the full warning length the moment the warning appears.
    """
    if timeout <= 0 or warning_seconds <= 0:
        raise ValueError("timeout and warning_seconds must be positive")
    idle = max(0.0, idle_seconds)
    if idle < timeout:
        return IdleState("active", math.ceil(timeout - idle))
    ends = timeout + warning_seconds
    if idle < ends:
        return IdleState("warning", math.ceil(ends - idle))
    return IdleState("expired", 0)


def last_active_after_report(last: float | None, now: float, ago_ms: object) -> float:
    """When the person last did something, given the page's report that its last
    deliberate input (a tap, key, touch or wheel) came ``ago_ms`` milliseconds ago.

    The page repeats that age on every tick, so a report may arrive late (a lost
    tick, a script run going on); it still counts from when the input happened. A
    report only ever moves the mark later, never into the future; one whose age is
    not a number counts as "just now".
    """
    valid = isinstance(ago_ms, int | float) and not isinstance(ago_ms, bool)
    ago = max(0.0, float(ago_ms)) / 1000 if valid and math.isfinite(ago_ms) else 0.0
    reported = now - ago
    return reported if last is None else max(last, reported)
