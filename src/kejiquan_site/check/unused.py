"""Warnings about content that builds but could mislead: numbers typed by hand instead of coming
from facts, and facts defined but never shown. `--strict` (used by `make site`) makes them errors.
"""

from __future__ import annotations

from collections.abc import Callable

from kejiquan_site.check.handtyped import check_markdown_body, check_text_fields
from kejiquan_site.check.usage import fact_uses
from kejiquan_site.diagnostics import Diagnostic
from kejiquan_site.read.charts import Chart
from kejiquan_site.read.facts import Fact
from kejiquan_site.read.pages import Page


def shown_facts(pages: list[Page], charts: dict[str, Chart]) -> frozenset[str]:
    """The ids of facts shown on a page or in a chart (the all-facts table does not count)."""
    return frozenset(fact_uses(pages, charts))


def check_unused_facts(facts: dict[str, Fact], shown_ids: frozenset[str],
                       unread: Callable[[str], bool] = lambda _: False) -> list[Diagnostic]:
    """A warning for each fact shown nowhere (`shown_ids`: see shown_facts); inputs of a shown
    derived fact count as shown. None when a shown fact is `unread` (it could not be read or
    computed): what it is computed from is unknown, and would be reported as never shown."""
    unused = facts.keys() - shown_ids
    if not unused:  # the usual case, found without going through every fact
        return []
    shown = set(shown_ids)
    pending = list(shown)
    while pending:
        fact = facts.get(pending.pop())
        for input_id in fact.inputs if fact is not None else ():
            if input_id not in shown:
                shown.add(input_id)
                pending.append(input_id)
    if any(unread(fact_id) for fact_id in shown):
        return []
    return [Diagnostic(fact.location, f"fact '{fact.id}' is never shown on a page or in a chart",
                       f"use it, e.g. {{fact}}`{fact.id}` in a page, or delete it", "warning")
            for fact in facts.values() if fact.id not in shown]


def check_page_numbers(page: Page) -> list[Diagnostic]:
    """Numbers typed by hand in a page's front matter and prose."""
    return check_text_fields(list(page.text_fields)) + check_markdown_body(page.body, page.source, page.body_line)


def check_chart_numbers(chart: Chart) -> list[Diagnostic]:
    """Numbers typed by hand in a chart's titles and labels."""
    return check_text_fields(list(chart.text_fields))
