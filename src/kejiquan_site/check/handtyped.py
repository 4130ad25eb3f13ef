"""Numbers typed by hand: a quantity (percent, rank, amount, count with a measure word) written
directly in Markdown prose, front matter, a chart spec or a template, instead of coming from a
fact. Years and dates are fine. Found as warnings, which `--strict` turns into errors.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

from kejiquan_site.diagnostics import Diagnostic, Location
from kejiquan_site.read.textfiles import read_text
from kejiquan_site.reuse.memo import Operation, done

# Repetitions are bounded (no real figure has 21 digits in a row): with open-ended ones, a
# 100,000-digit line would be retried from every position and take minutes, not milliseconds.
_DIGITS = r"\d{1,20}(?:[.,]\d{1,20}){0,6}"
_SPACE = r"\s{0,3}"
_CHINESE = r"[两二三四五六七八九十百千万]{1,12}"
_MEASURES = "个项家位名人所座条次元件篇种类大倍批"
QUANTITY = re.compile(
    rf"第{_SPACE}{_DIGITS}"                                      # rank: 第4
    rf"|第[一二三四五六七八九十]{{1,6}}(?![次天])"                # rank in words: 第四
    rf"|{_DIGITS}{_SPACE}(?:%|％|‰|个百分点|百分点|万亿|亿|万|千)"  # percent, amounts
    rf"|{_DIGITS}{_SPACE}[{_MEASURES}]"                          # counts: 3个
    rf"|{_CHINESE}{_SPACE}[{_MEASURES}]"                         # counts in words: 三个
    rf"|百分之[\d一二三四五六七八九十]+"
)
# (pattern, closer): each is searched only up to its closer's last occurrence (see _mask)
_ROLE = (re.compile(r"\{(?:fact|label)\}`[^`\n]*`"), "`")
_CODE = (re.compile(r"`[^`\n]*`"), "`")
_LINK_TARGET = (re.compile(r"\]\([^)\n]*\)"), ")")
_JINJA = [(re.compile(r"\{#.*?#\}", re.S), "#}"), (re.compile(r"\{%.*?%\}", re.S), "%}"),
          (re.compile(r"\{\{.*?\}\}", re.S), "}}")]
TEMPLATE_TEXT = Operation("hand-typed numbers of a template")  # by template path as shown
_TAG = (re.compile(r"<[^>]*>", re.S), ">")


def _mask(text: str, masked: tuple[re.Pattern[str], str]) -> str:
    """Blank out matches, keeping every other character in place so columns stay right.

    Only the text up to the last closer is searched: an opener after it cannot match, and a
    line of thousands of such openers would otherwise be retried from each one. Patterns that
    stop at line ends are applied line by line for the same reason."""
    pattern, closer = masked
    if not pattern.flags & re.S and "\n" in text:
        return "\n".join(_mask_span(line, pattern, closer) for line in text.split("\n"))
    return _mask_span(text, pattern, closer)


def _mask_span(text: str, pattern: re.Pattern[str], closer: str) -> str:
    end = text.rfind(closer)
    if end < 0:
        return text
    end += len(closer)
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text[:end]) + text[end:]


def find_quantities(text: str) -> list[tuple[int, int, str]]:
    """(0-based line, 0-based column, matched text) of every hand-typed quantity in `text`."""
    found = []
    for number, line in enumerate(text.split("\n")):
        for match in QUANTITY.finditer(line):
            found.append((number, match.start(), match.group(0)))
    return found


def _warning(path: str, line: int, column: int, quantity: str) -> Diagnostic:
    return Diagnostic(Location(path, line, column), f"the number '{quantity}' is typed by hand",
                      "a fact reference such as {fact}`rd.jjj_2024`, so the number has a source", "warning")


def check_markdown_body(body: str, path: str, first_line: int) -> list[Diagnostic]:
    """Prose only: fenced blocks, code spans, fact roles and link targets are left out."""
    masked = _mask(_mask(_mask(body, _ROLE), _CODE), _LINK_TARGET)
    lines = masked.split("\n")
    in_fence = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            lines[index] = ""
        elif in_fence:
            lines[index] = ""
    return [_warning(path, first_line + line, column + 1, quantity)
            for line, column, quantity in find_quantities("\n".join(lines))]


def check_text_fields(fields: list[tuple[Location, str]]) -> list[Diagnostic]:
    """Single-line texts (front matter, chart titles and labels) at their value's position."""
    problems = []
    for where, text in fields:
        for line, column, quantity in find_quantities(text):
            problems.append(_warning(where.path, where.line + line, where.column + column, quantity))
    return problems


def check_template(text: str, path: str) -> list[Diagnostic]:
    """Literal text of a template: Jinja code and HTML tags are left out."""
    masked = text
    for jinja in _JINJA:
        masked = _mask(masked, jinja)
    masked = _mask(masked, _TAG)
    return [_warning(path, line + 1, column + 1, quantity) for line, column, quantity in find_quantities(masked)]


def check_templates(folder: Path, shown: Callable[[Path], str]) -> list[Diagnostic]:
    """Every template checked; in the preview, one whose text is unchanged since the last build
    is not masked and searched again."""
    problems: list[Diagnostic] = []
    for path in sorted(folder.rglob("*.html")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        text, _found = read_text(path, shown(path), folder, folder="templates")
        if text is not None:  # unreadable templates are reported by content.check_template_files
            where = shown(path)
            problems += done(TEMPLATE_TEXT(where, text, functools.partial(check_template, text, where)))
    return problems
