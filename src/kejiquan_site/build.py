"""The build: load and check the story, render every file in memory, then (CLI) write once.

`build_site` returns the whole site as {path: bytes} and never touches the output folder, so
tests and `check` can use it freely.
"""

from __future__ import annotations

from dataclasses import dataclass

from .assets import PlotlyBundle, collect_assets
from .content import Project, Story, load_story
from .downloads import CSV_PATH, JSON_PATH, render_facts_csv, render_facts_json
from .markdown_ext import make_markdown
from .render import PageRenderer


@dataclass(frozen=True)
class Site:
    files: dict[str, bytes]
    story: Story
    plotly: PlotlyBundle


def build_site(project: Project, *, strict: bool = False,
               source_texts: dict[str, tuple[str, str]] | None = None) -> Site:
    """Every output file in memory; raises BuildFailed with all problems of the content.

    `strict` makes warnings errors; `source_texts` ({source id: (shown path, text)}) adds the
    check that every evidence fragment occurs in its archived source.
    """
    md = make_markdown()
    story = load_story(project, md, source_texts, strict)
    assets = collect_assets(project.root, project.templates)
    files = dict(assets.files)
    files.update(PageRenderer(story, project, assets, md).render_all())
    facts = list(story.facts.values())
    files[CSV_PATH] = render_facts_csv(facts)
    files[JSON_PATH] = render_facts_json(facts, story.sources)
    return Site(dict(sorted(files.items())), story, assets.plotly)
