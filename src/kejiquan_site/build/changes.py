"""What changed since the last build: facts whose shown values differ from the previous
`data/facts.json` in the output folder, and where each is shown."""

from __future__ import annotations

import json
from pathlib import Path

from kejiquan_site.check.usage import fact_uses
from kejiquan_site.model import urls
from kejiquan_site.model.story import Story
from kejiquan_site.read.facts import Fact


def previous_values(output: Path) -> dict[str, str] | None:
    """{fact id: display} from the last build's downloads, or None when there is no last build."""
    try:
        document = json.loads((output / urls.FACTS_JSON).read_text(encoding="utf-8"))
        return {record["id"]: record["display"] for record in document["facts"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def describe_changes(previous: dict[str, str] | dict[str, Fact] | None, story: Story) -> list[str]:
    """Lines such as 'rd.jjj_2024: 4.22% -> 4.3% (shown in index.html {cards}, chart rd (on index.html))'.

    `previous` holds the last build's displays ({fact id: display}) or, in the preview, its
    facts: an unchanged fact is then the same object and costs no comparison."""
    if previous is None:
        return []
    changed: list[tuple[str, Fact, str | None]] = []
    for fact_id, fact in story.facts.items():
        before = previous.get(fact_id)
        if before is fact:
            continue
        shown_before = before.display if isinstance(before, Fact) else before
        if shown_before != fact.display:
            changed.append((fact_id, fact, shown_before))
    uses = fact_uses(story.pages, story.charts, only={fact_id for fact_id, _, _ in changed}) if changed else {}
    lines = []
    for fact_id, fact, before in changed:
        shown = ", ".join(uses.get(fact_id, [])) or "not shown on any page"
        change = f"{before} -> {fact.display}" if before is not None else f"new: {fact.display}"
        lines.append(f"{fact_id}: {change} (shown in {shown})")
    removed = previous.keys() - story.facts.keys()
    for fact_id in (fact_id for fact_id in previous if fact_id in removed):
        before = previous[fact_id]
        lines.append(f"{fact_id}: removed (was {before.display if isinstance(before, Fact) else before})")
    return lines
