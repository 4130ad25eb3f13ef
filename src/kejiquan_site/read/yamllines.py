"""The parts of one YAML line as an editor typed it: indentation, the dashes of list items, the
key and its value, and where quotes and brackets open and close on the line.
"""

from __future__ import annotations

import re

# A key line: indentation, any '- ' of list items, the key, its colon and the rest of the line.
KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dashes>(?:- +)*)(?P<key>[A-Za-z_][\w.-]*):(?=\s|$) *(?P<value>.*)$")
ITEM_LINE = re.compile(r"^(?P<indent> *)- ")
_BLOCK_TEXT = re.compile(r"[|>][-+0-9]*(?:\s+#.*)?$")


def content_line(lines: list[str], index: int, step: int) -> int | None:
    """The nearest line above (step -1) or below (+1) that is neither blank nor a comment."""
    index += step
    while 0 <= index < len(lines):
        if lines[index].strip() and not lines[index].lstrip().startswith("#"):
            return index
        index += step
    return None


def value_start(line: str) -> int | None:
    """The column where the value of a `key: value` or `- value` line starts."""
    key = KEY_LINE.match(line)
    item = None if key else re.match(r" *(?:- +)+", line)
    if key is None and item is None:
        return None
    start = key.start("value") if key else item.end() if item else 0
    return start if line[start:].strip() else None


def closing_quote(line: str, opened: int) -> int | None:
    """The column of the quote that closes the one at `opened`, or None when the line has none."""
    quote, index = line[opened], opened + 1
    while index < len(line):
        if quote == '"' and line[index] == "\\":
            index += 2
            continue
        if line[index] == quote:
            if quote == "'" and line[index + 1:index + 2] == "'":  # '' is a quote inside '...'
                index += 2
                continue
            return index
        index += 1
    return None


def unclosed_brackets(value: str) -> str:
    """The brackets still to close at the end of `value` ('' when all close), outside quotes."""
    pending: list[str] = []
    index = 0
    while index < len(value):
        char = value[index]
        if char in "\"'" and (index == 0 or value[index - 1] in " ,[{"):
            closed = closing_quote(value, index)
            if closed is None:
                return ""  # an unclosed quote: that recogniser's business, not this one's
            index = closed
        elif char in "[{":
            pending.append("]" if char == "[" else "}")
        elif char in "]}":
            if not pending:
                return ""
            pending.pop()
        elif char == "#" and value[index - 1] == " ":
            break
        index += 1
    return "".join(reversed(pending))


def quoted(text: str) -> str:
    """`text` as one YAML value in quotes: double quotes, or single when it holds " or \\."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


def holds_value(key: re.Match[str]) -> bool:
    """Whether a key line has its value on the line (so no lines below can belong to it)."""
    value = key.group("value").strip()
    return bool(value) and not value.startswith("#") and not _BLOCK_TEXT.match(value)


def key_column(key: re.Match[str]) -> int:
    return len(key.group("indent")) + len(key.group("dashes"))


def indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
