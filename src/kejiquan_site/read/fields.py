"""Checking one YAML mapping against the fields it may have: unknown keys (with did-you-mean),
missing required keys, and values of the wrong kind, each reported at its own line and column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kejiquan_site.diagnostics import Diagnostic, did_you_mean
from kejiquan_site.read.yamlread import KeyPath, YamlDoc


@dataclass(frozen=True)
class FieldSpec:
    """What one key may hold: a check returning an error text (or '') and the expectation."""

    check: Callable[[Any], str]
    expected: str
    required: bool = False


def describe(value: Any) -> str:
    """How a wrongly typed value is named in a message: 'the text '4.22%'', 'a list', ..."""
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'{_unseen_spaces(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of keys"
    return "nothing"


def _unseen_spaces(text: str) -> str:
    """A word on the spaces a message cannot show: full-width ones, or any at the text's ends."""
    if "\u3000" in text:
        return " (with a full-width space, U+3000, in it)"
    return " (with spaces at its ends)" if text.strip() and text != text.strip() else ""


def not_text(value: Any) -> str:
    return "" if isinstance(value, str) and value.strip() else f"got {describe(value)}"


def not_optional_text(value: Any) -> str:
    return "" if value is None or isinstance(value, str) else f"got {describe(value)}"


def not_number(value: Any) -> str:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return "" if ok else f"got {describe(value)}"


def not_text_list(value: Any) -> str:
    if not isinstance(value, list) or not value:
        return f"got {describe(value)}"
    bad = [item for item in value if not isinstance(item, str) or not item.strip()]
    return f"the list holds {describe(bad[0])}" if bad else ""


def one_of(choices: list[str]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if isinstance(value, str) and value in choices:
            return ""
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        return f"got {describe(value)}{hint}"

    return check


def check_fields(doc: YamlDoc, keys: KeyPath, mapping: Any, specs: dict[str, FieldSpec],
                 what: str) -> list[Diagnostic]:
    """All problems with `mapping` (found at `keys` in `doc`) against `specs`."""
    if not isinstance(mapping, dict):
        return [doc.error_at(keys, f"{what} must be a block of 'key: value' lines, got {describe(mapping)}",
                             "indented 'key: value' lines")]
    problems: list[Diagnostic] = []
    for key, value in mapping.items():
        spec = specs.get(key)
        if spec is None:
            problems.append(doc.error_at(keys + (key,), f"unknown key '{key}' in {what}"
                                         f"{did_you_mean(key, list(specs))}",
                                         "one of: " + ", ".join(specs), at_key=True))
            continue
        complaint = spec.check(value)
        if complaint:
            problems.append(doc.error_at(keys + (key,), f"'{key}' must be {spec.expected}, {complaint}",
                                         spec.expected))
    for key, spec in specs.items():
        if spec.required and key not in mapping:
            problems.append(doc.error_at(keys, f"{what} is missing the required key '{key}'",
                                         f"'{key}:' with {spec.expected}", at_key=True))
    return problems
