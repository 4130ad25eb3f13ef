"""Bounds on what one page may cost to build: checked on the Markdown text before the parser
sees it, on the parsed page before it is rendered, and on the rendered page.

A few kilobytes of Markdown can ask for gigabytes: 2 MB of `![` keeps the parser busy for most of
a minute, one link reference used 100,000 times repeats its address 100,000 times, and every
`{facttable}` repeats the table of all facts. Real pages stay far below these limits.
"""

from __future__ import annotations

import itertools
import re

from markdown_it.token import Token

from kejiquan_site.diagnostics import Diagnostic, error

MAX_PAGE_BYTES = 5_000_000  # a rendered page; the largest of the real story is 40 KB
MAX_LINES = 20_000  # lines per page: the parser spends 10-30 µs on each, however short
# Characters that open markup, at most so many per page outside code and directives (each limit
# keeps the parser under about half a second, measured on 2 MB of the worst arrangement).
DENSE_MARKUP = (("[", 10_000, "'[' (links and images)"), ("*_", 20_000, "'*' and '_' (emphasis)"),
                ("|", 20_000, "'|' (table cells)"), ("<", 20_000, "'<' (autolinks)"),
                ("&", 50_000, "'&' (character references)"))
MAX_DIRECTIVES = 500  # directive blocks per page
MAX_ROLES = 10_000  # {fact} and {label} roles per page
SHOWN_ONCE = ("facttable", "sources", "downloads")  # directives that show everything there is


_FENCED = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[ \t]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"`[^`\n]*`")


def _blank_code(text: str) -> str:
    """The text with fenced blocks (directives) and code spans (fact roles) blanked out, lines
    and columns kept: ids such as 'rd.jjj_2024' are not emphasis."""
    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    return _CODE_SPAN.sub(blank, _FENCED.sub(blank, text))


def _position(text: str, index: int, first_line: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return first_line + text.count("\n", 0, index), index - line_start + 1


def check_markup_density(body: str, path: str, first_line: int) -> list[Diagnostic]:
    """Markdown too long or too dense for the parser to read in reasonable time and memory,
    located at the first line or character beyond the limit. Checked before parsing."""
    lines = body.count("\n") + (0 if body.endswith("\n") else 1)
    if lines > MAX_LINES:
        return [error(path, first_line + MAX_LINES, 1, f"the page has {lines:,} lines, more than {MAX_LINES:,}",
                      "split the page into several (a long story has a few thousand lines)")]
    body = _blank_code(body)
    for characters, most, what in DENSE_MARKUP:
        count = sum(body.count(character) for character in characters)
        if count <= most:
            continue
        beyond = next(itertools.islice(re.finditer(f"[{re.escape(characters)}]", body), most, None))
        line, column = _position(body, beyond.start(), first_line)
        return [error(path, line, column, f"the page has {count:,} {what}, more than {most:,}: "
                      "Markdown this dense takes too long to read",
                      f"at most {most:,} per page: split the page, or put long lists in a fact file")]
    return []


def check_link_expansion(tokens: list[Token], path: str, first_line: int) -> list[Diagnostic]:
    """Link and image addresses add up to more than a page may hold (one reference used
    thousands of times repeats its address each time). Checked before rendering."""
    total = 0
    for token in tokens:
        for child in token.children or ():
            if child.type in ("link_open", "image"):
                total += len(str(child.attrGet("href") or child.attrGet("src") or ""))
        if total > MAX_PAGE_BYTES:
            line = first_line + (token.map[0] if token.map else 0)
            return [error(path, line, 1, f"the links and images up to this paragraph repeat more than "
                          f"{MAX_PAGE_BYTES // 1_000_000} MB of addresses",
                          "fewer uses of the same link, or shorter addresses")]
    return []


def check_expansions(references: list, path: str) -> list[Diagnostic]:
    """Too many directives or roles on one page, and a directive that shows everything there is
    (the table of all facts, the sources, the downloads) shown twice."""
    problems: list[Diagnostic] = []
    directives = [ref for ref in references if ref.kind == "directive"]
    roles = [ref for ref in references if ref.kind == "fact" and ref.context in ("{fact}", "{label}")]
    for found, most, what in ((directives, MAX_DIRECTIVES, "directive blocks"), (roles, MAX_ROLES, "fact roles")):
        if len(found) > most:
            beyond = found[most]
            problems.append(error(path, beyond.line, beyond.column, f"the page has {len(found):,} {what}, "
                                  f"more than {most:,}", "split the page into several"))
    first: dict[str, int] = {}
    repeats: dict[str, list] = {}
    for ref in directives:
        if ref.id in SHOWN_ONCE and ref.id in first:
            repeats.setdefault(ref.id, []).append(ref)
        first.setdefault(ref.id, ref.line)
    for name, repeated in repeats.items():
        more = f" (and {len(repeated) - 1:,} more times below)" if len(repeated) > 1 else ""
        problems.append(error(path, repeated[0].line, repeated[0].column, f"{{{name}}} is already shown on "
                              f"this page (line {first[name]}){more}",
                              f"one {{{name}}} per page: it shows everything there is"))
    return problems


class PageTooLarge(Exception):
    """Raised while rendering a page as soon as it holds more than MAX_PAGE_BYTES, so a list of
    60,000 items shown 400 times stops at 5 MB instead of filling the memory."""


class PageBudget:
    """Counts what the roles and directives of one page add, and stops the page beyond the limit."""

    def __init__(self) -> None:
        self.size = 0

    def spend(self, html: str) -> str:
        self.size += len(html)
        if self.size > MAX_PAGE_BYTES:
            raise PageTooLarge()
        return html


def page_too_large(path: str, size: int | None = None) -> Diagnostic:
    most = f"{MAX_PAGE_BYTES // 1_000_000} MB"
    what = f"is {size / 1_000_000:.2f} MB when rendered, more than {most}" if size is not None \
        else f"grows beyond {most} when rendered"
    return error(path, 1, 1, f"the page {what}",
                 "split the page into several, or show fewer tables and lists")


def check_page_size(html: bytes, path: str) -> list[Diagnostic]:
    """The rendered page is larger than a reader's phone should load."""
    return [page_too_large(path, len(html))] if len(html) > MAX_PAGE_BYTES else []
