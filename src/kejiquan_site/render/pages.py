"""Rendering pages to HTML in memory: Jinja templates (StrictUndefined, autoescape) fed with
Markdown whose fact roles and directives are drawn by component templates.

Every link and asset path is relative to the page (or, on the 404 page, absolute from the base
URL's path), so the site works under any sub-path.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from kejiquan_site.diagnostics import Diagnostic, did_you_mean, error
from kejiquan_site.markdown.extensions import ROLE, DirectiveItem
from kejiquan_site.markdown.limits import PageBudget, PageTooLarge, check_page_size, page_too_large
from kejiquan_site.model import urls
from kejiquan_site.model.formatting import QUALIFIER_WORDS, QUALIFIER_WORDS_EN, format_date, format_period, join_list
from kejiquan_site.model.story import Project, Story
from kejiquan_site.model.ui import ui
from kejiquan_site.read.charts import Chart, chart_description, chart_table
from kejiquan_site.read.facts import Fact
from kejiquan_site.read.pages import TEXT_KEYS, Page
from kejiquan_site.read.published import History, published_version
from kejiquan_site.read.updates import Update
from kejiquan_site.render.assets import Assets
from kejiquan_site.render.discovery import CONTENT_SECURITY_POLICY, page_json_ld
from kejiquan_site.render.feed import update_sentences, with_updates
from kejiquan_site.render.figures import box_style, figure
from kejiquan_site.render.pictures import ChartPictures
from kejiquan_site.render.storyorder import facts_by_section, readable_formula
from kejiquan_site.render.templatecache import bytecode_cache
from kejiquan_site.render.typography import numbers_kept_whole, with_break_points
from kejiquan_site.reuse.memo import Operation, Reads, RecordingMap, done

_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def plain_text(text: str, facts: Mapping[str, Fact]) -> str:
    """Front-matter text with fact roles replaced by plain values (for titles and meta tags)."""
    def value(match: re.Match[str]) -> str:
        fact = facts[match.group(2).strip()]
        return fact.label if match.group(1) == "label" else fact.display

    return ROLE.sub(value, text)


def script_json(data: Any) -> Markup:
    """JSON safe inside <script type="application/json">: no '</script>' or '<!--' can survive."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _JSON_ESCAPES:  # str.replace is many times faster than str.translate on CJK text
        text = text.replace(character, escaped)
    return Markup(text)


THEME = resources.files("kejiquan_site") / "theme"
ROW_BLOCK = 64  # facts per block of the table of all facts, each block rendered and reused apart

# What the preview may hand back from the last build, each by language and then:
RENDERED = Operation("output file rendered")  # output path; with what it read recorded
SPECIAL_PAGES = Operation("pages with the data table and the updates log")
PAGE_FACTS = Operation("facts each page shows")
DATA_VERSION = Operation("version of the published data")
SOURCE_NUMBERS = Operation("numbering of sources in the data table")
FACT_SECTIONS = Operation("sections of the data table")
FACT_ROWS = Operation("block of rows of the data table")  # section heading, first row


@jinja2.pass_context
def _date_filter(context: Any, text: str) -> str:
    return format_date(text, context.get("lang", "zh"))


@jinja2.pass_context
def _phrases_filter(context: Any, text: str) -> Markup:
    """Chinese text with <wbr> between its phrases (typography.py); other text as it is."""
    return with_break_points(text, context.get("keep_together", ()))


@jinja2.pass_context
def _period_filter(context: Any, text: str) -> str:
    return format_period(text, context.get("lang", "zh"))


def edition_context(language: str) -> dict[str, Any]:
    """What every template of an edition sees besides its own variables: the language, the
    engine's words in it (t), and the qualifier names."""
    return {"lang": language, "t": lambda key, **values: ui(key, language, **values),
            "qualifier_words": QUALIFIER_WORDS_EN if language == "en" else QUALIFIER_WORDS}


def make_environment(project: Project, cache: Path | None = None, cache_read_only: bool = False
                     ) -> jinja2.Environment:
    """Templates from the project first, then the engine's default components (theme/). One
    environment serves every edition, so each template is compiled once per build; with a
    `cache` folder, once until it changes (templatecache.py; only read when `cache_read_only`)."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(project.templates), jinja2.FileSystemLoader(str(THEME))]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        auto_reload=False,  # a build is too short for templates to change; the preview makes a new environment
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = _date_filter
    env.filters["period"] = _period_filter
    env.filters["phrases"] = _phrases_filter
    env.filters["numbers_whole"] = numbers_kept_whole
    env.filters["sentence_case"] = lambda text: text[:1].upper() + text[1:]
    env.globals["content_security_policy"] = Markup(CONTENT_SECURITY_POLICY)  # no quotes to escape
    if cache is not None:
        env.bytecode_cache = bytecode_cache(cache, env, cache_read_only)
    return env


class PageRenderer:
    """Renders the pages of one edition of a story with one Jinja environment.

    `story` is the edition (i18n.edition): its facts, charts and texts already in `language`.
    `other_labels` gives each fact's label in the other edition, for the data table;
    `alternates` maps a page name to the (language tag, url) of every edition that has it.
    """

    def __init__(self, story: Story, project: Project, assets: Assets, *, language: str = "zh",
                 share_images: dict[str, str] | None = None, other_labels: dict[str, str] | None = None,
                 alternates: dict[str, list[tuple[str, str]]] | None = None,
                 env: jinja2.Environment | None = None, templates_key: Any = None,
                 histories: History | None = None) -> None:
        self.story = story
        self.project = project
        self.assets = assets
        self.language = language
        self.share_images = share_images or {}  # page output path -> output path of its share image
        self.all_other_labels = other_labels or {}
        self.alternates = alternates or {}
        self.env = env or make_environment(project)
        self._root: str | None = None  # the page being rendered: its way to the site root
        self.histories = histories or {}  # fact id -> earlier published values (published.fact_histories)
        self._updates_setup(story, language)
        self.edition = {**edition_context(language), "fact_href": self._fact_href, "updated_facts": self.updated_facts,
                        "keep_together": story.config.keep_together}
        self.pictures: dict[str, ChartPictures] = {}  # chart id -> its static pictures (build.py sets them)
        # chart id -> its figure, table and texts, and what drawing them read
        self._drawn: dict[str, tuple[dict[str, Any], tuple[RecordingMap, ...]]] = {}
        self.nav = [dataclasses.replace(p, nav=plain_text(p.nav, story.facts)) for p in story.pages if p.nav]
        self.page_names = frozenset(p.name for p in story.pages)  # templates link only to pages that exist
        # What every page shows besides its own content: a change here renders every page again.
        self.shared = (story.config, story.sources, tuple(p for p in story.pages if p.nav),
                       tuple(p.nav for p in self.nav), assets.paths, templates_key, story.updates,
                       self.data_url, self.log_url, tuple(self._log_pages), self.data_version, story.record,
                       story.coverage,
                       tuple((image.name, image.output, image.width, image.height) for image in story.images.values()),
                       self.page_names)
        self._start_recording()

    def _updates_setup(self, story: Story, language: str) -> None:
        """What the pages need to show the updates log and link numbers to their facts: where
        the data table and the log are, which facts changed, and which pages show each change."""
        def page_with(directive: str) -> str | None:
            return next((p.url for p in story.pages if p.name != "404" and any(
                r.kind == "directive" and r.id == directive for r in p.references)), None)

        self.data_url, self.log_url = done(SPECIAL_PAGES(language, story.pages,
                                                   lambda: (page_with("facttable"), page_with("updates"))))
        self.sentences = update_sentences(story.updates, language)
        self.updated_facts: dict[str, str] = {}
        for update in story.updates:  # newest first: a fact is marked as its latest change
            for fact_id in update.touches:
                self.updated_facts.setdefault(fact_id, update.kind)
        self._page_facts = done(PAGE_FACTS(language, (story.pages, tuple(story.charts.items())), lambda: {
            p.name: frozenset(p.fact_ids).union(*(story.charts[c].fact_ids for c in p.chart_ids if c in story.charts))
            for p in story.pages if p.name != "404"}))
        self._log_pages = [(u.anchor, [(p.url, plain_text(p.title, story.facts)) for p in story.pages
                                       if u.touches & self._page_facts.get(p.name, frozenset())])
                           for u in story.updates]
        self.data_version = done(DATA_VERSION(None, story.record, lambda: published_version(story.record)))

    def _fact_href(self, fact_id: str) -> str:
        """The link from a number to its row in the data table ('' in embeds or without a table)."""
        if self._root is None or self.data_url is None:
            return ""
        return f"{self._root}{self.data_url}#fact-{fact_id}"

    def _page_updates(self, page: Page) -> list[Update]:
        here = self._page_facts.get(page.name, frozenset())
        return [update for update in self.story.updates if update.touches & here]

    POPOVER_WORDS = ("source", "period_label", "qualifier_label", "computed", "history", "see_in_table", "close")

    def _fact_details(self, page: Page) -> dict[str, Any] | None:
        """What the popover of each number in the page's prose, cards and timelines shows (facts.js):
        the evidence or formula, the source, period, qualifier and earlier published values."""
        language = self.language
        facts = {}
        for fact_id in dict.fromkeys(page.fact_ids):
            fact = self.facts[fact_id]
            facts[fact_id] = {
                "title": ui("fact_details", language, label=fact.label), "display": fact.display,
                "evidence": fact.evidence, "formula": fact.formula, "source": self.source_names(fact),
                "period": format_period(fact.period, language) if fact.period else "",
                "qualifier": self.edition["qualifier_words"][fact.qualifier] or "",
                "history": [[format_date(date, language), shown_en if language == "en" else shown]
                            for date, _, shown, shown_en in self.histories.get(fact_id, ())]}
        if not facts:
            return None
        return {"facts": facts, "words": {key: ui(key, language) for key in self.POPOVER_WORDS}}

    def _update_views(self, updates: list[Update], root: str) -> list[dict[str, Any]]:
        """The updates as the templates show them, with links to the log and the pages concerned."""
        pages = dict(self._log_pages)
        log = root + self.log_url if self.log_url is not None else None
        return [{"anchor": u.anchor, "date": u.date, "kind": u.kind, "sentence": self.sentences[u.anchor],
                 "href": f"{log}#{u.anchor}" if log is not None else None,
                 "pages": [(root + url, title) for url, title in pages.get(u.anchor, [])]} for u in updates]

    def _start_recording(self) -> None:
        """Fresh views of the facts, charts and other-edition labels that note what is read."""
        self.facts = RecordingMap(self.story.facts)
        self.charts = RecordingMap(self.story.charts)
        self.other_labels = RecordingMap(self.all_other_labels)

    def _recorded(self, render: Callable[[], str]) -> tuple[bytes, Reads]:
        self._start_recording()
        html = render().encode("utf-8")
        return html, Reads.combined(self.facts, self.charts, self.other_labels)

    def _reads_unchanged(self, rendered: tuple[bytes, Reads]) -> bool:
        return rendered[1].unchanged_in(self.story.facts, self.story.charts, self.all_other_labels)

    def _rendered(self, path: str, inputs: Any, render: Callable[[], str]) -> bytes:
        """The output file at `path`, with what it read recorded: it may be handed back while its
        inputs, what every page shows and everything it read are unchanged."""
        return done(RENDERED((self.language, path), (inputs, self.shared), lambda: self._recorded(render),
                             self._reads_unchanged))[0]

    def render_all(self, pages: list[Page] | None = None, charts: list[Chart] | None = None
                   ) -> tuple[dict[str, bytes], list[Diagnostic]]:
        """The pages and the embed pages of the charts (all by default), with the problems of
        templates that failed."""
        files: dict[str, bytes] = {}
        problems: list[Diagnostic] = []
        for page in self.story.pages if pages is None else pages:
            inputs = (page, self.share_images.get(page.output_path), tuple(self.alternates.get(page.name, ())),
                      tuple(map(self.pictures.get, page.chart_ids)))  # drawn in this build, or not (no browser)
            try:
                html = self._rendered(page.output_path, inputs, lambda: self.render_page(page))
                problems += check_page_size(html, page.source)
                files[page.output_path] = html
            except PageTooLarge:
                problems.append(page_too_large(page.source))
            except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError,
                    RecursionError) as exc:  # a template's mistake, located by its traceback
                problems.append(self._template_problem(exc, page))
        for chart in self.story.charts.values() if charts is None else charts:
            path = urls.embed_path(chart.id, self.language)
            try:
                files[path] = self._rendered(path, (chart, self.pictures.get(chart.id)), lambda: self.render_embed(chart))
            except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError,
                    RecursionError) as exc:
                problems.append(self._template_problem(exc, None))
        return files, problems

    def _template_problem(self, exc: Exception, page: Page | None) -> Diagnostic:
        filename, line = _template_position(exc)
        rendering = page.source if page else "a chart's embed page"
        where = self.project.shown(Path(filename)) if filename else rendering
        text = exc.message if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        if isinstance(exc, RecursionError):
            text = "the template includes or extends itself without end"
        message = re.sub(r"'(?:\w+\.)+(\w+) object'", lambda m: f"'{m.group(1).lower()}'", text or "")
        if isinstance(exc, jinja2.TemplateNotFound):
            message = f"template '{exc.name}' not found"
        return error(where, line, 0, f"template error while rendering {rendering}: {message}",
                     "names that the template context provides (see docs/editors-guide.md, 'Templates')")

    def plain(self, text: str) -> str:
        return plain_text(text, self.facts)

    def render_page(self, page: Page) -> str:
        plain: dict[str, Any] = {key: self.plain(getattr(page, key)) for key in TEXT_KEYS}
        page = dataclasses.replace(page, **plain)
        root = self.story.config.base_path if page.name == "404" else urls.root_from(page.output_path)
        home = root + page.prefix  # the edition's own root: Markdown links stay within the edition
        charts_here: list[str] = []
        self._root = root
        budget = PageBudget()  # raises PageTooLarge as soon as the roles and directives pass the limit
        body = Markup(page.compiled.fill(
            home, lambda role, fact_id: budget.spend(self._render_role(role, fact_id)),
            lambda name, argument, items: budget.spend(self._render_directive(name, argument, items, root,
                                                                              charts_here)),
            lambda name, alt: self._render_image(name, alt, root)))
        config = self.story.config
        canonical = urls.absolute(config.base_url, page.url)
        share = self.share_images.get(page.output_path)
        share_image = urls.absolute(config.base_url, share) if share else None
        json_ld = page_json_ld(page.schema, config, page.title, page.description, canonical, share_image,
                               self.story.sources, page.authors, page.published, page.updated)
        page_updates = self._page_updates(page) if page.name != "404" else []
        details = self._fact_details(page) if self.data_url is not None and page.name != "404" else None
        json_ld = with_updates(json_ld, page_updates, self.language, self.sentences)
        return self.env.get_template(page.template).render(
            **self.edition, site=config, page=page, body=body, root=root, home=home,
            nav=self.nav,
            has_charts=bool(charts_here), asset=self._asset_function(root), page_names=self.page_names,
            canonical=canonical, sources=self.story.sources, share_image=share_image,
            page_updates=self._update_views(page_updates, root), feed_href=root + urls.feed_path(self.language),
            log_href=root + self.log_url if self.log_url is not None else None,
            data_version=self.data_version, build_href=root + urls.BUILD_JSON,
            page_href=self._page_href_function(root),
            fact_details=script_json(details) if details else None,
            json_ld=script_json(json_ld) if json_ld else None,
            alternates=[(tag, root + url) for tag, url in self.alternates.get(page.name, [])],
            alternates_absolute=[(tag, urls.absolute(config.base_url, url)) for tag, url in self.alternates.get(page.name, [])],
        )

    def _render_image(self, name: str, alt: str, root: str) -> str:
        """A page image with its hashed address and size (checked to exist in check/references.py)."""
        image = self.story.images[name]
        return (f'<img src="{escape(root + image.output)}" alt="{escape(alt)}" width="{image.width}" '
                f'height="{image.height}" loading="lazy" decoding="async">')

    def _asset_function(self, root: str):
        """asset('site.css') -> the hashed path of that file, relative to the page."""
        def asset(name: str) -> str:
            if name not in self.assets.paths:
                raise jinja2.TemplateRuntimeError(f"unknown asset '{name}'{did_you_mean(name, list(self.assets.paths))}"
                                                  " (assets are the files in templates/assets/, charts.js and plotly.js)")
            return root + self.assets.paths[name]

        return asset

    def _page_href_function(self, root: str) -> Callable[[str], str]:
        """page_href('data') -> the link to that page of the edition, relative to the page
        ('./' for the root itself)."""
        def page_href(name: str) -> str:
            if name not in self.page_names:
                raise jinja2.TemplateRuntimeError(f"unknown page '{name}'{did_you_mean(name, sorted(self.page_names))}"
                                                  " (pages are the files in content/pages/, by name without .md)")
            return (root or "./") + urls.page_url(name, self.language)

        return page_href

    def render_embed(self, chart: Chart) -> str:
        """A minimal page with only the chart, for <iframe> embeds at embed/CHART/."""
        root = urls.root_from(urls.embed_path(chart.id, self.language))
        self._root = None  # an embedded chart's numbers do not link into the site
        context = {"root": root, "facts": self.facts, "sources": self.story.sources,
                   "source_names": self.source_names, **self._chart_context(chart, root)}
        figure_html = Markup(self.env.get_template("components/chart.html").render(context, **self.edition))
        stylesheets = [root + path for name, path in self.assets.paths.items() if name.endswith(".css")]
        return self.env.get_template("embed.html").render(
            **self.edition, site=self.story.config, chart=chart, figure=figure_html, root=root, stylesheets=stylesheets,
            asset=self._asset_function(root),
            canonical=urls.absolute(self.story.config.base_url, urls.embed_url(chart.id, self.language)))

    def _render_role(self, role: str, fact_id: str) -> str:
        fact = self.facts[fact_id]
        if role == "label":
            return str(escape(fact.label))
        return self.env.get_template("components/fact.html").render(fact=fact, **self.edition)

    def _render_directive(self, name: str, argument: str, items: list[DirectiveItem], root: str,
                          charts_here: list[str]) -> str:
        facts = self.facts
        context: dict[str, Any] = {"root": root, "facts": facts, "sources": self.story.sources,
                                   "source_names": self.source_names}
        if name == "chart":
            charts_here.append(argument)
            context.update(self._chart_context(self.charts[argument], root))
        elif name == "facttable":
            context["groups"] = self._fact_rows(root)
            numbers = self._source_numbers(dict(facts.items()))
            context["numbered_sources"] = [(number, self.story.sources[i]) for i, number in numbers.items()]
        elif name == "updates":
            context["updates"] = self._update_views(list(self.story.updates), root)
        elif name == "downloads":
            context.update(csv_href=root + urls.FACTS_CSV, json_href=root + urls.FACTS_JSON, count=len(facts))
        elif name == "coverage":
            context["coverage"] = self.story.coverage
        else:
            context["items"] = [{"facts": [facts[i] for i in item.ids], "text": item.text} for item in items]
        return self.env.get_template(f"components/{name}.html").render(context, **self.edition)

    def _fact_rows(self, root: str) -> list[tuple[str, Markup]]:
        """The table of all facts as (section heading, rows) in story order (storyorder.py); the
        rows are rendered in blocks of ROW_BLOCK facts, each reused while its facts and their
        sources are unchanged, so a one-fact edit renders one block again, not a whole section."""
        facts = dict(self.facts.items())  # the table shows every fact
        cited = tuple((key, fact.source, fact.inputs) for key, fact in facts.items())  # all the numbering reads
        sources = done(SOURCE_NUMBERS(self.language, cited, functools.partial(self._source_numbers, facts)))
        numbered = tuple(sources.items())
        rest = ui("other_facts", self.language)
        groups = done(FACT_SECTIONS(self.language, (self.story.pages, tuple(facts), rest),
                                     functools.partial(facts_by_section, self.story.pages, facts, rest)))
        size = ROW_BLOCK if self._rows_join() else len(facts) or 1
        parts = []
        for heading, ids in groups:
            blocks = []
            for start in range(0, len(ids), size):
                run = tuple(map(facts.__getitem__, ids[start:start + size]))
                inputs = (run, numbered, tuple(facts[i] for fact in run for i in fact.inputs), self.shared)
                blocks.append(done(FACT_ROWS((self.language, heading, start), inputs,
                                              functools.partial(self._fact_row_run, run, sources, facts))))
            parts.append((heading, Markup("".join(blocks).removesuffix("\n"))))
        return parts

    def _rows_join(self) -> bool:
        """Whether the rows template renders no rows as nothing, so that blocks of rows rendered
        apart join into the same text as all rows rendered at once (the theme's does)."""
        return self._fact_row_run((), {}, {}) == ""

    def _source_numbers(self, facts: dict[str, Fact]) -> dict[str, int]:
        """Each source a number, in the order of first use, to refer to it from a row."""
        used = [source_id for fact in facts.values() for source_id in self._source_ids(fact)]
        return {source_id: number for number, source_id in enumerate(dict.fromkeys(used), 1)}

    def _source_ids(self, fact: Fact) -> list[str]:
        pending, ids = [fact], []
        while pending:
            item = pending.pop(0)
            if item.source:
                ids.append(item.source)
            pending += [self.facts[i] for i in item.inputs]
        return list(dict.fromkeys(ids))

    def _fact_row_run(self, facts: tuple[Fact, ...], sources: dict[str, int], all_facts: dict[str, Fact]) -> str:
        rows = [(fact, [(sources[i], i) for i in self._source_ids(fact)],
                 readable_formula(fact.formula, all_facts, self.language) if fact.formula else "") for fact in facts]
        context = {"rows": rows, "histories": self.histories, **self.edition}
        return self.env.get_template("components/facttable_rows.html").render(context)

    def _chart_context(self, chart: Chart, root: str) -> dict[str, Any]:
        # A chart's page and embed page show the same figure, table and description: drawn once,
        # and what drawing it read is counted as read by each file that shows it.
        if chart.id not in self._drawn:
            self._drawn[chart.id] = self._draw_recorded(chart)
        drawn, reads = self._drawn[chart.id]
        for into, made in zip((self.facts, self.charts, self.other_labels), reads, strict=True):
            into.read.update(made.read)
            into.everything = into.everything or made.everything
        language = self.language
        return {"chart": chart, **drawn, "csv_href": root + urls.chart_csv(chart.id, language),
                "pictures": self.pictures.get(chart.id), "root": root,
                "embed_url": urls.absolute(self.story.config.base_url, urls.embed_url(chart.id, language)),
                "embed_height": chart.height + 260}

    def _draw_recorded(self, chart: Chart) -> tuple[dict[str, Any], tuple[RecordingMap, ...]]:
        """The chart drawn, and the views that noted what drawing it read."""
        outer = (self.facts, self.charts, self.other_labels)
        self._start_recording()
        try:
            return self._draw_chart(chart), (self.facts, self.charts, self.other_labels)
        finally:
            self.facts, self.charts, self.other_labels = outer

    def _draw_chart(self, chart: Chart) -> dict[str, Any]:
        facts, language = self.facts, self.language
        used = [facts[fact_id] for fact_id in chart.fact_ids]
        return {"figure_json": script_json(figure(chart, facts, language)), "box_style": box_style(chart), "table": chart_table(chart, facts, language),
                "description": chart_description(chart, facts, language), "chart_sources": self.source_names(used)}

    def source_names(self, facts: list[Fact] | Fact) -> str:
        """'新京报（经北京时间）' for the sources of these facts, derived facts followed to their inputs."""
        pending = [facts] if isinstance(facts, Fact) else list(facts)
        ids: list[str] = []
        while pending:
            fact = pending.pop(0)
            if fact.source:
                ids.append(fact.source)
            pending += [self.facts[i] for i in fact.inputs]
        names = []
        for source_id in dict.fromkeys(ids):
            source = self.story.sources[source_id]
            names.append(source.publisher + (ui("via_short", self.language, via=source.via) if source.via else ""))
        return join_list(dict.fromkeys(names), self.language)


def _template_position(exc: Exception) -> tuple[str, int]:
    """The template file and line of the error: syntax errors carry them, runtime errors leave
    them in the (Jinja-rewritten) traceback, whose innermost template frame is the culprit."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return exc.filename, exc.lineno or 0
    filename, line = "", 0
    traceback = exc.__traceback__
    while traceback is not None:
        code_file = traceback.tb_frame.f_code.co_filename
        if code_file.endswith((".html", ".jinja", ".j2", ".xml", ".txt")):
            filename, line = code_file, traceback.tb_lineno
        traceback = traceback.tb_next
    return filename, line
