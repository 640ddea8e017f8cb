"""Browser tests: a live `streamlit run app.py` driven by Debian's Chromium through Playwright.

The server starts once per test session on a free loopback port; every test gets a fresh
browser context (so a fresh Streamlit session). Never run `playwright install` here: the
tests use the system Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _analysts import analysts_settings
from _flow import QuickKiosk
from playwright.sync_api import Page, expect

from tests.live_server import CHROMIUM, CHROMIUM_ARGS, ServerFailed, serve

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
#: Playwright's `expect` waits this long by default in these tests.
EXPECT_TIMEOUT_MS = 10_000

expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/browser/ is a browser test: `-m "not browser"` skips it."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@contextmanager
def _running_app(log_path: Path, settings: dict[str, str]) -> Iterator[str]:
    """Start `streamlit run app.py` with BACKCARE_* settings, wait for health, yield its URL."""
    try:
        with serve(log_path, settings) as server:
            yield server.url
    except ServerFailed as failure:
        pytest.fail(str(failure), pytrace=False)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the app (personal mode) on a free port, wait for its health check, yield its URL."""
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    with _running_app(log_path, {"BACKCARE_MODE": "personal"}) as url:
        yield url


#: Kiosk servers: one that never times out during a test, one that warns after 5 s idle
#: and wipes 3 s later (the countdown is shortened so the idle tests take seconds).
KIOSK_LONG_TIMEOUT_S = 3600
KIOSK_SHORT_TIMEOUT_S = 5
KIOSK_SHORT_WARNING_S = 3


@pytest.fixture(scope="session")
def kiosk_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server in kiosk mode whose idle timeout no test reaches."""
    folder = tmp_path_factory.mktemp("streamlit-kiosk")
    settings = {
        "BACKCARE_MODE": "kiosk",
        "BACKCARE_IDLE_TIMEOUT": str(KIOSK_LONG_TIMEOUT_S),
        "BACKCARE_STORE": str(folder / "store.duckdb"),  # one store file per server process
    }
    with _running_app(folder / "server.log", settings) as url:
        yield url


@pytest.fixture(scope="session")
def kiosk_quick_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A kiosk server that warns after KIOSK_SHORT_TIMEOUT_S idle seconds and wipes
    KIOSK_SHORT_WARNING_S later."""
    folder = tmp_path_factory.mktemp("streamlit-kiosk-quick")
    settings = {
        "BACKCARE_MODE": "kiosk",
        "BACKCARE_IDLE_TIMEOUT": str(KIOSK_SHORT_TIMEOUT_S),
        "BACKCARE_IDLE_WARNING": str(KIOSK_SHORT_WARNING_S),
        "BACKCARE_STORE": str(folder / "store.duckdb"),
    }
    with _running_app(folder / "server.log", settings) as url:
        yield url


@pytest.fixture(scope="session")
def kiosk_quick(kiosk_quick_url: str) -> QuickKiosk:
    """The quick kiosk server with its two lengths, for tests that wait for them."""
    return QuickKiosk(kiosk_quick_url, KIOSK_SHORT_TIMEOUT_S, KIOSK_SHORT_WARNING_S)


@pytest.fixture(scope="session")
def kiosk_fresh_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A kiosk server for one test that must make its very first request."""
    folder = tmp_path_factory.mktemp("streamlit-kiosk-fresh")
    settings = {"BACKCARE_MODE": "kiosk", "BACKCARE_STORE": str(folder / "store.duckdb")}
    with _running_app(folder / "server.log", settings) as url:
        yield url


@dataclass(frozen=True)
class InsightsServer:
    url: str
    password: str


@pytest.fixture(scope="session")
def insights_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InsightsServer]:
    """A personal-mode server with synthetic shared records and an analyst password."""
    folder = tmp_path_factory.mktemp("streamlit-insights")
    password = "browser test password"
    settings = analysts_settings(folder, password, rows=1200, seed=5)
    with _running_app(folder / "server.log", settings) as url:
        yield InsightsServer(url, password)


@pytest.fixture(scope="session")
def base_url(app_url: str) -> str:
    """Contexts resolve relative URLs (`page.goto("/about")`) against the live app.

    Overriding it also keeps pytest-playwright's own fallback `base_url` fixture, which
    pytest 9 flags with a PytestRemovedIn10Warning, from ever running.
    """
    return app_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's Chromium is needed at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": list(CHROMIUM_ARGS),
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def wait_for_app_idle(page: Page, timeout: float = EXPECT_TIMEOUT_MS) -> None:
    """Wait until the browser is connected to the server and no script run is in progress.

    Streamlit 1.67 sets both attributes on the `stApp` element. Right after a click the
    rerun may not have started yet, so callers that expect new content should also wait
    for that content (see the helpers in the test module).
    """
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)


@pytest.fixture
def wait_idle() -> Callable[[Page], None]:
    """The idle helper as a fixture, since test modules cannot import a conftest."""
    return wait_for_app_idle


@pytest.fixture
def app(page: Page, app_url: str) -> Page:
    """A fresh session on the questionnaire, loaded and idle."""
    page.goto(app_url)
    wait_for_app_idle(page)
    expect(page.get_by_text("Step 1 of 4", exact=False)).to_be_visible()
    return page
