"""What pages refer to: every fact, chart, directive, image and template a page uses exists and
suits the place it is used in; a chart is shown once per page. Ids that reading found unusable
(`Unusable`) are not reported again: their own errors are the root cause.
"""

from __future__ import annotations

import functools

from kejiquan_site.diagnostics import Diagnostic, Location, did_you_mean, error
from kejiquan_site.markdown.extensions import DIRECTIVES, Reference
from kejiquan_site.model.story import Project
from kejiquan_site.read.charts import Chart
from kejiquan_site.read.contentfiles import list_files
from kejiquan_site.read.facts import Fact
from kejiquan_site.read.images import IMAGE_FOLDER, Image
from kejiquan_site.read.pages import Page
from kejiquan_site.read.story import Unusable
from kejiquan_site.reuse.memo import Operation, Work

MAX_ITEM_IDS = {"{cards}": 2, "{lists}": 2, "{timeline}": 1}
PAGE_IMAGES = Operation("images of a page")  # by page source
PAGE_IDS = Operation("ids and templates of a page")  # by page source


def check_pages(pages: list[Page], facts: dict[str, Fact], charts: dict[str, Chart],
                project: Project, unusable: Unusable | None = None,
                images: dict[str, Image] | None = None) -> list[Work[list[Diagnostic]]]:
    """Every id a page uses exists and suits the place it is used in; every template exists:
    one piece of work per page, depending on the page and the facts and charts it uses."""
    work: list[Work[list[Diagnostic]]] = []
    templates = frozenset(path.name for path in list_files(project.templates, "*.html"))
    for page in pages:
        used = (tuple(map(facts.get, page.fact_ids)), tuple(map(charts.get, page.chart_ids)))
        work.append(PAGE_IMAGES(page.source, None, functools.partial(_check_images, page, images or {})))
        if None in used[0] or None in used[1]:  # the message suggests close ids: it depends on them all
            work.append(PAGE_IDS(page.source, None, functools.partial(
                _check_page, page, facts, charts, templates, unusable or Unusable())))
        else:
            work.append(PAGE_IDS(page.source, (page, used, templates), functools.partial(
                _check_page, page, facts, charts, templates, Unusable())))
    return work


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
