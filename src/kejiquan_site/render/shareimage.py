"""The 1200x630 share image for link previews, drawn at build time from the site title, the page
title and the page's key numbers (its first {cards}), with a CJK font found on the machine.

Without a CJK font there is no image (a note says so) rather than an image of empty boxes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
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


@dataclass(frozen=True)
class KeyNumber:
    value: str
    label: str


@lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """A font file with Chinese glyphs: known places first, then fontconfig."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    if shutil.which("fc-match"):
        result = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True,
                                check=False)
        if result.returncode == 0 and result.stdout.lower().endswith((".ttc", ".ttf", ".otf")):
            return result.stdout
    return None


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    lines, current = [], ""
    for char in text:
        if draw.textlength(current + char, font=font) > width:
            lines.append(current)
            current = char
        else:
            current += char
    lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


@lru_cache(maxsize=4)
def _font_loader(font_path: str):
    """Fonts by size, loaded once per build process (loading a CJK font file is slow)."""
    from PIL import ImageFont

    return lru_cache(maxsize=32)(lambda size: ImageFont.truetype(font_path, size))


def render_share_image(site_title: str, title: str, numbers: list[KeyNumber]) -> bytes | None:
    """PNG bytes, or None when no CJK font is installed."""
    font_path = find_cjk_font()
    if font_path is None:
        return None
    from PIL import Image, ImageDraw

    font = _font_loader(font_path)

    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    draw.text((64, 52), site_title, font=font(30), fill=ACCENT)
    y = 108
    for line in _wrap(draw, title, font(56), WIDTH - 128, 3):
        draw.text((64, y), line, font=font(56), fill=INK)
        y += 74
    shown = numbers[:3]
    if shown:
        box_width = (WIDTH - 128 - 24 * (len(shown) - 1)) // len(shown)
        top = HEIGHT - 190
        for index, number in enumerate(shown):
            left = 64 + index * (box_width + 24)
            draw.rectangle((left, top, left + box_width, top + 140), fill=WASH)
            draw.rectangle((left, top, left + box_width, top + 6), fill=ACCENT)
            size = 46
            while size > 24 and draw.textlength(number.value, font=font(size)) > box_width - 40:
                size -= 2
            draw.text((left + 20, top + 22 + (46 - size) // 2), number.value, font=font(size), fill=ACCENT)
            label = _wrap(draw, number.label, font(22), box_width - 40, 1)[0]
            draw.text((left + 20, top + 92), label, font=font(22), fill=MUTED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # flat colours: level 1 is small enough and 10x faster
    return buffer.getvalue()
