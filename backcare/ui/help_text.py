"""Help shown under a question, and linked to its control so screen readers read it too.

Streamlit's ``help=`` puts the words behind a small "?" button: invisible until
hovered, an extra tab stop, and never read with the question. Instead the page
draws the help as a caption right under the widget, both inside one keyed
container, and this component links them: the caption gets an id and the
control (the radio group, the group of pills or buttons, or the input) gets
``aria-describedby`` pointing at it. Streamlit may redraw a control, which drops
attributes it does not know, so the script relinks whenever the page changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

#: The key of the element the component mounts (accessible.css hides it).
MOUNT_KEY = "backcare-js-help"
#: Containers whose key starts with this hold one question and its help caption.
PREFIX = "question-"

_JS = """
export default function (component) {
  const shared = (window.__backcareHelp ??= { observer: null, queued: false });
  const link = () => {
    shared.queued = false;
    document.querySelectorAll('[class*="st-key-PREFIX"]').forEach((box) => {
      const key = [...box.classList].find((c) => c.startsWith("st-key-PREFIX"));
      const caption = box.querySelector('[data-testid="stCaptionContainer"]');
      if (!key || !caption) return;
      const id = key.slice("st-key-".length) + "-help";
      if (caption.id !== id) caption.id = id;
      const groups = box.querySelectorAll('[role="radiogroup"], [role="toolbar"]');
      const controls = groups.length
        ? groups
        : box.querySelectorAll("input:not([type=hidden]), textarea");
      controls.forEach((control) => {
        if (control.getAttribute("aria-describedby") !== id) {
          control.setAttribute("aria-describedby", id);
        }
      });
    });
  };
  link();
  if (!shared.observer) {
    shared.observer = new MutationObserver(() => {
      if (shared.queued) return;
      shared.queued = true;
      requestAnimationFrame(link);
    });
    shared.observer.observe(document.body, { childList: true, subtree: true });
  }
}
""".replace("PREFIX", PREFIX)

_component = st.components.v2.component("backcare_help_text", js=_JS)


def container_key(question_id: str) -> str:
    return PREFIX + question_id


@contextmanager
def question(question_id: str, help_text: str) -> Iterator[None]:
    """Draw the widget inside the block; its help follows as a caption linked to it."""
    with st.container(key=container_key(question_id), gap="xxsmall"):
        yield
        if help_text:
            st.caption(help_text)


def link_captions() -> None:
    """Mount the linking script once on a page that draws questions with help."""
    _component(key=MOUNT_KEY, data={})
