"""Loading a content folder into a `Story`: the files read (contentfiles.py), then combined and
cross-checked, with all problems collected before anything is rendered.

content/site.yaml, content/sources.yaml, content/facts/*.yaml, content/charts/*.yaml,
content/pages/*.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt

from kejiquan_site.check.coverage import Coverage, check_coverage
from kejiquan_site.check.handtyped import check_templates
from kejiquan_site.check.provenance import check_evidence_in_sources, check_unarchived_sources
from kejiquan_site.check.unused import check_unused_facts, shown_facts
from kejiquan_site.diagnostics import BuildFailed, Diagnostic, Location, did_you_mean, error
from kejiquan_site.markdown.extensions import DIRECTIVES, Reference
from kejiquan_site.parallel import run_parts
from kejiquan_site.read.charts import Chart, check_chart_facts
from kejiquan_site.read.config import SiteConfig
from kejiquan_site.read.contentfiles import (
    Archive,
    FactFile,
    Project,
    list_files,
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
from kejiquan_site.read.images import IMAGE_FOLDER, Image
from kejiquan_site.read.pages import Page
from kejiquan_site.read.published import Record
from kejiquan_site.read.textfiles import check_file, forget_folders, read_text
from kejiquan_site.read.updates import Update, check_log
from kejiquan_site.reuse.memo import NO_MEMO, Memo
from kejiquan_site.story.i18n import check_translations, check_twin_numbers, check_twins

__all__ = ["Project", "Story", "check_pages", "check_template_files", "load_story"]  # Project: from contentfiles

MAX_ITEM_IDS = {"{cards}": 2, "{lists}": 2, "{timeline}": 1}


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


def load_story(project: Project, md: MarkdownIt, strict: bool = False, memo: Memo = NO_MEMO,
               processes: int = 1) -> Story:
    """The whole story, or BuildFailed with every problem in every file.

    Every evidence fragment is checked against its source's archived text; `strict` turns
    warnings into errors; `memo` reuses what unchanged files gave last time;
    with `processes` > 1 the pages are read while a child process reads the facts and charts.
    """
    forget_folders()
    problems: list[Diagnostic] = []
    config = load_config(project, problems, memo)
    sources = load_sources(project, problems, memo)
    archives = load_archives(project, sources, problems, memo)
    record = load_record(project, problems, memo)
    entries = load_log(project, problems, memo)
    set_asides = load_set_asides(project, sources, problems, memo)
    images = load_images(project, problems, memo)
    languages = ("zh", "en") if config is not None and "en" in config.editions else ("zh",)
    parts: list[Callable[[], Any]] = [lambda: read_pages(project, md, languages, memo),
                                      lambda: read_data(project, sources, memo)]
    (pages, found_in_pages), (fact_files, chart_files, found_in_data) = run_parts(parts, processes)
    problems += found_in_data + found_in_pages
    facts, broken_facts = _combine_facts(fact_files, problems, memo)
    problems += check_evidence_in_sources(list(facts.values()), archives)
    problems += check_unarchived_sources(sources or {}, facts)
    problems += check_template_files(project)
    unusable = Unusable(broken_facts, _broken_charts(chart_files))
    charts = _check_charts(chart_files, facts, problems, memo, unusable)
    updates: tuple[Update, ...] = ()
    if not unusable.facts:  # a fact that cannot be read is not a change to report
        updates, found = memo.get("updates", (tuple(entries), record, tuple(facts.items())),
                                  lambda: check_log(entries, record, facts))
        problems += found
    warnings_for_twins = check_twins(pages, project) if len(languages) > 1 else []
    warnings = [p for p in problems if p.severity == "warning"]  # files read fine, but mislead
    problems = [p for p in problems if p.severity != "warning"]
    coverage: tuple[Coverage, ...] = ()
    if not unusable.facts:  # a fact file with errors would leave its numbers uncovered
        coverage, found = _check_coverage(archives, facts, set_asides, memo)
        problems += [p for p in found if p.severity != "warning"]
        warnings += [p for p in found if p.severity == "warning"]
    problems += check_pages(pages, facts, charts, project, memo, unusable, images)
    ids_complete = not unusable.facts and not unusable.charts
    if ids_complete and not any(p.severity == "error" for p in found_in_pages):
        # with a page that cannot be read, the facts only it shows would be "never shown"
        warnings += check_unused_facts(facts, memo.get("shown-facts", (tuple(pages), charts),
                                                       lambda: shown_facts(pages, charts)))
    warnings += check_templates(project.templates, project.shown)
    warnings += warnings_for_twins
    if config is not None and "en" in config.editions and not unusable.facts:
        warnings += check_translations(facts, sources or {}, charts)
        warnings += memo.get("twin-numbers", (tuple(pages), tuple(facts.values()), tuple(charts.values())),
                             lambda: check_twin_numbers(pages, facts, charts))
    if strict:
        problems += [dataclasses.replace(warning, severity="error") for warning in warnings]
        warnings = []
    if problems or config is None:
        raise BuildFailed(problems + warnings)
    return Story(config, sources or {}, facts, charts,
                 tuple(sorted(pages, key=lambda p: (p.language != "zh", p.order, p.name))),
                 tuple(sorted(warnings, key=lambda d: d.sort_key)), archives, coverage=coverage, images=images, record=record,
                 updates=updates)


def _check_coverage(archives: dict[str, Archive], facts: dict[str, Fact], set_asides: dict, memo: Memo
                    ) -> tuple[tuple[Coverage, ...], list[Diagnostic]]:
    """The coverage of every archived source by its facts and its set-aside list."""
    results: list[Coverage] = []
    problems: list[Diagnostic] = []
    cited: dict[str, list[Fact]] = {}
    for fact in facts.values():
        if fact.source in archives and not fact.derived:
            cited.setdefault(fact.source, []).append(fact)
    for source_id in sorted(archives):
        inputs = (archives[source_id], tuple(cited.get(source_id, ())), set_asides.get(source_id))
        coverage, found = memo.get(("coverage", source_id), inputs,
                                   lambda: check_coverage(source_id, *inputs))
        results.append(coverage)
        problems += found
    return tuple(results), problems


@dataclass(frozen=True)
class Unusable:
    """Ids given in files that cannot be read, or in blocks with errors, and derived facts that
    cannot be computed: their own errors are the root cause, so uses of them elsewhere are not
    reported again as "unknown"."""

    facts: frozenset[str] = frozenset()  # ids, and 'group.*' for a fact file that cannot be read
    charts: frozenset[str] = frozenset()

    def hides_fact(self, fact_id: str) -> bool:
        return fact_id in self.facts or f"{fact_id.partition('.')[0]}.*" in self.facts


def _combine_facts(fact_files: list[FactFile], problems: list[Diagnostic], memo: Memo
                   ) -> tuple[dict[str, Fact], frozenset[str]]:
    """All facts by id, derived values computed, and the ids that are not usable (see Unusable)."""
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
    all_facts, found = memo.get("derived", (tuple(facts), hidden),
                                lambda: derive_facts(by_id, derived, hidden.hides_fact))
    problems += found
    return all_facts, frozenset(broken | {fact.id for fact in derived if fact.id not in all_facts})


def _broken_charts(chart_files: list[tuple[Chart | None, list[Diagnostic]]]) -> frozenset[str]:
    """The ids of chart files that give no chart (named by the file their first problem is in)."""
    return frozenset(PurePosixPath(found[0].location.path).stem for chart, found in chart_files
                     if chart is None and found)


def _check_charts(chart_files: list[tuple[Chart | None, list[Diagnostic]]], facts: dict[str, Fact],
                  problems: list[Diagnostic], memo: Memo, unusable: Unusable) -> dict[str, Chart]:
    """The charts by id, each checked against the facts it shows."""
    charts: dict[str, Chart] = {}
    for chart, found in chart_files:
        problems += found
        if chart is not None:
            used = tuple(map(facts.get, chart.fact_ids))
            if None in used or not facts:  # the message suggests close ids: it depends on them all
                problems += check_chart_facts(chart, facts, unusable.hides_fact) if facts else []
            else:
                problems += memo.get(("chart-facts", chart.id), (chart, used), lambda: check_chart_facts(chart, facts))
            charts[chart.id] = chart
    return charts


def check_template_files(project: Project) -> list[Diagnostic]:
    """Every file in templates/ is a regular file inside it (Jinja and the asset step would follow
    a link to /etc/passwd and publish it), and every template is UTF-8 text."""
    problems: list[Diagnostic] = []
    if not project.templates.is_dir():
        return problems
    for path in sorted(project.templates.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(project.templates).parts):
            continue  # editors' lock and backup files; never loaded or published
        shown = project.shown(path)
        if path.suffix == ".html" and not path.is_dir():
            problems += read_text(path, shown, project.templates, folder="templates")[1]
        else:  # images, styles and folders need not be text, only safe to read
            problems += check_file(path, shown, project.templates, folder="templates")
    return problems


def check_pages(pages: list[Page], facts: dict[str, Fact], charts: dict[str, Chart],
                project: Project, memo: Memo = NO_MEMO, unusable: Unusable | None = None,
                images: dict[str, Image] | None = None) -> list[Diagnostic]:
    """Every id a page uses exists and suits the place it is used in; every template exists."""
    problems: list[Diagnostic] = []
    templates = frozenset(path.name for path in list_files(project.templates, "*.html"))
    for page in pages:
        used = (tuple(map(facts.get, page.fact_ids)), tuple(map(charts.get, page.chart_ids)))
        problems += _check_images(page, images or {})
        if None in used[0] or None in used[1]:  # the message suggests close ids: it depends on them all
            problems += _check_page(page, facts, charts, templates, unusable or Unusable())
        else:
            problems += memo.get(("page-ids", page.source), (page, used, templates),
                                 lambda: _check_page(page, facts, charts, templates, Unusable()))
    return problems


def _check_page(page: Page, facts: dict[str, Fact], charts: dict[str, Chart], templates: frozenset[str],
                unusable: Unusable) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    if page.template not in templates:
        problems.append(error(page.source, 2, 1, f"unknown template '{page.template}'"
                              f"{did_you_mean(page.template, templates)}",
                              "one of: " + ", ".join(sorted(templates))))
    for reference in page.references:
        problems += _check_reference(reference, page.source, facts, charts, unusable)
    return problems + _repeated_charts(page)


def _check_images(page: Page, images: dict[str, Image]) -> list[Diagnostic]:
    """Every image a page shows is a file in content/images/."""
    problems = []
    for ref in page.references:
        if ref.kind == "image" and ref.id not in images:
            where = Location(page.source, ref.line, ref.column)
            if not ref.id.startswith(IMAGE_FOLDER + "/"):
                problems.append(Diagnostic(where, f"the image '{ref.id}' is not in content/{IMAGE_FOLDER}/",
                                           f"the image saved in content/{IMAGE_FOLDER}/ and written as "
                                           f"![what it shows]({IMAGE_FOLDER}/NAME.png)"))
            else:
                problems.append(Diagnostic(where, f"unknown image '{ref.id}'{did_you_mean(ref.id, list(images))}",
                                           f"the name of a file in content/{IMAGE_FOLDER}/, such as "
                                           f"{IMAGE_FOLDER}/map.png"))
    return problems


def _repeated_charts(page: Page) -> list[Diagnostic]:
    """A chart shown twice on one page would give two elements the id 'chart-NAME'."""
    first_line: dict[str, int] = {}
    problems: list[Diagnostic] = []
    for ref in page.references:
        if ref.kind != "chart":
            continue
        if ref.id in first_line:
            where = Location(page.source, ref.line, ref.column)
            problems.append(Diagnostic(where, f"the chart '{ref.id}' is already shown on this page "
                                       f"(line {first_line[ref.id]})",
                                       "each chart once per page; its element id 'chart-NAME' must be unique"))
        else:
            first_line[ref.id] = ref.line
    return problems


def _check_reference(ref: Reference, path: str, facts: dict[str, Fact], charts: dict[str, Chart],
                     unusable: Unusable) -> list[Diagnostic]:
    where = Location(path, ref.line, ref.column)
    if (ref.kind == "fact" and ref.id not in facts and unusable.hides_fact(ref.id)) or \
            (ref.kind == "chart" and ref.id not in charts and ref.id in unusable.charts):
        return []  # the file that should give it has errors of its own: the root cause
    if ref.kind == "directive" and ref.id in DIRECTIVES and (ref.id == "chart") != bool(ref.argument):
        expected = "a chart id after {chart}, such as ```{chart} rd_intensity" if ref.id == "chart" \
            else f"nothing after {{{ref.id}}}: its items go on the lines below"
        what = "needs a chart id" if ref.id == "chart" else f"takes no argument, got '{ref.argument}'"
        return [Diagnostic(where, f"{{{ref.id}}} {what}", expected)]
    if ref.kind == "fact" and ref.last_in_item and ref.item_size > MAX_ITEM_IDS.get(ref.context, 1):
        most = MAX_ITEM_IDS.get(ref.context, 1)
        return [Diagnostic(where, f"an item of {ref.context} takes at most {most} fact id"
                           + ("s" if most > 1 else "") + f", got {ref.item_size}",
                           "'- a.b -> a.c | text'" if most > 1 else "'- a.b | text'")]
    if ref.kind == "directive" and ref.id not in DIRECTIVES:
        return [Diagnostic(where, f"unknown directive '{{{ref.id}}}'{did_you_mean(ref.id, DIRECTIVES)}",
                           "one of: " + ", ".join("{" + name + "}" for name in DIRECTIVES))]
    if ref.kind == "chart" and ref.id not in charts:
        return [Diagnostic(where, f"unknown chart '{ref.id}'{did_you_mean(ref.id, list(charts))}",
                           "the name of a file in content/charts/, without '.yaml'")]
    if ref.kind != "fact":
        return []
    if ref.id not in facts:
        return [Diagnostic(where, f"unknown fact '{ref.id}'{did_you_mean(ref.id, list(facts))}",
                           "the id of a fact in content/facts/, such as 'rd.jjj_2024'")]
    fact = facts[ref.id]
    if ref.context == "{lists}" and ref.last_in_item and fact.unit != "list":
        return [Diagnostic(where, f"{{lists}} shows lists, but '{ref.id}' is {fact.unit}", "a fact with unit 'list'")]
    if ref.context == "{timeline}" and not (fact.period or fact.unit == "date"):
        return [Diagnostic(where, f"'{ref.id}' has no date or period to place it on a timeline",
                           "a fact with 'period:' or unit 'date'")]
    if ref.context == "{cards}" and fact.unit == "list":
        return [Diagnostic(where, f"a card shows one value, but '{ref.id}' is a list", "a number or text fact")]
    return []
