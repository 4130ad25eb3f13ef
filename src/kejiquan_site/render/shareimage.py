"""The 1200x630 share image for link previews, drawn at build time from the site title, the page
title and the page's key numbers (its first {cards}), with a CJK font found on the machine.

Without a CJK font there is no image (the build notes so) rather than an image of empty boxes;
the font found (file, size and time) is part of what an image is kept by, here and in the build's
reuse, so installing or changing fonts draws the images again. Given a cache folder, images are
kept there by a hash of what draws them (texts, font, Pillow), so an unchanged page costs no
drawing and no Pillow import; an entry that is not a whole PNG is drawn again. A `read_only`
cache is used but never written (`kejiquan check`).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from dataclasses import astuple, dataclass
from functools import lru_cache
from pathlib import Path

WIDTH, HEIGHT = 1200, 630
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
INK, MUTED, ACCENT, PAPER, WASH = "#1a1a1a", "#5b6270", "#1f4e9c", "#ffffff", "#f4f6fa"
FONTCONFIG = "fc-list"  # asked for the fonts that cover Chinese when none is at a known place
CACHE_FOLDER = "share"  # inside the build's cache folder
DRAWING_VERSION = "3"  # bump when the drawing below changes
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class KeyNumber:
    value: str
    label: str


@dataclass(frozen=True)
class Font:
    """A font file as found: its size and modification time tell a changed file from the one
    an image was drawn with."""

    path: str
    size: int
    modified: int  # st_mtime_ns


def find_cjk_font() -> Font | None:
    """A font file with Chinese glyphs: known places first (looked at on every build, so a font
    installed while the preview runs is found), then fontconfig (asked once per process)."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return _font(candidate)
    found = _fontconfig_cjk_font(FONTCONFIG)
    return _font(found) if found else None


def _font(path: str) -> Font | None:
    try:
        stat = os.stat(path)
    except OSError:  # gone since it was found
        return None
    return Font(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _fontconfig_cjk_font(command: str) -> str | None:
    """A font file that fontconfig's `command` (fc-list) says covers Chinese, a regular sans
    first; None when there is none. (fc-match would name its best match even without any
    Chinese font, and the image would show empty boxes.)"""
    if not shutil.which(command):
        return None
    result = subprocess.run([command, ":lang=zh-cn", "file"], capture_output=True, text=True, check=False)
    files = [line.strip().removesuffix(":") for line in result.stdout.splitlines()] if result.returncode == 0 else []
    fonts = [path for path in files if path.lower().endswith((".ttc", ".ttf", ".otf"))]
    return min(fonts, key=lambda path: ("Sans" not in path, "Regular" not in path, path), default=None)


# A Latin word with the spaces after it, or any other single character (a Chinese one breaks anywhere).
_TOKEN = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\s+|.")
_NO_LINE_START = set("，。、：；！？）》」』】,.:;!?)")  # hangs at the end of the line before instead


def wrap(text: str, width: float, measure: Callable[[str], float], max_lines: int) -> list[str]:
    """`text` in at most `max_lines` lines no wider than `width` (by `measure`): broken between
    words in Latin text and between characters in Chinese, never before closing punctuation; the
    last line ends in '…' when the text does not all fit."""
    lines, current = [], ""
    for token in _TOKEN.findall(text):
        if current and token not in _NO_LINE_START and measure((current + token).rstrip()) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
        while len(current) > 1 and measure(current.rstrip()) > width and current[-1] not in _NO_LINE_START:
            cut = next(i for i in range(len(current) - 1, 0, -1) if measure(current[:i]) <= width) \
                if measure(current[:1]) <= width else 1  # a word wider than the line: broken inside
            lines.append(current[:cut])
            current = current[cut:]
    lines.append(current.rstrip())
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and measure(last.rstrip() + "…") > width:
        last = last[:-1]
    return lines[:max_lines - 1] + [last.rstrip() + "…"]


@lru_cache(maxsize=4)
def _font_loader(font_path: str):
    """Fonts by size, loaded once per build process (loading a CJK font file is slow)."""
    from PIL import ImageFont

    return lru_cache(maxsize=32)(lambda size: ImageFont.truetype(font_path, size))


def render_share_image(site_title: str, title: str, numbers: list[KeyNumber], font: Font,
                       cache: Path | None = None, read_only: bool = False) -> bytes:
    """PNG bytes drawn with `font` (find_cjk_font); kept in `cache` when one is given and it is
    not `read_only`."""
    if cache is None:
        return _draw(font.path, site_title, title, numbers)
    path = cache / CACHE_FOLDER / f"{_key(font, site_title, title, numbers)}.png"
    try:
        kept = path.read_bytes()
    except OSError:  # not there yet, or unreadable: drawn again
        kept = b""
    if is_whole_png(kept):
        return kept
    png = _draw(font.path, site_title, title, numbers)
    if not read_only:
        _keep(path, png)
    return png


def _key(font: Font, site_title: str, title: str, numbers: list[KeyNumber]) -> str:
    """A hash of everything that decides the image's bytes: the texts, the font file, the
    Pillow that draws it, and the way it is drawn."""
    text = json.dumps([DRAWING_VERSION, _pillow_version(), font.path, font.size, font.modified,
                       site_title, title, [astuple(number) for number in numbers]], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _pillow_version() -> str:
    """Pillow's version, read from its package without importing it (importing costs more than a
    cached image saves)."""
    spec = importlib.util.find_spec("PIL")
    if spec is None or not spec.submodule_search_locations:
        return "none"
    try:
        return (Path(next(iter(spec.submodule_search_locations))) / "_version.py").read_text(encoding="utf-8")
    except OSError:
        return "unknown"


def is_whole_png(data: bytes) -> bool:
    """Whether `data` is a complete PNG: the signature, then chunks whose CRCs all match, ending
    with IEND. A truncated or altered cache entry fails this."""
    if not data.startswith(PNG_SIGNATURE):
        return False
    position = len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, position)
        end = position + 12 + length
        if end > len(data):
            return False
        kind_and_body = data[position + 4:end - 4]
        if zlib.crc32(kind_and_body) != struct.unpack_from(">I", data, end - 4)[0]:
            return False
        if kind_and_body[:4] == b"IEND":
            return end == len(data)
        position = end
    return False


def _keep(path: Path, png: bytes) -> None:
    """Write a cache entry whole or not at all; a cache that cannot be written is no error."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(png)
        temporary.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class Card:
    """A key number's card as laid out: its box, the value's size and the label's lines."""

    left: int
    width: int
    value: str
    value_size: int
    label_lines: tuple[str, ...]


CARD_TOP, CARD_HEIGHT, LABEL_SIZE, LABEL_LEADING = HEIGHT - 214, 164, 22, 30


def lay_out_cards(numbers: list[KeyNumber], measure: Callable[[str, int], float]) -> list[Card]:
    """Up to three cards side by side: each value as large as fits (46 down to 24 px), each
    label in up to two lines at 22 px (English labels are long)."""
    shown = numbers[:3]
    if not shown:
        return []
    width = (WIDTH - 128 - 24 * (len(shown) - 1)) // len(shown)
    cards = []
    for index, number in enumerate(shown):
        size = 46
        while size > 24 and measure(number.value, size) > width - 40:
            size -= 2
        label = wrap(number.label, width - 40, lambda text: measure(text, LABEL_SIZE), 2)
        cards.append(Card(64 + index * (width + 24), width, number.value, size, tuple(label)))
    return cards


def _draw(font_path: str, site_title: str, title: str, numbers: list[KeyNumber]) -> bytes:
    from PIL import Image, ImageDraw

    font = _font_loader(font_path)

    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)

    def measure(text: str, size: int) -> float:
        return draw.textlength(text, font=font(size))

    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    draw.text((64, 52), site_title, font=font(30), fill=ACCENT)
    y = 108
    for line in wrap(title, WIDTH - 128, lambda text: measure(text, 56), 3):
        draw.text((64, y), line, font=font(56), fill=INK)
        y += 74
    for card in lay_out_cards(numbers, measure):
        top, left = CARD_TOP, card.left
        draw.rectangle((left, top, left + card.width, top + CARD_HEIGHT), fill=WASH)
        draw.rectangle((left, top, left + card.width, top + 6), fill=ACCENT)
        draw.text((left + 20, top + 20 + (46 - card.value_size) // 2), card.value, font=font(card.value_size),
                  fill=ACCENT)
        for row, line in enumerate(card.label_lines):
            draw.text((left + 20, top + 92 + row * LABEL_LEADING), line, font=font(LABEL_SIZE), fill=MUTED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # flat colours: level 1 is small enough and 10x faster
    return buffer.getvalue()
