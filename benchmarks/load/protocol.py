"""One browser tab's conversation with a Streamlit server, without a browser.

What Streamlit 1.67's frontend does, and so what this does:
- HTTP first: the page (`/`), then `/_stcore/health` and `/_stcore/host-config`,
  keeping the cookies they set (Streamlit's `_streamlit_xsrf`, and whatever a
  sticky proxy in front adds), so the WebSocket reaches the same server.
- `/_stcore/stream` with the subprotocols `streamlit`, the XSRF cookie's value
  (or `PLACEHOLDER_AUTH_TOKEN`) and, on a reconnect only, the old session id.
- Each rerun is a `BackMsg.rerun_script` carrying a `ClientState`: the widget
  states, the current page's script hash (empty on the first load, with the
  URL's page name instead), and the hashes of the cacheable ForwardMsgs it
  holds, which the server then sends as `ref_hash` only.
- A run ends with `script_finished`; a run cut short for a rerun (a page
  switch, `st.rerun`) finishes "early" and another run follows, and fragment
  runs (`st.fragment(run_every=…)`, re-requested by the browser on a timer)
  finish with their own status and never end a full run.

Only loopback addresses are accepted: this is a load generator, and it must
not be pointed at somebody else's server by a typo.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from benchmarks.load.screen import Screen

XSRF_COOKIE = "_streamlit_xsrf"
NO_XSRF_TOKEN = "PLACEHOLDER_AUTH_TOKEN"
#: The pages a browser asks for before it opens the WebSocket.
HTTP_BEFORE_STREAM = ("/", "/_stcore/health", "/_stcore/host-config")
_FULL_RUN_ENDS = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}

#: Called with each new element of the run being waited for; True marks its time.
Watch = Callable[[Element], bool]


class ProtocolError(RuntimeError):
    """The server broke the conversation: closed, timed out, or sent what a browser rejects."""


class NotLoopback(ValueError):
    """The URL names a host outside this machine."""


def require_loopback(url: str) -> None:
    """Refuse any URL whose host is not (or does not resolve only to) a loopback address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotLoopback(f"{url!r} is not an http:// URL with a host")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise NotLoopback(f"{parts.hostname!r} does not resolve: {exc}") from None
    outside = {info[4][0] for info in infos if not ipaddress.ip_address(info[4][0]).is_loopback}
    if outside:
        raise NotLoopback(
            f"{parts.hostname} resolves to {', '.join(sorted(outside))}: "
            "the load generator only talks to this machine (127.0.0.1, ::1, localhost)"
        )


@dataclass(frozen=True)
class Run:
    """What one rerun request brought back, with perf_counter times."""

    sent_at: float
    finished_at: float
    #: When the watched element arrived (None if it never did).
    watched_at: float | None

    @property
    def seconds(self) -> float:
        return self.finished_at - self.sent_at


@dataclass
class _Pending:
    sent_at: float
    done: asyncio.Future
    watch: Watch | None
    watched_at: float | None = None


class Connection:
    """A browser tab: HTTP with cookies, then one WebSocket session, one rerun at a time."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        require_loopback(base_url)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.screen = Screen()
        self.page_script_hash = ""
        #: The favicon's server-relative URL once a page config named one.
        self.favicon: str | None = None
        #: Cookies the server (or a proxy in front of it) set, sent back as a browser would.
        self.cookies: dict[str, str] = {}
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._pending: _Pending | None = None
        self._cache: dict[str, ForwardMsg] = {}
        self._failure: ProtocolError | None = None
        self._auto_reruns: dict[str, asyncio.Task] = {}
        self._intervals: dict[str, float] = {}
        self._sending = asyncio.Lock()

    # ---- opening and closing -------------------------------------------------------------

    async def open(self) -> None:
        """Load the page over HTTP as a browser does, then open the stream."""
        for path in HTTP_BEFORE_STREAM:
            await self.get(path)
        parts = urlsplit(self.base_url)
        stream_url = parts._replace(scheme="wss" if parts.scheme == "https" else "ws").geturl()
        try:
            self._ws = await asyncio.wait_for(
                connect(
                    f"{stream_url}/_stcore/stream",
                    subprotocols=["streamlit", self.cookies.get(XSRF_COOKIE) or NO_XSRF_TOKEN],
                    origin=self.base_url,
                    additional_headers={"Cookie": self._cookie_header()} if self.cookies else None,
                    max_size=None,
                    compression=None,
                    open_timeout=None,
                ),
                self.timeout,
            )
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            raise ProtocolError(f"the WebSocket did not open: {exc!r}") from exc
        if self._ws.subprotocol != "streamlit":
            raise ProtocolError(f"server chose subprotocol {self._ws.subprotocol!r}")
        self._reader = asyncio.create_task(self._read())

    async def get(self, path: str) -> bytes:
        """One HTTP GET with this tab's cookies; returns the raw body, keeps the cookies set.

        Plain asyncio streams rather than a thread per request, so hundreds of
        people can load pages at once; a status other than 200 is a protocol error.
        """
        parts = urlsplit(self.base_url)
        secure = parts.scheme == "https"
        cookie = self._cookie_header()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n"
            "Accept-Encoding: gzip\r\nUser-Agent: backcare-load\r\n"
            + (f"Cookie: {cookie}\r\n" if cookie else "")
            + "\r\n"
        )
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    parts.hostname,
                    parts.port or (443 if secure else 80),
                    ssl=ssl.create_default_context() if secure else None,
                ),
                self.timeout,
            )
            try:
                writer.write(request.encode("latin-1"))
                await writer.drain()
                raw = await asyncio.wait_for(reader.read(), self.timeout)
            finally:
                writer.close()
        except (OSError, TimeoutError) as exc:
            raise ProtocolError(f"GET {path} failed: {exc!r}") from exc
        head, _, body = raw.partition(b"\r\n\r\n")
        status, *headers = head.decode("latin-1").split("\r\n")
        if status.split(" ")[1:2] != ["200"]:
            raise ProtocolError(f"GET {path} answered {status!r}")
        for line in headers:
            name, _, value = line.partition(":")
            if name.strip().lower() == "set-cookie":
                key, _, rest = value.strip().partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return body

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    async def close(self) -> None:
        for task in self._auto_reruns.values():
            task.cancel()
        self._auto_reruns.clear()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def __aenter__(self) -> Connection:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # ---- reruns --------------------------------------------------------------------------

    async def rerun(self, widgets: list[WidgetState], *, watch: Watch | None = None) -> Run:
        """Send one rerun request and wait until the full run it starts has finished."""
        if self._failure is not None:
            raise self._failure
        if self._pending is not None:
            raise RuntimeError("one rerun at a time, as a browser waits for its script")
        loop = asyncio.get_running_loop()
        pending = _Pending(time.perf_counter(), loop.create_future(), watch)
        self._pending = pending
        try:
            await self._send_rerun(widgets)
            pending.sent_at = time.perf_counter()
            try:
                await asyncio.wait_for(asyncio.shield(pending.done), self.timeout)
            except TimeoutError:
                raise ProtocolError(
                    f"no script_finished within {self.timeout:.0f} s of a rerun request"
                ) from None
            return Run(pending.sent_at, pending.done.result(), pending.watched_at)
        finally:
            self._pending = None

    async def _send_rerun(
        self, widgets: list[WidgetState], *, fragment_id: str = "", auto: bool = False
    ) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.widget_states.widgets.extend(widgets)
        state.page_script_hash = self.page_script_hash
        # The first load names the page by URL path; later ones by script hash.
        state.page_name = ""
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        state.cached_message_hashes.extend(self._cache)
        state.context_info.timezone = "UTC"
        state.context_info.timezone_offset = 0
        state.context_info.locale = "en-GB"
        state.context_info.url = self.base_url + "/"
        state.context_info.is_embedded = False
        state.context_info.color_scheme = "light"
        if self._ws is None:
            raise ProtocolError("rerun before the WebSocket was opened")
        try:
            async with self._sending:
                await self._ws.send(message.SerializeToString())
        except ConnectionClosed as exc:
            raise ProtocolError(f"the server closed the WebSocket: {exc}") from exc

    async def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        """What the browser's setInterval does for `st.fragment(run_every=…)`."""
        with contextlib.suppress(ProtocolError):  # the reader reports a closed stream
            while self._failure is None:
                await asyncio.sleep(interval)
                await self._send_rerun(
                    self.screen.widget_states(), fragment_id=fragment_id, auto=True
                )

    # ---- reading -------------------------------------------------------------------------

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for data in self._ws:
                if isinstance(data, str):
                    raise ProtocolError("the server sent a text frame; Streamlit sends binary")
                message = ForwardMsg()
                message.ParseFromString(data)
                self._handle(self._resolve(message, data))
        except ConnectionClosed as exc:
            self._fail(ProtocolError(f"the server closed the WebSocket: {exc}"))
        except ProtocolError as exc:
            self._fail(exc)
        else:
            self._fail(ProtocolError("the server ended the WebSocket"))

    def _fail(self, error: ProtocolError) -> None:
        self._failure = error
        if self._pending is not None and not self._pending.done.done():
            self._pending.done.set_exception(error)

    def _resolve(self, message: ForwardMsg, data: bytes) -> ForwardMsg:
        """Keep cacheable messages, and replace a reference with the message it names."""
        if message.WhichOneof("type") == "ref_hash":
            cached = self._cache.get(message.ref_hash)
            if cached is None:
                raise ProtocolError(f"ref_hash {message.ref_hash} names no cached message")
            full = ForwardMsg()
            full.CopyFrom(cached)
            full.metadata.CopyFrom(message.metadata)
            return full
        if message.metadata.cacheable and message.hash:
            self._cache[message.hash] = message
        return message

    def _handle(self, message: ForwardMsg) -> None:
        pending = self._pending
        kind = message.WhichOneof("type")
        if kind == "new_session":
            if not message.metadata.run.fragment_ids:  # a full run draws the page afresh
                self.screen = Screen()
            if message.new_session.page_script_hash:
                self.page_script_hash = message.new_session.page_script_hash
        elif kind == "page_config_changed":
            self.favicon = message.page_config_changed.favicon or self.favicon
        elif kind == "navigation":
            self.page_script_hash = message.navigation.page_script_hash or self.page_script_hash
        elif kind == "delta":
            element = self.screen.apply(tuple(message.metadata.delta_path), message.delta)
            if (
                element is not None
                and pending is not None
                and pending.watch is not None
                and pending.watched_at is None
                and pending.watch(element)
            ):
                pending.watched_at = time.perf_counter()
        elif kind == "auto_rerun":
            self._schedule_auto_rerun(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                self._intervals.pop(fragment_id, None)
                task = self._auto_reruns.pop(fragment_id, None)
                if task is not None:
                    task.cancel()
        elif kind == "session_event" and message.session_event.HasField(
            "script_compilation_exception"
        ):
            self.screen.exceptions.append(
                message.session_event.script_compilation_exception.message
            )
        elif kind == "script_finished" and (
            message.script_finished in _FULL_RUN_ENDS
            and pending is not None
            and not pending.done.done()
        ):
            pending.done.set_result(time.perf_counter())

    def _schedule_auto_rerun(self, fragment_id: str, interval: float) -> None:
        if not fragment_id or interval <= 0 or self._intervals.get(fragment_id) == interval:
            return  # the browser keeps a timer that already has this interval
        old = self._auto_reruns.pop(fragment_id, None)
        if old is not None:
            old.cancel()
        self._intervals[fragment_id] = interval
        self._auto_reruns[fragment_id] = asyncio.create_task(
            self._auto_rerun(fragment_id, interval)
        )
