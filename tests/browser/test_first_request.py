"""The very first request to a freshly started server shows no menu of files, in either mode.

Streamlit's legacy rule for a script with a `pages/` folder beside it would, until
the first routed run, show a menu of every file in that folder ("diary",
"insights", "kiosk"…) for about a second — on a shared kiosk too. Each URL below
is the first request its own fresh server gets; the DOM and the tab title are
read every 50 ms for 5 s.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.live_server import serve

ROOT = Path(__file__).resolve().parents[2]
URLS = ("/", "/results", "/diary", "/insights", "/welcome")
WATCH_S, EVERY_S = 5.0, 0.05
#: On a busy machine a page may take longer to load: watch on until each has (at most this).
LOAD_LIMIT_S = 30.0
#: Every page title the app itself may show in personal mode's menu.
PERSONAL_MENU = {"Check your back", "Results", "Pain diary", "About", "Insights"}
#: What a menu of files would say: the name of every Python file a visitor could be shown.
FILE_NAMES = {
    path.stem.lstrip("_").replace("_", " ")
    for pattern in ("pages/*.py", "backcare/ui/**/*.py")
    for path in ROOT.glob(pattern)
} | {"app", "router", "streamlit app"}

_LOOK = """() => ({
  title: document.title,
  links: [...document.querySelectorAll(
      '[data-testid=stSidebarNav] a, [data-testid=stSidebarNavLink], [data-testid=stTopNavLink],'
      + ' nav a, [data-testid=stSidebar] a')]
    .map((el) => el.innerText.trim().split('\\n').pop().trim()),
  sidebar: !!document.querySelector('[data-testid=stSidebar]'),
})"""


def _watch(pages: dict[str, Page]) -> dict[str, list[dict]]:
    """Everything each page showed, polled together for WATCH_S seconds and until each loaded."""
    seen: dict[str, list[dict]] = {url: [] for url in pages}
    start = time.monotonic()
    while True:
        for url, page in pages.items():
            seen[url].append(page.evaluate(_LOOK))
        elapsed = time.monotonic() - start
        loaded = all(_ours(looks[-1]["title"]) for looks in seen.values())
        if elapsed >= LOAD_LIMIT_S or (elapsed >= WATCH_S and loaded):
            return seen
        time.sleep(EVERY_S)


def _ours(title: str) -> bool:
    """A title the app sets: "BackCare", or a page's own that ends in it ("Step 1 of 4: …")."""
    return title == "BackCare" or title.endswith(" · BackCare")


def _file_names_in(text: str) -> set[str]:
    return {name for name in FILE_NAMES if text.strip().lower() == name}


@pytest.mark.parametrize("mode", ["kiosk", "personal"])
def test_no_menu_or_file_name_on_a_fresh_servers_first_request(
    browser: Browser, tmp_path: Path, mode: str
) -> None:
    with ExitStack() as stack:
        pages = {}
        for number, url in enumerate(URLS):
            folder = tmp_path / str(number)
            folder.mkdir()
            settings = {"BACKCARE_MODE": mode, "BACKCARE_STORE": str(folder / "store.duckdb")}
            server = stack.enter_context(serve(folder / "server.log", settings))
            page = stack.enter_context(browser.new_context()).new_page()
            page.goto(server.url + url, wait_until="commit")  # the server's first request
            pages[url] = page
        seen = _watch(pages)

    for url, looks in seen.items():
        assert len(looks) >= 10, f"{url}: too few looks to say anything"
        titles = {look["title"] for look in looks}
        assert not {t for t in titles if _file_names_in(t)}, f"{url}: the tab showed {titles}"
        links = {text for look in looks for text in look["links"]}
        if mode == "kiosk":
            assert not links, f"{url}: a kiosk showed the links {links}"
            assert not any(look["sidebar"] for look in looks), f"{url}: a kiosk showed a sidebar"
        else:
            assert links <= PERSONAL_MENU, f"{url}: the menu showed {links - PERSONAL_MENU}"
        # The app did draw something in those 5 s: we were not looking at a blank page.
        assert any(_ours(t) for t in titles), f"{url}: the page never loaded ({titles})"


def test_the_watch_would_see_a_menu_of_files() -> None:
    """The names the test looks for are the files' own, as the legacy menu would show them."""
    assert {"diary", "insights", "kiosk", "welcome", "browser storage"} <= FILE_NAMES
    assert _file_names_in(" diary ") == {"diary"}
    assert not _file_names_in("Pain diary")
