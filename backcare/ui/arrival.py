"""Arriving at a new step or page: at its top, focus on its heading, and said out loud.

Streamlit redraws the page in place after a button press, so without help the
browser keeps the old scroll position (the new step opens part-way down) and
the keyboard focus falls back to the page itself. A few lines of JavaScript
(a components-v2 component) put things right once per arrival:

* scroll the main area to the top, so the page title and progress are in view;
* move the focus to the heading (made focusable with tabindex="-1"), or to a
  control the page names, such as the first unanswered warning sign;
* say where the person is ("Step 2 of 4: What happened") in a polite live
  region, which screen readers read without interrupting.

The page names each arrival with a key; the script acts only when the key
changes, so reruns caused by the person's own choices never move the focus.
The page's title in the browser tab says the same words (set from Python,
so it works without JavaScript too).
"""

from __future__ import annotations

import streamlit as st

#: The key of the element the component mounts (accessible.css hides it).
MOUNT_KEY = "backcare-js-arrival"

_JS = """
export default function (component) {
  const data = component.data || {};
  const shared = (window.__backcareArrival ??= { last: null });
  if (!data.key || data.key === shared.last) return;
  shared.last = data.key;

  const announce = (text) => {
    let region = document.getElementById("backcare-announcer");
    if (!region) {
      region = document.createElement("div");
      region.id = "backcare-announcer";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      region.setAttribute("aria-atomic", "true");
      region.style.cssText =
        "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;" +
        "clip:rect(0,0,0,0);white-space:nowrap;border:0";
      (document.querySelector('[data-testid="stMain"]') || document.body).append(region);
    }
    // Emptied first, so the same words said again are announced again.
    region.textContent = "";
    if (text) setTimeout(() => { region.textContent = text; }, 120);
  };

  const find = () => {
    const box = document.querySelector(".st-key-" + CSS.escape(data.target));
    if (!box) return null;
    if (data.control) {
      return box.querySelector("input:not([type=hidden]), button, [tabindex='0']");
    }
    return box.querySelector("h1, h2, h3");
  };

  const started = Date.now();
  const arrive = () => {
    if (shared.last !== data.key) return;  // a newer arrival took over
    const target = find();
    if (!target) {
      if (Date.now() - started < 5000) requestAnimationFrame(arrive);
      return;
    }
    if (!data.control) target.setAttribute("tabindex", "-1");
    const main = document.querySelector('[data-testid="stMain"]');
    if (data.control) {
      target.scrollIntoView({ block: "center" });
    } else {
      if (main) main.scrollTo({ top: 0 });
      window.scrollTo(0, 0);
    }
    target.focus({ preventScroll: true });
    // Always: an arrival with nothing to say clears the last step's words, so a
    // kiosk's welcome screen keeps nothing of the person before.
    announce(data.announce || "");
  };
  arrive();
}
"""

_component = st.components.v2.component("backcare_arrival", js=_JS)


def arrive(key: str, target: str, announce: str = "", *, control: bool = False) -> None:
    """Once per new ``key``: scroll to the top and focus the heading inside ``st-key-{target}``.

    With ``control=True`` the focus goes instead to the first control inside that
    container (scrolled into view), for taking a person to a question they missed.
    ``announce`` is read by screen readers as a polite status message.
    """
    _component(
        key=MOUNT_KEY,
        data={"key": key, "target": target, "announce": announce, "control": control},
    )
