"""A clinic's own page embeds BackCare in an iframe (?embed=true), exactly as the README shows.

The clinic page is served by a separate http.server on another port and opened as
http://localhost:…, while the app answers on http://127.0.0.1:…: a different
site, so the browser treats the app as a third-party frame, as it would on a
clinic's real website.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from _flow import Person, answer_by_mouse, app_idle, at_step
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
#: The address the README's snippet uses; the test puts the live app's address in its place.
README_APP = "https://backcare.example-clinic.org"
FRAME_TITLE = "BackCare: check your back pain"


def _readme_snippet() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running at a clinic", 1)[1]
    snippet = re.search(r"```html\n(.*?)```", section, flags=re.DOTALL)
    assert snippet, "the README's clinic section has no ```html snippet"
    return snippet.group(1)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def clinic_page(tmp_path: Path) -> Iterator[callable]:
    """Serve a clinic page holding the README's iframe; return a function of the app URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def page_for(app_url: str) -> str:
        snippet = _readme_snippet().replace(README_APP, app_url)
        (tmp_path / "index.html").write_text(
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            "<title>Riverside clinic</title></head>\n<body><h1>Riverside clinic</h1>\n"
            f"{snippet}</body></html>\n",
            encoding="utf-8",
        )
        return f"http://localhost:{server.server_address[1]}/index.html"

    try:
        yield page_for
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_readme_snippet_embeds_the_app_with_embed_true():
    snippet = _readme_snippet()
    assert f'src="{README_APP}/?embed=true"' in snippet
    assert f'title="{FRAME_TITLE}"' in snippet


@pytest.mark.parametrize("kiosk", [False, True], ids=["personal", "kiosk"])
def test_an_assessment_runs_inside_the_clinics_iframe(
    page: Page, clinic_page, app_url: str, kiosk_url: str, kiosk: bool
) -> None:
    url = kiosk_url if kiosk else app_url
    page.goto(clinic_page(url))
    expect(page.get_by_role("heading", name="Riverside clinic")).to_be_visible()
    frame = page.frame_locator(f'iframe[title="{FRAME_TITLE}"]')
    app_idle(frame)
    if kiosk:
        frame.get_by_role("button", name="Start", exact=True).click()
    at_step(frame, 1)
    # Embedded: no Streamlit header or menu inside the clinic's page (a kiosk has no
    # page menu either; personal mode keeps its own).
    expect(frame.get_by_test_id("stMainMenu")).to_be_hidden()
    if kiosk:
        expect(frame.get_by_test_id("stHeader")).to_be_hidden()
        expect(frame.get_by_test_id("stSidebar")).to_have_count(0)

    answer_by_mouse(frame, page, Person())
    banner = frame.get_by_role("status").filter(has_text="Look after it yourself for now")
    expect(banner).to_be_visible()
    expect(frame.get_by_text("Impact from running").first).to_be_visible()
    if kiosk:
        expect(frame.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
        frame.get_by_role("button", name="Finish").click()
        expect(frame.get_by_role("button", name="Start", exact=True)).to_be_visible()
    # Moving between pages kept the frame in embed mode.
    inner = next(f for f in page.frames if f.url.startswith(url))
    assert "embed=true" in inner.url
