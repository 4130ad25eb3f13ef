"""The build: load and check the story, render every edition's files in memory, then (CLI)
write once.

`build_site` returns the whole site as {path: bytes} and never touches the output folder, so
tests and `check` can use it freely.
"""

from __future__ import annotations

from dataclasses import dataclass

from .assets import Assets, PlotlyBundle, collect_assets, hashed_name
from .charts import chart_table
from .content import Project, Story, load_story
from .discovery import gzip_siblings, render_headers_file, render_robots, render_sitemap
from .downloads import CSV_PATH, JSON_PATH, render_facts_csv, render_facts_json, render_table_csv
from .i18n import edition, twin_urls
from .markdown_ext import DIRECTIVE_INFO, make_markdown, parse_directive_items
from .pages import Page
from .render import PageRenderer, chart_csv_path, embed_path, make_environment, plain_text
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
    notes: list[str] = []
    env = make_environment(project)
    for language in story.config.editions:
        files.update(_edition_files(story, language, project, assets, md, env, notes))
    files.update(_data_files(story))
    files.update(_discovery_files(story))
    files.update(gzip_siblings(files))
    return Site(dict(sorted(files.items())), story, assets.plotly, tuple(dict.fromkeys(notes)))


def _edition_files(story: Story, language: str, project: Project, assets: Assets, md, env,
                   notes: list[str]) -> dict[str, bytes]:
    """Pages, embeds, chart CSVs and share images of one edition."""
    local = edition(story, language)
    other = edition(story, "zh" if language == "en" else "en") if len(story.config.editions) > 1 else None
    files, share_paths = _share_images(local, notes)
    renderer = PageRenderer(local, project, assets, md, language=language, share_images=share_paths,
                            other_labels={key: fact.label for key, fact in (other.facts if other else {}).items()},
                            alternates={page.name: twin_urls(story, page) for page in local.pages}, env=env)
    files.update(renderer.render_all())
    for chart in local.charts.values():
        files[chart_csv_path(chart.id, language)] = render_table_csv(chart_table(chart, local.facts, language))
    return files


def _data_files(story: Story) -> dict[str, bytes]:
    """The downloads of all facts, with the English labels and values when there is an edition."""
    facts = list(story.facts.values())
    english = list(edition(story, "en").facts.values()) if "en" in story.config.editions else None
    return {CSV_PATH: render_facts_csv(facts, english), JSON_PATH: render_facts_json(facts, story.sources, english)}


def _discovery_files(story: Story) -> dict[str, bytes]:
    urls = [page.url for page in story.pages if page.name != "404"]
    urls += [embed_path(chart_id, language).removesuffix("index.html")
             for language in story.config.editions for chart_id in story.charts]
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


def _share_images(story: Story, notes: list[str]) -> tuple[dict[str, bytes], dict[str, str]]:
    """Share images of one edition: ({file: png}, {page output path: file}). Pages with key-number
    cards get their own (title and numbers); every other page shares the home page's, so the cost
    does not grow with the number of pages. Nothing, and a note, when no CJK font is installed."""
    images: dict[str, bytes] = {}
    paths: dict[str, str] = {}
    home = next((page for page in story.pages if page.name == "index"), None)
    for page in [home] + [page for page in story.pages if page is not home and _key_numbers(page, story)]:
        if page is None:
            continue
        png = render_share_image(story.config.title, plain_text(page.title, story.facts), _key_numbers(page, story))
        if png is None:
            notes.append("no CJK font found (install fonts-noto-cjk): pages have no share image")
            return {}, {}
        name = hashed_name(f"share-{page.prefix.strip('/') + '-' if page.prefix else ''}{page.name}", ".png", png)
        images[name] = png
        paths[page.output_path] = name
    if home is not None:
        for page in story.pages:
            if page.name != "404":
                paths.setdefault(page.output_path, paths[home.output_path])
    return images, paths
