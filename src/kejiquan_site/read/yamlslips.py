"""The layout slips editors make in YAML, said in their words at the line they got wrong.

PyYAML stops where its parser gives up, often a line or ten below the slip, and says so in
parser terms. Each recogniser here reads the lines around PyYAML's marks for one kind of slip
and proposes the line as it should read; a proposal counts only if the text with that line
corrected can be read, so an unsure guess leaves PyYAML's own (located) message in place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import yaml

from kejiquan_site.read.yamllines import (
    ITEM_LINE,
    KEY_LINE,
    closing_quote,
    content_line,
    holds_value,
    indentation,
    key_column,
    quoted,
    unclosed_brackets,
    value_start,
)


@dataclass(frozen=True)
class Slip:
    """One slip: where (0-based line and column of the text), what, and the corrected line."""

    line: int
    column: int
    message: str
    expected: str
    corrected: str


@dataclass(frozen=True)
class _Failure:
    """Where PyYAML gave up (0-based lines), the line it was reading from, and its words."""

    lines: list[str]
    problem_line: int
    problem_column: int
    context_line: int | None
    problem: str
    context: str


_LINE_BREAK = re.compile(r"\r\n|[\r\n]")  # as PyYAML counts lines (the others are refused before)


def explain_syntax_error(exc: yaml.MarkedYAMLError, text: str) -> Slip | None:
    """The first slip a recogniser finds whose correction makes the text readable, or None."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    lines = _LINE_BREAK.split(text)
    last = len(lines) - 1  # a mark at the end of the text may lie past its last line
    context_line = min(exc.context_mark.line, last) if exc.context_mark else None
    failure = _Failure(lines, min(mark.line, last), mark.column, context_line, exc.problem or "", exc.context or "")
    for recognise in RECOGNISERS:
        readable = [slip for slip in recognise(failure)
                    if _readable(lines[:slip.line] + [slip.corrected] + lines[slip.line + 1:])]
        if len({slip.line for slip in readable}) > 1:
            return None  # either of two lines could be the slip: not sure which
        if readable:
            return readable[0]
    return None


_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it


def _readable(lines: list[str]) -> bool:
    """Whether YAML can parse the text (its syntax only: keys and values are checked later)."""
    try:
        for _event in yaml.parse("\n".join(lines), Loader=_PARSER):
            pass
    except yaml.YAMLError:
        return False
    return True


def unclosed_quote(failure: _Failure) -> Iterator[Slip]:
    """`label_en: "Beijing R&D intensity` with no closing quote: YAML reads on to the next quote,
    often lines below, where it gives up."""
    start = failure.problem_line
    if failure.context == "while scanning a quoted scalar" and failure.context_line is not None:
        start = failure.context_line
    for index in range(start, -1, -1):
        line = failure.lines[index]
        opened = value_start(line)
        if opened is not None and line[opened] in "\"'" and closing_quote(line, opened) is None:
            quote = line[opened]
            corrected = line.rstrip() + quote
            yield Slip(index, opened, "the quote opened here is never closed on its line, so YAML reads the "
                       "lines below as part of the text",
                       f"a closing {quote} at the end of the text: {corrected.strip()}", corrected)
            return


def stray_quote(failure: _Failure) -> Iterator[Slip]:
    """A quote typed by accident where no text starts (before a key, on a line of its own): YAML
    reads everything after it, to the next quote, as one text."""
    if failure.context != "while scanning a quoted scalar" or failure.context_line is None:
        return
    line = failure.lines[failure.context_line]
    stray = re.match(r"^(?P<before> *)(?P<quote>[\"'])", line)
    if stray is None or closing_quote(line, stray.end("before")) is not None:
        return
    column = stray.end("before")
    after = line[column + 1:]
    if after.strip() and not KEY_LINE.match(stray.group("before") + after.lstrip(" ")):
        return
    corrected = line[:column] + after
    shown = f"before '{_shorten(after.strip())}'" if after.strip() else "on a line of its own"
    expected = f"no quote: '{corrected.rstrip()}'" if after.strip() else "nothing: delete the quote"
    yield Slip(failure.context_line, column, f"a stray {stray.group('quote')} {shown}: YAML reads all that follows, "
               "to the next quote, as one text", expected, corrected)


def text_after_closing_quote(failure: _Failure) -> Iterator[Slip]:
    """`label: "北京"全社会…`: the quotes close before the text ends, and YAML stops there."""
    line = failure.lines[failure.problem_line]
    opened = value_start(line)
    if opened is None or line[opened] not in "\"'":
        return
    closed = closing_quote(line, opened)
    if closed is None or not line[closed + 1:].strip() or line[closed + 1:].lstrip().startswith("#"):
        return
    quote = line[opened]
    whole = line[opened:].rstrip().replace(quote, "")
    corrected = line[:opened] + quoted(whole)
    owner = _owner(line)
    yield Slip(failure.problem_line, closed, f"the text{owner} ends at this quote, but more follows it: "
               f"'{line[closed + 1:].strip()}'", f"one pair of quotes around the whole text: {corrected.strip()} "
               "(for quote marks inside the text, type “ ”)", corrected)


def unclosed_bracket(failure: _Failure) -> Iterator[Slip]:
    """`value_en: [a, b` with no closing bracket: YAML reads the lines below as items."""
    for index in range(failure.problem_line, -1, -1):
        line = failure.lines[index]
        opened = value_start(line)
        if opened is None or line[opened] not in "[{":
            continue
        closers = unclosed_brackets(line[opened:])
        if closers:
            corrected = line.rstrip() + closers
            what = "list" if line[opened] == "[" else "block"
            yield Slip(index, opened, f"the '{line[opened]}' opened here is never closed on its line, so YAML "
                       f"reads the lines below as part of the {what}",
                       f"'{closers}' at the end of the {what}: {corrected.strip()} (or no '{line[opened]}' for "
                       "a plain text)", corrected)
            return


def colon_in_text(failure: _Failure) -> Iterator[Slip]:
    """`label: 注意: 数据`: a colon and a space inside a value read to YAML as a second key."""
    if failure.problem != "mapping values are not allowed here":
        return
    index = failure.problem_line
    line = failure.lines[index]
    key = KEY_LINE.match(line)
    column = failure.problem_column
    if key is None or column <= key.start("value") or line[column:column + 1] != ":":
        return
    corrected = line[:key.start("value")] + quoted(key.group("value").rstrip())
    yield Slip(index, column, f"the text of '{key.group('key')}' holds a colon and a space, which YAML "
               "reads as the start of another key", f"the text in quotes: {corrected.strip()}", corrected)


def key_without_colon(failure: _Failure) -> Iterator[Slip]:
    """`value 6` or `value:6`: a key with no colon, or none of the space that must follow it."""
    for index in _suspect_lines(failure):
        line = failure.lines[index]
        slip = re.match(r"^(?P<lead> *(?:- +)*)(?P<key>[A-Za-z_][\w.-]*)(?P<gap>:(?=\S)| +|$)(?P<rest>.*)$", line)
        if slip is None:
            continue
        key, rest = slip.group("key"), slip.group("rest").rstrip()
        corrected = f"{slip.group('lead')}{key}:" + (f" {rest}" if rest else "")
        column = slip.end("key")
        if slip.group("gap") == ":":
            message, expected = f"the key '{key}' has no space after its colon", "a space after the colon"
            column += 1
        else:
            message, expected = f"the key '{key}' has no colon after it", "a colon after the key"
        expected += f": {corrected.strip()}"
        yield Slip(index, column, message, expected, corrected)


def dash_without_space(failure: _Failure) -> Iterator[Slip]:
    """`-rd.beijing`: a dash with no space after it is text to YAML, not a list item."""
    for index in _suspect_lines(failure):
        line = failure.lines[index]
        item = re.match(r"^(?P<indent> *)-(?P<rest>[^\s-].*)$", line)
        if item is not None:
            corrected = f"{item.group('indent')}- {item.group('rest')}"
            yield Slip(index, len(item.group("indent")), f"'-{_shorten(item.group('rest'))}' has no space after "
                       "the dash, so YAML does not read it as a list item",
                       f"a space after the dash: {corrected.strip()}", corrected)


def out_of_line(failure: _Failure) -> Iterator[Slip]:
    """A key or list item indented more or less than the ones it belongs with: the odd one out,
    never the neighbour that lines up with its own."""
    for index in _suspect_lines(failure):
        yield from _misaligned_items(failure.lines, index)
        slip = _misaligned_key(failure.lines, index)
        if slip is not None:
            yield slip


RECOGNISERS: tuple[Callable[[_Failure], Iterator[Slip]], ...] = (
    unclosed_quote, stray_quote, text_after_closing_quote, unclosed_bracket, colon_in_text, key_without_colon,
    dash_without_space, out_of_line)


def _misaligned_items(lines: list[str], index: int) -> Iterator[Slip]:
    """The item at `index` out of line with the item above it; or the first item of the list out
    of line with this one, when the items below agree with this one (or there are none)."""
    if not ITEM_LINE.match(lines[index]):
        return
    above, below = _item_next_to(lines, index, -1), _item_next_to(lines, index, +1)
    if above is None:  # the first item: out of line with the next one, which lines up with its own next
        if below is not None and indentation(lines[below]) != indentation(lines[index]):
            after = _item_next_to(lines, below, +1)
            if after is None or indentation(lines[after]) == indentation(lines[below]):
                yield _aligned_item(lines, index, indentation(lines[below]), "below")
        return
    if indentation(lines[above]) == indentation(lines[index]):
        return
    yield _aligned_item(lines, index, indentation(lines[above]), "above")
    below_agrees = below is None or indentation(lines[below]) == indentation(lines[index])
    if _item_next_to(lines, above, -1) is None and below_agrees:  # the item above may be the odd one
        yield _aligned_item(lines, above, indentation(lines[index]), "below")


def _aligned_item(lines: list[str], index: int, wanted: int, where: str) -> Slip:
    spaces, corrected = indentation(lines[index]), " " * wanted + lines[index].lstrip(" ")
    what = f"the list item '{_shorten(lines[index].strip())}'"
    return Slip(index, spaces, f"{_misplaced(what, spaces, 'the item', where, wanted)}: the items of one list "
                f"line up", f"'{corrected.rstrip()}' ({_spaces(wanted)}, like the item {where} it)", corrected)


def _item_next_to(lines: list[str], index: int, step: int) -> int | None:
    """The nearest list item above (step -1) or below (+1) in the same block: the search stops at
    a line that is not an item and is indented less than the item at `index`."""
    indent = indentation(lines[index])
    other = content_line(lines, index, step)
    while other is not None:
        if ITEM_LINE.match(lines[other]):
            return other
        if indentation(lines[other]) < indent:
            return None
        other = content_line(lines, other, step)
    return None


def _misaligned_key(lines: list[str], index: int) -> Slip | None:
    """The key at `index` out of line with a settled key above it, or, holding its value on its
    line, with the key below it where the line above lets that one follow."""
    key = KEY_LINE.match(lines[index])
    above, below = content_line(lines, index, -1), content_line(lines, index, +1)
    if key is None or above is None:
        return None
    column, above_key = key_column(key), KEY_LINE.match(lines[above])
    below_key = KEY_LINE.match(lines[below]) if below is not None else None
    if above_key and holds_value(above_key) and key_column(above_key) != column and _settled(lines, above):
        reference, where = above_key, "above"
    elif (holds_value(key) and below_key is not None and key_column(below_key) != column
          and _ends_block_above(lines, above, key_column(below_key))):
        reference, where = below_key, "below"
    else:
        return None
    wanted = key_column(reference)
    corrected = " " * (wanted - len(key.group("dashes"))) + lines[index].lstrip(" ")
    name, other = key.group("key"), reference.group("key")
    told = _misplaced(f"'{name}:'", column, f"'{other}:'", where, wanted)
    return Slip(index, len(key.group("indent")), f"{told}: the keys of one block line up",
                f"'{corrected.rstrip()}' ({_spaces(wanted)}, like '{other}:')", corrected)


def _ends_block_above(lines: list[str], above: int, column: int) -> bool:
    """Whether the line `above` leaves a key at `column` next: a key there itself, the key that
    opens the block of keys at `column`, or the end of a list or text nested deeper."""
    above_key = KEY_LINE.match(lines[above])
    if above_key is None:
        return indentation(lines[above]) > column
    if key_column(above_key) == column:
        return True
    return not holds_value(above_key) and key_column(above_key) < column


def _settled(lines: list[str], index: int) -> bool:
    """Whether the key line at `index` lines up with the key above it, or is the first key of
    its block: then a neighbour out of line with it is the odd one."""
    key, above = KEY_LINE.match(lines[index]), content_line(lines, index, -1)
    above_key = KEY_LINE.match(lines[above]) if above is not None else None
    if key is None or above_key is None:
        return True
    if key_column(above_key) == key_column(key):
        return True
    return not holds_value(above_key) and key_column(above_key) < key_column(key)


def _suspect_lines(failure: _Failure) -> list[int]:
    """The lines a slip that PyYAML reports late is likely on: the one it stopped at, the line
    it was reading from, and the line just above (YAML reads a line on into the next)."""
    suspects = [failure.problem_line]
    if failure.context_line is not None and failure.context_line not in suspects:
        suspects.append(failure.context_line)
    above = content_line(failure.lines, failure.problem_line, -1)
    if above is not None and above not in suspects:
        suspects.append(above)
    return suspects


def _owner(line: str) -> str:
    key = KEY_LINE.match(line)
    return f" of '{key.group('key')}'" if key else ""


def _misplaced(what: str, spaces: int, other: str, where: str, wanted: int) -> str:
    """"'value:' is indented 4 spaces, deeper than 'label:' above it (2 spaces)", and the like."""
    if spaces == 0:
        return f"{what} starts at the left edge, but {other} {where} it is indented {_spaces(wanted)}"
    compared = "deeper than" if spaces > wanted else "less than"
    return f"{what} is indented {_spaces(spaces)}, {compared} {other} {where} it ({_spaces(wanted)})"


def _spaces(count: int) -> str:
    return "at the left edge" if count == 0 else f"{count} space{'' if count == 1 else 's'}"


def _shorten(text: str) -> str:
    return text if len(text) <= 30 else text[:27] + "..."
