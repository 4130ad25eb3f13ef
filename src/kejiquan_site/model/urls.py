"""Where the build puts things, for the stages that decide an output path. For now the
content-hashed names of assets and page images; page, embed, download and edition paths are
still decided where they are made (read.pages, render.pages, render.downloads, story.i18n,
build.site) and are to move here."""

from __future__ import annotations

import hashlib


def hashed_name(stem: str, suffix: str, content: bytes) -> str:
    """assets/STEM.HASH.SUFFIX: a name that changes whenever the content does, so the file can
    be cached for ever."""
    digest = hashlib.sha256(content).hexdigest()[:10]
    return f"assets/{stem}.{digest}{suffix}"
