"""The English edition's checks: every text it shows has a translation, every page a twin, and
both twins show readers the same numbers. Warnings (errors with --strict).
"""

from __future__ import annotations

import os

from kejiquan_site.diagnostics import Diagnostic, Location
from kejiquan_site.model.story import Project
from kejiquan_site.read.charts import Chart
from kejiquan_site.read.facts import Fact, Source
from kejiquan_site.read.pages import Page


def _missing(where: Location, what: str, expected: str) -> Diagnostic:
    return Diagnostic(where, f"{what} has no English translation", expected, "warning")


def check_translations(facts: dict[str, Fact], sources: dict[str, Source],
                       charts: dict[str, Chart]) -> list[Diagnostic]:
    """A warning for every text the English edition would have to show in Chinese."""
    problems: list[Diagnostic] = []
    for fact in facts.values():
        if not fact.label_en:
            problems.append(_missing(fact.location, f"the label of '{fact.id}'", "'label_en:' with the English label"))
        if not fact.is_number and fact.unit != "date" and fact.value_en is None:
            problems.append(_missing(fact.location, f"the value of '{fact.id}'",
                                     "'value_en:' with the English text" + (" list" if fact.unit == "list" else "")))
        if fact.period and not fact.derived and not fact.period.replace("-", "").isdigit() and not fact.period_en:
            problems.append(_missing(fact.location, f"the period '{fact.period}' of '{fact.id}'",
                                     "'period_en:' such as 'end of 2025'"))
    for source in sources.values():
        english = dict(source.english)
        for field in ("title", "publisher", "via", "note"):
            if getattr(source, field) and field not in english:
                problems.append(_missing(source.location, f"the {field} of source '{source.id}'",
                                         f"'{field}_en:' in English"))
    for chart in charts.values():
        for where, field in chart.untranslated:
            problems.append(_missing(where, f"the {field} in chart '{chart.id}'", f"'{field}_en:' next to it"))
    return problems


def check_twins(pages: list[Page], project: Project) -> list[Diagnostic]:
    """Every page has a twin in the other edition, with the same file name."""
    by_language: dict[str, set[str]] = {}
    for page in pages:
        by_language.setdefault(page.language, set()).add(page.name)
    problems = []
    for page in pages:
        other = "en" if page.language == "zh" else "zh"
        twin = project.content / "pages" / ("" if other == "zh" else other) / f"{page.name}.md"
        if page.name not in by_language.get(other, set()) and not os.path.lexists(twin):  # else it has its own errors
            problems.append(Diagnostic(Location(page.source, 1, 1), f"this page has no {('English' if other == 'en' else 'Chinese')} twin",
                                       f"a page {project.shown(twin)}", "warning"))
    return problems


def check_twin_numbers(pages: list[Page], facts: dict[str, Fact], charts: dict[str, Chart],
                       unread_charts: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """A warning (error with --strict) for each figure one twin shows and the other does not,
    at the place that shows it: both editions must give readers the same numbers. Not for twins
    that show a chart that could not be read (`unread_charts`): which figures it shows is unknown."""
    by_key = {(page.language, page.name): page for page in pages}
    problems: list[Diagnostic] = []
    for page in pages:
        twin = by_key.get(("en" if page.language == "zh" else "zh", page.name))
        if twin is None or any(ref.kind == "chart" and ref.id in unread_charts
                               for ref in page.references + twin.references):
            continue
        shown, in_twin = _numbers_shown(page, facts, charts), _numbers_shown(twin, facts, charts)
        edition = "English" if twin.language == "en" else "Chinese"
        for fact_id, where in shown.items():
            if fact_id not in in_twin:
                problems.append(Diagnostic(where, f"'{fact_id}' ({facts[fact_id].display}) is shown here but not on "
                                           f"the {edition} twin {twin.source}",
                                           f"the same figure on both twins: {{fact}}`{fact_id}` in {twin.source}, "
                                           "or not here either", "warning"))
    return problems


def _numbers_shown(page: Page, facts: dict[str, Fact], charts: dict[str, Chart]) -> dict[str, Location]:
    """The number facts a page shows (in prose, directives and its charts), each with the first
    place that shows it."""
    shown: dict[str, Location] = {}
    for ref in page.references:
        where = Location(page.source, ref.line, ref.column)
        if ref.kind == "fact":
            ids: tuple[str, ...] = (ref.id,)
        elif ref.kind == "chart" and ref.id in charts:
            ids = charts[ref.id].fact_ids
        elif ref.kind == "directive" and ref.id == "facttable":
            ids = tuple(facts)
        else:
            continue
        for fact_id in ids:
            if fact_id in facts and facts[fact_id].is_number:
                shown.setdefault(fact_id, where)
    return shown
