"""WCAG 1.4.11 (non-text contrast) from computed styles: control outlines and focus rings.

axe-core checks text only. These helpers read, in the page, the colour that
draws a control's boundary (its border, or its fill for a filled control) and
the colour of the focus indicator of the element that has the focus, and
compare each with the colour behind it: the backgrounds of its ancestors,
blended as the browser blends them. Colours written as ``color(srgb …)``
(what ``color-mix`` computes to) are read too.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

#: WCAG 1.4.11: user-interface components and focus indicators against adjacent colours.
NON_TEXT_MINIMUM = 3.0

#: What draws each kind of control, as a person sees it (Streamlit 1.67's markup).
CONTROLS = {
    "checkbox box": '[data-testid="stCheckbox"] label > div:first-of-type',
    "radio circle": 'label[data-testid="stRadioOption"] > div > div:first-child',
    "number field": '[data-testid="stNumberInputContainer"]',
    "text field": '[data-testid="stTextInputRootElement"]',
    "text area": '[data-testid="stTextAreaRootElement"]',
    "date field": '[data-testid="stDateInputField"]',
    "select box": '[data-testid="stSelectbox"] [data-baseweb="select"] > div',
    "multiselect": '[data-testid="stMultiSelect"] [data-baseweb="select"] > div',
    "button": '[data-testid="stMain"] button[data-testid^="stBaseButton"]',
    "pill or scale button": '[data-testid="stButtonGroup"] button',
    "file drop zone": '[data-testid="stFileUploaderDropzone"]',
}

#: Colours: parse computed values, blend layers, and the WCAG contrast ratio.
_COLOURS = r"""
  const parse = (text) => {
    if (!text) return null;
    let m = text.match(/^rgba?\(([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    }
    m = text.match(/^color\(srgb ([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s\/]+/).filter(Boolean).map(Number);
      return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
    }
    return null;
  };
  const over = (top, below) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + below[i] * (1 - a)).concat(1);
  };
  const behind = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
"""

_OUTLINES = r"""
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && cs.visibility !== "hidden" && cs.display !== "none";
  };
  const name = (el) =>
    (el.getAttribute("aria-label") || el.textContent || el.tagName).trim().slice(0, 40);
  const boundary = (el) => {
    // The best of: its border against what is behind it, its fill against what is behind it.
    const cs = getComputedStyle(el);
    const back = behind(el.parentElement);
    let best = 0;
    let what = "nothing";
    if (parseFloat(cs.borderTopWidth) > 0 && cs.borderTopStyle !== "none") {
      const c = parse(cs.borderTopColor);
      if (c) {
        const r = ratio(over(c, back), back);
        if (r > best) [best, what] = [r, "border " + cs.borderTopColor];
      }
    }
    const fill = parse(cs.backgroundColor);
    if (fill && fill[3] > 0) {
      const r = ratio(over(fill, back), back);
      if (r > best) [best, what] = [r, "fill " + cs.backgroundColor];
    }
    return { ratio: Math.round(best * 100) / 100, what };
  };
  // A control with neither border nor fill (an icon or text button) has no boundary to
  // measure: its icon or words identify it, and text contrast is axe's to check.
  const drawsBoundary = (el) => {
    const cs = getComputedStyle(el);
    const fill = parse(cs.backgroundColor);
    const border = parseFloat(cs.borderTopWidth) > 0 && cs.borderTopStyle !== "none";
    return border || (fill && fill[3] > 0);
  };
  const found = [];
  for (const [kind, selector] of Object.entries(controls)) {
    for (const el of document.querySelectorAll(selector)) {
      if (!visible(el) || el.disabled || !drawsBoundary(el)) continue;
      const b = boundary(el);
      found.push({ kind, name: name(el.closest("label") || el), ...b, ok: b.ratio >= minimum });
    }
  }
  return found;
"""

_FOCUS = r"""
  const active = document.activeElement;
  if (!active || active === document.body) return null;
  // The ring may be drawn by the element or by what frames it: a radio's or tick box's
  // label (its input is visually hidden), a text field's frame. The nearest one with a
  // ring, up to three levels out, is the indicator a person sees.
  const label = active.closest("label");
  const candidates = [active, label, active.parentElement, active.parentElement?.parentElement,
    active.parentElement?.parentElement?.parentElement].filter(Boolean);
  const ringsOf = (el) => {
    const cs = getComputedStyle(el);
    const rings = [];
    if (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 1) rings.push(cs.outlineColor);
    const shadow = /(rgba?\([^)]+\)|color\(srgb [^)]+\))[^,]*?(\d+(?:\.\d+)?)px(?=,|$)/g;
    for (const m of cs.boxShadow.matchAll(shadow)) {
      if (parseFloat(m[2]) >= 1) rings.push(m[1]);
    }
    return rings;
  };
  const drawn = candidates.find((el) => ringsOf(el).length) || active;
  const rings = ringsOf(drawn);
  const back = behind(drawn.parentElement);
  let best = 0;
  for (const ring of rings) {
    const c = parse(ring);
    if (c) best = Math.max(best, ratio(over(c, back), back));
  }
  const name = active.getAttribute("aria-label") || (label || active).textContent || active.tagName;
  return {
    name: name.trim().slice(0, 40),
    tag: active.tagName,
    rings,
    ratio: Math.round(best * 100) / 100,
    ok: best >= minimum,
  };
"""


def _function(arguments: str, body: str) -> str:
    return f"({arguments}) => {{\n{_COLOURS}{body}}}"


@dataclass(frozen=True)
class Measured:
    kind: str
    name: str
    ratio: float
    what: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name!r}: {self.ratio}:1 ({self.what})"


def weak_outlines(page: Page) -> tuple[list[Measured], int]:
    """Visible controls whose boundary is below 3:1, and how many controls were measured."""
    found = page.evaluate(_function("[controls, minimum]", _OUTLINES), [CONTROLS, NON_TEXT_MINIMUM])
    weak = [Measured(f["kind"], f["name"], f["ratio"], f["what"]) for f in found if not f["ok"]]
    return weak, len(found)


def focus_ring(page: Page) -> dict | None:
    """The focused element's ring colours and their best contrast with what is behind it."""
    return page.evaluate(_function("[minimum]", _FOCUS), [NON_TEXT_MINIMUM])
