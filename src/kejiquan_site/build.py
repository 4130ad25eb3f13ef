"""The build: load and check the story, render every file in memory, then (CLI) write once.

`build_site` returns the whole site as {path: bytes} and never touches the output folder, so
tests and `check` can use it freely.
"""

from __future__ import annotations

from dataclasses import dataclass

from .assets import PlotlyBundle, collect_assets, hashed_name
from .charts import chart_table
from .content import Project, Story, load_story
from .discovery import gzip_siblings, render_headers_file, render_robots, render_sitemap
from .downloads import CSV_PATH, JSON_PATH, render_facts_csv, render_facts_json, render_table_csv
from .markdown_ext import DIRECTIVE_INFO, make_markdown, parse_directive_items
from .pages import Page
from .render import PageRenderer, chart_csv_path, embed_path, plain_text
from .shareimage import KeyNumber, render_share_image


@dataclass(frozen=True)
class Site:
    files: dict[str, bytes]
    story: Story
    plotly: PlotlyBundle
    notes: tuple[str, ...] = ()


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
    share_images, notes = _share_images(story)
    files.update(share_images)
    renderer = PageRenderer(story, project, assets, md,
                            {name: path for path in share_images for name in [_page_of(path)]})
    files.update(renderer.render_all())
    files.update(_data_files(story))
    files.update(_discovery_files(story))
    files.update(gzip_siblings(files))
    return Site(dict(sorted(files.items())), story, assets.plotly, tuple(notes))


def _data_files(story: Story) -> dict[str, bytes]:
    facts = list(story.facts.values())
    files = {CSV_PATH: render_facts_csv(facts), JSON_PATH: render_facts_json(facts, story.sources)}
    for chart in story.charts.values():
        files[chart_csv_path(chart.id)] = render_table_csv(chart_table(chart, story.facts))
    return files


def _discovery_files(story: Story) -> dict[str, bytes]:
    urls = [page.url for page in story.pages if page.name != "404"]
    urls += [embed_path(chart_id).removesuffix("index.html") for chart_id in story.charts]
    return {"sitemap.xml": render_sitemap(story.config, urls), "robots.txt": render_robots(story.config),
            "_headers": render_headers_file()}


def _key_numbers(page: Page, story: Story) -> list[KeyNumber]:
    """The page's first {cards}, as the share image shows them."""
    for token in page.tokens:
        match = DIRECTIVE_INFO.fullmatch(token.info.strip()) if token.type == "fence" else None
        if match and match.group(1) == "cards":
            numbers = []
            for item in parse_directive_items(token.content):
                facts = [story.facts[fact_id] for fact_id in item.ids]
                value = " → ".join(fact.display for fact in facts)
                numbers.append(KeyNumber(value, item.text or facts[0].label))
            return numbers
    return []


def _page_of(share_path: str) -> str:
    return share_path.split("/")[-1].split(".")[0].removeprefix("share-")


def _share_images(story: Story) -> tuple[dict[str, bytes], list[str]]:
    """A share image per page (except 404), or a note that no CJK font was found."""
    images: dict[str, bytes] = {}
    for page in story.pages:
        if page.name == "404":
            continue
        png = render_share_image(story.config.title, plain_text(page.title, story.facts), _key_numbers(page, story))
        if png is None:
            return {}, ["no CJK font found (install fonts-noto-cjk): pages have no share image"]
        images[hashed_name(f"share-{page.name}", ".png", png)] = png
    return images, []
