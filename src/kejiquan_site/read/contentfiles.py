"""Reading the content folder's files, each on its own: where a project's parts are, which files
a folder holds, and what one file gives (parsed objects and their problems, those of the checks
of a single file's content included: `FileChecks`, supplied by the check stage). Each file is parsed
through a `FileReader`: in a cold build it parses (`READ_NOW`); the preview's keeps what an
unchanged file gave (reuse/files.py), so it is not read again; the parts (pages; facts and charts) share nothing, so
a cold build can read them in two processes at once.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from markdown_it import MarkdownIt

from kejiquan_site.diagnostics import Diagnostic, error
from kejiquan_site.model.story import Archive, Project
from kejiquan_site.read.charts import Chart, parse_chart
from kejiquan_site.read.config import SiteConfig, check_publishing, parse_config, with_base_url
from kejiquan_site.read.facts import Fact, Source, parse_fact_file, parse_sources
from kejiquan_site.read.images import IMAGE_FOLDER, Image, load_image
from kejiquan_site.read.pages import RESERVED_NAMES, Page, parse_page
from kejiquan_site.read.published import RECORD_FILE, Record, parse_record
from kejiquan_site.read.setasides import SetAside, parse_set_asides, set_aside_path
from kejiquan_site.read.textfiles import read_text
from kejiquan_site.read.updates import LOG_FILE, Entry, parse_log
from kejiquan_site.read.yamlread import YamlDoc, parse_yaml

T = TypeVar("T")
PAGE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class FileChecks:
    """The checks of one file's own content, run as the file is read so that their problems come
    with it (and are reused with it while the file is unchanged), and which facts their archived
    sources do not bear out. The check stage supplies them (check/stage.py): reading does not know
    what is checked."""

    facts: Callable[[list[Fact]], list[Diagnostic]]  # the facts of one file
    disputed: Callable[[list[Fact]], set[str]]  # of those, the ids whose own evidence disputes them
    # of all facts, once every file is read, the ids whose evidence is not in their source's archived text
    unquoted: Callable[[list[Fact], dict[str, Archive]], set[str]]
    chart: Callable[[Chart], list[Diagnostic]]
    page: Callable[[Page], list[Diagnostic]]


def _read_yaml(project: Project, path: Path, problems: list[Diagnostic]) -> YamlDoc | None:
    shown = project.shown(path)
    text, found = read_text(path, shown, project.content)
    problems += found
    if text is None:
        return None
    doc = parse_yaml(text, shown)
    problems += doc.problems
    return None if doc.problems else doc


class FileReader(Protocol):
    """How the read stage gets what a file gives and what a folder holds."""

    def parsed(self, operation: Hashable, path: Path, inputs: Any, parse: Callable[[], T]) -> T:
        """What `parse()` gives for the file at `path` (read with `inputs`)."""

    def listing(self, folder: Path, suffix: str, names: Callable[[], list[str]]) -> list[Path]:
        """The files of `folder` that `names()` lists."""


class ReadNow:
    """The cold build's reader: every file parsed, every folder listed."""

    def parsed(self, operation: Hashable, path: Path, inputs: Any, parse: Callable[[], T]) -> T:
        return parse()

    def listing(self, folder: Path, suffix: str, names: Callable[[], list[str]]) -> list[Path]:
        return [folder / name for name in names()]


READ_NOW = ReadNow()


class Parse(enum.Enum):
    """What a content file is parsed as (a file named as an archive may also be a fact file)."""

    CONFIG = "config"
    SOURCES = "sources"
    ARCHIVE = "archive"
    RECORD = "record"
    LOG = "log"
    SET_ASIDE = "set-aside"
    IMAGE = "image"
    FACTS = "facts"
    CHART = "chart"
    PAGE = "page"


def list_files(folder: Path, pattern: str, files: FileReader = READ_NOW) -> list[Path]:
    """Matching files, without hidden ones: editors and file systems leave those next to content
    (Emacs lock links `.#index.md`, macOS `._index.md` resource forks)."""
    if not folder.is_dir():
        return []
    suffix = pattern.removeprefix("*")

    def names() -> list[str]:
        with os.scandir(folder) as entries:
            return sorted(entry.name for entry in entries if entry.name.endswith(suffix) and not entry.name.startswith("."))

    return files.listing(folder, suffix, names)


def count_content_files(project: Project) -> int:
    """How many fact, chart and page files there are, roughly (without reading any)."""
    count = 0
    for folder in ("facts", "charts", "pages", "pages/en"):
        try:
            with os.scandir(project.content / folder) as entries:
                count += sum(1 for _ in entries)
        except OSError:
            pass
    return count


def _per_file(files: FileReader, operation: Parse, path: Path, where: tuple[str, str], inputs: Any,
              compute: Callable[[], T]) -> T:
    """What `compute` makes of one content file, reused while the file (and `inputs`) stay the
    same, and while its folder still leads `where` it did (see _where)."""
    return files.parsed(operation, path, (where, inputs), compute)


def _where(project: Project, folder: Path) -> tuple[str, str]:
    """Where a folder of content files and the content folder really are: a folder moved out of
    the project and linked back turns its files into links out of the content folder (an error),
    without any file changing."""
    return os.path.realpath(folder), os.path.realpath(project.content)


def load_config(project: Project, problems: list[Diagnostic], files: FileReader = READ_NOW) -> SiteConfig | None:
    path = project.content / "site.yaml"
    if not os.path.lexists(path):  # a folder, a pipe or a broken link there is read_text's to report
        problems.append(error(project.shown(path), 0, 0, "the site configuration is missing",
                              "a file content/site.yaml with title, description, language, base_url, publisher"))
        return None
    config, found = _per_file(files, Parse.CONFIG, path, _where(project, project.content), None, lambda: _parse_file(project, path, parse_config))
    problems += found
    if config is not None and project.base_url:
        config = with_base_url(config, project.base_url)
    if config is not None:
        problems += check_publishing(config)
    return config


def load_sources(project: Project, problems: list[Diagnostic], files: FileReader = READ_NOW) -> dict[str, Source] | None:
    """The sources, or None when sources.yaml is missing or broken (so facts are not blamed)."""
    path = project.content / "sources.yaml"
    if not os.path.lexists(path):
        problems.append(error(project.shown(path), 0, 0, "the list of sources is missing",
                              "a file content/sources.yaml naming each source by id"))
        return None
    sources, found, usable = _per_file(files, Parse.SOURCES, path, _where(project, project.content), None, lambda: _load_sources_file(project, path))
    problems += found
    return sources if usable else None


def _load_sources_file(project: Project, path: Path) -> tuple[dict[str, Source] | None, list[Diagnostic], bool]:
    """(sources, problems, whether facts may be checked against them: not when the file is broken)."""
    problems: list[Diagnostic] = []
    doc = _read_yaml(project, path, problems)
    if doc is None:
        return None, problems, False
    sources, found = parse_sources(doc)
    return sources, problems + found, not found


def load_record(project: Project, problems: list[Diagnostic], files: FileReader = READ_NOW) -> Record | None:
    """content/published.yaml, or None while nothing has been published (no file)."""
    path = project.content / RECORD_FILE
    if not os.path.lexists(path):
        return None
    record, found = _per_file(files, Parse.RECORD, path, _where(project, project.content), None,
                              lambda: _parse_file(project, path, parse_record))
    problems += found
    return record


def load_log(project: Project, problems: list[Diagnostic], files: FileReader = READ_NOW) -> list[Entry]:
    """The entries of content/updates.yaml (none when there is no such file)."""
    path = project.content / LOG_FILE
    if not os.path.lexists(path):
        return []
    entries, found = _per_file(files, Parse.LOG, path, _where(project, project.content), None,
                               lambda: _parse_file(project, path, parse_log))
    problems += found
    return entries or []



def load_archives(project: Project, sources: dict[str, Source] | None, problems: list[Diagnostic],
                  files: FileReader = READ_NOW) -> dict[str, Archive]:
    """The archived text of every source that declares one ('archive:' in sources.yaml), by
    source id. A declared archive that cannot be read is an error at its 'archive:' line."""
    archives: dict[str, Archive] = {}
    content_shown = project.shown(project.content) if sources else ""  # once: resolving paths is slow
    for source in (sources or {}).values():
        if not source.archive:
            continue
        path = project.content / source.archive
        text, found = _per_file(files, Parse.ARCHIVE, path, _where(project, path.parent), None,
                                lambda: _read_archive(project, path))
        if text is None:
            where = source.archive_at or source.location
            reason = found[0].message if found else "it cannot be read"
            problems.append(Diagnostic(where, f"the archived text '{source.archive}' of source '{source.id}' "
                                       f"cannot be used: {reason}",
                                       f"the source's text saved as UTF-8 in {content_shown}/{source.archive}, or no "
                                       "'archive:' line"))
        else:
            archives[source.id] = (f"{content_shown}/{source.archive}", text)
    return archives


def load_set_asides(project: Project, sources: dict[str, Source] | None, problems: list[Diagnostic],
                    files: FileReader = READ_NOW) -> dict[str, tuple[str, tuple[SetAside, ...]]]:
    """The set-aside list of every archived source that has one (sources/NAME.setaside.yaml next to
    sources/NAME.txt), by source id: (the path shown in messages, the entries)."""
    lists: dict[str, tuple[str, tuple[SetAside, ...]]] = {}
    for source in (sources or {}).values():
        if not source.archive:
            continue
        path = project.content / set_aside_path(source.archive)
        if not os.path.lexists(path):
            continue
        entries, found = _per_file(files, Parse.SET_ASIDE, path, _where(project, path.parent), None,
                                   lambda: _parse_file(project, path, parse_set_asides))
        problems += found
        lists[source.id] = (project.shown(path), entries or ())
    return lists


def _read_archive(project: Project, path: Path) -> tuple[str | None, list[Diagnostic]]:
    if not os.path.lexists(path):
        return None, [error(project.shown(path), 0, 0, "there is no such file")]
    text, found = read_text(path, project.shown(path), project.content)
    return (None, found) if text is None else (text, [])


def load_images(project: Project, problems: list[Diagnostic], files: FileReader = READ_NOW) -> dict[str, Image]:
    """The page images in content/images/, by the name pages use (images/NAME.png)."""
    folder = project.content / IMAGE_FOLDER
    images: dict[str, Image] = {}
    where = _where(project, folder)
    for path in list_files(folder, "*", files):
        image, found = _per_file(files, Parse.IMAGE, path, where, None,
                                 lambda: load_image(path, project.shown(path), project.content))
        problems += found
        if image is not None:
            images[image.name] = image
    return images


def _parse_file(project: Project, path: Path, parse: Callable[[YamlDoc], tuple[T, list[Diagnostic]]]
                ) -> tuple[T | None, list[Diagnostic]]:
    """`parse` of one YAML file, with the problems of reading it."""
    problems: list[Diagnostic] = []
    doc = _read_yaml(project, path, problems)
    if doc is None:
        return None, problems
    value, found = parse(doc)
    return value, problems + found


# (facts by id, problems, the facts with a formula, the ids the file gives that are not usable:
# blocks with errors, or 'group.*' when the file cannot be read at all)
FactFile = tuple[dict[str, Fact], list[Diagnostic], list[Fact], tuple[str, ...]]


def read_data(project: Project, sources: dict[str, Source] | None, files: FileReader, checks: FileChecks
              ) -> tuple[list[FactFile], list[tuple[Chart | None, list[Diagnostic]]], list[Diagnostic]]:
    """Every fact file and chart file, each on its own: (fact files, chart files, problems)."""
    problems: list[Diagnostic] = []
    paths = list_files(project.content / "facts", "*.yaml", files)
    if not paths:
        problems.append(error(project.shown(project.content / "facts"), 0, 0, "there are no fact files",
                              "at least one file content/facts/NAME.yaml"))
    where = _where(project, project.content / "facts")
    fact_files = [_per_file(files, Parse.FACTS, path, where, sources, lambda: _load_fact_file(project, path, sources, checks))
                  for path in paths]
    where = _where(project, project.content / "charts")
    chart_files = [_per_file(files, Parse.CHART, path, where, None, lambda: _load_chart_file(project, path, checks))
                   for path in list_files(project.content / "charts", "*.yaml", files)]
    return fact_files, chart_files, problems


def _load_fact_file(project: Project, path: Path, sources: dict[str, Source] | None, checks: FileChecks
                    ) -> tuple[dict[str, Fact], list[Diagnostic], list[Fact], tuple[str, ...]]:
    """The facts of one file by id, with its problems (and the check that each value is in its
    evidence), and those of its facts that have a formula."""
    problems: list[Diagnostic] = []
    doc = _read_yaml(project, path, problems)
    if doc is None:
        return {}, problems, [], (f"{path.stem}.*",)
    facts, found = parse_fact_file(doc, path.stem, sources)
    by_id = {fact.id: fact for fact in facts}
    given = [f"{path.stem}.{key}" for key in doc.data] if isinstance(doc.data, dict) else [f"{path.stem}.*"]
    return (by_id, problems + found + checks.facts(facts), [fact for fact in facts if fact.derived],
            tuple(fact_id for fact_id in given if fact_id not in by_id) + tuple(sorted(checks.disputed(facts))))


def _load_chart_file(project: Project, path: Path, checks: FileChecks) -> tuple[Chart | None, list[Diagnostic]]:
    """One chart, with its problems and the numbers typed by hand in its texts."""
    chart, problems = _parse_file(project, path, lambda doc: parse_chart(doc, path.stem))
    return chart, problems + (checks.chart(chart) if chart is not None else [])


def read_pages(project: Project, md: MarkdownIt, languages: tuple[str, ...], files: FileReader, checks: FileChecks
               ) -> tuple[list[Page], list[Diagnostic]]:
    """The pages of every edition, with their problems."""
    problems: list[Diagnostic] = []
    pages = [page for language in languages for page in _load_pages(project, md, problems, checks, language, files)]
    return pages, problems


def _load_pages(project: Project, md: MarkdownIt, problems: list[Diagnostic], checks: FileChecks, language: str = "zh",
                files: FileReader = READ_NOW) -> list[Page]:
    """The pages of one edition: content/pages/*.md, or content/pages/en/*.md for English."""
    pages: list[Page] = []
    folder = project.content / "pages" / ("" if language == "zh" else language)
    paths = list_files(folder, "*.md", files)
    if language == "zh" and not any(path.stem == "index" for path in paths):  # twins are checked apart
        problems.append(error(project.shown(folder), 0, 0, "there is no home page",
                              f"a file {project.shown(folder / 'index.md')}"))
    where = _where(project, folder)
    for path in paths:
        if not PAGE_NAME.fullmatch(path.stem):
            problems.append(error(project.shown(path), 1, 1, f"the page name '{path.stem}' cannot be used in an address",
                                  "lower-case letters, digits and '-', such as 'about.md'"))
            continue
        if path.stem in RESERVED_NAMES:
            problems.append(error(project.shown(path), 1, 1, f"the page name '{path.stem}' is taken: "
                                  f"its address {path.stem}/ is {RESERVED_NAMES[path.stem]}",
                                  f"another name, such as '{path.stem}-page.md'"))
            continue
        page, found = _per_file(files, Parse.PAGE, path, where, language, lambda: _load_page_file(project, path, md, language, checks))
        problems += found
        if page is not None:
            pages.append(page)
    return pages


def _load_page_file(project: Project, path: Path, md: MarkdownIt, language: str, checks: FileChecks
                    ) -> tuple[Page | None, list[Diagnostic]]:
    shown = project.shown(path)
    text, problems = read_text(path, shown, project.content)
    if text is None:
        return None, problems
    page, found = parse_page(text, shown, path.stem, md, language)
    return page, problems + found + (checks.page(page) if page is not None else [])
