"""What changed since the last build: facts whose shown values differ from the previous
`data/facts.json` in the output folder, and where each is shown."""

from __future__ import annotations

import json
from pathlib import Path

from .content import Story
from .downloads import JSON_PATH
from .usage import fact_uses


def previous_values(output: Path) -> dict[str, str] | None:
    """{fact id: display} from the last build's downloads, or None when there is no last build."""
    try:
        document = json.loads((output / JSON_PATH).read_text(encoding="utf-8"))
        return {record["id"]: record["display"] for record in document["facts"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def describe_changes(previous: dict[str, str] | None, story: Story) -> list[str]:
    """Lines such as 'rd.jjj_2024: 4.22% -> 4.3% (shown in index.html {cards}, chart rd (on index.html))'."""
    if previous is None:
        return []
    changed = [(fact_id, fact) for fact_id, fact in story.facts.items() if previous.get(fact_id) != fact.display]
    uses = fact_uses(story.pages, story.charts, only={fact_id for fact_id, _ in changed}) if changed else {}
    lines = []
    for fact_id, fact in changed:
        before = previous.get(fact_id)
        shown = ", ".join(uses.get(fact_id, [])) or "not shown on any page"
        change = f"{before} -> {fact.display}" if before is not None else f"new: {fact.display}"
        lines.append(f"{fact_id}: {change} (shown in {shown})")
    lines += [f"{fact_id}: removed (was {value})" for fact_id, value in previous.items() if fact_id not in story.facts]
    return lines
