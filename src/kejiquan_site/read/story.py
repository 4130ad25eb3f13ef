"""Reading a whole content folder: every file on its own (contentfiles.py), then the facts
combined and derived and the updates log matched to the record. It gives what the files say and
the problems found in them; the checks of the whole story are the next stage's (check/stage.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt

from kejiquan_site.diagnostics import Diagnostic
from kejiquan_site.model.story import Archive, Project, forget_folders
from kejiquan_site.parallel import run_parts
from kejiquan_site.read.charts import Chart
from kejiquan_site.read.config import SiteConfig
from kejiquan_site.read.contentfiles import (
    READ_NOW,
    FactFile,
    FileChecks,
    FileReader,
    load_archives,
    load_config,
    load_images,
    load_log,
    load_record,
    load_set_asides,
    load_sources,
    read_data,
    read_pages,
)
from kejiquan_site.read.derive import derive_facts
from kejiquan_site.read.facts import Fact, Source
from kejiquan_site.read.images import Image
from kejiquan_site.read.pages import Page
from kejiquan_site.read.published import Record
from kejiquan_site.read.setasides import SetAside
from kejiquan_site.read.updates import Update, check_log


@dataclass(frozen=True)
class Unusable:
    """Ids given in files that cannot be read, or in blocks with errors, derived facts that cannot
    be computed, and facts whose own evidence fails (it lacks the value, or is not in the archived
    source): their own errors are the root cause, so what follows from them elsewhere ("unknown
    fact", a change without an entry, a number of the source left uncovered) is not reported.
    Only that: each whole-story check asks what these ids could make a follow-on of, and checks
    everything else as usual, so an unrelated problem is reported in the same run."""

    facts: frozenset[str] = frozenset()  # ids, and 'group.*' for a fact file that cannot be read
    charts: frozenset[str] = frozenset()
    # the sources the unusable facts cite (their numbers would be left uncovered); None when one
    # of them could cite any: its file or block could not be read, so its source is unknown
    cited: frozenset[str] | None = frozenset()

    def hides_fact(self, fact_id: str) -> bool:
        return fact_id in self.facts or f"{fact_id.partition('.')[0]}.*" in self.facts

    def hides_source(self, source_id: str) -> bool:
        """Whether an unusable fact may be the one meant to state numbers of this source."""
        return self.cited is None or source_id in self.cited

    def unread(self, facts: Mapping[str, Fact]) -> Callable[[str], bool]:
        """Whether an id is of a fact that could not be read or computed (not among `facts`):
        what it is, shows or is computed from is unknown."""
        return lambda fact_id: fact_id not in facts and self.hides_fact(fact_id)


def _cited(broken: frozenset[str], facts: dict[str, Fact], derived: frozenset[str]) -> frozenset[str] | None:
    """The sources the unusable facts cite (see Unusable.cited): a fact that was read cites its
    own; a derived fact that cannot be computed cites none (derived facts state no source's number)."""
    cited: set[str] = set()
    for fact_id in broken:
        if fact_id in derived:
            continue
        if fact_id not in facts:  # its file or block could not be read: it may cite any source
            return None
        if not facts[fact_id].derived:
            cited.add(facts[fact_id].source)
    return frozenset(cited)


@dataclass(frozen=True)
class Reading:
    """What reading a content folder gave: the parts of the story (missing or partial where files
    have errors), the problems found in them, and the ids those problems make unusable."""

    project: Project
    config: SiteConfig | None  # None when site.yaml is missing or broken
    sources: dict[str, Source] | None  # None when sources.yaml is missing or broken
    facts: dict[str, Fact]
    charts: dict[str, Chart]
    pages: tuple[Page, ...]
    archives: dict[str, Archive]
    set_asides: dict[str, tuple[str, tuple[SetAside, ...]]]  # by source id: (shown path, entries)
    images: dict[str, Image]
    record: Record | None
    updates: tuple[Update, ...]
    problems: tuple[Diagnostic, ...]  # errors and warnings, found while reading
    unusable: Unusable
    pages_readable: bool  # no page file has an error of its own

    @property
    def languages(self) -> tuple[str, ...]:
        return ("zh", "en") if self.config is not None and "en" in self.config.editions else ("zh",)


def read_story(project: Project, md: MarkdownIt, checks: FileChecks, files: FileReader = READ_NOW,
               processes: int = 1) -> Reading:
    """Every content file, with the problems of each (`checks` of a single file's content
    included), each parsed through `files` (the preview's reuses what unchanged files gave last
    time); with `processes` > 1 the pages are read while a child process reads the facts and charts."""
    forget_folders()
    problems: list[Diagnostic] = []
    config = load_config(project, problems, files)
    sources = load_sources(project, problems, files)
    archives = load_archives(project, sources, problems, files)
    record = load_record(project, problems, files)
    entries = load_log(project, problems, files)
    set_asides = load_set_asides(project, sources, problems, files)
    images = load_images(project, problems, files)
    languages = ("zh", "en") if config is not None and "en" in config.editions else ("zh",)
    parts: list[Callable[[], Any]] = [lambda: read_pages(project, md, languages, files, checks),
                                      lambda: read_data(project, sources, files, checks)]
    (pages, found_in_pages), (fact_files, chart_files, found_in_data) = run_parts(parts, processes)
    problems += found_in_data + found_in_pages
    facts, broken_facts, derived = _combine_facts(fact_files, problems)
    broken_facts |= checks.unquoted(list(facts.values()), archives)  # evidence that fails: the root cause
    charts: dict[str, Chart] = {}
    for chart, found in chart_files:
        problems += found
        if chart is not None:
            charts[chart.id] = chart
    unusable = Unusable(broken_facts, _broken_charts(chart_files), _cited(broken_facts, facts, derived))
    # an unusable fact is not a change to report (nor, when it could not be read, a withdrawal)
    updates, found = check_log(entries, record, facts, unusable.hides_fact)
    problems += found
    return Reading(project, config, sources, facts, charts, tuple(pages), archives, set_asides, images, record,
                   updates, tuple(problems), unusable,
                   pages_readable=not any(p.severity == "error" for p in found_in_pages))


def _combine_facts(fact_files: list[FactFile], problems: list[Diagnostic]
                   ) -> tuple[dict[str, Fact], frozenset[str], frozenset[str]]:
    """All facts by id, derived values computed, the ids that are not usable (see Unusable), and
    the ids of the facts with a formula."""
    facts: list[Fact] = []
    by_id: dict[str, Fact] = {}
    derived: list[Fact] = []
    broken: set[str] = set()
    for found_facts, found, found_derived, found_broken in fact_files:
        facts += found_facts.values()
        by_id.update(found_facts)
        derived += found_derived
        problems += found
        broken.update(found_broken)
    hidden = Unusable(frozenset(broken))
    all_facts, found = derive_facts(by_id, derived, hidden.hides_fact)
    problems += found
    return (all_facts, frozenset(broken | {fact.id for fact in derived if fact.id not in all_facts}),
            frozenset(fact.id for fact in derived))


def _broken_charts(chart_files: list[tuple[Chart | None, list[Diagnostic]]]) -> frozenset[str]:
    """The ids of chart files that give no chart (named by the file their first problem is in)."""
    return frozenset(PurePosixPath(found[0].location.path).stem for chart, found in chart_files
                     if chart is None and found)
