"""The facts in the order a reader meets them: page by page (in menu order), section by section
(the page's `##` headings), for the table of all facts; and formulas written for readers.
"""

from __future__ import annotations

import re

from kejiquan_site.model.formatting import format_period
from kejiquan_site.read.facts import Fact
from kejiquan_site.read.pages import Page

_ID = re.compile(r"[a-z][a-z0-9_]*\.[a-z0-9_]+")
_OPERATORS = {"-": "−", "+": "+", "*": "×", "/": "÷"}


def _sections(page: Page) -> list[tuple[int, str]]:
    """(file line, heading) of each `## ` heading of the page, after its opening part."""
    found = [(page.body_line, page.nav or page.title)]
    fenced = False
    for offset, line in enumerate(page.body.split("\n")):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            found.append((page.body_line + offset, line[3:].strip()))
    return found


def facts_by_section(pages: tuple[Page, ...], facts: dict[str, Fact], rest: str) -> list[tuple[str, list[str]]]:
    """[(section heading, fact ids first shown there)] in story order; facts shown nowhere come
    last under `rest`. Pages with the table of all facts (or of no facts) do not count."""
    seen: set[str] = set()
    groups: dict[str, list[str]] = {}
    for page in pages:
        if page.name == "404" or any(ref.context == "directive" and ref.id == "facttable" for ref in page.references):
            continue
        sections = _sections(page)
        for ref in sorted((r for r in page.references if r.kind == "fact"), key=lambda r: (r.line, r.column)):
            if ref.id in seen or ref.id not in facts:
                continue
            heading = [title for line, title in sections if line <= ref.line][-1] if ref.line >= page.body_line \
                else sections[0][1]
            seen.add(ref.id)
            groups.setdefault(heading, []).append(ref.id)
    left = [fact_id for fact_id in facts if fact_id not in seen]
    if left:
        groups.setdefault(rest, []).extend(left)
    return list(groups.items())


def readable_formula(formula: str, facts: dict[str, Fact], language: str) -> str:
    """'(rd.jjj_2024 - rd.jjj_2014) / rd.jjj_2014 * 100' as '(4.22% (2024) − 3.5% (2014)) ÷ 3.5%
    (2014) × 100': each fact as its value (and period), the operators as a reader writes them."""
    def value(match: re.Match[str]) -> str:
        fact = facts.get(match.group())
        if fact is None:
            return match.group()
        if not fact.period:
            return fact.display
        period = format_period(fact.period, language)
        return f"{fact.display}（{period}）" if language != "en" else f"{fact.display} ({period})"

    def count(match: re.Match[str]) -> str:
        fact = facts.get(match.group(1))
        label = fact.label if fact else match.group(1)
        return f"the number of items in “{label}”" if language == "en" else f"“{label}”的项数"

    text = re.sub(r"count\(\s*(" + _ID.pattern + r")\s*\)", count, formula)
    text = _ID.sub(value, text)
    text = re.sub(r"\s*([-+*/])\s*", lambda m: f" {_OPERATORS[m.group(1)]} ", text)
    text = text.replace("( ", "(").replace(" )", ")").strip()
    return text if language == "en" else text.replace("(", "（").replace(")", "）")
