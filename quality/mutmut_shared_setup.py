"""A pytest plugin for `make mutate`: credit work done once for many tests to all of them.

mutmut records which functions each test calls and later tries a mutant only against
the tests that called its function. Work done once and shared — test modules calling
``knowledge_base()`` while they are collected, session- or module-scoped fixtures such
as the scorer — is recorded for the first test only, so a mutant of the code that loads
the knowledge base was tried against one test and "survived". This plugin adds such
calls to every test that shares them: the calls made during collection to every test,
those made setting up a wider-scoped fixture to every test that uses the fixture.
Loaded through ``pytest_add_cli_args`` in pyproject.toml; harmless outside mutmut.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

try:
    from mutmut.state import state
except ImportError:  # not under mutmut: nothing to do
    state = None

_at_collection: set[str] = set()
_by_fixture: defaultdict[str, set[str]] = defaultdict(set)


def pytest_collection_finish(session: pytest.Session) -> None:
    if state is not None:
        _at_collection.update(state()._stats)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    if state is None:
        return (yield)
    definitions = getattr(item, "_fixtureinfo", None)
    fresh = [
        name
        for name, defs in (definitions.name2fixturedefs.items() if definitions else ())
        if defs and defs[-1].scope != "function" and defs[-1].cached_result is None
    ]
    before = set(state()._stats)
    try:
        return (yield)
    finally:
        made = set(state()._stats) - before
        for name in fresh:
            _by_fixture[name] |= made
        calls = state()._stats
        calls |= _at_collection
        for name in getattr(item, "fixturenames", ()):
            calls |= _by_fixture.get(name, set())
