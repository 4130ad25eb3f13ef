"""Page images: the files in content/images/, published under content-hashed names in
assets/images/ with their width and height, so nothing shifts while they load.

A page shows one with `![what it shows](images/NAME.png)`; the alt text is required.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from kejiquan_site.diagnostics import Diagnostic, error
from kejiquan_site.model import urls
from kejiquan_site.read.textfiles import check_file

IMAGE_FOLDER = "images"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
MAX_IMAGE_BYTES = 5_000_000
_SVG_SIZE = re.compile(rb"<svg\b[^>]*?\bwidth=[\"']?(\d+(?:\.\d+)?)(?:px)?[\"']?[^>]*?\bheight=[\"']?(\d+(?:\.\d+)?)(?:px)?[\"']?",
                       re.S)
_SVG_VIEWBOX = re.compile(rb"<svg\b[^>]*?\bviewBox=[\"']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)", re.S)


@dataclass(frozen=True)
class Image:
    """One page image: where the site serves it and how large it is, in CSS pixels."""

    name: str  # as pages write it: images/map.png
    output: str  # assets/images/map.1a2b3c4d5e.png
    width: int
    height: int
    content: bytes


def load_image(path: Path, shown: str, content_folder: Path) -> tuple[Image | None, list[Diagnostic]]:
    """One image file, or the reason it cannot be published."""
    problems = check_file(path, shown, content_folder)
    if problems:
        return None, problems
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return None, [error(shown, 0, 0, f"'{path.name}' is not an image the site can show",
                            "a .png, .jpg, .gif, .webp or .svg file")]
    content = path.read_bytes()
    if len(content) > MAX_IMAGE_BYTES:
        return None, [error(shown, 0, 0, f"the image is too large ({len(content):,} bytes) for readers on phones",
                            f"an image under {MAX_IMAGE_BYTES:,} bytes")]
    size = _size(content, path.suffix.lower())
    if size is None:
        return None, [error(shown, 0, 0, "this file cannot be read as an image",
                            "an image saved again from an image program")]
    name = f"{IMAGE_FOLDER}/{path.name}"
    output = urls.page_image_path(path.name, content)
    return Image(name, output, size[0], size[1], content), []


def _size(content: bytes, suffix: str) -> tuple[int, int] | None:
    if suffix == ".svg":
        match = _SVG_SIZE.search(content[:4000]) or _SVG_VIEWBOX.search(content[:4000])
        return (round(float(match.group(1))), round(float(match.group(2)))) if match else None
    from PIL import Image as PillowImage
    from PIL import UnidentifiedImageError

    try:
        with PillowImage.open(io.BytesIO(content)) as picture:
            return picture.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None
