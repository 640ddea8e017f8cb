"""The load generator: reading pages off Streamlit's messages, answering, and real visits.

The unit tests build ForwardMsg deltas with Streamlit's own protobuf classes.
The live tests run real servers on loopback: a small form app that echoes
what it received (so every widget kind's wire format is checked end to end),
and BackCare itself, personal and kiosk, under a short bounded load.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from streamlit.proto.ButtonGroup_pb2 import ButtonGroup
from streamlit.proto.Delta_pb2 import Delta
from streamlit.proto.NumberInput_pb2 import NumberInput

from benchmarks.load.person import Habits, Person, banner_title
from benchmarks.load.protocol import Connection, NotLoopback, ProtocolError, require_loopback
from benchmarks.load.runner import (
    LoadError,
    LoadSettings,
    cpu_seconds,
    listening_pids,
    run_load,
)
from benchmarks.load.screen import Screen, Widget
from tests.live_server import serve

T = TypeVar("T")


def run_alone(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on its own event loop in its own thread.

    Playwright's session fixture keeps an event loop running in the main thread once a
    browser test has run, and asyncio.run refuses to start beside it.
    """
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


LEVEL_FORMATS = {"error", "warning", "info", "success"}


# ---- pages built from deltas ---------------------------------------------------------------


def _element(kind: str, **fields) -> Delta:
    delta = Delta()
    getattr(delta.new_element, kind).SetInParent()
    for name, value in fields.items():
        target = getattr(delta.new_element, kind)
        if isinstance(value, list):
            getattr(target, name).extend(value)
        else:
            setattr(target, name, value)
    return delta


def _form(form_id: str) -> Delta:
    delta = Delta()
    delta.add_block.form.form_id = form_id
    return delta


def _step_screen() -> Screen:
    """A questionnaire step as Streamlit draws it: a form with one widget of each kind."""
    screen = Screen()
    screen.apply((0, 0), _element("heading", tag="h1", body="Check your back pain"))
    screen.apply((0, 1), _form("step_pain"))
    screen.apply((0, 1, 0), _element("heading", tag="h3", body="About your pain"))
    screen.apply(
        (0, 1, 1),
        _element("radio", id="r", label="Activity", options=["Running", "Lifting"],
                 form_id="step_pain", default=1),
    )  # fmt: skip
    screen.apply(
        (0, 1, 2),
        _element("number_input", id="n", label="Age", form_id="step_pain", has_min=True,
                 min=5, has_max=True, max=110, data_type=NumberInput.INT),
    )  # fmt: skip
    scale = _element("button_group", id="s", label="Pain now", form_id="step_pain")
    scale.new_element.button_group.options.add(content="0")
    scale.new_element.button_group.options.add(content="1")
    screen.apply((0, 1, 3), scale)
    pills = _element("button_group", id="p", label="Where", form_id="step_pain",
                     click_mode=ButtonGroup.MULTI_SELECT, set_value=True,
                     raw_values=["Neck"])  # fmt: skip
    for option in ("Lower back", "Neck"):
        pills.new_element.button_group.options.add(content=option)
    screen.apply((0, 1, 4), pills)
    screen.apply((0, 1, 5), _element("checkbox", id="c", label="Warmed up", form_id="step_pain"))
    screen.apply(
        (0, 1, 6, 0, 0),
        _element("button", id="back", label="Back", form_id="step_pain",
                 is_form_submitter=True, disabled=True),
    )  # fmt: skip
    screen.apply(
        (0, 1, 6, 1, 0),
        _element("button", id="next", label="Next", form_id="step_pain",
                 is_form_submitter=True, type="primary"),
    )  # fmt: skip
    return screen


def test_a_step_is_read_off_its_deltas_with_the_values_a_browser_would_send():
    screen = _step_screen()
    widgets = {w.id: w for w in screen.widgets()}
    assert [w.kind for w in screen.inputs()] == ["choice", "number", "single", "multi", "checkbox"]
    assert widgets["r"].value == "Lifting"  # the default option
    assert (widgets["n"].minimum, widgets["n"].maximum, widgets["n"].value) == (5, 110, None)
    assert widgets["p"].value == ["Neck"]  # set by the server from session state
    assert widgets["next"].submits_form and widgets["next"].primary
    assert widgets["back"].disabled
    assert screen.forms() == {"step_pain": (0, 1)}
    assert "About your pain" in screen.text((0, 1))
    assert "Check your back pain" not in screen.text((0, 1))


def test_widget_states_carry_each_kind_in_its_own_wire_field():
    screen = _step_screen()
    next_button = next(w for w in screen.widgets() if w.id == "next")
    states = {
        s.id: s for s in screen.widget_states({"n": 40, "s": "1", "c": True}, pressed=next_button)
    }
    assert states["r"].string_value == "Lifting"
    assert states["n"].WhichOneof("value") == "int_value" and states["n"].int_value == 40
    assert list(states["s"].string_array_value.data) == ["1"]
    assert list(states["p"].string_array_value.data) == ["Neck"]
    assert states["c"].bool_value is True
    assert states["next"].trigger_value is True
    assert "back" not in states  # only the pressed button sends a trigger


def test_a_redrawn_block_replaces_everything_under_it_and_exceptions_are_kept():
    screen = _step_screen()
    screen.apply((0, 1), _element("markdown", body="gone"))
    assert screen.inputs() == []
    screen.apply((0, 2), _element("exception", type="ValueError", message="boom"))
    assert screen.exceptions == ["boom"]


def test_the_forward_button_is_found_by_label_then_as_the_last_primary_one():
    person = Person(1)

    def button(label: str, primary: bool = False, disabled: bool = False) -> Widget:
        return Widget(label, "button", label, "f", (0,), primary=primary,
                      submits_form=True, disabled=disabled)  # fmt: skip

    assert person.forward_button([button("Back"), button("Next", True)]).label == "Next"
    assert person.forward_button([button("See my results", True)]).label == "See my results"
    assert person.forward_button([button("Back"), button("Go on", True)]).label == "Go on"
    assert person.forward_button([button("Next", True, disabled=True)]) is None


# ---- answers -------------------------------------------------------------------------------


def _choice(options: tuple[str, ...], wid: str = "q") -> Widget:
    return Widget(wid, "choice", "Question", "f", (0,), options)


def test_warning_questions_are_answered_no_unless_the_person_has_a_warning_sign():
    calm = Person(3, Habits(flag_share=0.0))
    assert calm.answer(_choice(("Yes", "No", "Not sure")), warning=True) == "No"
    assert calm.answer(Widget("c", "checkbox", "Fever", "f", (0,)), warning=True) is False
    multi = Widget("m", "multi", "Any", "f", (0,), ("Chest pain", "Fall"))
    assert calm.answer(multi, warning=True) == []

    flagged = Person(3, Habits(flag_share=1.0))
    questions = [_choice(("Yes", "No", "Not sure"), wid=str(n)) for n in range(5)]
    first = flagged.answers_for(questions, warning=True)
    assert sorted(first.values()) == ["No"] * 4 + ["Yes"]
    # One "yes" per warning form, even when the form comes back.
    assert set(flagged.answers_for(questions, warning=True).values()) == {"No"}
    # A second warning form (the signs of the group answered "yes") gets its own "yes".
    follow_up = [Widget(str(n), "choice", "Sign", "g", (0,), ("Yes", "No")) for n in range(3)]
    assert sorted(flagged.answers_for(follow_up, warning=True).values()) == ["No", "No", "Yes"]


def test_numbers_stay_inside_their_bounds_and_choices_inside_their_options():
    person = Person(7)
    age = Widget("n", "number", "Age", "f", (0,), minimum=5, maximum=110)
    weight = Widget("w", "number", "Weight", "f", (0,), minimum=30.0, maximum=31.0, integer=False)
    pills = Widget("p", "multi", "Where", "f", (0,), ("a", "b", "c"))
    for _ in range(200):
        value = person.answer(age)
        assert isinstance(value, int) and 5 <= value <= 110
        assert 30.0 <= person.answer(weight) <= 31.0
        assert set(person.answer(pills)) <= {"a", "b", "c"}
        assert person.answer(_choice(("x", "y"))) in ("x", "y")


def test_the_same_seed_gives_the_same_person():
    widgets = [_choice(("a", "b", "c"), wid=str(n)) for n in range(10)]
    assert Person(11).answers_for(widgets, False) == Person(11).answers_for(widgets, False)


def test_a_banner_title_is_its_first_line_without_emphasis():
    assert banner_title("**Call 999 now**\n\nWhy: …") == "Call 999 now"


# ---- bounds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://192.0.2.1:8501", "http://10.1.2.3", "ftp://127.0.0.1/", "127.0.0.1:8501"]
)
def test_only_loopback_urls_are_accepted(url: str):
    with pytest.raises(NotLoopback):
        require_loopback(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8501", "http://localhost:1", "http://[::1]:2"])
def test_loopback_urls_pass(url: str):
    require_loopback(url)


def test_settings_out_of_bounds_are_refused_with_one_message():
    with pytest.raises(LoadError, match="users"):
        LoadSettings("http://127.0.0.1:1", users=0).check()
    with pytest.raises(LoadError, match="seconds"):
        LoadSettings("http://127.0.0.1:1", seconds=10_000).check()
    with pytest.raises(LoadError, match="no Streamlit server"):
        run_alone(run_load(LoadSettings("http://127.0.0.1:9", users=1, seconds=1, timeout=2)))


def test_server_processes_are_found_by_port_and_their_cpu_read():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert os.getpid() in listening_pids(listener.getsockname()[1])
    assert cpu_seconds(os.getpid()) > 0


# ---- live servers ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def form_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("form_app") / "server.log"
    with serve(log, script="tests/load/load_form_app.py") as server:
        yield server.url


def test_every_widget_kind_reaches_the_server_as_the_person_chose_it(form_app: str):
    person = Person(5, Habits(flag_share=0.0))
    visit = run_alone(person.visit(form_app))
    assert visit.error is None, visit.error
    assert visit.triage == "success: All done"
    assert visit.reruns == 3  # load, Next, See my results
    assert visit.submit_to_results is not None and visit.submit_to_finished is not None
    received = json.loads(
        next(e.code.code_text for _, e in person.last_screen.elements() if e.HasField("code"))
    )
    given = person.answers_given
    assert received.keys() == given.keys()
    pain = "How bad is the pain?"
    assert received[pain] == int(given[pain])  # the scale's options are numbers on the server
    assert {k: v for k, v in received.items() if k != pain} == {
        k: v for k, v in given.items() if k != pain
    }
    # The warning step was recognised by its title: nothing alarming was reported.
    assert (received["Do you have a fever?"], received["Numbness in both legs"]) == ("No", False)
    assert received["Any of these?"] == []


def test_a_tab_keeps_the_servers_cookies_and_a_missing_file_is_an_error(form_app: str):
    async def tab() -> dict[str, str]:
        async with Connection(form_app) as connection:
            with pytest.raises(ProtocolError, match="404"):
                await connection.get("/media/not-on-this-server.png")
            return connection.cookies

    # The XSRF cookie goes back on the WebSocket; behind a proxy, its affinity cookie too.
    assert "_streamlit_xsrf" in run_alone(tab())


def test_an_exception_in_the_app_ends_the_visit_as_an_app_error(tmp_path: Path):
    env = {"LOAD_FORM_APP_FAIL": "1"}
    with serve(tmp_path / "server.log", env, script="tests/load/load_form_app.py") as server:
        visit = run_alone(Person(1).visit(server.url))
    # The project hides error details from visitors, so the report names only the kind.
    assert visit.error_kind == "app" and "exception" in visit.error
    assert not visit.completed and visit.triage is None


def test_a_page_with_nothing_to_answer_or_press_is_reported_stuck(tmp_path: Path):
    with serve(tmp_path / "server.log", script="benchmarks/hello_page.py") as server:
        settings = LoadSettings(server.url, users=1, seconds=1, warmup=False)
        report = run_alone(run_load(settings))
    assert report.completed == 0 and report.errors.get("stuck", 0) >= 1


def test_two_people_complete_backcare_assessments_without_protocol_errors(tmp_path: Path):
    settings = {"BACKCARE_STORE": str(tmp_path / "store.duckdb")}
    with serve(tmp_path / "server.log", settings) as server:
        report = run_alone(
            run_load(
                LoadSettings(server.url, users=2, seconds=4, wait=(0.2, 0.5)),
                server_pids=[server.process.pid],
            )
        )
    assert report.errors == {}, report.error_samples
    assert report.completed >= 1
    assert set(report.triage_mix) <= LEVEL_FORMATS and report.triage_mix
    assert report.server_cpu_seconds is not None and report.server_cpu_seconds > 0
    assert report.unfinished == 0


def test_a_kiosk_visit_starts_from_the_welcome_screen(tmp_path: Path):
    settings = {"BACKCARE_STORE": str(tmp_path / "store.duckdb"), "BACKCARE_MODE": "kiosk"}
    person = Person(2, Habits(share_rate=1.0))
    with serve(tmp_path / "server.log", settings) as server:
        visit = run_alone(person.visit(server.url))
    assert visit.error is None, visit.error
    assert visit.triage is not None and visit.triage.split(":")[0] in LEVEL_FORMATS
    assert visit.shared
