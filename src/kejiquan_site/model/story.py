"""The story a build is made of, as every stage after reading sees it (`Story`), and where a
project's parts are and how editors name its files (`Project`). No loader is needed to get them:
the types of their parts live with the code that reads them, imported here for type checking only.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kejiquan_site.diagnostics import Diagnostic

if TYPE_CHECKING:
    from kejiquan_site.check.coverage import Coverage
    from kejiquan_site.read.charts import Chart
    from kejiquan_site.read.config import SiteConfig
    from kejiquan_site.read.facts import Fact, Source
    from kejiquan_site.read.images import Image
    from kejiquan_site.read.pages import Page
    from kejiquan_site.read.published import Record
    from kejiquan_site.read.updates import Update

Archive = tuple[str, str]  # an archived source: (the path shown in messages, its text)


@dataclass(frozen=True)
class Story:
    config: SiteConfig
    sources: dict[str, Source]
    facts: dict[str, Fact]
    charts: dict[str, Chart]
    pages: tuple[Page, ...]
    warnings: tuple[Diagnostic, ...] = ()
    archives: dict[str, Archive] = dataclasses.field(default_factory=dict)  # by source id: (shown path, text)
    record: Record | None = None  # what was last published (published.py)
    updates: tuple[Update, ...] = ()  # the updates log as readers see it, newest first (updates.py)
    coverage: tuple[Coverage, ...] = ()  # of each archived source, by source id
    images: dict[str, Image] = dataclasses.field(default_factory=dict)  # by the name pages use: images/map.png


@dataclass(frozen=True)
class Project:
    """Where a site's parts are: the content folder, the templates folder, the project root."""

    root: Path
    content: Path
    templates: Path
    base_url: str = ""  # the published address given on the command line, over site.yaml's

    def shown(self, path: Path) -> str:
        return display_path(path, self.root)


def display_path(path: Path, project_root: Path) -> str:
    """The path as editors know it: relative to the project folder when it is inside it. A link
    is named by where it is, not by where it leads."""
    absolute = Path(os.path.abspath(path))
    for root in (Path(os.path.abspath(project_root)), resolved_folder(project_root)):
        if root is not None and absolute.is_relative_to(root):
            return absolute.relative_to(root).as_posix()
    return path.as_posix()


def resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return None


@lru_cache(maxsize=16)
def resolved_folder(path: Path) -> Path | None:
    """The project, content and templates folders, resolved once per build (forget_folders)."""
    return resolved(path)


def forget_folders() -> None:
    """Resolve the project's folders again: the live preview lives through many builds, and a
    folder may be moved or replaced by a link between two of them."""
    resolved_folder.cache_clear()
