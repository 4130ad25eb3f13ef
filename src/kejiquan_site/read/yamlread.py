"""Strict YAML reading: plain data plus the line and column of every key and value.

PyYAML's own loader silently keeps the last of two duplicate keys and reads YAML 1.1 traps
(`NO` as false, `0123` as 83, `1:30` as 90). Here the composed node tree is converted by hand:
only the unsurprising scalars become numbers or booleans, and each trap is reported by name.
Unquoted dates stay text; anchors, aliases and custom tags are refused, and so are the things
a hostile or damaged file can hide: control characters, invisible line separators, nesting
deeper than any content needs, and numbers too long to be figures.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from kejiquan_site.diagnostics import Diagnostic, error
from kejiquan_site.read.silentslips import commented_value, indented_names, stray_quote
from kejiquan_site.read.yamlslips import Slip
from kejiquan_site.read.yamlsyntax import full_width_syntax, syntax_problem, unreadable_character

KeyPath = tuple[Any, ...]

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NON_FINITE = {".nan", ".inf", "-.inf", "+.inf"}
MAX_YAML_BYTES = 2_000_000
MAX_DEPTH = 32  # content needs 4 levels (a place's coordinates); deeper is a mistake or an attack


@dataclass
class YamlDoc:
    """The data of one YAML text with positions; `data` is None when the text could not be read."""

    path: str
    data: Any = None
    value_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def value_at(self, *keys: Any) -> tuple[int, int]:
        """Line and column of the value at `keys`, or of the nearest enclosing value."""
        return _nearest(self.value_positions, keys)

    def key_at(self, *keys: Any) -> tuple[int, int]:
        """Line and column of the key at `keys` (falls back to the value's position)."""
        if keys in self.key_positions:
            return self.key_positions[keys]
        return self.value_at(*keys)

    def error_at(self, keys: KeyPath, message: str, expected: str = "", *, at_key: bool = False) -> Diagnostic:
        line, column = self.key_at(*keys) if at_key else self.value_at(*keys)
        return error(self.path, line, column, message, expected)


def _nearest(positions: dict[KeyPath, tuple[int, int]], keys: KeyPath) -> tuple[int, int]:
    for end in range(len(keys), -1, -1):
        if keys[:end] in positions:
            return positions[keys[:end]]
    return (1, 1)


def needs_quotes(text: str) -> bool:
    """Whether `text`, written without quotes, would be read back as something else or with a
    problem: a number, a yes/no word, null, an octal or base-60 look-alike, or an ASCII quote the
    reader would take for a stray one. What the engine writes (`kejiquan publish`) quotes those."""
    lowered = text.lower()
    return ('"' in text or text in _NULLS or text in _TRUE or text in _FALSE or lowered in _YAML11_BOOLS
            or lowered in _NON_FINITE or any(pattern.fullmatch(text)
                                             for pattern in (_INT, _FLOAT, _LEADING_ZERO, _SEXAGESIMAL)))


def parse_yaml(text: str, path: str, first_line: int = 1) -> YamlDoc:
    """Parse `text` (already decoded) into a YamlDoc; `first_line` shifts positions (front matter)."""
    doc = YamlDoc(path)
    if len(text) > MAX_YAML_BYTES:
        doc.problems.append(error(path, 1, 1, f"file is too large ({len(text):,} characters)",
                                  f"a content file under {MAX_YAML_BYTES:,} characters"))
        return doc
    unreadable = unreadable_character(text, path, first_line)
    if unreadable is not None:
        doc.problems.append(unreadable)
        return doc
    full_width = full_width_syntax(text, path, first_line)
    if full_width:  # YAML would point at the next line with a message that never names them
        doc.problems += full_width
        return doc
    try:
        root = _compose_fast(text) if _fast_path_is_safe(text) else None
        root = root if root is not None else _StrictLoader(text).get_single_node()
    except _Refused as refused:
        mark = refused.mark
        doc.problems.append(error(path, mark.line + first_line, mark.column + 1, refused.message, refused.expected))
        return doc
    except yaml.MarkedYAMLError as exc:
        doc.problems.append(syntax_problem(exc, text, path, first_line))
        return doc
    except yaml.YAMLError as exc:  # anything else the reader refuses: say so, without a traceback
        doc.problems.append(error(path, first_line, 1, f"YAML cannot read this file: {exc}".split("\n")[0]))
        return doc
    if root is None:
        doc.data = None
        return doc
    converter = _Converter(doc, first_line - 1, text)
    doc.data = converter.convert(root, ())
    return doc


_MERGE_TAG = "tag:yaml.org,2002:merge"
_NUMBER_STARTS = frozenset("0123456789+-.")  # every int, float, base-60 or .inf/.nan starts with one


class _TaglessResolver(yaml.resolver.BaseResolver):
    """Resolves no scalar types: _Converter reads plain scalars itself (with the YAML 1.1 traps),
    so PyYAML's regular expressions, run in Python for every scalar, would be wasted. Only '<<'
    keeps its merge tag, which the converter refuses."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _MERGE_TAG if value == "<<" and implicit[0] else self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG


try:
    from yaml.cyaml import CParser  # type: ignore[attr-defined]
except ImportError:  # PyYAML built without libyaml: the strict (pure Python) loader reads everything
    _FAST_LOADER: type | None = None
else:
    class _FastComposer(CParser, _TaglessResolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _TaglessResolver.__init__(self)

    _FAST_LOADER = _FastComposer


def _fast_path_is_safe(text: str) -> bool:
    """libyaml (C) composes ~10x faster, but its composer cannot stop at aliases, tags or deep
    nesting the way _StrictLoader does: it is used only for texts that cannot hold any of those."""
    if _FAST_LOADER is None or "*" in text or "&" in text or "!" in text:
        return False
    if text.count("[") + text.count("{") >= MAX_DEPTH:
        return False
    return not re.search(rf"^ {{{2 * MAX_DEPTH - 2}}}", text, re.M)


def _compose_fast(text: str) -> yaml.Node | None:
    """The node tree from libyaml, or None when it objects (the strict loader then gives the
    exact, located message)."""
    assert _FAST_LOADER is not None  # _fast_path_is_safe said so
    loader = _FAST_LOADER(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


class _Refused(Exception):
    """Something the strict loader will not compose, at `mark`."""

    def __init__(self, mark: Any, message: str, expected: str) -> None:  # a yaml Mark (pure or libyaml)
        super().__init__(message)
        self.mark, self.message, self.expected = mark, message, expected


class _StrictLoader(yaml.SafeLoader):
    """Composes the node tree, but stops at the first alias (so an alias bomb never expands), at
    the first explicit tag (`!!python/object`, `!!binary`, `!custom`), and at nesting deeper
    than MAX_DEPTH (PyYAML's composer recurses, so a file of 5,000 '[' would exhaust the stack)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, "YAML aliases (*name) are not supported", "write the value out in full")
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            shown = tag.replace("tag:yaml.org,2002:", "!!", 1)
            raise _Refused(event.start_mark, f"YAML tag '{shown}' is not supported", "a plain value without a '!' tag")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(event.start_mark, f"the data is nested more than {MAX_DEPTH} levels deep",
                               "the few levels the content model uses: see docs/editors-guide.md, 'The content model'")
            return super().compose_node(parent, index)  # type: ignore[return-value]  # an event is waiting
        finally:
            self.depth -= 1


class _Converter:
    """Walks a composed node tree into plain Python values, recording positions and problems."""

    def __init__(self, doc: YamlDoc, line_offset: int, text: str) -> None:
        self.doc = doc
        self.line_offset = line_offset
        self.lines = text.split("\n")

    def position(self, node: yaml.Node) -> tuple[int, int]:
        return (node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1)

    def problem(self, node: yaml.Node, message: str, expected: str = "") -> None:
        line, column = self.position(node)
        self.doc.problems.append(error(self.doc.path, line, column, message, expected))

    def slip(self, slip: Slip) -> None:
        """A slip YAML read without complaint (silentslips.py), at the character the editor got wrong."""
        self.doc.problems.append(error(self.doc.path, slip.line + 1 + self.line_offset, slip.column + 1,
                                       slip.message, slip.expected))

    def convert(self, node: yaml.Node, keys: KeyPath) -> Any:
        self.doc.value_positions[keys] = self.position(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, keys)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, keys + (index,)) for index, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if not node.style:
            owner = f"the text of '{keys[-1]}'" if keys and isinstance(keys[-1], str) else "the text"
            quote = stray_quote(node, owner, self.lines)
            if quote is not None:
                self.slip(quote)
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, keys: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        explained: set[int] = set()
        if keys and isinstance(keys[-1], str) and keys in self.doc.key_positions:
            names, explained = indented_names(node.value, keys[-1], self.doc.key_positions[keys][1] - 1)
            for name in names:
                self.slip(name)
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                self.problem(key_node, "keys must be plain words", "a key such as 'label:'")
                continue
            key = key_node.value
            line, _ = self.position(key_node)
            if index in explained:
                continue  # a key of the name indented above, told there
            if key in first_seen:
                self.problem(key_node, f"duplicate key '{key}' (first given on line {first_seen[key]}); "
                             "YAML would silently keep only the last one", "each key once per block")
                continue
            first_seen[key] = line
            self.doc.key_positions[keys + (key,)] = self.position(key_node)
            commented = commented_value(key_node, value_node, self.lines)
            if commented is not None:
                self.slip(commented)
            result[key] = self.convert(value_node, keys + (key,))
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        text = node.value
        if node.style:  # quoted or block text is always text (plain is None in PyYAML, "" in libyaml)
            return text
        return self.plain_scalar(node, text)

    def plain_scalar(self, node: yaml.ScalarNode, text: str) -> Any:
        if text in _NULLS:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if len(text) > 5 and text[0] not in _NUMBER_STARTS:  # most texts: no yes/no word, no number
            return text
        if text.lower() in _YAML11_BOOLS:
            self.problem(node, f"'{text}' is ambiguous: YAML 1.1 reads it as a yes/no value",
                         f"true or false for a yes/no value, or \"{text}\" in quotes for the text")
            return text
        if _LEADING_ZERO.fullmatch(text):
            self.problem(node, f"'{text}' has a leading zero: YAML 1.1 reads it as an octal number",
                         f"\"{text}\" in quotes for a code, or the number without leading zeros")
            return text
        if _SEXAGESIMAL.fullmatch(text):
            self.problem(node, f"'{text}' looks like a time: YAML 1.1 reads it as a base-60 number",
                         f"\"{text}\" in quotes")
            return text
        if text.lower() in _NON_FINITE:
            self.problem(node, f"'{text}' is not a finite number", "an ordinary number such as 4.22")
            return text
        if _INT.fullmatch(text) or _FLOAT.fullmatch(text):
            # 17+ digits are refused before int(), which would raise on thousands of them
            too_long = _INT.fullmatch(text) and len(text.lstrip("+-")) > 16
            value = None if too_long else int(text) if _INT.fullmatch(text) else float(text)
            if value is None or not math.isfinite(value) or abs(value) > 1e15:
                shown = text if len(text) <= 40 else text[:37] + "..."
                self.problem(node, f"'{shown}' is too large to be a real figure", "a number below 10^15")
                return text
            return value
        return text
