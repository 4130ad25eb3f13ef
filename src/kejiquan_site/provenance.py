"""Provenance: does a fact's value occur in its evidence, and its evidence in the source text?

Comparison is on normalised text (NFKC, so full-width punctuation and digits match their ASCII
forms; whitespace removed). Numbers may be written in digits or Chinese numerals (三个, 第四,
首位), percentages with % or 百分点, dates as 3月18日.
"""

from __future__ import annotations

import re
import unicodedata

from .diagnostics import Diagnostic, Location
from .facts import Fact, Source
from .formatting import NUMBER_UNITS, format_number

_CHINESE_DIGITS = "零一二三四五六七八九十"
_WHITESPACE = re.compile(r"\s+")
_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def normalise(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def _number_forms(value: float | int, unit: str) -> list[str]:
    digits = format_number(value).replace(",", "")
    forms = [digits]
    if isinstance(value, int) or float(value).is_integer():
        number = int(value)
        if 0 <= number <= 10:
            forms.append(_CHINESE_DIGITS[number])
        if number == 1:
            forms += ["首", "第一"]
        if number == 2:
            forms.append("两")
    if unit == "percent":
        return [form + "%" for form in forms[:1]] + [f"百分之{form}" for form in forms]
    if unit == "percentage_point":
        return [form + "个百分点" for form in forms] + [form + "百分点" for form in forms]
    return forms


def value_forms(fact: Fact) -> list[list[str]]:
    """Groups of alternatives: every group must have one alternative in the evidence."""
    if fact.unit in NUMBER_UNITS:
        return [_number_forms(fact.value, fact.unit)]
    if fact.unit == "list":
        return [[item] for item in fact.value]
    if fact.unit == "date":
        match = _DATE.fullmatch(str(fact.value))
        if match and match.group(3):
            return [[f"{int(match.group(2))}月{int(match.group(3))}日", str(fact.value)]]
        return [[str(fact.value)]]
    return [[str(fact.value)]]


def missing_value(fact: Fact) -> str:
    """'' when the value occurs in the evidence, else the form that was looked for."""
    evidence = normalise(fact.evidence)
    for alternatives in value_forms(fact):
        if not any(normalise(form) in evidence for form in alternatives):
            return alternatives[0]
    return ""


def evidence_in_source(fact: Fact, source_text: str) -> bool:
    return normalise(fact.evidence) in normalise(source_text)


def _evidence_location(fact: Fact) -> Location:
    return fact.evidence_at or fact.location


def check_values_in_evidence(facts: list[Fact]) -> list[Diagnostic]:
    """An error for each stated fact whose value does not occur in its own evidence."""
    problems: list[Diagnostic] = []
    for fact in facts:
        if fact.derived:
            continue
        looked_for = missing_value(fact)
        if looked_for:
            problems.append(Diagnostic(_evidence_location(fact), f"the evidence of '{fact.id}' does not contain "
                                       f"its value (looked for '{looked_for}')",
                                       "a fragment copied from the source that contains the value as written there"))
    return problems


def check_evidence_in_sources(facts: list[Fact], source_texts: dict[str, tuple[str, str]]) -> list[Diagnostic]:
    """An error for each fact whose evidence is not in the archived text of its source.

    `source_texts` maps a source id to (the path shown in messages, the archived text).
    """
    problems: list[Diagnostic] = []
    normalised = {source_id: normalise(text) for source_id, (_, text) in source_texts.items()}
    for fact in facts:
        if fact.derived or fact.source not in normalised:
            continue
        if normalise(fact.evidence) not in normalised[fact.source]:
            shown = source_texts[fact.source][0]
            problems.append(Diagnostic(_evidence_location(fact), f"the evidence of '{fact.id}' does not occur in "
                                       f"the archived text of source '{fact.source}' ({shown})",
                                       "a fragment copied exactly from the source (punctuation width and spaces "
                                       "do not matter)"))
    return problems


def check_unarchived_sources(sources: dict[str, Source], facts: dict[str, Fact]) -> list[Diagnostic]:
    """A warning for each source that facts cite but that has no archived text: their evidence
    cannot be checked, and that must not go unsaid."""
    cited: dict[str, int] = {}
    for fact in facts.values():
        if not fact.derived:
            cited[fact.source] = cited.get(fact.source, 0) + 1
    return [Diagnostic(source.location, f"source '{source.id}' has no archived text, so the evidence of its "
                       f"{cited[source.id]} fact{'s' if cited[source.id] > 1 else ''} cannot be checked",
                       f"the source's text saved in content/sources/{source.id}.txt and "
                       f"'archive: sources/{source.id}.txt' in sources.yaml", severity="warning")
            for source in sources.values() if not source.archive and source.id in cited]
