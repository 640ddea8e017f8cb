"""The analysts' password: constant-time comparison and a process-wide back-off."""

from __future__ import annotations

import pytest

from backcare.analytics.access import Throttle, describe_policy, same_secret


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(clock: Clock) -> Throttle:
    return Throttle(free=3, first_wait=2.0, max_wait=60.0, clock=clock)


def test_the_right_password_is_granted(throttle):
    assert throttle.attempt("öpen sesame", "öpen sesame").granted


@pytest.mark.parametrize("given", ["", "open", "open sesame ", "OPEN SESAME", "öpen sesamé"])
def test_anything_else_is_refused(throttle, given):
    assert not throttle.attempt(given, "öpen sesame").granted


def test_comparison_works_for_any_characters():
    assert same_secret("пароль🔑", "пароль🔑")
    assert not same_secret("пароль", "пароль🔑")


def test_waits_double_after_the_free_attempts_up_to_the_ceiling(throttle, clock):
    waits = []
    for _ in range(10):
        verdict = throttle.attempt("wrong", "right")
        waits.append(verdict.wait)
        clock.now += verdict.wait  # wait exactly as long as asked
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 60, 60]


def test_while_waiting_even_the_right_password_is_not_looked_at(throttle, clock):
    for _ in range(4):
        throttle.attempt("wrong", "right")
    assert throttle.waiting() == 2.0
    verdict = throttle.attempt("right", "right")
    assert not verdict.granted and verdict.wait == 2.0
    clock.now += 1.5
    assert throttle.waiting() == 0.5
    clock.now += 0.5
    assert throttle.attempt("right", "right").granted


def test_success_starts_the_count_again(throttle):
    for _ in range(3):
        throttle.attempt("wrong", "right")
    assert throttle.attempt("right", "right").granted
    assert throttle.attempt("wrong", "right").wait == 0


def test_the_policy_is_stated_in_words(throttle):
    text = describe_policy(throttle)
    assert "After 3 wrong passwords" in text and "2 s" in text and "up to 1 minute)" in text
