"""Warnings about content that builds but could mislead: numbers typed by hand instead of coming
from facts, and facts defined but never shown. `--strict` (used by `make site`) makes them errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .charts import Chart
from .diagnostics import Diagnostic
from .facts import Fact
from .handtyped import check_markdown_body, check_templates, check_text_fields
from .memo import NO_MEMO, Memo
from .pages import Page
from .usage import fact_uses


def shown_facts(pages: list[Page], charts: dict[str, Chart]) -> frozenset[str]:
    """The ids of facts shown on a page or in a chart (the all-facts table does not count)."""
    return frozenset(fact_uses(pages, charts))


def check_unused_facts(facts: dict[str, Fact], shown_ids: frozenset[str]) -> list[Diagnostic]:
    """A warning for each fact shown nowhere (`shown_ids`: see shown_facts); inputs of a shown
    derived fact count as shown."""
    shown = set(shown_ids)
    pending = list(shown)
    while pending:
        fact = facts.get(pending.pop())
        for input_id in fact.inputs if fact else ():
            if input_id not in shown:
                shown.add(input_id)
                pending.append(input_id)
    return [Diagnostic(fact.location, f"fact '{fact.id}' is never shown on a page or in a chart",
                       f"use it, e.g. {{fact}}`{fact.id}` in a page, or delete it", "warning")
            for fact in facts.values() if fact.id not in shown]


def check_hand_typed_numbers(pages: list[Page], charts: dict[str, Chart], templates: Path,
                             shown: Callable[[Path], str], memo: Memo = NO_MEMO) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for page in pages:
        problems += memo.get(("hand-typed", page.source), page, lambda: _check_page(page))
    for chart in charts.values():
        problems += memo.get(("hand-typed", chart.id), chart, lambda: check_text_fields(list(chart.text_fields)))
    return problems + check_templates(templates, shown)


def _check_page(page: Page) -> list[Diagnostic]:
    return check_text_fields(list(page.text_fields)) + check_markdown_body(page.body, page.source, page.body_line)
