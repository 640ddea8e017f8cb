"""A text kept in the person's own browser (localStorage), read and written from a page.

A Streamlit components-v2 component runs a few lines of JavaScript in the page:
it reads the stored text once per session and reports it, writes whatever the
page asks it to and confirms, and reports changes made in another tab. The
server keeps only this session's copy, in session state, and forgets it when
the session ends.

Until the browser has answered, :meth:`BrowserText.sync` returns None, so a
page can show "loading" instead of an empty diary that would flash before the
real one. A revision token stored beside the text tells the component whether
the session's copy is stale (another tab wrote since), so a page that comes
back into view is brought up to date.

Tests without a browser (AppTest) call :func:`answered` to put an answer in
session state, as the component would have.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import streamlit as st

_JS = """
export default function (component) {
  const { data, setTriggerValue } = component;
  const key = data.key;
  const revKey = key + ".rev";
  let known = data.rev;

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function snapshot() {
    const store = storage();
    if (store === null) {
      return { text: null, rev: null, error: "unavailable" };
    }
    try {
      return { text: store.getItem(key), rev: store.getItem(revKey), error: null };
    } catch (error) {
      return { text: null, rev: null, error: String((error && error.name) || error) };
    }
  }

  function report() {
    const found = snapshot();
    known = found.rev;
    setTriggerValue("loaded", found);
  }

  if (data.write) {
    const write = data.write;
    try {
      const store = storage();
      if (store === null) {
        throw new Error("unavailable");
      }
      if (write.text === null) {
        store.removeItem(key);
        store.removeItem(revKey);
      } else {
        store.setItem(key, write.text);
        store.setItem(revKey, write.rev);
      }
      known = write.text === null ? null : write.rev;
      setTriggerValue("saved", { rev: write.rev, error: null });
    } catch (error) {
      setTriggerValue("saved", { rev: write.rev, error: String((error && error.name) || error) });
    }
  } else if (data.load || snapshot().rev !== known) {
    report();
  }

  // Another tab of this site wrote: bring this session up to date.
  const onStorage = (event) => {
    if (event.key !== null && event.key !== key && event.key !== revKey) {
      return;
    }
    if (snapshot().rev !== known) {
      report();
    }
  };
  window.addEventListener("storage", onStorage);
  return () => window.removeEventListener("storage", onStorage);
}
"""

_component = st.components.v2.component("backcare_browser_text", js=_JS)


@dataclass(frozen=True)
class Stored:
    """What the browser holds, as this session last heard it."""

    #: The stored text; None when nothing is stored.
    text: str | None
    #: Counts the browser's answers: a new number means the text may have changed.
    generation: int
    #: False when the browser refuses to store anything (private mode, blocked site data).
    available: bool
    #: Why the last write failed (for example QuotaExceededError), or None.
    save_error: str | None


def state_key(name: str) -> str:
    """Where the session keeps its copy of the named text."""
    return f"_browser_text.{name}"


def answered(text: str | None, *, rev: str | None = "test", available: bool = True) -> dict:
    """The session state a browser answer leaves behind (for tests without a browser)."""
    return {
        "loaded": True,
        "text": text,
        "rev": rev if text is not None else None,
        "generation": 1,
        "available": available,
        "pending": None,
        "save_error": None,
    }


class BrowserText:
    """One named text in the browser's localStorage, mirrored in session state."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._key = state_key(name)
        self._widget = f"browser_text_{name.replace('.', '_')}"

    def _state(self) -> dict[str, Any]:
        return dict(st.session_state.get(self._key) or {"loaded": False, "generation": 0})

    def _set(self, state: dict[str, Any]) -> None:
        st.session_state[self._key] = state

    def _on_loaded(self) -> None:
        answer = (st.session_state.get(self._widget) or {}).get("loaded")
        if not isinstance(answer, dict):
            return
        state = self._state()
        text = answer.get("text")
        state.update(
            loaded=True,
            text=text if isinstance(text, str) else None,
            rev=answer.get("rev") if isinstance(answer.get("rev"), str) else None,
            generation=state.get("generation", 0) + 1,
            available=answer.get("error") is None,
            # What the browser holds now wins over a write this tab had not yet sent.
            pending=None,
        )
        self._set(state)

    def _on_saved(self) -> None:
        answer = (st.session_state.get(self._widget) or {}).get("saved")
        if not isinstance(answer, dict):
            return
        state = self._state()
        pending = state.get("pending")
        if answer.get("error") is None:
            if pending and pending["rev"] == answer.get("rev"):
                state["rev"] = None if pending["text"] is None else pending["rev"]
                state["pending"] = None
            state["save_error"] = None
        else:
            if pending and pending["rev"] == answer.get("rev"):
                state["pending"] = None
            state["save_error"] = str(answer["error"])
        self._set(state)

    def sync(self) -> Stored | None:
        """Mount the bridge; what the browser holds, or None until it has answered."""
        state = self._state()
        _component(
            key=self._widget,
            data={
                "key": self.name,
                "load": not state.get("loaded", False),
                "rev": state.get("rev"),
                "write": state.get("pending"),
            },
            on_loaded_change=self._on_loaded,
            on_saved_change=self._on_saved,
            height=0,
        )
        if not state.get("loaded"):
            return None
        return Stored(
            state.get("text"),
            state.get("generation", 0),
            state.get("available", True),
            state.get("save_error"),
        )

    def save(self, text: str | None) -> None:
        """Ask the browser to store ``text`` (None removes it) on the next run of the page.

        Call it from a widget callback: callbacks run before the page, so the write
        goes out in the same run. The session's copy changes at once.
        """
        state = self._state()
        state["text"] = text
        state["pending"] = {"rev": secrets.token_hex(8), "text": text}
        self._set(state)
