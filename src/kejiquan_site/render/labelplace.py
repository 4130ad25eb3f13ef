"""Placing chart labels without collisions: text sizes estimated from the characters, then each
label put at the first of its candidate spots that stays inside the chart and clear of the marks
and the labels already placed. Pure geometry in pixels (y grows downwards); figures.py turns the
choices into Plotly annotations, once per design width.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

LINE_SPACING = 1.3  # Plotly's line height for multi-line text, in font sizes
PAD = 3.0  # room around every label, in pixels

# Widths in em of a typical sans-serif (Arial/Helvetica metrics, rounded up), by kind of character.
_NARROW = set("fijlrtI.,:;'’!|()[] ")
_WIDE = set("mwMW@%")


def char_width(character: str) -> float:
    if unicodedata.east_asian_width(character) in ("W", "F"):
        return 1.0
    if character in _NARROW:
        return 0.34
    if character in _WIDE:
        return 0.9
    if character.isupper() or character.isdigit() or character in "–—":
        return 0.68
    return 0.56


def text_size(text: str, size: float) -> tuple[float, float]:
    """(width, height) in pixels of `text` set at `size` px; '<br>' breaks lines."""
    lines = text.split("<br>")
    width = max(sum(char_width(c) for c in line) for line in lines) * size
    return width, len(lines) * size * LINE_SPACING


def wrap_in_two(text: str) -> str:
    """The text on two lines of about equal length, broken at the space nearest its middle (CJK
    names stay on one line: they are short and have no spaces)."""
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    middle = len(text) / 2
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "<br>" + text[cut + 1:]


def wrap_words(text: str) -> str:
    """A line for each word (and a break after each dash): the narrowest form of a label."""
    return text.replace("–", "–<br>").replace(" ", "<br>").replace("<br><br>", "<br>")


def text_forms(text: str) -> tuple[str, ...]:
    """The forms a label may take, widest first: one line, two lines, a word a line."""
    return tuple(dict.fromkeys((text, wrap_in_two(text), wrap_words(text))))


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.y1, other.y1) - max(self.y0, other.y0)
        return width * height if width > 0 and height > 0 else 0.0

    def outside(self, frame: Box) -> float:
        """How far the box sticks out of `frame`, summed over the four sides."""
        return (max(0.0, frame.x0 - self.x0) + max(0.0, self.x1 - frame.x1)
                + max(0.0, frame.y0 - self.y0) + max(0.0, self.y1 - frame.y1))


@dataclass(frozen=True)
class Spot:
    """Where a label goes relative to its anchor: Plotly's anchors and pixel shifts."""

    xanchor: str  # left, center, right
    yanchor: str  # top, middle, bottom
    xshift: float
    yshift: float  # Plotly's yshift points up

    def box(self, x: float, y: float, width: float, height: float) -> Box:
        left = x + self.xshift - {"left": 0.0, "center": width / 2, "right": width}[self.xanchor]
        top = y - self.yshift - {"top": 0.0, "middle": height / 2, "bottom": height}[self.yanchor]
        return Box(left - PAD, top - PAD, left + width + PAD, top + height + PAD)


def spots_around(gap: float) -> list[Spot]:
    """Candidate spots around a point, most natural first: below, right, left, above, corners.
    `gap` is the room between the point and the text, PAD included."""
    gap += PAD
    diagonal = gap
    return [Spot("center", "top", 0, -gap), Spot("left", "middle", gap, 0), Spot("right", "middle", -gap, 0),
            Spot("center", "bottom", 0, gap), Spot("left", "top", diagonal, -diagonal),
            Spot("right", "top", -diagonal, -diagonal), Spot("left", "bottom", diagonal, diagonal),
            Spot("right", "bottom", -diagonal, diagonal)]


@dataclass(frozen=True)
class Label:
    """A label to place: its anchor in pixels, its texts (one line first, then wrapped) and spots."""

    key: str
    x: float
    y: float
    texts: tuple[str, ...]
    size: float
    spots: tuple[Spot, ...]


@dataclass(frozen=True)
class Placed:
    key: str
    text: str
    spot: Spot
    box: Box
    clear: bool  # False when no spot was free: the least bad one was taken


def place_labels(labels: list[Label], obstacles: list[Box], frame: Box) -> list[Placed]:
    """Each label at its first free spot (inside `frame`, clear of obstacles and earlier labels),
    trying every spot of the one-line text before the wrapped one; else the least bad spot."""
    taken = list(obstacles)
    placed = []
    for label in labels:
        best: tuple[float, Placed] | None = None
        for text in label.texts:
            width, height = text_size(text, label.size)
            for spot in label.spots:
                box = spot.box(label.x, label.y, width, height)
                cost = box.outside(frame) * 1000 + sum(box.overlap(other) for other in taken)
                if best is None or cost < best[0]:
                    best = (cost, Placed(label.key, text, spot, box, cost == 0))
                if cost == 0:
                    break
            if best and best[0] == 0:
                break
        assert best is not None
        placed.append(best[1])
        taken.append(best[1].box)
    return placed


def point_box(x: float, y: float, radius: float) -> Box:
    return Box(x - radius, y - radius, x + radius, y + radius)


def segment_boxes(start: tuple[float, float], end: tuple[float, float], radius: float, step: float = 8.0) -> list[Box]:
    """Small boxes along a line, so labels keep off it."""
    length = max(abs(end[0] - start[0]), abs(end[1] - start[1]))
    count = max(2, int(length / step) + 1)
    return [point_box(start[0] + (end[0] - start[0]) * i / (count - 1), start[1] + (end[1] - start[1]) * i / (count - 1),
                      radius) for i in range(count)]
