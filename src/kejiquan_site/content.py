"""Loading a content folder into a `Story`: every file read, parsed and cross-checked, with all
problems collected before anything is rendered.

content/site.yaml, content/sources.yaml, content/facts/*.yaml, content/charts/*.yaml,
content/pages/*.md.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

from markdown_it import MarkdownIt

from .charts import Chart, check_chart_facts, parse_chart
from .config import SiteConfig, parse_config
from .derive import derive_facts
from .diagnostics import BuildFailed, Diagnostic, Location, did_you_mean, error
from .facts import Fact, Source, parse_fact_file, parse_sources
from .i18n import check_translations, check_twins
from .handtyped import check_templates
from .lint import check_chart_numbers, check_page_numbers, check_unused_facts, shown_facts
from .markdown_ext import DIRECTIVES, Reference
from .memo import NO_MEMO, Memo, file_signature, listing_signature
from .pages import Page, parse_page
from .parallel import run_parts
from .provenance import check_evidence_in_sources, check_values_in_evidence
from .textfiles import check_file, display_path, read_text
from .yamlread import YamlDoc, parse_yaml

T = TypeVar("T")
MAX_ITEM_IDS = {"{cards}": 2, "{lists}": 2, "{timeline}": 1}
PAGE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Story:
    config: SiteConfig
    sources: dict[str, Source]
    facts: dict[str, Fact]
    charts: dict[str, Chart]
    pages: tuple[Page, ...]
    warnings: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class Project:
    """Where a site's parts are: the content folder, the templates folder, the project root."""

    root: Path
    content: Path
    templates: Path

    def shown(self, path: Path) -> str:
        return display_path(path, self.root)


def _read_yaml(project: Project, path: Path, problems: list[Diagnostic]) -> YamlDoc | None:
    shown = project.shown(path)
    text, found = read_text(path, shown, project.content)
    problems += found
    if text is None:
        return None
    doc = parse_yaml(text, shown)
    problems += doc.problems
    return None if doc.problems else doc


def _files(folder: Path, pattern: str, memo: Memo = NO_MEMO) -> list[Path]:
    """Matching files, without hidden ones: editors and file systems leave those next to content
    (Emacs lock links `.#index.md`, macOS `._index.md` resource forks). A folder's listing is
    reused while the folder is unchanged (adding, removing or renaming a file changes it)."""
    if not folder.is_dir():
        return []
    suffix = pattern.removeprefix("*")
    signature = listing_signature(folder)
    if signature is None:
        return _list_folder(folder, suffix, memo)
    return memo.get(("listing", os.fspath(folder), suffix), signature, lambda: _list_folder(folder, suffix, memo))


def _list_folder(folder: Path, suffix: str, memo: Memo) -> list[Path]:
    with os.scandir(folder) as entries:
        names = sorted(entry.name for entry in entries if entry.name.endswith(suffix) and not entry.name.startswith("."))
    known: dict[str, Path] = memo.get(("paths", os.fspath(folder)), None, dict)  # one Path object per file
    return [known.get(name) or known.setdefault(name, folder / name) for name in names]


def load_story(project: Project, md: MarkdownIt, source_texts: dict[str, tuple[str, str]] | None = None,
               strict: bool = False, memo: Memo = NO_MEMO, processes: int = 1) -> Story:
    """The whole story, or BuildFailed with every problem in every file.

    `source_texts` maps source ids to (shown path, archived text) for the evidence check;
    `strict` turns warnings into errors; `memo` reuses what unchanged files gave last time;
    with `processes` > 1 the pages are read while a child process reads the facts and charts.
    """
    problems: list[Diagnostic] = []
    config = _load_config(project, problems, memo)
    sources = _load_sources(project, problems, memo)
    languages = ("zh", "en") if config is not None and "en" in config.editions else ("zh",)
    (pages, found_in_pages), (fact_files, chart_files, found_in_data) = run_parts(
        [lambda: _read_pages(project, md, languages, memo), lambda: _read_data(project, sources, memo)], processes)
    problems += found_in_data + found_in_pages
    facts = _combine_facts(fact_files, problems, memo)
    problems += check_evidence_in_sources(list(facts.values()), source_texts or {})
    problems += check_template_files(project)
    charts = _check_charts(chart_files, facts, problems, memo)
    warnings_for_twins = check_twins(pages, project) if len(languages) > 1 else []
    warnings = [p for p in problems if p.severity == "warning"]  # files read fine, but mislead
    problems = [p for p in problems if p.severity != "warning"]
    ids_complete = not any(p.location.path.startswith(_content_prefix(project, "facts", "charts"))
                           for p in problems)
    if ids_complete:  # otherwise every use of a fact in a broken file would be reported too
        problems += check_pages(pages, facts, charts, project, memo)
        warnings += check_unused_facts(facts, memo.get("shown-facts", (tuple(pages), charts),
                                                       lambda: shown_facts(pages, charts)))
    warnings += check_templates(project.templates, project.shown)
    warnings += warnings_for_twins
    if config is not None and "en" in config.editions and ids_complete:
        warnings += check_translations(facts, sources or {}, charts)
    if strict:
        problems += [dataclasses.replace(warning, severity="error") for warning in warnings]
        warnings = []
    if problems or config is None:
        raise BuildFailed(problems + warnings)
    return Story(config, sources or {}, facts, charts,
                 tuple(sorted(pages, key=lambda p: (p.language != "zh", p.order, p.name))),
                 tuple(sorted(warnings, key=lambda d: d.sort_key)))


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


def _per_file(memo: Memo, kind: str, path: Path, inputs: Any, compute: Callable[[], T]) -> T:
    """What `compute` makes of one content file, reused while the file (and `inputs`) stay the same."""
    name = os.fspath(path)
    signature = file_signature(name)
    if signature is None:  # links, pipes, folders: checked afresh every time
        return compute()
    return memo.get((kind, name), (signature, inputs), compute)


def _content_prefix(project: Project, *folders: str) -> tuple[str, ...]:
    return tuple(project.shown(project.content / folder) + "/" for folder in folders)


def _load_config(project: Project, problems: list[Diagnostic], memo: Memo = NO_MEMO) -> SiteConfig | None:
    path = project.content / "site.yaml"
    if not os.path.lexists(path):  # a folder, a pipe or a broken link there is read_text's to report
        problems.append(error(project.shown(path), 0, 0, "the site configuration is missing",
                              "a file content/site.yaml with title, description, language, base_url, publisher"))
        return None
    config, found = _per_file(memo, "config", path, None, lambda: _parse_file(project, path, parse_config))
    problems += found
    return config


def _load_sources(project: Project, problems: list[Diagnostic], memo: Memo = NO_MEMO) -> dict[str, Source] | None:
    """The sources, or None when sources.yaml is missing or broken (so facts are not blamed)."""
    path = project.content / "sources.yaml"
    if not os.path.lexists(path):
        problems.append(error(project.shown(path), 0, 0, "the list of sources is missing",
                              "a file content/sources.yaml naming each source by id"))
        return None
    sources, found, usable = _per_file(memo, "sources", path, None, lambda: _load_sources_file(project, path))
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


def _parse_file(project: Project, path: Path, parse: Callable[[YamlDoc], tuple[T, list[Diagnostic]]]
                ) -> tuple[T | None, list[Diagnostic]]:
    """`parse` of one YAML file, with the problems of reading it."""
    problems: list[Diagnostic] = []
    doc = _read_yaml(project, path, problems)
    if doc is None:
        return None, problems
    value, found = parse(doc)
    return value, problems + found


FactFile = tuple[dict[str, Fact], list[Diagnostic], list[Fact]]


def _read_data(project: Project, sources: dict[str, Source] | None, memo: Memo
               ) -> tuple[list[FactFile], list[tuple[Chart | None, list[Diagnostic]]], list[Diagnostic]]:
    """Every fact file and chart file, each on its own: (fact files, chart files, problems)."""
    problems: list[Diagnostic] = []
    paths = _files(project.content / "facts", "*.yaml", memo)
    if not paths:
        problems.append(error(project.shown(project.content / "facts"), 0, 0, "there are no fact files",
                              "at least one file content/facts/NAME.yaml"))
    fact_files = [_per_file(memo, "facts", path, sources, lambda: _load_fact_file(project, path, sources))
                  for path in paths]
    chart_files = [_per_file(memo, "chart", path, None, lambda: _load_chart_file(project, path))
                   for path in _files(project.content / "charts", "*.yaml", memo)]
    return fact_files, chart_files, problems


def _combine_facts(fact_files: list[FactFile], problems: list[Diagnostic], memo: Memo) -> dict[str, Fact]:
    """All facts by id, derived values computed."""
    facts: list[Fact] = []
    by_id: dict[str, Fact] = {}
    derived: list[Fact] = []
    for found_facts, found, found_derived in fact_files:
        facts += found_facts.values()
        by_id.update(found_facts)
        derived += found_derived
        problems += found
    all_facts, found = memo.get("derived", tuple(facts), lambda: derive_facts(by_id, derived))
    problems += found
    return all_facts


def _load_fact_file(project: Project, path: Path, sources: dict[str, Source] | None
                    ) -> tuple[dict[str, Fact], list[Diagnostic], list[Fact]]:
    """The facts of one file by id, with its problems (and the check that each value is in its
    evidence), and those of its facts that have a formula."""
    problems: list[Diagnostic] = []
    doc = _read_yaml(project, path, problems)
    if doc is None:
        return {}, problems, []
    facts, found = parse_fact_file(doc, path.stem, sources)
    return ({fact.id: fact for fact in facts}, problems + found + check_values_in_evidence(facts),
            [fact for fact in facts if fact.derived])


def _check_charts(chart_files: list[tuple[Chart | None, list[Diagnostic]]], facts: dict[str, Fact],
                  problems: list[Diagnostic], memo: Memo) -> dict[str, Chart]:
    """The charts by id, each checked against the facts it shows."""
    charts: dict[str, Chart] = {}
    for chart, found in chart_files:
        problems += found
        if chart is not None:
            used = tuple(map(facts.get, chart.fact_ids))
            problems += memo.get(("chart-facts", chart.id), (chart, used),
                                 lambda: check_chart_facts(chart, facts)) if facts else []
            charts[chart.id] = chart
    return charts


def _load_chart_file(project: Project, path: Path) -> tuple[Chart | None, list[Diagnostic]]:
    """One chart, with its problems and the numbers typed by hand in its texts."""
    chart, problems = _parse_file(project, path, lambda doc: parse_chart(doc, path.stem))
    return chart, problems + (check_chart_numbers(chart) if chart is not None else [])


def _read_pages(project: Project, md: MarkdownIt, languages: tuple[str, ...], memo: Memo
                ) -> tuple[list[Page], list[Diagnostic]]:
    """The pages of every edition, with their problems."""
    problems: list[Diagnostic] = []
    pages = [page for language in languages for page in _load_pages(project, md, problems, language, memo)]
    return pages, problems


def _load_pages(project: Project, md: MarkdownIt, problems: list[Diagnostic], language: str = "zh",
                memo: Memo = NO_MEMO) -> list[Page]:
    """The pages of one edition: content/pages/*.md, or content/pages/en/*.md for English."""
    pages: list[Page] = []
    folder = project.content / "pages" / ("" if language == "zh" else language)
    paths = _files(folder, "*.md", memo)
    if language == "zh" and not any(path.stem == "index" for path in paths):  # twins are checked apart
        problems.append(error(project.shown(folder), 0, 0, "there is no home page",
                              f"a file {project.shown(folder / 'index.md')}"))
    for path in paths:
        if not PAGE_NAME.fullmatch(path.stem):
            problems.append(error(project.shown(path), 1, 1, f"the page name '{path.stem}' cannot be used in an address",
                                  "lower-case letters, digits and '-', such as 'about.md'"))
            continue
        page, found = _per_file(memo, "page", path, language, lambda: _load_page_file(project, path, md, language))
        problems += found
        if page is not None:
            pages.append(page)
    return pages


def _load_page_file(project: Project, path: Path, md: MarkdownIt, language: str) -> tuple[Page | None, list[Diagnostic]]:
    shown = project.shown(path)
    text, problems = read_text(path, shown, project.content)
    if text is None:
        return None, problems
    page, found = parse_page(text, shown, path.stem, md, language)
    return page, problems + found + (check_page_numbers(page) if page is not None else [])


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
                project: Project, memo: Memo = NO_MEMO) -> list[Diagnostic]:
    """Every id a page uses exists and suits the place it is used in; every template exists."""
    problems: list[Diagnostic] = []
    templates = frozenset(path.name for path in _files(project.templates, "*.html"))
    for page in pages:
        used = (tuple(map(facts.get, page.fact_ids)), tuple(map(charts.get, page.chart_ids)))
        if None in used[0] or None in used[1]:  # the message suggests close ids: it depends on them all
            problems += _check_page(page, facts, charts, templates)
        else:
            problems += memo.get(("page-ids", page.source), (page, used, templates),
                                 lambda: _check_page(page, facts, charts, templates))
    return problems


def _check_page(page: Page, facts: dict[str, Fact], charts: dict[str, Chart], templates: frozenset[str]
                ) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    if page.template not in templates:
        problems.append(error(page.source, 2, 1, f"unknown template '{page.template}'"
                              f"{did_you_mean(page.template, templates)}",
                              "one of: " + ", ".join(sorted(templates))))
    for reference in page.references:
        problems += _check_reference(reference, page.source, facts, charts)
    return problems + _repeated_charts(page)


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


def _check_reference(ref: Reference, path: str, facts: dict[str, Fact], charts: dict[str, Chart]) -> list[Diagnostic]:
    where = Location(path, ref.line, ref.column)
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
