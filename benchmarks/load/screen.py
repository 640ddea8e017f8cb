"""What a page shows after a run, rebuilt from the server's Delta messages.

A browser draws each `Delta` at its `delta_path`; this keeps the same tree as
plain protobufs and reads widgets, headings, alerts and forms off it, so a
virtual person can find its way through pages it has never seen. Widgets are
recognised by their element kind, never by id or label, and report the value
a browser would send for them: what the server set (`set_value`), else the
default.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.Block_pb2 import Block
from streamlit.proto.ButtonGroup_pb2 import ButtonGroup
from streamlit.proto.Delta_pb2 import Delta
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState

Path = tuple[int, ...]
#: Widget kinds: "choice" (radio, selectbox: one option), "single" (segmented control,
#: single pills), "multi" (pills, multiselect), "number", "checkbox", "button".
INPUT_KINDS = ("choice", "single", "multi", "number", "checkbox")


@dataclass(frozen=True)
class Widget:
    """One widget as the browser knows it: enough to choose a value and send it back."""

    id: str
    kind: str
    label: str
    form_id: str
    path: Path
    options: tuple[str, ...] = ()
    #: The value the browser would report now (None: empty).
    value: Any = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    primary: bool = False
    submits_form: bool = False
    disabled: bool = False

    def state(self, value: Any) -> WidgetState:
        """The WidgetState a browser sends for this widget holding ``value``."""
        state = WidgetState(id=self.id)
        if value is None:
            return state
        if self.kind == "choice":
            state.string_value = value
        elif self.kind in ("single", "multi"):
            state.string_array_value.data.extend([value] if self.kind == "single" else value)
        elif self.kind == "number":
            if self.integer:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
        elif self.kind == "checkbox":
            state.bool_value = bool(value)
        elif self.kind == "button":
            state.trigger_value = bool(value)
        return state


def alert_format(element: Element) -> str:
    """ "error", "warning", "info" or "success": the kind of st.error/st.warning/… box."""
    return Alert.Format.Name(element.alert.format).lower()


def _chosen(proto: Any, options: tuple[str, ...]) -> list[str]:
    """The options picked in a several-options widget: as the server set them, else defaults."""
    if proto.set_value:
        return list(proto.raw_values)
    return [options[i] for i in proto.default if i < len(options)]


def _widget(path: Path, element: Element) -> Widget | None:
    kind = element.WhichOneof("type")
    if kind in ("radio", "selectbox"):
        proto = getattr(element, kind)
        options = tuple(proto.options)
        value = None
        if proto.HasField("raw_value"):
            value = proto.raw_value
        elif proto.HasField("default") and 0 <= proto.default < len(options):
            value = options[proto.default]
        return Widget(
            proto.id, "choice", proto.label, proto.form_id, path, options, value,
            disabled=proto.disabled,
        )  # fmt: skip
    if kind == "button_group":
        group = element.button_group
        options = tuple(option.content for option in group.options)
        chosen = _chosen(group, options)
        multi = group.click_mode == ButtonGroup.MULTI_SELECT
        value: Any = chosen if multi else (chosen[0] if chosen else None)
        return Widget(
            group.id, "multi" if multi else "single", group.label, group.form_id, path,
            options, value, disabled=group.disabled,
        )  # fmt: skip
    if kind == "multiselect":
        select = element.multiselect
        options = tuple(select.options)
        return Widget(
            select.id, "multi", select.label, select.form_id, path, options,
            _chosen(select, options),
            disabled=select.disabled,
        )  # fmt: skip
    if kind == "number_input":
        number = element.number_input
        value = None
        if number.HasField("value"):
            value = number.value
        elif number.HasField("default"):
            value = number.default
        return Widget(
            number.id, "number", number.label, number.form_id, path,
            value=value,
            minimum=number.min if number.has_min else None,
            maximum=number.max if number.has_max else None,
            integer=number.data_type == NumberInput.INT,
            disabled=number.disabled,
        )  # fmt: skip
    if kind == "checkbox":
        box = element.checkbox
        value = box.value if box.set_value else box.default
        return Widget(
            box.id, "checkbox", box.label, box.form_id, path, value=value, disabled=box.disabled
        )
    if kind == "button":
        button = element.button
        return Widget(
            button.id, "button", button.label, button.form_id, path,
            primary=button.type == "primary",
            submits_form=button.is_form_submitter,
            disabled=button.disabled,
        )  # fmt: skip
    return None


class Screen:
    """The elements and blocks of the page as the current run has drawn them."""

    def __init__(self) -> None:
        self.nodes: dict[Path, Element | Block] = {}
        #: Exceptions the app showed (Element.exception) or that stopped it compiling.
        self.exceptions: list[str] = []

    def apply(self, path: Path, delta: Delta) -> Element | None:
        """Draw one Delta; returns the element it added, if any."""
        kind = delta.WhichOneof("type")
        if kind not in ("new_element", "add_block"):
            return None  # transient elements (toasts, spinners) are not part of the page
        if path in self.nodes:  # a redraw (a fragment rerun) replaces the whole subtree
            for old in [p for p in self.nodes if p[: len(path)] == path]:
                del self.nodes[old]
        if kind == "add_block":
            self.nodes[path] = delta.add_block
            return None
        element = delta.new_element
        self.nodes[path] = element
        if element.WhichOneof("type") == "exception":
            self.exceptions.append(element.exception.message or element.exception.type)
        return element

    def elements(self, under: Path = ()) -> Iterator[tuple[Path, Element]]:
        """Elements in page order, optionally only those inside the block at ``under``."""
        for path in sorted(self.nodes):
            node = self.nodes[path]
            if isinstance(node, Element) and path[: len(under)] == under:
                yield path, node

    def widgets(self) -> list[Widget]:
        found = (_widget(path, element) for path, element in self.elements())
        return [w for w in found if w is not None]

    def inputs(self) -> list[Widget]:
        return [w for w in self.widgets() if w.kind in INPUT_KINDS]

    def widget_states(
        self, values: dict[str, Any] | None = None, pressed: Widget | None = None
    ) -> list[WidgetState]:
        """All widget states a browser sends with a rerun, with ``values`` changed and a press."""
        values = values or {}
        states = [w.state(values.get(w.id, w.value)) for w in self.inputs()]
        if pressed is not None:
            states.append(pressed.state(True))
        return states

    def forms(self) -> dict[str, Path]:
        """Form id → the path of its block, in page order."""
        return {
            node.form.form_id: path
            for path, node in sorted(self.nodes.items())
            if isinstance(node, Block) and node.WhichOneof("type") == "form"
        }

    def text(self, under: Path = ()) -> str:
        """The readable text (headings, markdown, progress, alerts) inside a block."""
        parts = []
        for _, element in self.elements(under):
            kind = element.WhichOneof("type")
            if kind in ("heading", "markdown", "alert"):
                parts.append(getattr(element, kind).body)
            elif kind == "progress":
                parts.append(element.progress.text)
        return "\n".join(parts)

    def headings(self) -> list[str]:
        return [e.heading.body for _, e in self.elements() if e.WhichOneof("type") == "heading"]

    def alerts(self) -> list[tuple[str, str]]:
        """(format, body) of each alert in page order; format is "error", "success"…"""
        return [
            (alert_format(e), e.alert.body)
            for _, e in self.elements()
            if e.WhichOneof("type") == "alert"
        ]

    def media_urls(self) -> list[str]:
        """Server-relative URLs of the images on the page (served from the session's server)."""
        return [
            image.url
            for _, e in self.elements()
            if e.WhichOneof("type") == "imgs"
            for image in e.imgs.imgs
            if image.url.startswith("/")
        ]
