"""Markdown extensions: fact roles inline, directives as fenced blocks, links from the site root.

Inline: {fact}`rd.jjj_2024` shows a fact's value with unit and qualifier; {label}`rd.jjj_2024`
shows its label. Blocks: a fence whose info is `{name} argument` is a directive (cards, chart,
timeline, lists, facttable, sources, downloads, coverage); its lines are items `- id [-> id] [| text]`.
Rendering calls back into `env` so this module knows nothing of facts or templates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

ROLE = re.compile(r"\{(fact|label)\}`([^`\n{}]*)`")  # an id holds no braces: {fact}`a{fact}` is no role
DIRECTIVE_INFO = re.compile(r"\{([a-z_]+)\}\s*(.*)")
DIRECTIVES = ("cards", "chart", "timeline", "lists", "facttable", "sources", "downloads", "coverage",
              "updates")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
IMAGE_PREFIX = "images/"  # page images: files in content/images/


@dataclass(frozen=True)
class Reference:
    """A use of a fact or chart id in Markdown, at 1-based line and column of the file."""

    kind: str  # "fact" or "chart"
    id: str
    line: int
    column: int
    context: str  # the directive or role that uses it
    last_in_item: bool = True  # False for 'a' in a directive item 'a -> b'
    item_size: int = 1  # how many ids the directive item holds
    argument: str = ""  # for a directive: the text after {name}


@dataclass(frozen=True)
class DirectiveItem:
    ids: tuple[str, ...]
    text: str
    line: int  # 0-based line within the directive's content


def _role_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = ROLE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("fact_role", "", 0)
        token.meta = {"role": match.group(1), "id": match.group(2).strip()}
    state.pos = match.end()
    return True


def _render_role(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    meta = tokens[idx].meta
    return env["render_role"](meta["role"], meta["id"])


def _render_fence(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    token = tokens[idx]
    match = DIRECTIVE_INFO.fullmatch(token.info.strip())
    if match:
        return env["render_directive"](match.group(1), match.group(2).strip(),
                                       parse_directive_items(token.content))
    return self.fence_default(tokens, idx, options, env)


def _render_link_open(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    token = tokens[idx]
    original = dict(token.attrs)
    href = str(token.attrGet("href") or "")
    if href and not href.startswith(("#", "/", "//")) and not href.lower().startswith(_SAFE_SCHEMES):
        token.attrSet("href", env.get("root", "") + href)
    if href.lower().startswith(("http://", "https://")):
        token.attrSet("rel", "noopener")
    html = self.renderToken(tokens, idx, options, env)
    token.attrs = original  # tokens are parsed once and rendered again on every build
    return html


def _render_image(self: Any, tokens: list[Token], idx: int, options: Any, env: dict) -> str:
    """Images from other hosts would be blocked (and slow or blank in mainland China): they are
    shown as a link to the picture instead."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if src.lower().startswith(("http://", "https://", "//")):
        alt = self.renderInlineAsText(token.children or [], options, env)
        return f'<a href="{escapeHtml(src)}" rel="noopener">{escapeHtml(alt or src)}</a>'
    if src.startswith(IMAGE_PREFIX) and "render_image" in env:  # a page image: its size and hashed name per build
        alt = self.renderInlineAsText(token.children or [], options, env)
        return env["render_image"](src, alt)
    if src and not src.startswith(("/", "#")):
        original = dict(token.attrs)
        token.attrSet("src", env.get("root", "") + src)
        html = self.image(tokens, idx, options, env)
        token.attrs = original
        return html
    return self.image(tokens, idx, options, env)


def _validate_link(url: str) -> bool:
    """Only http, https, mailto and site-relative links survive; everything else stays text."""
    lowered = url.strip().lower()
    if ":" not in lowered.split("/", 1)[0]:
        return True
    return lowered.startswith(_SAFE_SCHEMES)


@dataclass(frozen=True)
class Slot:
    """A place in a compiled body that each build fills: a fact role, or a directive."""

    kind: str  # "role", "directive" or "image"
    name: str  # fact/label, the directive's name, or an image's alt text
    argument: str  # the fact id, the text after {name}, or an image's name (images/map.png)
    items: tuple[DirectiveItem, ...] = ()


_OPEN = "\x00"  # never in parsed text: markdown-it turns NUL characters of the source into U+FFFD
_ROOT = "root"


@dataclass(frozen=True)
class CompiledBody:
    """A page's Markdown rendered once, when it is read: HTML text with the slots (roles,
    directives) and the root of relative links left open. Keeping this instead of the token
    tree takes a tenth of the memory, and each build only fills the slots in."""

    parts: tuple[str, ...]  # text, slot, text, slot, ..., text (a slot is its number, or 'root')
    slots: tuple[Slot, ...]

    def fill(self, root: str, render_role: Any, render_directive: Any, render_image: Any = None) -> str:
        """The HTML, with `render_role(role, fact_id)`, `render_directive(name, argument, items)`
        and `render_image(name, alt)` called in the order the slots appear, as a renderer would."""
        out: list[str] = []
        for index, part in enumerate(self.parts):
            if index % 2 == 0:
                out.append(part)
            elif part == _ROOT:
                out.append(escapeHtml(root))  # inside href and src attributes only
            else:
                slot = self.slots[int(part)]
                if slot.kind == "image":
                    out.append(render_image(slot.argument, slot.name))
                else:
                    out.append(render_role(slot.name, slot.argument) if slot.kind == "role"
                               else render_directive(slot.name, slot.argument, list(slot.items)))
        return "".join(out)

    @property
    def first_cards(self) -> tuple[DirectiveItem, ...]:
        """The items of the first {cards}: the page's key numbers."""
        return next((slot.items for slot in self.slots if slot.kind == "directive" and slot.name == "cards"), ())


def compile_body(md: MarkdownIt, tokens: list[Token]) -> CompiledBody:
    slots: list[Slot] = []

    def open_slot(slot: Slot) -> str:
        slots.append(slot)
        return f"{_OPEN}{len(slots) - 1}{_OPEN}"

    env = {"root": f"{_OPEN}{_ROOT}{_OPEN}",
           "render_role": lambda role, fact_id: open_slot(Slot("role", role, fact_id)),
           "render_directive": lambda name, argument, items: open_slot(Slot("directive", name, argument, tuple(items))),
           "render_image": lambda name, alt: open_slot(Slot("image", alt, name))}
    html = md.renderer.render(tokens, md.options, env)
    return CompiledBody(tuple(html.split(_OPEN)), tuple(slots))


def make_markdown() -> MarkdownIt:
    """One shared parser: CommonMark with tables, raw HTML off, fact roles and directives."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.validateLink = _validate_link  # type: ignore[method-assign]  # markdown-it-py documents this hook
    md.inline.ruler.before("backticks", "fact_role", _role_rule)
    md.add_render_rule("fact_role", _render_role)
    md.renderer.fence_default = md.renderer.rules["fence"]  # type: ignore[attr-defined]
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    return md


def parse_directive_items(content: str) -> list[DirectiveItem]:
    """Items of a directive: `- a.b`, `- a.b -> a.c | text`; blank lines are skipped."""
    items: list[DirectiveItem] = []
    for number, raw in enumerate(content.split("\n")):
        line = raw.strip()
        if not line:
            continue
        line = line[1:].strip() if line.startswith("-") else line
        ids_part, _, text = line.partition("|")
        ids = tuple(part.strip() for part in ids_part.split("->"))
        items.append(DirectiveItem(ids, text.strip(), number))
    return items
