"""The check stage: the checks of one file's own content (`FILE_CHECKS`, run as each file is read,
so their problems come with the file) and the checks of the whole story (`STORY_CHECKS`, functions
over what reading gave, each returning problems, never raising). The parts of them worth keeping between preview builds
are named operations (`COVERAGE`, `CHART_FACTS`, …) whose pieces are `done()` by the reuse the build
chose. Strictness is applied once, here.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

from kejiquan_site.check.coverage import Coverage, check_coverage
from kejiquan_site.check.handtyped import check_templates
from kejiquan_site.check.provenance import (
    check_evidence_in_sources,
    check_unarchived_sources,
    check_values_in_evidence,
    disputed_facts,
    unquoted_facts,
)
from kejiquan_site.check.references import check_pages
from kejiquan_site.check.translations import check_translations, check_twin_numbers, check_twins
from kejiquan_site.check.unused import check_chart_numbers, check_page_numbers, check_unused_facts, shown_facts
from kejiquan_site.diagnostics import BuildFailed, Diagnostic
from kejiquan_site.model.story import Project, Story
from kejiquan_site.read.charts import check_chart_facts
from kejiquan_site.read.contentfiles import FileChecks
from kejiquan_site.read.facts import Fact
from kejiquan_site.read.story import Reading
from kejiquan_site.read.textfiles import check_file, read_text
from kejiquan_site.reuse.memo import Operation, Work, done

FILE_CHECKS = FileChecks(facts=check_values_in_evidence, disputed=disputed_facts, unquoted=unquoted_facts,
                         chart=check_chart_numbers, page=check_page_numbers)

Problems = list[Diagnostic]


StoryCheck = Callable[[Reading], Problems]

COVERAGE = Operation("coverage of a source")  # by source id
CHART_FACTS = Operation("chart against its facts")  # by chart id
SHOWN_FACTS = Operation("facts shown anywhere")
TWIN_NUMBERS = Operation("numbers of twin pages")


def _all(work: list[Work[Problems]]) -> Problems:
    return [problem for piece in work for problem in done(piece)]


def _evidence_in_sources(reading: Reading) -> Problems:
    return check_evidence_in_sources(list(reading.facts.values()), reading.archives)


def _unarchived_sources(reading: Reading) -> Problems:
    return check_unarchived_sources(reading.sources or {}, reading.facts)


def _template_files(reading: Reading) -> Problems:
    return check_template_files(reading.project)


def _chart_facts(reading: Reading) -> Problems:
    """Each chart against the facts it shows."""
    work: list[Work[Problems]] = []
    facts = reading.facts
    for chart in reading.charts.values():
        used = tuple(map(facts.get, chart.fact_ids))
        if None in used or not facts:  # the message suggests close ids: it depends on them all
            work.append(CHART_FACTS(chart.id, None, functools.partial(
                check_chart_facts, chart, facts, reading.unusable.hides_fact)))
        else:
            work.append(CHART_FACTS(chart.id, (chart, used), functools.partial(check_chart_facts, chart, facts)))
    return _all(work)


def _page_references(reading: Reading) -> Problems:
    return _all(check_pages(list(reading.pages), reading.facts, reading.charts, reading.project,
                            reading.unusable, reading.images))


def _unused_facts(reading: Reading) -> Problems:
    """With a chart or page that cannot be read, the facts only it shows would be "never shown"
    (which those are is unknown: no check); a fact that cannot be read hides only the inputs it
    would show (see check_unused_facts), and a fact whose evidence fails shows what it always did."""
    if reading.unusable.charts or not reading.pages_readable:
        return []
    pages, charts = reading.pages, reading.charts
    shown = done(SHOWN_FACTS(None, (pages, charts), lambda: shown_facts(list(pages), charts)))
    return check_unused_facts(reading.facts, shown, reading.unusable.unread(reading.facts))


def _hand_typed_in_templates(reading: Reading) -> Problems:
    return check_templates(reading.project.templates, reading.project.shown)


def _twins(reading: Reading) -> Problems:
    return check_twins(list(reading.pages), reading.project) if len(reading.languages) > 1 else []


def _translations(reading: Reading) -> Problems:
    """Translations are asked of each fact, source and chart that was read, whatever else is
    unusable; an unusable fact is left out of both twins alike (no follow-on), a chart that cannot
    be read only of the twin pages that show it (see check_twin_numbers)."""
    if len(reading.languages) == 1:
        return []
    pages, facts, charts, unread = reading.pages, reading.facts, reading.charts, reading.unusable.charts
    return check_translations(facts, reading.sources or {}, charts) + done(TWIN_NUMBERS(
        None, (pages, tuple(facts.values()), tuple(charts.values()), unread),
        lambda: check_twin_numbers(list(pages), facts, charts, unread)))


STORY_CHECKS: tuple[StoryCheck, ...] = (
    _evidence_in_sources, _unarchived_sources, _template_files, _chart_facts, _page_references, _unused_facts,
    _hand_typed_in_templates, _twins, _translations,
)


def checked_story(reading: Reading, strict: bool = False) -> Story:
    """The story with its warnings, or BuildFailed with every problem: those found in reading,
    then those of every check. `strict` turns warnings into errors."""
    coverage: list[Coverage] = []
    problems = list(reading.problems)
    for piece in _coverage(reading):
        found, found_problems = done(piece)
        coverage.append(found)
        problems += found_problems
    for check in STORY_CHECKS:
        problems += check(reading)
    if strict:
        problems = [dataclasses.replace(p, severity="error") if p.severity == "warning" else p for p in problems]
    errors = [p for p in problems if p.severity != "warning"]
    warnings = [p for p in problems if p.severity == "warning"]
    if errors or reading.config is None:
        raise BuildFailed(errors + warnings)
    return Story(reading.config, reading.sources or {}, reading.facts, reading.charts,
                 tuple(sorted(reading.pages, key=lambda p: (p.language != "zh", p.order, p.name))),
                 tuple(sorted(warnings, key=lambda d: d.sort_key)), reading.archives, coverage=tuple(coverage),
                 images=reading.images, record=reading.record, updates=reading.updates)


def _coverage(reading: Reading) -> list[Work[tuple[Coverage, Problems]]]:
    """The coverage of every archived source by its facts and its set-aside list, but not of a
    source an unusable fact cites: the numbers that fact is meant to state would be reported as
    uncovered. A fact whose file or block cannot be read could cite any source: then none is checked."""
    cited: dict[str, list[Fact]] = {}
    for fact in reading.facts.values():
        if fact.source in reading.archives and not fact.derived:
            cited.setdefault(fact.source, []).append(fact)
    work: list[Work[tuple[Coverage, Problems]]] = []
    for source_id in sorted(reading.archives):
        if reading.unusable.hides_source(source_id):
            continue
        inputs = (reading.archives[source_id], tuple(cited.get(source_id, ())), reading.set_asides.get(source_id))
        work.append(COVERAGE(source_id, inputs, functools.partial(check_coverage, source_id, *inputs)))
    return work


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
