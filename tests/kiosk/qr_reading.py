"""Read a QR code's modules back from the SVG and PNG the app draws, without segno.

The SVG is read as any SVG renderer would read segno's drawing: one stroked path whose
horizontal lines, one module wide, run through the middle of each row of dark modules.
The PNG is sampled at the middle of each module. Either matrix is drawn as a plain
picture and decoded by ZXing, a separate QR reader, so the tests compare text with text.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import zxingcpp
from PIL import Image

Matrix = tuple[tuple[bool, ...], ...]
_SVG = "{http://www.w3.org/2000/svg}"
_COMMAND = re.compile(r"([MmHhVvZz])([^MmHhVvZz]*)")
#: Pixels per module when a matrix is drawn again for the decoder.
DRAW_SCALE = 4


def svg_modules(svg: str) -> Matrix:
    """The dark modules of a QR drawn as an SVG of stroked lines (quiet zone included)."""
    root = ET.fromstring(svg)
    group = root.find(f"{_SVG}g")
    transform = "" if group is None else group.get("transform", "")
    found = re.fullmatch(r"scale\(([\d.]+)\)", transform)
    scale = float(found.group(1)) if found else 1.0
    side = round(float(root.get("width")) / scale)
    dark = [[False] * side for _ in range(side)]
    paths = [p for p in root.iter(f"{_SVG}path") if p.get("stroke")]
    assert len(paths) == 1, f"expected one stroked path, found {len(paths)}"
    x = y = 0.0
    for command, args in _COMMAND.findall(paths[0].get("d")):
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", args)]
        if command in "Mm":
            dx, dy = numbers
            x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
        elif command in "Hh":
            end = numbers[0] if command == "H" else x + numbers[0]
            row = int(y)  # the line runs through the middle of its row: y = row + 0.5
            for column in range(round(min(x, end)), round(max(x, end))):
                dark[row][column] = True
            x = end
        else:
            raise AssertionError(f"unexpected path command {command!r} in a QR drawing")
    return tuple(tuple(row) for row in dark)


def png_modules(png: bytes, scale: int) -> Matrix:
    """The dark modules of a QR drawn as a PNG with ``scale`` pixels per module."""
    image = Image.open(io.BytesIO(png)).convert("L")
    side = image.width // scale
    middle = [n * scale + scale // 2 for n in range(side)]
    return tuple(tuple(image.getpixel((x, y)) < 128 for x in middle) for y in middle)


def decode(modules: Matrix) -> str:
    """The text of the one QR code in a module matrix, read by ZXing."""
    side = len(modules)
    image = Image.new("L", (side, side), 255)
    image.putdata([0 if dark else 255 for row in modules for dark in row])
    image = image.resize((side * DRAW_SCALE, side * DRAW_SCALE), Image.NEAREST)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, f"expected one code, found {len(found)}"
    return found[0].text
