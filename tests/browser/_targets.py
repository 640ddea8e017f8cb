"""Target sizes (WCAG 2.5.8 in personal mode, 2.5.5's 44 px in a kiosk), measured in the page.

Every control a person can press or type into is measured as it is drawn: a
radio or tick box by its whole option (its input is hidden and its label is
what takes the tap), everything else by its own box. Links inside a sentence
or list item are left out, as 2.5.8's inline exception allows. A target smaller than the
minimum still passes 2.5.8 by its spacing exception when a circle of the
minimum's diameter on its centre touches no other target.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

PERSONAL_MINIMUM = 24
KIOSK_MINIMUM = 44

_JS = r"""
([minimum, spacing]) => {
  const selector = [
    "a[href]", "button", "summary", "select", "textarea",
    "input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=file])",
    "[role=button]", "[role=spinbutton]", "[role=combobox]", "[role=tab]", "[role=switch]",
    "label:has(> span > input[type=radio])", "label:has(> span > input[type=checkbox])",
  ].join(", ");
  const inMain = (el) => el.closest('[data-testid="stMain"], [data-testid="stSidebar"]');
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && cs.visibility !== "hidden" &&
      !el.closest("[aria-hidden=true]") && !el.disabled;
  };
  // 2.5.8's inline exception: a link inside a sentence or list item is sized by its text.
  const inline = (el) =>
    el.tagName === "A" && getComputedStyle(el).display === "inline" &&
    !!el.closest("p, li");
  // A control inside another one (an input inside its field) counts once, as the outer one.
  const all = [...document.querySelectorAll(selector)].filter(
    (el) => inMain(el) && shown(el) && !inline(el),
  );
  const inLabel = (el) => all.some((o) => o !== el && o.tagName === "LABEL" && o.contains(el));
  const targets = all.filter((el) => !inLabel(el));
  const boxes = targets.map((el) => el.getBoundingClientRect());
  const distance = (x, y, b) => {
    const dx = Math.max(b.left - x, 0, x - b.right);
    const dy = Math.max(b.top - y, 0, y - b.bottom);
    return Math.hypot(dx, dy);
  };
  const small = [];
  targets.forEach((el, i) => {
    const b = boxes[i];
    if (b.width >= minimum - 0.5 && b.height >= minimum - 0.5) return;
    const cx = (b.left + b.right) / 2;
    const cy = (b.top + b.bottom) / 2;
    const spaced = spacing && boxes.every((o, j) => j === i || o.width === 0 ||
      (el.contains(targets[j]) || targets[j].contains(el)) || distance(cx, cy, o) >= minimum / 2);
    if (spaced) return;
    const name = (el.getAttribute("aria-label") || el.textContent || el.tagName).trim();
    small.push({ name: name.slice(0, 40), tag: el.tagName, width: b.width, height: b.height });
  });
  return { measured: targets.length, small };
}
"""


@dataclass(frozen=True)
class Small:
    name: str
    tag: str
    width: float
    height: float

    def __str__(self) -> str:
        return f"{self.tag} {self.name!r}: {self.width:.1f} x {self.height:.1f}"


def small_targets(page: Page, minimum: int, *, spacing: bool) -> tuple[list[Small], int]:
    """Targets below ``minimum`` px (the spacing exception allowed when ``spacing``)."""
    found = page.evaluate(_JS, [minimum, spacing])
    return [Small(**s) for s in found["small"]], found["measured"]
