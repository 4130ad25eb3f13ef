"""The build: load and check the story, render every edition's files in memory, then (CLI)
write once.

`build_site` returns the whole site as {path: bytes} and never touches the output folder, so
tests and `check` can use it freely. It alone decides about reuse: with the preview's `Reuse`,
every operation the stages have `done()` may be handed back from the last build (reuse/memo.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from kejiquan_site.check.readback import OutputReport, Producer, allowed_numbers, check_output, read_producer
from kejiquan_site.check.stage import FILE_CHECKS, checked_story
from kejiquan_site.diagnostics import BuildFailed, Diagnostic
from kejiquan_site.markdown.extensions import DirectiveItem, make_markdown
from kejiquan_site.model import urls
from kejiquan_site.model.story import Project, Story
from kejiquan_site.model.ui import ui
from kejiquan_site.parallel import run_jobs
from kejiquan_site.read.charts import Chart, chart_table
from kejiquan_site.read.contentfiles import READ_NOW, count_content_files
from kejiquan_site.read.facts import Fact, Source
from kejiquan_site.read.pages import Page
from kejiquan_site.read.published import History, fact_histories
from kejiquan_site.read.story import read_story
from kejiquan_site.render.assets import Assets, PlotlyBundle, collect_assets
from kejiquan_site.render.discovery import gzip_siblings, render_headers_file, render_robots, render_sitemap
from kejiquan_site.render.downloads import render_facts_csv, render_facts_json, render_table_csv
from kejiquan_site.render.feed import render_feed, update_sentences
from kejiquan_site.render.figures import figure
from kejiquan_site.render.manifest import git_commit, render_build_manifest, render_datapackage
from kejiquan_site.render.pages import THEME, PageRenderer, make_environment, plain_text
from kejiquan_site.render.pictures import ChartPictures, KaleidoPainter, Request, chart_pictures
from kejiquan_site.render.shareimage import KeyNumber, find_cjk_font, render_share_image
from kejiquan_site.render.wechat import render_wechat
from kejiquan_site.reuse.files import folder_signature
from kejiquan_site.reuse.layer import Reuse
from kejiquan_site.reuse.memo import NO_MEMO, Operation, done, reusing
from kejiquan_site.story.i18n import edition, twin_urls


@dataclass(frozen=True)
class Site:
    files: dict[str, bytes]
    story: Story
    plotly: PlotlyBundle
    notes: tuple[str, ...] = ()
    verified: tuple[int, int] = (0, 0)  # numbers checked against the facts, internal links followed


def load_story(project: Project, md: MarkdownIt, strict: bool = False, reuse: Reuse | None = None,
               processes: int = 1) -> Story:
    """The story read and checked, or BuildFailed with every problem in every file (see
    read_story and checked_story); `reuse` (the preview's) keeps what unchanged files gave."""
    files, results = (reuse.files, reuse.memo) if reuse is not None else (READ_NOW, NO_MEMO)
    with reusing(results):
        return checked_story(read_story(project, md, FILE_CHECKS, files, processes), strict)


CACHE_ROOT = Path(".cache/kejiquan")  # below the project: what the command line keeps between runs
PARALLEL_FROM = 100  # content files; below that a child process costs more than it saves

# What the build itself may hand back from the last one (the stages name theirs where they do it):
MARKDOWN = Operation("Markdown parser", in_process_only=True)
JINJA = Operation("Jinja environment", in_process_only=True)  # by nothing: inputs are the templates
HISTORY = Operation("published history of every fact")
OTHER_LABELS = Operation("labels of the other edition")  # by language
SHARE_IMAGE = Operation("share image")  # by page output path
SUPPLIED_NUMBERS = Operation("numbers each fact supplies")  # a dict by fact, kept between builds
ALLOWED_NUMBERS = Operation("numbers the site may show")
CHART_PICTURES = Operation("picture requests of a chart")  # by (language, chart id)
WECHAT = Operation("公众号 edition of a page")  # by output path
CHART_CSV = Operation("chart's data table as CSV")  # by (language, chart id)


def build_site(project: Project, *, strict: bool = False, reuse: Reuse | None = None, precompress: bool = False,
               processes: int = 1, painter: KaleidoPainter | None = None, cache: Path | None = None,
               cache_read_only: bool = False) -> Site:
    """Every output file in memory; raises BuildFailed with all problems of the content.

    `strict` makes warnings errors. `reuse` (the preview's) reuses the files parsed and the
    results of the last build where their inputs are unchanged; `precompress` adds
    a .gz copy of every text file (for servers that send them as they are, such as nginx's
    gzip_static; most hosts compress on the fly, and each copy is one more file to write).
    `processes` > 1 reads and renders a large site on that many cores (not with `reuse`).
    `painter` draws the charts' static pictures (pictures.py); without one (the preview, most
    tests) pages draw their charts with plotly.js only. `cache` (the command line's CACHE_ROOT)
    keeps compiled templates and share images between runs; the output is the same without it.
    `cache_read_only` (`kejiquan check`) uses what the cache holds and writes nothing to it.
    """
    if reuse is not None or count_content_files(project) < PARALLEL_FROM:
        processes = 1
    with reusing(reuse.memo if reuse is not None else NO_MEMO):
        return _build(project, strict, reuse, precompress, processes, painter, cache, cache_read_only)


def _build(project: Project, strict: bool, reuse: Reuse | None, precompress: bool, processes: int,
           painter: KaleidoPainter | None, cache: Path | None, cache_read_only: bool) -> Site:
    md = done(MARKDOWN(None, (), make_markdown))
    story = load_story(project, md, strict, reuse, processes)
    assets = collect_assets(project.root, project.templates)
    files = dict(assets.files)
    files.update({image.output: image.content for image in story.images.values()})
    notes: list[str] = []
    templates_key = folder_signature(project.templates)
    env = done(JINJA(None, templates_key, lambda: make_environment(project, cache, cache_read_only)))
    editions = {language: edition(story, language) for language in story.config.editions}
    history = done(HISTORY(None, (story.record, tuple(story.facts.values())),
                           lambda: fact_histories(story.facts, story.record)))
    renderers = []
    for language in story.config.editions:
        share_images, renderer = _edition_renderer(story, editions, language, project, assets, env, notes,
                                                   templates_key, history, cache, cache_read_only)
        files.update(share_images)
        renderers.append(renderer)
    if painter is not None:
        files.update(_chart_pictures(renderers, painter, assets, notes))
    rendered = run_jobs(_render_jobs(renderers, story, editions.get("en"), history, each_page_apart=processes > 1),
                        processes)
    problems = [problem for _, found in rendered for problem in found]
    if problems:
        raise BuildFailed(problems + list(story.warnings))
    for part_files, _ in rendered:
        files.update(part_files)
    files.update(_discovery_files(story))
    files.update(_update_feeds(story, editions))
    files[urls.BUILD_JSON] = render_build_manifest(story, git_commit(project.root), assets.plotly.version)
    files[urls.DATAPACKAGE_JSON] = render_datapackage(story)
    report = _check_output(files, story, editions, project, history)
    if report.problems:
        raise BuildFailed(report.problems + list(story.warnings))
    if precompress:
        files.update(gzip_siblings(files))
    return Site(dict(sorted(files.items())), story, assets.plotly, tuple(dict.fromkeys(notes)),
                (report.numbers, report.links))


def _check_output(files: dict[str, bytes], story: Story, editions: dict[str, Story], project: Project,
                  history: History) -> OutputReport:
    """What readers get: numbers from facts, no markup left, every internal link resolves."""
    known: dict[Fact, frozenset[str]] = done(SUPPLIED_NUMBERS(None, (), dict))
    supplied = [known[fact] if fact in known else known.setdefault(fact, allowed_numbers(_supplied_texts((fact,), ())))
                for local in editions.values() for fact in local.facts.values()]
    if len(known) > 2 * len(supplied):  # forget the facts of earlier builds
        kept = dict(zip((fact for local in editions.values() for fact in local.facts.values()), supplied))
        known.clear()
        known.update(kept)
    sources = tuple(source for local in editions.values() for source in local.sources.values())
    story_texts = tuple(_story_texts(story, history))
    allowed = done(ALLOWED_NUMBERS(None, (tuple(supplied), sources, story_texts), lambda: frozenset().union(
        allowed_numbers(_supplied_texts((), sources) + list(story_texts)), *supplied)))
    return check_output(files, allowed, lambda path: _producers(path, story, project), story.config.base_path,
                        _computed_numbers(story))


def _computed_numbers(story: Story) -> dict[str, frozenset[str]]:
    """Numbers the build computes for one page: the coverage counts where {coverage} shows them,
    the numbering of sources (来源1) where {facttable} refers to them."""
    counts = allowed_numbers(str(count) for coverage in story.coverage
                             for count in (coverage.numbers, coverage.facts, coverage.set_aside,
                                                         len(coverage.uncovered)))
    ordinals = allowed_numbers(str(number) for number in range(1, len(story.sources) + 1))
    computed = {"coverage": counts, "facttable": ordinals}
    allowed: dict[str, frozenset[str]] = {}
    for page in story.pages:
        for ref in page.references:
            if ref.kind == "directive" and ref.id in computed:
                for path in urls.page_files(page.name, page.language):  # and its 公众号 edition
                    allowed[path] = allowed.get(path, frozenset()) | computed[ref.id]
    return allowed


def _supplied_texts(facts: tuple[Fact, ...], sources: tuple[Source, ...]) -> list[str]:
    """Every text a fact or source supplies: what the site may show numbers from."""
    texts = [str(text) for fact in facts for text in (fact.display, fact.label, fact.period, fact.evidence, fact.note,
                                                                  fact.formula)]
    texts += [f"{fact.coordinates.lon:.2f} {fact.coordinates.lat:.2f}" for fact in facts if fact.coordinates]
    texts += [text for source in sources for text in (source.title, source.via, source.date, source.note)]
    return texts


def _story_texts(story: Story, history: History) -> list[str]:
    """Numbers the content supplies besides facts and sources: the dates of pages, publications
    and updates, the values readers saw before an update (and each fact's published history), page
    names (404) and the site's address."""
    texts = [date for page in story.pages for date in (page.published, page.updated) if date]
    texts += [page.name for page in story.pages] + [story.config.base_url]  # the printed address
    if story.record is not None:
        texts += [story.record.date] + [version.date for versions in story.record.facts.values()
                                        for version in versions]
    for update in story.updates:
        texts += [update.date] + [shown for change in update.changes for shown in change.before + change.after]
    texts += [text for versions in history.values() for version in versions for text in version[2:]]
    return texts


def _producers(path: str, story: Story, project: Project) -> list[Producer]:
    """The files that made the output file `path` (a page, its 公众号 edition or an embed): the
    page, the charts on it, the templates."""
    found: list[Producer] = []
    page = next((page for page in story.pages if path in urls.page_files(page.name, page.language)), None)
    charts = [story.charts[chart_id] for chart_id in page.chart_ids if chart_id in story.charts] if page else \
        [chart for chart in story.charts.values()
         if path in (urls.embed_path(chart.id, language) for language in story.config.editions)]
    if page is not None:
        found.append(read_producer(project.root / page.source, page.source))
    found += [read_producer(project.root / chart.location.path, chart.location.path) for chart in charts]
    for folder, shown in ((project.templates, project.shown(project.templates)), (Path(str(THEME)), project.shown(Path(str(THEME))))):
        found += [read_producer(template, f"{shown}/{template.relative_to(folder).as_posix()}")
                  for template in sorted(Path(folder).rglob("*.html"))]
    return found


def _edition_renderer(story: Story, editions: dict[str, Story], language: str, project: Project, assets: Assets,
                      env, notes: list[str], templates_key: Any, history: History,
                      cache: Path | None, cache_read_only: bool) -> tuple[dict[str, bytes], PageRenderer]:
    """The share images of one edition, and the renderer of its pages, embeds and chart CSVs."""
    local = editions[language]
    other = editions.get("zh" if language == "en" else "en")
    files, share_paths = _share_images(local, notes, cache, cache_read_only)
    other_labels = done(OTHER_LABELS(language, other.facts if other else {},
                                     lambda: {key: fact.label for key, fact in (other.facts if other else {}).items()}))
    renderer = PageRenderer(local, project, assets, language=language, share_images=share_paths,
                            other_labels=other_labels, env=env, templates_key=templates_key,
                            alternates=twin_urls(story), histories=history)
    return files, renderer


def _chart_pictures(renderers: list[PageRenderer], painter: KaleidoPainter, assets: Assets,
                    notes: list[str]) -> dict[str, bytes]:
    """The static pictures of every chart in every edition, drawn in one go; each renderer
    learns where its charts' pictures are. Nothing, and a note, when they cannot be drawn."""
    requests: dict[str, Request] = {}
    found: list[dict[str, ChartPictures]] = []
    for renderer in renderers:
        local, language = renderer.story, renderer.language
        pictures = {}
        for chart in local.charts.values():
            credit = (ui("source", language) + renderer.source_names([local.facts[i] for i in chart.fact_ids])
                      + (f" · {chart.note}" if chart.note else "") + f" · {local.config.title}")
            inputs = (chart, tuple(map(local.facts.get, chart.fact_ids)), credit)  # what its figure shows
            asked, pictures[chart.id] = done(CHART_PICTURES(
                (language, chart.id), inputs, functools.partial(
                    _chart_picture_requests, chart, local.facts, language, credit)))
            requests.update(asked)
        found.append(pictures)
    if not requests:
        return {}
    drawn, note = painter.paint(requests, assets.plotly.content, assets.plotly.version)
    if note:
        notes.append(note)
        return {}
    for renderer, pictures in zip(renderers, found):
        renderer.pictures = pictures
    return drawn


def _chart_picture_requests(chart: Chart, facts: dict[str, Fact], language: str, credit: str
                            ) -> tuple[dict[str, Request], ChartPictures]:
    """What to ask the painter for one chart's pictures, and where they will be."""
    # A schematic shared on its own must say it is no map (maps are regulated in China).
    note = ui("schematic_note", language) if chart.type == "schematic" else ""
    return chart_pictures(chart.id, language, figure(chart, facts, language), chart.title, credit, note)


Rendered = tuple[dict[str, bytes], list[Diagnostic]]


def _render_jobs(renderers: list[PageRenderer], story: Story, english: Story | None, history: History,
                 each_page_apart: bool) -> list[tuple[float, Callable[[], Rendered]]]:
    """Everything left to render, with a rough cost for sharing it out between processes: the
    downloads, and each page with the embed pages and tables of the charts first shown on it
    (a page with the table of all facts costs as many as it has rows). In one process, one job
    per edition."""
    rows = len(story.facts) / 20
    jobs: list[tuple[float, Callable[[], Rendered]]] = [(rows, lambda: (_data_files(story, english, history), []))]
    for renderer in renderers:
        if not each_page_apart:
            jobs.append((0, functools.partial(_page_job, renderer, None, None)))
            continue
        charts = dict(renderer.story.charts)
        for page in renderer.story.pages:
            shown = [charts.pop(chart_id) for chart_id in dict.fromkeys(page.chart_ids) if chart_id in charts]
            cost = 1 + 0.6 * len(shown) + (rows if any(ref.id == "facttable" for ref in page.references) else 0)
            jobs.append((cost, functools.partial(_page_job, renderer, [page], shown)))
        for chart in charts.values():
            jobs.append((0.6, functools.partial(_page_job, renderer, [], [chart])))
    return jobs


def _page_job(renderer: PageRenderer, pages: list[Page] | None, charts: list[Chart] | None) -> Rendered:
    """Pages and embed pages (all of the edition for None), and the charts' CSV tables."""
    files, problems = renderer.render_all(pages, charts)
    files.update(_wechat_pages(renderer, files, pages))
    for chart in renderer.story.charts.values() if charts is None else charts:
        files.update(_chart_csv(renderer, chart))
    return files, problems


def _wechat_pages(renderer: PageRenderer, files: dict[str, bytes], pages: list[Page] | None) -> dict[str, bytes]:
    """The 公众号 edition of every rendered page that shows a chart (wechat.py), made again only
    when its page's HTML changed."""
    config, found = renderer.story.config, {}
    credit = " · ".join(part for part in (config.title, config.publisher, config.copyright) if part)
    for page in renderer.story.pages if pages is None else pages:
        rendered = files.get(page.output_path)
        if not page.chart_ids or rendered is None or not urls.has_wechat_edition(page.name):
            continue
        pictures = {chart_id: urls.absolute(config.base_url, renderer.pictures[chart_id].png)
                    for chart_id in page.chart_ids if chart_id in renderer.pictures}
        path, canonical = urls.wechat_path(page.name, page.language), urls.absolute(config.base_url, page.url)
        found[path] = done(WECHAT(path, (rendered, pictures, canonical, credit),
                                   functools.partial(_wechat_page, rendered, pictures, canonical, credit,
                                                     renderer.language)))
    return found


def _wechat_page(rendered: bytes | str, pictures: dict[str, str], canonical: str, credit: str, language: str) -> bytes:
    text = rendered.decode("utf-8") if isinstance(rendered, bytes) else rendered
    return render_wechat(text, pictures, canonical, credit, language).encode("utf-8")


def _chart_csv(renderer: PageRenderer, chart: Chart) -> dict[str, bytes]:
    """The data table of one chart as CSV, as the chart's edition shows it."""
    local, language = renderer.story, renderer.language
    inputs = (chart, tuple(map(local.facts.get, chart.fact_ids)))
    return {urls.chart_csv(chart.id, language): done(CHART_CSV(
        (language, chart.id), inputs, lambda: render_table_csv(chart_table(chart, local.facts, language))))}


def _data_files(story: Story, english: Story | None, history: History) -> dict[str, bytes]:
    """The downloads of all facts, with the English labels and values when there is an edition."""
    facts = list(story.facts.values())
    english_facts = list(english.facts.values()) if english else None
    return {urls.FACTS_CSV: render_facts_csv(facts, english_facts, history),
            urls.FACTS_JSON: render_facts_json(facts, story.sources, english_facts, history)}


def _discovery_files(story: Story) -> dict[str, bytes]:
    listed = [page.url for page in story.pages if page.name != "404"]
    listed += [urls.embed_url(chart_id, language) for language in story.config.editions for chart_id in story.charts]
    return {urls.SITEMAP: render_sitemap(story.config, listed), urls.ROBOTS: render_robots(story.config),
            urls.HEADERS: render_headers_file(story.config)}


def _update_feeds(story: Story, editions: dict[str, Story]) -> dict[str, bytes]:
    """The Atom feed of the updates log in every edition, linking to the edition's log page (the
    page with {updates}; the home page when there is none)."""
    feeds = {}
    for language, local in editions.items():
        log = next((page.url for page in local.pages if any(ref.kind == "directive" and ref.id == "updates"
                                                             for ref in page.references)), urls.edition_prefix(language))
        fallback = story.record.date if story.record else max((s.date for s in story.sources.values() if len(s.date) == 10),
                                                               default="2000-01-01")
        feeds[urls.feed_path(language)] = render_feed(local.config, story.updates, language, log,
                                                      update_sentences(story.updates, language), fallback)
    return feeds


def key_numbers(items: Sequence[DirectiveItem], story: Story) -> list[KeyNumber]:
    """The key numbers of a {cards} block as its share image shows them: value (a change as
    'before → after') and label."""
    numbers = []
    for item in items:
        facts = [story.facts[fact_id] for fact_id in item.ids]
        numbers.append(KeyNumber(" → ".join(fact.display for fact in facts), item.text or facts[0].label))
    return numbers


def _share_images(story: Story, notes: list[str], cache: Path | None, cache_read_only: bool
                  ) -> tuple[dict[str, bytes], dict[str, str]]:
    """Share images of one edition: ({file: png}, {page output path: file}). Pages with key-number
    cards get their own (title and numbers); every other page shares the home page's, so the cost
    does not grow with the number of pages. Nothing, and a note, when no CJK font is installed;
    the font found is among what an image is reused for, so installing one draws them."""
    font = find_cjk_font()
    if font is None:
        notes.append("no CJK font found (install fonts-noto-cjk): pages have no share image")
        return {}, {}
    images: dict[str, bytes] = {}
    paths: dict[str, str] = {}
    home = next((page for page in story.pages if page.name == "index"), None)
    for page in [home] + [page for page in story.pages if page is not home and page.first_cards]:
        if page is None:
            continue
        title, numbers = plain_text(page.title, story.facts), key_numbers(page.first_cards, story)
        png = done(SHARE_IMAGE(page.output_path, (story.config.title, title, numbers, font),
                               lambda: render_share_image(story.config.title, title, numbers, font, cache,
                                                          cache_read_only)))
        name = urls.share_image_path(page.name, page.language, png)
        images[name] = png
        paths[page.output_path] = name
    if home is not None:
        for page in story.pages:
            if page.name != "404":
                paths.setdefault(page.output_path, paths[home.output_path])
    return images, paths
