"""Pages: Markdown files with YAML front matter, parsed once, with line numbers kept exact.

`index.md` becomes the home page, `404.md` the not-found page, any other `name.md` is served
at `name/` (pretty URLs).
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from kejiquan_site.diagnostics import Diagnostic, Location, error
from kejiquan_site.markdown.extensions import ROLE, CompiledBody, DirectiveItem, Reference, compile_body
from kejiquan_site.markdown.limits import check_expansions, check_link_expansion, check_markup_density
from kejiquan_site.markdown.references import find_references, front_matter_near_misses
from kejiquan_site.model import urls
from kejiquan_site.read.fields import (
    FieldSpec,
    check_fields,
    not_number,
    not_optional_text,
    not_text,
    not_text_list,
    one_of,
)
from kejiquan_site.read.yamlread import YamlDoc, parse_yaml

SCHEMAS = ["article", "dataset"]


def _not_day(value: object) -> str:
    """A calendar date written as text, '2026-03-18' (YAML leaves unquoted dates as text here)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            datetime.date.fromisoformat(value)
            return ""
        except ValueError:
            return f"got '{value}', which is not a day of the calendar"
    return f"got {value!r}" if not isinstance(value, str) else f"got the text '{value}'"


PAGE_FIELDS = {
    "title": FieldSpec(not_text, "the page title, shown in the browser tab and as the headline", required=True),
    "description": FieldSpec(not_text, "one sentence for search engines and link previews", required=True),
    "standfirst": FieldSpec(not_optional_text, "the short introduction under the headline"),
    "kicker": FieldSpec(not_optional_text, "a short label above the headline"),
    "nav": FieldSpec(not_optional_text, "the page's name in the site menu (leave out to keep it off the menu)"),
    "order": FieldSpec(not_number, "a number: the page's place in the menu"),
    "template": FieldSpec(not_text, "a template file name in templates/, such as page.html"),
    "schema": FieldSpec(one_of(SCHEMAS), "article (a news story) or dataset (a data page), for search engines"),
    "authors": FieldSpec(not_text_list, "the byline: a list of names, such as [科技圈数据新闻]"),
    "published": FieldSpec(_not_day, "the day the story was first published, such as 2026-11-26"),
    "updated": FieldSpec(_not_day, "the day of the last change readers should know of, such as 2026-11-30"),
}

TEXT_KEYS = ("title", "description", "standfirst", "kicker", "nav")
# Folders the build writes next to the pages: a page of one of these names would be built into
# them (`_headers` tells hosts to keep assets/ for a year unchanged). `data` is free: the data
# page lives at data/, next to the downloads.
RESERVED_NAMES = {urls.edition_folder("en"): "the English edition's folder",
                  urls.ASSETS: "the folder of styles, scripts and images", urls.EMBED: "the folder of the chart embeds",
                  urls.WECHAT: "the folder of the home page's 公众号 edition"}


@dataclass(frozen=True, eq=False)
class Page:
    """One page as parsed. Pages compare by identity: the preview's memo hands back the same
    object while its file is unchanged, and comparing bodies would cost more than it saves."""

    source: str
    name: str
    title: str
    description: str
    standfirst: str
    kicker: str
    nav: str
    order: float
    template: str
    compiled: CompiledBody
    references: tuple[Reference, ...]
    schema: str = ""
    language: str = "zh"
    body: str = ""
    body_line: int = 1
    text_fields: tuple[tuple[Location, str], ...] = ()
    authors: tuple[str, ...] = ()
    published: str = ""
    updated: str = ""

    @functools.cached_property
    def fact_ids(self) -> tuple[str, ...]:
        """The ids of the facts the page refers to, in order."""
        return tuple(ref.id for ref in self.references if ref.kind == "fact")

    @functools.cached_property
    def chart_ids(self) -> tuple[str, ...]:
        return tuple(ref.id for ref in self.references if ref.kind == "chart")

    @property
    def first_cards(self) -> tuple[DirectiveItem, ...]:
        """The items of the page's first {cards}: its key numbers, which its share image shows."""
        return self.compiled.first_cards

    @functools.cached_property
    def output_path(self) -> str:
        return urls.page_path(self.name, self.language)

    @property
    def prefix(self) -> str:
        """'' for the main edition, 'en/' for the English one."""
        return urls.edition_prefix(self.language)

    @property
    def url(self) -> str:
        """The page's address relative to the site root ('' for the home page)."""
        return urls.page_url(self.name, self.language)


def split_front_matter(text: str, path: str) -> tuple[str, str, int, list[Diagnostic]]:
    """(front matter, body, file line of the body's first line, problems)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return "", text, 1, [error(path, 1, 1, "a page must start with front matter between '---' lines",
                                   "'---', then 'title:' and 'description:', then '---'")]
    for number in range(1, len(lines)):
        if lines[number].strip() == "---":
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1:]), number + 2, []
    return "", text, 1, [error(path, 1, 1, "the front matter is never closed",
                               "a second '---' line after the front matter")]


def parse_page(text: str, path: str, name: str, md: MarkdownIt,
               language: str = "zh") -> tuple[Page | None, list[Diagnostic]]:
    front, body, body_line, problems = split_front_matter(text, path)
    if problems:
        return None, problems
    doc = parse_yaml(front, path, first_line=2)
    if doc.problems:
        return None, doc.problems
    meta = doc.data if doc.data is not None else {}
    problems = check_fields(doc, (), meta, PAGE_FIELDS, "the front matter")
    if problems:
        return None, problems
    problems = _check_byline(doc, meta, path)
    if any(problem.severity == "error" for problem in problems):
        return None, problems
    beyond_limits = check_markup_density(body, path, body_line)  # before the parser sees it
    if beyond_limits:
        return None, problems + beyond_limits
    tokens = md.parse(body)
    references, near_misses = find_references(tokens, body.split("\n"), body_line, path)
    problems += near_misses
    references += _front_matter_references(doc, meta)
    problems += _front_matter_near_misses(doc, meta, path)  # the page is still checked: all errors at once
    beyond_limits = check_link_expansion(tokens, path, body_line) + check_expansions(references, path)
    if beyond_limits:
        return None, problems + beyond_limits
    return Page(
        source=path, name=name, title=meta["title"].strip(), description=meta["description"].strip(),
        standfirst=(meta.get("standfirst") or "").strip(), kicker=(meta.get("kicker") or "").strip(),
        nav=(meta.get("nav") or "").strip(), order=meta.get("order", 0 if name == "index" else 100),
        template=meta.get("template", "page.html"), compiled=compile_body(md, tokens), references=tuple(references),
        schema=meta.get("schema", ""), language=language, body=body, body_line=body_line,
        text_fields=tuple((Location(path, *doc.value_at(key)), meta[key]) for key in TEXT_KEYS
                          if isinstance(meta.get(key), str)),
        authors=tuple(name.strip() for name in meta.get("authors", [])), published=meta.get("published", ""),
        updated=meta.get("updated", ""),
    ), problems


def _check_byline(doc: YamlDoc, meta: dict, path: str) -> list[Diagnostic]:
    """An update cannot come before publication (an error); a story (schema: article) without a
    byline or a date is a warning, an error with --strict."""
    if meta.get("updated") and meta.get("published") and meta["updated"] < meta["published"]:
        return [Diagnostic(Location(path, *doc.value_at("updated")), f"'updated' ({meta['updated']}) is before "
                           f"'published' ({meta['published']})", "the day of the last change, on or after 'published'")]
    if meta.get("schema") != "article":
        return []
    missing = [key for key in ("authors", "published") if key not in meta]
    if not missing:
        return []
    return [Diagnostic(Location(path, *doc.value_at("schema")), "a story (schema: article) needs "
                       + " and ".join(f"'{key}'" for key in missing) + ": readers and search engines look for who "
                       "wrote it and when", "authors: [a name] and published: 2026-11-26 in the front matter",
                       "warning")]


def _front_matter_references(doc: YamlDoc, meta: dict) -> list[Reference]:
    """Fact roles in the title, description and standfirst (shown there as plain text)."""
    found = []
    for key in TEXT_KEYS:
        if isinstance(meta.get(key), str):
            line, column = doc.value_at(key)
            for match in ROLE.finditer(meta[key]):
                found.append(Reference("fact", match.group(2).strip(), line, column + match.start(2),
                                       "{" + match.group(1) + "}"))
    return found


def _front_matter_near_misses(doc: YamlDoc, meta: dict, path: str) -> list[Diagnostic]:
    found = []
    for key in TEXT_KEYS:
        if isinstance(meta.get(key), str):
            line, column = doc.value_at(key)
            found += [error(path, line, column + offset, message, expected)
                      for offset, message, expected in front_matter_near_misses(meta[key])]
    return found
