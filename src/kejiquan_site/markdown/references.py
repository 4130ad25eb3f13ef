"""What a page's Markdown uses (fact roles, directives, chart ids), found in the tokens of the
very parser that renders them, and the near-misses: text that looks like a role or directive but
would reach readers as markup (a space after the role, full-width braces or backticks, a misspelt
role, a role in a code span, a fence that is never closed).
"""

from __future__ import annotations

import difflib
import re

from markdown_it.token import Token

from kejiquan_site.diagnostics import Diagnostic, error
from kejiquan_site.markdown.extensions import DIRECTIVE_INFO, DIRECTIVES, ROLE, Reference, parse_directive_items

ROLES = ("fact", "label")
EXAMPLE = "{fact}`rd.jjj_2024`"
# A role name in braces of either width, as an input method may type them.
_ROLE_LIKE = re.compile(r"([{｛])\s*([A-Za-z_]+)\s*([}｝])")
_ROLE_AT_END = re.compile(r"([{｛])\s*([A-Za-z_]+)\s*([}｝])(\s*)$")
_DIRECTIVE_LIKE = re.compile(r"\s*([{｛])\s*([A-Za-z_]*)\s*([}｝])?")
_CLOSING_FENCE = re.compile(r"\s{0,3}(`{3,}|~{3,})\s*$")


def find_references(tokens: list[Token], source_lines: list[str], first_line: int,
                    path: str) -> tuple[list[Reference], list[Diagnostic]]:
    """Every fact and chart id the Markdown uses, with its position in the file, and every
    near-miss of the syntax as an error there.

    `source_lines` are the body's lines; `first_line` is the file line of the body's first line,
    so positions stay right below the front matter.
    """
    finder = _Finder(source_lines, first_line, path)
    for token in tokens:
        if token.type == "fence" and token.map is not None:
            finder.fence(token)
        elif token.type == "inline" and token.map is not None:
            finder.inline(token)
    return finder.references, finder.problems


class _Finder:
    def __init__(self, source_lines: list[str], first_line: int, path: str) -> None:
        self.lines, self.first_line, self.path = source_lines, first_line, path
        self.references: list[Reference] = []
        self.problems: list[Diagnostic] = []
        self._cursor: dict[int, int] = {}  # body line -> where the next search on it starts

    def _column(self, line: int, text: str) -> int:
        """1-based column of `text` on body line `line`, after whatever was located on that line
        before it (tokens come in the order of the source)."""
        source = self.lines[line] if line < len(self.lines) else ""
        found = source.find(text, self._cursor.get(line, 0))
        if found < 0:
            found = max(source.find(text), 0)
        self._cursor[line] = found + len(text)
        return found + 1

    def _error(self, line: int, column: int, message: str, expected: str) -> None:
        self.problems.append(error(self.path, self.first_line + line, column, message, expected))

    def fence(self, token: Token) -> None:
        start, _end = token.map  # type: ignore[misc]
        info = token.info.strip()
        match = DIRECTIVE_INFO.fullmatch(info)
        if not _is_closed(token, self.lines):
            self._error(start, 1, f"the fence opened at line {self.first_line + start} is never closed",
                        f"a line '{token.markup}' after the last item of the {'directive' if match else 'block'}")
            return  # its "items" are the rest of the page: every one would be reported
        inner = _inner_fence(token.content)
        if match and inner is not None:  # the fence swallowed the page up to the next fence's end
            self._error(start, 1, f"the fence opened at line {self.first_line + start} is never closed: it runs on "
                        f"to the fence at line {self.first_line + start + 1 + inner}",
                        f"a line '{token.markup}' after the last item of the directive")
        elif match:
            self._directive(match.group(1), match.group(2).strip(), token)
        elif _DIRECTIVE_LIKE.match(info) and info[:1] in "{｛":
            self._error(start, max(self.lines[start].find(info[0]), 0) + 1, _directive_near_miss(info),
                        "```{cards}: the directive's name in ASCII braces right after the backticks")

    def _directive(self, name: str, argument: str, token: Token) -> None:
        start = token.map[0]  # type: ignore[index]
        fence_line = self.lines[start] if start < len(self.lines) else ""
        line = self.first_line + start
        self.references.append(Reference("directive", name, line, fence_line.find("{") + 2, "directive",
                                         argument=argument))
        if name == "chart":
            self.references.append(Reference("chart", argument, line, max(fence_line.find(argument), 0) + 1, "{chart}"))
        for item in parse_directive_items(token.content):
            item_line = start + 1 + item.line
            text = self.lines[item_line] if item_line < len(self.lines) else ""
            for index, fact_id in enumerate(item.ids):
                column = max(text.find(fact_id), 0) + 1 if fact_id else text.find("-") + 1
                self.references.append(Reference("fact", fact_id, self.first_line + item_line, column,
                                                 "{" + name + "}", last_in_item=index == len(item.ids) - 1,
                                                 item_size=len(item.ids)))

    def inline(self, token: Token) -> None:
        line = token.map[0]  # type: ignore[index]
        children = token.children or []
        for index, child in enumerate(children):
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "fact_role":
                literal = "{" + child.meta["role"] + "}`"
                column = self._column(line, literal) + len(literal)
                self.references.append(Reference("fact", child.meta["id"], self.first_line + line,
                                                 column, "{" + child.meta["role"] + "}"))
            elif child.type == "text":
                following = children[index + 1] if index + 1 < len(children) else None
                if self._text(child.content, line, following):
                    return  # a backtick missing: every later pair in the paragraph is off by one
            elif child.type == "image":
                self._image(child, line)
            elif child.type == "code_inline" and not (index and _ROLE_AT_END.search(children[index - 1].content)):
                self._code(child, line)  # (after role-like text, _text has said what is wrong)

    def _text(self, text: str, line: int, following: Token | None) -> bool:
        """Role-like markup left in text: the parser did not read it as a role. True when a
        backtick is missing, which throws off the rest of the paragraph."""
        for match in _ROLE_LIKE.finditer(text):
            opening, name, closing = match.groups()
            rest = text[match.end():]
            before_code = following is not None and following.type == "code_inline" and not rest.strip()
            if name not in ROLES and not (before_code and not rest) and not rest.startswith("｀"):
                continue  # {word} in prose that is not followed by an id: not a role at all
            column = self._column(line, match.group(0))
            self._error(line, column, *_role_near_miss(opening, name, closing, rest, before_code))
            if before_code and not rest:
                return True
        return False

    def _image(self, child: Token, line: int) -> None:
        """A page image: a reference to check, and its alt text required."""
        src = str(child.attrGet("src") or "")
        if src.lower().startswith(("http://", "https://", "//")):
            return  # shown as a link to the picture (see markdown_ext)
        column = self._column(line, src)
        self.references.append(Reference("image", src, self.first_line + line, column, "image"))
        if not child.content.strip():
            self._error(line, column, f"the image '{src}' has no alt text: readers who cannot see it get nothing",
                        f"a few words on what it shows: ![京津冀示意图]({src})")

    def _code(self, child: Token, line: int) -> None:
        """A role inside a code span is shown as code, never as its number."""
        found = _ROLE_LIKE.search(child.content)
        if found and found.group(2) in ROLES:
            column = self._column(line, found.group(0))
            self._error(line, column, f"a role inside a code span is shown as code, not as the "
                        f"{'value' if found.group(2) == 'fact' else 'label'}",
                        f"the role outside any other backticks: {EXAMPLE}")


def _role_near_miss(opening: str, name: str, closing: str, rest: str, before_code: bool) -> tuple[str, str]:
    """(message, expected) for role-like text that the parser left as text."""
    shown = f"{opening}{name}{closing}"
    if name not in ROLES:
        close = difflib.get_close_matches(name.lower(), ROLES, n=1, cutoff=0.5)
        hint = f" (did you mean '{{{close[0]}}}'?)" if close else ""
        return (f"unknown role '{shown}'{hint}: readers would see the markup",
                "{fact}`id` for a fact's value or {label}`id` for its label")
    if opening != "{" or closing != "}":
        return (f"full-width braces in '{shown}': the role is not read, readers would see the markup",
                f"ASCII braces, as typed with the input method in English mode: {EXAMPLE}")
    if rest.startswith("｀") or rest.lstrip().startswith("｀"):
        return (f"full-width backticks after '{shown}': the role is not read, readers would see the markup",
                f"ASCII backticks around the id: {EXAMPLE}")
    if before_code and not rest:
        return (f"the id after '{shown}' is not closed by a backtick, or holds braces",
                f"the id between two backticks: {EXAMPLE}")
    if before_code:
        return (f"a space between '{shown}' and its id: the role is not read, readers would see the markup",
                f"nothing between the role and the backtick: {EXAMPLE}")
    if rest.lstrip().startswith("`"):
        return (f"the id after '{shown}' has no closing backtick", f"the id between two backticks: {EXAMPLE}")
    return f"'{shown}' without an id: the role is not read, readers would see the markup", \
        f"the id in backticks right after it: {EXAMPLE}"


def _directive_near_miss(info: str) -> str:
    match = _DIRECTIVE_LIKE.match(info)
    name = match.group(2) if match else ""
    if "｛" in info or "｝" in info:
        return f"full-width braces in '{info}': the block is not read as a directive, readers would see it as code"
    if name and name.lower() in DIRECTIVES and name != name.lower():
        return f"'{info}' is not a directive: directive names are lower-case ('{{{name.lower()}}}')"
    return f"'{info}' is not a directive: spaces or other characters inside the braces"


_OPENING_FENCE = re.compile(r"\s{0,3}(`{3,}|~{3,})\s*[{｛]")


def _inner_fence(content: str) -> int | None:
    """The 0-based line of a directive's opening fence inside a directive's content, if any."""
    return next((number for number, line in enumerate(content.split("\n")) if _OPENING_FENCE.match(line)), None)


def _is_closed(token: Token, lines: list[str]) -> bool:
    """Whether a fence has its closing line (markdown-it runs an unclosed one to the end)."""
    start, end = token.map  # type: ignore[misc]
    last = end - 1
    if last <= start or last >= len(lines):
        return False
    closing = _CLOSING_FENCE.fullmatch(lines[last])
    return closing is not None and closing.group(1)[0] == token.markup[0] and len(closing.group(1)) >= len(token.markup)


def front_matter_near_misses(text: str) -> list[tuple[int, str, str]]:
    """(0-based offset, message, expected) of role-like markup in a front-matter text that the
    role pattern (the one that renders it) does not read."""
    found = []
    covered = [match.span() for match in ROLE.finditer(text)]
    for match in _ROLE_LIKE.finditer(text):
        if any(start <= match.start() < end for start, end in covered):
            continue
        opening, name, closing = match.groups()
        rest = text[match.end():]
        if name not in ROLES and not rest.startswith(("`", "｀")):
            continue
        found.append((match.start(), *_role_near_miss(opening, name, closing, rest, rest[:1].isspace())))
    return found
