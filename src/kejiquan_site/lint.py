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
from .pages import Page
from .usage import fact_uses


def check_unused_facts(facts: dict[str, Fact], pages: list[Page], charts: dict[str, Chart]) -> list[Diagnostic]:
    """A warning for each fact shown nowhere (the all-facts table does not count); inputs of a
    shown derived fact count as shown."""
    shown = set(fact_uses(pages, charts))
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
                             shown: Callable[[Path], str]) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for page in pages:
        problems += check_text_fields(list(page.text_fields))
        problems += check_markdown_body(page.body, page.source, page.body_line)
    for chart in charts.values():
        problems += check_text_fields(list(chart.text_fields))
    return problems + check_templates(templates, shown)
