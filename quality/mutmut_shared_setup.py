"""A pytest plugin for `make mutate`: credit work done once for many tests to all of them.

mutmut records which functions each test calls and later tries a mutant only against
the tests that called its function. Work done once and shared — test modules calling
``knowledge_base()`` while they are collected, session- or module-scoped fixtures such
as the scorer — is recorded for the first test only, so a mutant of the code that loads
the knowledge base was tried against one test and "survived". This plugin adds such
calls to every test that shares them: the calls made during collection to every test,
those made setting up a wider-scoped fixture to every test that uses the fixture.

It also keeps each module to its own tests (``OWN_TESTS``): the knowledge base is loaded
for every test, so without this a mutant of its loader was tried against all 456 selected
tests, the console's slow subprocess tests among them, and one run took over an hour. A
module is judged by the tests written for it and its subsystem, as a reviewer would; the
Insights tests, which reach suppression through a whole demo store, are left to `make test`.
Loaded through ``pytest_add_cli_args`` in pyproject.toml; harmless outside mutmut.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

try:
    from mutmut.state import state
except ImportError:  # not under mutmut: nothing to do
    state = None

#: Test files (paths from the repository root) and the code whose mutants they are tried
#: against: a mutated function's name starts with one of these prefixes.
OWN_TESTS: dict[str, tuple[str, ...]] = {
    "tests/assessment/": ("backcare.assessment.",),
    "tests/analytics/test_suppression.py": ("backcare.analytics.suppression.",),
    "tests/analytics/test_console": ("backcare.analytics.console.",),
    "tests/analytics/test_store": ("backcare.analytics.store.",),
    "tests/analytics/test_record.py": ("backcare.analytics.store.",),
    "tests/diary/test_diary_files.py": ("backcare.diary.files.",),
}

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


def owned(test_id: str, function: str) -> bool:
    """Whether a mutant of ``function`` is tried against the test ``test_id``."""
    path = test_id.split("::", 1)[0]
    return any(
        path.startswith(tests) and function.startswith(code)
        for tests, codes in OWN_TESTS.items()
        for code in codes
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Before mutmut credits this test with what it called, drop what it does not own."""
    if state is None:
        return
    calls = state()._stats
    for function in [f for f in calls if not owned(item.nodeid, f)]:
        calls.discard(function)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the PostgreSQL cases (a cluster per mutant is minutes; `make test` runs
    them). Not by ``-k "not postgres"``: that also dropped every test whose parameters
    name a ``postgresql://`` URL, and with them the only tests of is_url and describe."""
    if state is None:
        return
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("backend") == "postgres"
        (dropped if on_postgres or "postgres" in item.fixturenames else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
