"""Kiosk mode through Streamlit's AppTest: the flow, the wipe, the idle warning, the URL.

The mode comes from the server's environment; each test sets it, clears the
cached settings, and runs app.py as the server would.
"""

from __future__ import annotations

import ast
import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from backcare.settings import current
from backcare.ui import kiosk as kiosk_module
from tests.kiosk.qr_reading import decode, svg_modules
from tests.ui.app_under_test import APP, answer_warning_signs

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
#: What a session may hold right after a wipe: the activity clock and the welcome buttons.
#: What the welcome screen itself keeps: its buttons, the idle mark and the arrival
#: component's mount (which screen was arrived at; nothing the person entered).
AFTER_WIPE = {"_kiosk_last_active", "kiosk-start", "kiosk-about", "backcare-js-arrival"}
AGE = "How old are you?"
ACTIVITY = "What were you doing when the pain began?"


#: Client options a kiosk run sets for the whole process; restored after each test.
KIOSK_OPTIONS = ("client.toolbarMode", "client.disableDataExport")


@pytest.fixture
def kiosk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("BACKCARE_MODE", "kiosk")
    monkeypatch.setenv("BACKCARE_IDLE_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("BACKCARE_STORE", str(tmp_path / "store.duckdb"))
    saved = {name: config.get_option(name) for name in KIOSK_OPTIONS}
    current.cache_clear()
    yield
    current.cache_clear()
    for name, value in saved.items():
        config.set_option(name, value)


@pytest.fixture
def app(kiosk: None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


class SteppingClock:
    """Each reading is `step` seconds after the last: the person waits that long between
    anything the server does (the full run that marks activity, then the idle watch)."""

    def __init__(self, step: float) -> None:
        self.step, self.now = step, 1_000.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _by_label(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def _press(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def _submit(at: AppTest, label: str) -> None:
    _by_label(at.button, label).click().run()
    assert not at.exception, at.exception


def _complete(at: AppTest) -> None:
    """From the welcome screen to the results of a 47-year-old runner."""
    _press(at, "kiosk-start")
    _by_label(at.radio, ACTIVITY).set_value("running")
    _by_label(at.number_input, AGE).set_value(47)
    _submit(at, "Next")
    _submit(at, "Next")
    _by_label(at.checkbox, "I mostly run on hard surfaces or downhill").check()
    _submit(at, "Next")
    answer_warning_signs(at)
    _submit(at, "See my results")
    assert at.title[0].value == "Your results"


#: The kiosk's idle watch among the page's components (arrival and help text are others).
IDLE_COMPONENT = "backcare_kiosk_idle"


def _texts(at: AppTest) -> str:
    parts = [m.value for m in (*at.markdown, *at.title, *at.header, *at.subheader, *at.caption)]
    parts += [a.value for a in (*at.error, *at.warning, *at.info, *at.success)]
    return "\n".join(parts)


def _watch(at: AppTest) -> dict:
    """What the idle watch told the browser on the last run (the dialog is drawn there)."""
    (watch,) = [c for c in at.get("bidi_component") if c.proto.component_name == IDLE_COMPONENT]
    return json.loads(watch.proto.json)


def _assert_wiped(at: AppTest) -> None:
    assert at.title[0].value == "BackCare"  # the welcome screen
    assert set(at.session_state) <= AFTER_WIPE, set(at.session_state) - AFTER_WIPE
    # A fresh start shows an empty questionnaire.
    _press(at, "kiosk-start")
    assert _by_label(at.number_input, AGE).value is None
    assert _by_label(at.radio, ACTIVITY).value is None
    assert "answers" not in at.session_state or not at.session_state["answers"]


def test_a_kiosk_opens_on_the_welcome_screen(app):
    assert app.title[0].value == "BackCare"
    assert config.get_option("client.toolbarMode") == "minimal"
    assert config.get_option("client.disableDataExport") is True
    assert [b.label for b in app.button] == ["Start", "About BackCare"]
    assert "shared device" in app.info[0].value
    assert "2 minutes without use, after a 20-second warning" in app.info[0].value


@pytest.mark.parametrize(
    "params",
    [
        {"mode": "personal"},
        {"kiosk": "false"},
        {"kiosk": "0"},
        {"embed": "false"},
        {"embed": "true", "mode": "personal"},
        {"BACKCARE_MODE": "personal"},
        {"backcare_mode": "personal", "page": "diary"},
        {"mode": ["personal", "kiosk"]},
    ],
)
def test_no_url_parameter_leaves_kiosk_mode(kiosk, params):
    at = AppTest.from_file(APP, default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert at.title[0].value == "BackCare"
    _press(at, "kiosk-start")
    assert "_kiosk_last_active" in at.session_state  # the idle watch runs
    assert current().kiosk


def test_the_mode_never_comes_from_the_url():
    """No module of the app reads query parameters at all, so none can read the mode there."""
    readers = []
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("backcare/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in (
                "query_params",
                "experimental_get_query_params",
            ):
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not readers, f"query parameters are read in {readers}; the mode must stay env-only"


def test_a_kiosk_result_ends_with_the_summary_code_and_finish(app):
    _complete(app)
    labels = [b.label for b in app.button]
    assert "Finish" in labels
    assert "Start again" not in labels
    assert not any("diary" in label.lower() for label in labels)
    assert "Take your result with you" in [h.value for h in app.header]
    images = app.get("image")
    assert len(images) == 1
    image = images[0].proto.imgs[0]
    # Drawn from a data URL in the page: nothing is stored or served for it.
    assert image.url.startswith("data:image/svg+xml;base64,")
    assert image.alt == "QR code that holds a short summary of your result"
    # The code says what the page says, read by ZXing from the modules of the SVG itself.
    svg = base64.b64decode(image.url.split(",", 1)[1]).decode("utf-8")
    decoded = decode(svg_modules(svg))
    assert decoded == app.get("text")[0].value
    lines = decoded.splitlines()
    assert lines[:2] == ["BackCare result - not a diagnosis", "Look after it yourself for now"]
    assert "Possible explanations: Impact from running" in lines
    side = len(svg_modules(svg))
    assert f'width="{side * kiosk_module.QR_SCALE}"' in svg  # 4 px a module, for phones


def test_finish_wipes_the_session_at_once(app):
    _complete(app)
    assert app.session_state["answers"]["age"] == 47
    # A key some other feature keeps (a draft, a consent flag) must go too.
    app.session_state["another_feature_draft"] = "my back hurts since Tuesday"
    _press(app, "kiosk-finish")
    _assert_wiped(app)


def test_after_the_timeout_the_watch_asks_for_the_warning_and_keeps_the_session(app, monkeypatch):
    _complete(app)
    assert _watch(app)["phase"] == "active"
    monkeypatch.setattr(kiosk_module, "_now", SteppingClock(TIMEOUT + 5))
    app.run()
    watch = _watch(app)
    assert (watch["phase"], watch["seconds_left"]) == ("warning", 15)
    assert app.session_state["answers"]["age"] == 47  # nothing wiped yet
    assert not app.warning  # the dialog is the browser's: no Streamlit element redrawn


def test_the_welcome_screen_states_the_configured_countdown(kiosk, monkeypatch):
    monkeypatch.setenv("BACKCARE_IDLE_WARNING", "30")
    current.cache_clear()
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert "2 minutes without use, after a 30-second warning" in at.info[0].value


def test_when_the_countdown_runs_out_everything_is_wiped(app, monkeypatch):
    _complete(app)
    app.session_state["another_feature_draft"] = "my back hurts since Tuesday"
    monkeypatch.setattr(kiosk_module, "_now", SteppingClock(TIMEOUT + 20))
    app.run()
    monkeypatch.undo()  # the fresh start below runs on the real clock
    _assert_wiped(app)


def test_the_about_page_leads_nowhere_but_back(app):
    _press(app, "kiosk-about")
    assert app.title[0].value == "About BackCare"
    assert "](http" not in _texts(app)
    _press(app, "kiosk-back")
    assert app.title[0].value == "BackCare"


def test_personal_mode_keeps_start_again_and_shows_no_code(monkeypatch, tmp_path):
    monkeypatch.setenv("BACKCARE_MODE", "personal")
    monkeypatch.setenv("BACKCARE_STORE", str(tmp_path / "store.duckdb"))
    current.cache_clear()
    try:
        at = AppTest.from_file(APP, default_timeout=30)
        at.run()
        assert at.title[0].value == "Check your back pain"
        for _ in range(3):
            _submit(at, "Next")
        answer_warning_signs(at)
        _submit(at, "See my results")
        labels = [b.label for b in at.button]
        assert "Start again" in labels and "Finish" not in labels
        assert not at.get("image")
        assert "_kiosk_last_active" not in at.session_state
    finally:
        current.cache_clear()
