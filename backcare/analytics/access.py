"""The analysts' password: compared in constant time, and slowed down after wrong guesses.

The throttle is per server process, not per browser session: opening a new
session must not buy a guesser a fresh set of tries. After a few free
mistakes every further wrong password doubles the wait before the next try is
even looked at, up to a ceiling; a right password resets it. The cost is that
a guesser can make a real analyst wait too, which is the right way round.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

#: Wrong passwords allowed before any wait.
FREE_ATTEMPTS = 3
FIRST_WAIT_S = 2.0
MAX_WAIT_S = 300.0


@dataclass(frozen=True)
class Verdict:
    granted: bool
    #: Seconds to wait before the next try will be looked at (0 when none).
    wait: float = 0.0


def same_secret(given: str, expected: str) -> bool:
    """Compare in constant time, as bytes so that any characters are fine."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class Throttle:
    """Counts wrong passwords for the whole process and says how long to wait."""

    def __init__(
        self,
        *,
        free: int = FREE_ATTEMPTS,
        first_wait: float = FIRST_WAIT_S,
        max_wait: float = MAX_WAIT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free, self.first_wait, self.max_wait, self.clock = free, first_wait, max_wait, clock
        self._lock = threading.Lock()
        self._failures = 0
        self._next_try = 0.0

    def waiting(self) -> float:
        """Seconds until the next attempt is allowed (0: try now)."""
        with self._lock:
            return max(0.0, self._next_try - self.clock())

    def attempt(self, given: str, expected: str) -> Verdict:
        """Check one password; while a wait is running, refuse without comparing."""
        with self._lock:
            now = self.clock()
            if now < self._next_try:
                return Verdict(False, self._next_try - now)
            if same_secret(given, expected):
                self._failures, self._next_try = 0, 0.0
                return Verdict(True)
            self._failures += 1
            extra = self._failures - self.free
            wait = 0.0 if extra <= 0 else min(self.max_wait, self.first_wait * 2 ** (extra - 1))
            self._next_try = now + wait
            return Verdict(False, wait)


#: The throttle every session of this server process shares.
analysts = Throttle()


def describe_policy(throttle: Throttle = analysts) -> str:
    """The rule in words, for the sign-in form."""
    return (
        f"After {throttle.free} wrong passwords, each further wrong one makes everyone wait "
        f"longer before the next try ({throttle.first_wait:g} s, then twice as long each time, "
        f"up to {_duration(throttle.max_wait)})."
    )


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:g} s"
    minutes = seconds / 60
    return f"{minutes:g} minute" + ("" if minutes == 1 else "s")
