"""Browser tests: a live `streamlit run app.py` driven by Debian's Chromium through Playwright.

The server starts once per test session on a free loopback port; every test gets a fresh
browser context (so a fresh Streamlit session). Never run `playwright install` here: the
tests use the system Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
STARTUP_TIMEOUT_S = 30.0
#: Playwright's `expect` waits this long by default in these tests.
EXPECT_TIMEOUT_MS = 10_000

expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/browser/ is a browser test: `-m "not browser"` skips it."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the app on a free port, wait for its health check, yield its base URL."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while not _healthy(f"{base_url}/_stcore/health"):
                if server.poll() is not None or time.monotonic() > deadline:
                    why = (
                        f"exited with code {server.returncode}"
                        if server.poll() is not None
                        else f"did not answer /_stcore/health within {STARTUP_TIMEOUT_S:.0f} s"
                    )
                    pytest.fail(
                        f"streamlit {why}; its output:\n{log_path.read_text(errors='replace')}",
                        pytrace=False,
                    )
                time.sleep(0.1)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


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
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
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
