"""A virtual person: opens BackCare, answers each step of the questionnaire, reads the result.

Nothing here knows the questionnaire. Each screen is read from what the
server sent (see screen.py): the first form with inputs is the current step,
its inputs get values chosen by widget kind, and its forward submit button
("Next", "See my results", else the last primary one) is pressed. A kiosk's
welcome screen is passed with its "Start" button. The visit ends when the
results heading has been drawn with the alert under it (the triage banner).

Answers come from a seeded random generator, so a person is reproducible.
Warning signs are answered "no" (or left unticked) unless this person is one
of the few who has one: then one question on each warning form gets a "yes"
(the group holding their sign, then that sign on the "Which of these?" form that
follows a group's "yes"). Steps are recognised as warning steps by their text
(title, intro, form id).
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from streamlit.proto.Element_pb2 import Element
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.load.protocol import Connection, ProtocolError, Run, Watch
from benchmarks.load.screen import Screen, Widget, alert_format


@dataclass(frozen=True)
class Habits:
    """How virtual people read the app and answer; the defaults fit BackCare's pages."""

    forward_labels: tuple[str, ...] = ("Next", "See my results")
    start_pattern: str = r"^start\b"
    results_heading: str = "Your results"
    warning_pattern: str = r"warning|red.?flag|danger"
    no_pattern: str = r"^no\b"
    yes_pattern: str = r"^yes\b"
    share_pattern: str = r"\bshare\b"
    #: Share of people who report one warning sign.
    flag_share: float = 0.1
    #: Share of people who share an anonymous record at the end.
    share_rate: float = 0.5
    #: Chance that a checkbox is ticked, or a multi-choice option chosen.
    tick_rate: float = 0.3
    #: Seconds a person waits between actions inside a visit (min, max).
    think: tuple[float, float] = (0.0, 0.0)
    #: Reruns after which a visit that has not reached the results is stuck.
    max_actions: int = 40
    #: Submits of one form after which the step is stuck (it keeps coming back).
    max_same_form: int = 3
    #: Fetch the favicon and the results page's images, as a browser does: media files
    #: live in one server's memory, so behind a proxy this checks the stickiness.
    fetch_media: bool = True


class VisitError(Exception):
    """The app did something a person could not get past; ``kind`` groups it in reports."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Visit:
    """One person's visit, with perf_counter times."""

    started_at: float
    finished_at: float
    #: Rerun requests sent (page load, steps, presses).
    reruns: int
    #: From sending the final submit to the message that drew the triage banner.
    submit_to_results: float | None
    #: From the same submit to the end of the results page's run.
    submit_to_finished: float | None
    #: "format: title" of the triage banner, e.g. "success: Look after it yourself for now".
    triage: str | None
    shared: bool = False
    #: "kind: message" when the visit failed.
    error: str | None = None

    @property
    def completed(self) -> bool:
        return self.error is None and self.triage is not None

    @property
    def error_kind(self) -> str | None:
        return None if self.error is None else self.error.split(":", 1)[0]


class Visitor(Protocol):
    async def visit(self, url: str, timeout: float) -> Visit: ...


def banner_title(body: str) -> str:
    """The first line of an alert, without markdown emphasis."""
    first = next((line for line in body.splitlines() if line.strip()), "")
    return first.strip().strip("*").strip()


class Person:
    """One seeded person who completes the questionnaire once per visit."""

    def __init__(self, seed: int, habits: Habits | None = None) -> None:
        self.habits = habits or Habits()
        self.random = random.Random(seed)
        self.flagged = self.random.random() < self.habits.flag_share
        self.shares = self.random.random() < self.habits.share_rate
        #: The warning forms on which this person has already said "yes" once.
        self._flag_given: set[str] = set()
        #: What this person answered, by question label (the last value sent for each).
        self.answers_given: dict[str, Any] = {}
        #: The page as it stood when the results were read (None until then).
        self.last_screen: Screen | None = None

    # ---- answers -------------------------------------------------------------------------

    def _option(self, options: tuple[str, ...], pattern: str) -> str | None:
        return next((o for o in options if re.search(pattern, o.strip(), re.IGNORECASE)), None)

    def answer(self, widget: Widget, *, warning: bool = False, flag: bool = False) -> Any:
        """A value for ``widget``; on a warning question "no" unless ``flag`` (then "yes")."""
        r, h = self.random, self.habits
        if widget.kind == "checkbox":
            return flag or (not warning and r.random() < h.tick_rate)
        if widget.kind == "number":
            return self._number(widget)
        if widget.kind in ("choice", "single"):
            if not widget.options:
                return None
            if flag:
                yes = self._option(widget.options, h.yes_pattern)
                no = self._option(widget.options, h.no_pattern)
                return yes or r.choice([o for o in widget.options if o != no] or widget.options)
            if warning and (no := self._option(widget.options, h.no_pattern)) is not None:
                return no
            return r.choice(widget.options)
        if widget.kind == "multi":
            if flag and widget.options:
                return [r.choice(widget.options)]
            if warning:
                return []
            return [o for o in widget.options if r.random() < h.tick_rate]
        return widget.value

    def _number(self, widget: Widget) -> float:
        around = widget.value if widget.value is not None else 0
        low = widget.minimum if widget.minimum is not None else around - 10
        high = widget.maximum if widget.maximum is not None else around + 10
        if widget.integer:
            return self.random.randint(math.ceil(low), math.floor(high))
        return self.random.uniform(low, high)

    def answers_for(self, inputs: list[Widget], warning: bool) -> dict[str, Any]:
        """Values for one step's inputs; a flagged person says yes to one warning question
        of each warning form (a form shown again gets no second "yes")."""
        flagged = None
        form = inputs[0].form_id if inputs else ""
        if warning and self.flagged and form not in self._flag_given and inputs:
            flagged = self.random.choice(inputs).id
            self._flag_given.add(form)
        values = {w.id: self.answer(w, warning=warning, flag=w.id == flagged) for w in inputs}
        self.answers_given.update({w.label: values[w.id] for w in inputs})
        return values

    # ---- reading screens -----------------------------------------------------------------

    def _matches(self, pattern: str, text: str) -> bool:
        return re.search(pattern, text, re.IGNORECASE) is not None

    def results_banner(self, screen: Screen) -> str | None:
        """ "format: title" of the first alert under the results heading, if drawn."""
        watch = self.banner_watch()
        for _, element in screen.elements():
            if watch(element):
                return f"{alert_format(element)}: {banner_title(element.alert.body)}"
        return None

    def banner_watch(self) -> Watch:
        """A watch for Connection.rerun: true at the first alert after the results heading."""
        heading_seen = False
        wanted = self.habits.results_heading.lower()

        def watch(element: Element) -> bool:
            nonlocal heading_seen
            kind = element.WhichOneof("type")
            if kind == "heading" and element.heading.body.strip().lower() == wanted:
                heading_seen = True
            return heading_seen and kind == "alert"

        return watch

    def forward_button(self, submitters: list[Widget]) -> Widget | None:
        enabled = [w for w in submitters if not w.disabled]
        for label in self.habits.forward_labels:
            for widget in enabled:
                if widget.label.strip().lower() == label.lower():
                    return widget
        primary = [w for w in enabled if w.primary]
        return (primary or enabled or [None])[-1]

    # ---- the visit -----------------------------------------------------------------------

    async def visit(self, url: str, timeout: float = 30.0) -> Visit:
        started = time.perf_counter()
        state = _VisitState()
        try:
            async with Connection(url, timeout=timeout) as conn:
                await self._walk(conn, state)
        except ProtocolError as exc:
            state.error = f"protocol: {exc}"
        except VisitError as exc:
            state.error = f"{exc.kind}: {exc}"
        return Visit(
            started,
            time.perf_counter(),
            state.reruns,
            state.submit_to_results,
            state.submit_to_finished,
            state.triage if state.error is None else None,
            state.shared,
            state.error,
        )

    async def _rerun(
        self,
        conn: Connection,
        state: _VisitState,
        states: list[WidgetState],
        watch: Watch | None = None,
    ) -> Run:
        run = await conn.rerun(states, watch=watch)
        state.reruns += 1
        if conn.screen.exceptions:
            raise VisitError("app", f"the app showed an exception: {conn.screen.exceptions[0]}")
        return run

    async def _think(self) -> None:
        low, high = self.habits.think
        if high > 0:
            await asyncio.sleep(self.random.uniform(low, high))

    async def _walk(self, conn: Connection, state: _VisitState) -> None:
        h = self.habits
        await self._rerun(conn, state, [])  # the page load
        if h.fetch_media and conn.favicon and conn.favicon.startswith("/"):
            await conn.get(conn.favicon)
        answered: set[str] = set()
        submits: Counter[str] = Counter()
        for _ in range(h.max_actions):
            screen = conn.screen
            banner = self.results_banner(screen)
            if banner is not None:
                state.triage = banner
                self.last_screen = screen
                await self._after_results(conn, state)
                return
            await self._think()
            inputs = [w for w in screen.inputs() if not w.disabled]
            loose = [w for w in inputs if not w.form_id and w.id not in answered]
            step = next((f for f in screen.forms() if any(w.form_id == f for w in inputs)), None)
            if loose:  # a widget outside a form reruns the page as soon as it changes
                answered.add(loose[0].id)
                await self._change(conn, state, loose[0])
            elif step is not None:
                submits[step] += 1
                if submits[step] > h.max_same_form:
                    raise VisitError("stuck", f"form {step!r} submitted {h.max_same_form} times")
                await self._submit(conn, state, step, [w for w in inputs if w.form_id == step])
            else:
                await self._press_onward(conn, state)
        raise VisitError("stuck", f"no results after {h.max_actions} actions")

    async def _change(self, conn: Connection, state: _VisitState, widget: Widget) -> None:
        screen = conn.screen
        warning = self._matches(self.habits.warning_pattern, f"{widget.label}\n{screen.text()}")
        value = self.answer(widget, warning=warning)
        self.answers_given[widget.label] = value
        await self._rerun(conn, state, screen.widget_states({widget.id: value}))

    async def _submit(
        self, conn: Connection, state: _VisitState, form_id: str, inputs: list[Widget]
    ) -> None:
        """Answer one step's form and press its forward button."""
        screen = conn.screen
        errors = [body for fmt, body in screen.alerts() if fmt == "error"]
        if errors:
            raise VisitError("app", f"the step shows an error: {banner_title(errors[0])}")
        text = f"{form_id}\n{screen.text(screen.forms()[form_id])}"
        submit = self.forward_button(
            [w for w in screen.widgets() if w.submits_form and w.form_id == form_id]
        )
        if submit is None:
            raise VisitError("stuck", f"form {form_id!r} has no enabled submit button")
        values = self.answers_for(inputs, self._matches(self.habits.warning_pattern, text))
        await self._press(conn, state, screen.widget_states(values, submit))

    async def _press_onward(self, conn: Connection, state: _VisitState) -> None:
        """No step to answer: press "Start", or a forward button that is not in a form."""
        h = self.habits
        labels = {label.lower() for label in h.forward_labels}
        button = self._button(
            conn.screen,
            lambda label: self._matches(h.start_pattern, label) or label.lower() in labels,
        )
        if button is None:
            raise VisitError(
                "stuck", f"nothing to answer or press under {conn.screen.headings()[:2]}"
            )
        await self._press(conn, state, conn.screen.widget_states(pressed=button))

    async def _press(self, conn: Connection, state: _VisitState, states: list[WidgetState]) -> None:
        """A rerun that may lead to the results: time it to the triage banner."""
        run = await self._rerun(conn, state, states, self.banner_watch())
        if run.watched_at is not None:
            state.submit_to_results = run.watched_at - run.sent_at
            state.submit_to_finished = run.seconds

    def _button(self, screen: Screen, wanted: Callable[[str], bool]) -> Widget | None:
        """The first enabled button outside any form whose label is ``wanted``."""
        return next(
            (
                w
                for w in screen.widgets()
                if w.kind == "button" and not w.form_id and not w.disabled and wanted(w.label)
            ),
            None,
        )

    async def _after_results(self, conn: Connection, state: _VisitState) -> None:
        """Load the result's images, then maybe share the anonymous record."""
        if self.habits.fetch_media:
            for url in conn.screen.media_urls():
                await conn.get(url)
        if not self.shares:
            return
        pattern = self.habits.share_pattern
        screen = conn.screen
        box = next(
            (
                w
                for w in screen.inputs()
                if w.kind == "checkbox" and not w.form_id and self._matches(pattern, w.label)
            ),
            None,
        )
        if box is None:
            return  # nothing offered to share
        await self._think()
        if not box.value:
            await self._rerun(conn, state, screen.widget_states({box.id: True}))
        button = self._share_button(conn.screen)
        if button is None:
            raise VisitError("app", "the share button stayed disabled after ticking the box")
        await self._think()
        await self._rerun(conn, state, conn.screen.widget_states(pressed=button))
        if self._share_button(conn.screen) is not None:
            raise VisitError("app", "the record was not confirmed as shared")
        state.shared = True

    def _share_button(self, screen: Screen) -> Widget | None:
        return self._button(screen, lambda label: self._matches(self.habits.share_pattern, label))


@dataclass
class _VisitState:
    reruns: int = 0
    submit_to_results: float | None = None
    submit_to_finished: float | None = None
    triage: str | None = None
    shared: bool = False
    error: str | None = None


class Reloader:
    """The same visit on another app: as many reruns as a person's visit, answering nothing.

    The baseline for "server CPU per visit": a hello-world page rerun as often
    as BackCare is during one assessment, over the same protocol.
    """

    def __init__(self, reruns: int) -> None:
        self.reruns = max(1, reruns)

    async def visit(self, url: str, timeout: float = 30.0) -> Visit:
        started = time.perf_counter()
        done, error, last = 0, None, None
        try:
            async with Connection(url, timeout=timeout) as conn:
                for _ in range(self.reruns):
                    last = await conn.rerun(conn.screen.widget_states())
                    done += 1
        except ProtocolError as exc:
            error = f"protocol: {exc}"
        seconds = None if last is None else last.seconds
        return Visit(
            started,
            time.perf_counter(),
            done,
            seconds,
            seconds,
            "reloaded" if error is None else None,
            error=error,
        )
