"""The fact book: sources and facts read from YAML, checked field by field.

A fact's id is its file's name and its key: `rd.jjj_2024` is `jjj_2024:` in `facts/rd.yaml`.
Facts with a `formula` are derived; their values are computed in `derive.py`.
"""

from __future__ import annotations

import dataclasses
import functools
import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from kejiquan_site.diagnostics import Diagnostic, Location, did_you_mean
from kejiquan_site.model.formatting import LIST_UNITS, NUMBER_UNITS, QUALIFIERS, QUALIFIERS_EN, UNITS, format_value
from kejiquan_site.read.fields import (
    FieldSpec,
    check_fields,
    describe,
    not_number,
    not_optional_text,
    not_text,
    not_text_list,
    one_of,
)
from kejiquan_site.read.yamlread import YamlDoc

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
ID_EXPECTED = "lower-case letters, digits and '_', starting with a letter, such as 'jjj_2024'"


def reserved_word(name: str) -> bool:
    """Words a formula cannot use as a part of a fact id (`trade.import`, `global.x`)."""
    return keyword.iskeyword(name)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    via: str
    date: str
    url: str
    note: str
    location: Location
    english: tuple[tuple[str, str], ...] = ()  # (field, English text) for title, publisher, via, note
    archive: str = ""  # the archived text's path relative to content/, such as sources/xjb.txt
    archive_at: Location | None = None  # where 'archive:' is given, for messages about the file

    def in_language(self, language: str) -> Source:
        """This source with its words in `language` (English where given, else as written)."""
        if language != "en":
            return self
        changes: dict[str, Any] = dict(self.english)
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Coordinates:
    lon: float
    lat: float
    approximate: bool


@dataclass(frozen=True, eq=False)
class Fact:
    """One fact. Facts compare by identity: the preview's memo hands back the same object while
    its file is unchanged, and field-by-field equality would call 6 and 6.0 the same fact, though
    the site shows them differently."""

    id: str
    label: str
    value: Any
    unit: str
    qualifier: str
    period: str
    source: str
    evidence: str
    formula: str
    decimals: int | None
    measure: str
    coordinates: Coordinates | None
    note: str
    location: Location
    formula_at: Location | None = None
    evidence_at: Location | None = None
    in_words: bool = False
    inputs: tuple[str, ...] = field(default=())
    label_en: str = ""
    value_en: Any = None
    period_en: str = ""
    language: str = "zh"
    value_at: Location | None = None  # where 'value:' is given, for messages about a changed value
    evidence_marked: str = ""  # the part of the evidence marked [[like this]] as the value, if any

    @property
    def place(self) -> Coordinates:
        """The coordinates of a place (a fact of unit 'place'; the parser requires them there)."""
        if self.coordinates is None:
            raise ValueError(f"fact '{self.id}' has no coordinates")
        return self.coordinates

    def in_language(self, language: str) -> Fact:
        """This fact as the edition in `language` shows it: English label, text and period where
        given (a missing translation is a warning, see i18n.py), numbers formatted for it."""
        if language != "en":
            return self
        return dataclasses.replace(self, language="en", label=self.label_en or self.label,
                                   value=self.value if self.value_en is None or self.is_number else self.value_en,
                                   period=self.period_en or self.period)

    @functools.cached_property
    def derived(self) -> bool:
        return bool(self.formula)

    @functools.cached_property
    def display(self) -> str:
        """The value as readers see it, qualifier included (computed once per fact and edition)."""
        return format_value(self.value, self.unit, self.qualifier, decimals=self.decimals,
                            measure=self.measure, in_words=self.in_words, language=self.language)

    @property
    def is_number(self) -> bool:
        return self.unit in NUMBER_UNITS


def _not_date(value: Any) -> str:
    ok = isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value)
    return "" if ok else f"got {describe(value)}"


def _not_web_address(value: Any) -> str:
    if value is None or value == "" or (isinstance(value, str) and re.match(r"https?://[^\s<>\"']+$", value)):
        return ""
    return f"got {describe(value)}"


MARK_OPEN, MARK_CLOSE = "[[", "]]"
MARK_EXPECTED = "the value marked once in the evidence, such as 从2014年的3.5%跃升至2024年的[[4.22%]]"


def split_evidence(evidence: str) -> tuple[str, str]:
    """(the evidence without its marker, the marked part or ''): 'a[[4.22%]]b' -> ('a4.22%b', '4.22%')."""
    before, opened, rest = evidence.partition(MARK_OPEN)
    if not opened:
        return evidence, ""
    marked, _, after = rest.partition(MARK_CLOSE)
    return before + marked + after, marked


def _marker_problem(evidence: Any) -> str:
    """Why the value marker in an evidence text cannot be used ('' when it can, or is absent)."""
    if not isinstance(evidence, str) or (MARK_OPEN not in evidence and MARK_CLOSE not in evidence):
        return ""
    opened, closed = evidence.count(MARK_OPEN), evidence.count(MARK_CLOSE)
    if opened != 1 or closed != 1 or evidence.index(MARK_OPEN) > evidence.index(MARK_CLOSE):
        return f"the evidence must mark one value with one '[[' and one ']]' after it, got {opened} '[[' and {closed} ']]'"
    if not split_evidence(evidence)[1].strip():
        return "the value marker '[[]]' in the evidence is empty"
    return ""


def _not_evidence(value: Any) -> str:
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        return "got a list: YAML reads '[[' at the start as a list, so put the evidence in quotes"
    return not_text(value)


ARCHIVE_EXPECTED = "the path of a .txt file inside content/, such as sources/xjb_kuowei.txt"


def _not_archive_path(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        return f"got {describe(value)}"
    parts = value.split("/")
    if value.startswith("/") or "\\" in value or any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return f"got '{value}', which leads out of content/ or to a hidden file"
    if not value.endswith(".txt"):
        return f"got '{value}', which is not a .txt file"
    return ""


def _not_period(value: Any) -> str:
    return "" if isinstance(value, (str, int)) and not isinstance(value, bool) else f"got {describe(value)}"


def _not_decimals(value: Any) -> str:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6
    return "" if ok else f"got {describe(value)}"


def _not_coordinates(value: Any) -> str:
    if not isinstance(value, dict):
        return f"got {describe(value)}"
    if set(value) - {"lon", "lat", "approximate"} or not_number(value.get("lon")) or not_number(value.get("lat")):
        return "it needs exactly 'lon' and 'lat' numbers (and 'approximate: true' if not surveyed)"
    if not (-180 <= value["lon"] <= 180 and -90 <= value["lat"] <= 90):
        return "the numbers are outside the globe"
    return ""


SOURCE_FIELDS = {
    "title": FieldSpec(not_text, "the title of the article or document", required=True),
    "publisher": FieldSpec(not_text, "the name of whoever published it, such as 新京报", required=True),
    "via": FieldSpec(not_optional_text, "where it was read, if not at the publisher"),
    "date": FieldSpec(_not_date, "a date written as \"2026-03-18\" (leave out when not known)"),
    "url": FieldSpec(_not_web_address, "an address starting with https:// or http://, or empty when not known"),
    "note": FieldSpec(not_optional_text, "a short note"),
    "archive": FieldSpec(_not_archive_path, ARCHIVE_EXPECTED),
    "title_en": FieldSpec(not_text, "the title in English"),
    "publisher_en": FieldSpec(not_text, "the publisher's usual English name, such as The Beijing News"),
    "via_en": FieldSpec(not_text, "where it was read, in English"),
    "note_en": FieldSpec(not_text, "the note in English"),
}

# The words of a qualifier as the source writes them, for an editor who typed the word itself.
_QUALIFIER_WORDS = {
    **{template.replace("{v}", ""): name for name, template in QUALIFIERS.items() if name != "exact"},
    **{template.replace("{v}", "").strip(): name for name, template in QUALIFIERS_EN.items() if name != "exact"},
    "至少": "at_least", "不低于": "at_least", "不少于": "at_least", "多于": "more_than", "逾": "more_than",
    "大约": "about", "左右": "about", "近": "about", "约为": "about", "以下": "at_most", "至多": "at_most",
    "不足": "less_than", "低于": "less_than", "少于": "less_than",
}


def _not_qualifier(value: Any) -> str:
    """'' for a qualifier keyword; for the word itself (以上, 超过), the keyword that writes it."""
    if isinstance(value, str) and value in QUALIFIERS:
        return ""
    name = _QUALIFIER_WORDS.get(value.strip()) if isinstance(value, str) else None
    if name is not None:
        return f"got {describe(value)}: write 'qualifier: {name}', which writes the number as {QUALIFIERS[name].format(v='…')}"
    return one_of(list(QUALIFIERS))(value)


FACT_FIELDS = {
    "label": FieldSpec(not_text, "a short description in words, such as 京津冀平均研发投入强度", required=True),
    "value": FieldSpec(lambda v: "" if v is not None else "got nothing", "the figure or text the source states"),
    "formula": FieldSpec(not_text, "arithmetic over other fact ids, such as \"rd.jjj_2024 - rd.jjj_2014\", "
                         "or count(a_list_fact)"),
    "unit": FieldSpec(one_of(UNITS), "one of " + ", ".join(UNITS), required=True),
    "qualifier": FieldSpec(_not_qualifier, "one of " + ", ".join(QUALIFIERS)),
    "period": FieldSpec(_not_period, "the year or date the figure is for, such as 2024"),
    "source": FieldSpec(not_text, "the id of a source in sources.yaml"),
    "evidence": FieldSpec(_not_evidence, "a short fragment copied from the source that contains the value, "
                          "such as \"从2014年的3.5%跃升至2024年的[[4.22%]]\" ([[ ]] marks the value when the "
                          "fragment holds more than one number)"),
    "decimals": FieldSpec(_not_decimals, "how many decimal places to show, 0 to 6"),
    "measure": FieldSpec(not_text, "the measure word for a count, such as 个 or 位"),
    "in_words": FieldSpec(lambda v: "" if isinstance(v, bool) else f"got {describe(v)}",
                          "true to write whole numbers below 100 in Chinese numerals (三个), false for digits"),
    "coordinates": FieldSpec(_not_coordinates, "'lon:' and 'lat:' in degrees, with 'approximate: true'"),
    "note": FieldSpec(not_optional_text, "a short note"),
    "label_en": FieldSpec(not_text, "the label in English, for the English edition"),
    "value_en": FieldSpec(lambda v: "" if isinstance(v, (str, list)) and v else f"got {describe(v)}",
                          "the text (or list of texts) in English, for text, place and list facts"),
    "period_en": FieldSpec(not_text, "the period in English, when it is not a plain year or date"),
}


def parse_sources(doc: YamlDoc) -> tuple[dict[str, Source], list[Diagnostic]]:
    """Sources from the already parsed `sources.yaml`."""
    problems: list[Diagnostic] = []
    sources: dict[str, Source] = {}
    if not isinstance(doc.data, dict) or not doc.data:
        return sources, [doc.error_at((), "sources.yaml must list at least one source by id",
                                      "a block such as 'xjb_2026_03_18:' with title, publisher, date")]
    for source_id, body in doc.data.items():
        if not ID_PATTERN.fullmatch(source_id):
            problems.append(doc.error_at((source_id,), f"source id '{source_id}' is not allowed",
                                         ID_EXPECTED, at_key=True))
            continue
        found = check_fields(doc, (source_id,), body, SOURCE_FIELDS, f"source '{source_id}'")
        problems += found
        if found:
            continue
        line, column = doc.key_at(source_id)
        english = tuple((key.removesuffix("_en"), body[key].strip()) for key in SOURCE_FIELDS
                        if key.endswith("_en") and key in body)
        archive_at = Location(doc.path, *doc.value_at(source_id, "archive")) if "archive" in body else None
        sources[source_id] = Source(source_id, body["title"], body["publisher"], body.get("via") or "",
                                    body.get("date") or "", body.get("url") or "", body.get("note") or "",
                                    Location(doc.path, line, column), english, body.get("archive", ""), archive_at)
    return sources, problems


def parse_fact_file(doc: YamlDoc, group: str, sources: dict[str, Source] | None) -> tuple[list[Fact], list[Diagnostic]]:
    """The facts of one fact file; derived facts get their values later. With `sources` None
    (sources.yaml is broken) source ids are not checked."""
    if not ID_PATTERN.fullmatch(group):
        return [], [doc.error_at((), f"fact file name '{group}' cannot be used in fact ids",
                                 ID_EXPECTED + ", then '.yaml'")]
    if reserved_word(group):
        return [], [doc.error_at((), f"fact file name '{group}' is a reserved word in formulas",
                                 f"another file name, such as '{group}_data.yaml'")]
    if not isinstance(doc.data, dict) or not doc.data:
        return [], [doc.error_at((), "a fact file must hold facts by id, got " + describe(doc.data),
                                 "blocks such as 'jjj_2024:' with label, value, unit, source, evidence")]
    facts: list[Fact] = []
    problems: list[Diagnostic] = []
    for local_id, body in doc.data.items():
        if not ID_PATTERN.fullmatch(local_id):
            problems.append(doc.error_at((local_id,), f"fact id '{local_id}' is not allowed", ID_EXPECTED,
                                         at_key=True))
            continue
        if reserved_word(local_id):
            problems.append(doc.error_at((local_id,), f"fact id '{local_id}' is a reserved word in formulas",
                                         f"another id, such as '{local_id}_value'", at_key=True))
            continue
        found = check_fields(doc, (local_id,), body, FACT_FIELDS, f"fact '{group}.{local_id}'")
        if not found:
            found = _check_fact_meaning(doc, local_id, body, sources)
        problems += found
        if not found:
            facts.append(_make_fact(doc, group, local_id, body))
    return facts, problems


def _check_fact_meaning(doc: YamlDoc, local_id: str, body: dict, sources: dict[str, Source] | None) -> list[Diagnostic]:
    """Checks across fields: value against unit, qualifier on text, source and evidence present."""
    keys = (local_id,)
    unit = body["unit"]
    if "formula" in body:
        if "value" in body:
            return [doc.error_at(keys + ("value",), "a derived fact has a formula, so it must not also "
                                 "give a value", "either 'value:' or 'formula:', not both", at_key=True)]
        if unit not in NUMBER_UNITS:
            return [doc.error_at(keys + ("unit",), f"a formula gives a number, but the unit is '{unit}'",
                                 "a number unit: " + ", ".join(NUMBER_UNITS))]
        return []
    problems: list[Diagnostic] = []
    for needed in ("value", "source", "evidence"):
        if needed not in body:
            problems.append(doc.error_at(keys, f"fact '{local_id}' is missing the required key '{needed}'",
                                         f"'{needed}:' (only derived facts, with 'formula:', go without)",
                                         at_key=True))
    if problems:
        return problems
    value = body["value"]
    if unit in NUMBER_UNITS and not_number(value):
        return [doc.error_at(keys + ("value",), f"'value' must be a number for unit '{unit}', got "
                             f"{describe(value)}", "a plain number such as 4.22; the unit goes in 'unit:' "
                             "and words like 以上 in 'qualifier:'")]
    if unit in LIST_UNITS and not_text_list(value):
        return [doc.error_at(keys + ("value",), f"'value' must be a list of texts for unit 'list', got "
                             f"{describe(value)}", "lines starting with '- '")]
    if unit not in NUMBER_UNITS and unit not in LIST_UNITS and not_text(value):
        return [doc.error_at(keys + ("value",), f"'value' must be text for unit '{unit}', got "
                             f"{describe(value)}", "the words the source uses")]
    if unit == "rank" and value < 1:
        problems.append(doc.error_at(keys + ("value",), f"a rank must be 1 or more, got {value}",
                                     "1 for first place"))
    elif unit == "rank" and not float(value).is_integer():
        problems.append(doc.error_at(keys + ("value",), f"a rank must be a whole number, got {value}",
                                     "1 for first place, 2 for second"))
    problems += _check_english_value(doc, keys, body)
    if body.get("qualifier", "exact") != "exact" and unit not in NUMBER_UNITS:
        problems.append(doc.error_at(keys + ("qualifier",), f"a qualifier only applies to numbers, "
                                     f"not to unit '{unit}'", "no 'qualifier:' line"))
    if sources is not None and body["source"] not in sources:
        problems.append(doc.error_at(keys + ("source",), f"unknown source '{body['source']}'"
                                     f"{did_you_mean(body['source'], list(sources))}",
                                     "the id of a source in content/sources.yaml"))
    marker = _marker_problem(body.get("evidence"))
    if marker:
        problems.append(doc.error_at(keys + ("evidence",), marker, MARK_EXPECTED))
    if unit == "place" and "coordinates" not in body:
        problems.append(doc.error_at(keys, "a place needs 'coordinates:'", "'lon:' and 'lat:' in degrees",
                                     at_key=True))
    return problems


def _check_english_value(doc: YamlDoc, keys: tuple, body: dict) -> list[Diagnostic]:
    """value_en must have the shape of value: text for text, a list as long for a list."""
    if "value_en" not in body:
        return []
    english, unit = body["value_en"], body["unit"]
    where = keys + ("value_en",)
    if unit in NUMBER_UNITS:
        return [doc.error_at(where, "numbers need no 'value_en': the English edition formats them itself",
                             "no 'value_en:' line for a number", at_key=True)]
    if unit in LIST_UNITS and (not isinstance(english, list) or len(english) != len(body["value"])):
        return [doc.error_at(where, f"'value_en' must be a list as long as 'value' ({len(body['value'])} items)",
                             "one English text per item, in the same order")]
    if unit not in LIST_UNITS and not isinstance(english, str):
        return [doc.error_at(where, f"'value_en' must be text for unit '{unit}', got {describe(english)}",
                             "the English words")]
    return []


def _make_fact(doc: YamlDoc, group: str, local_id: str, body: dict) -> Fact:
    line, column = doc.key_at(local_id)
    coordinates = body.get("coordinates")
    value = body.get("value")
    evidence, marked = split_evidence(body.get("evidence", ""))
    return Fact(
        id=f"{group}.{local_id}",
        label=body["label"].strip(),
        value=tuple(value) if isinstance(value, list) else value,
        unit=body["unit"],
        qualifier=body.get("qualifier", "exact"),
        period=str(body.get("period", "")),
        source=body.get("source", ""),
        evidence=evidence,
        evidence_marked=marked,
        formula=body.get("formula", ""),
        decimals=body.get("decimals"),
        measure=body.get("measure", "个"),
        coordinates=Coordinates(coordinates["lon"], coordinates["lat"], bool(coordinates.get("approximate")))
        if coordinates else None,
        note=body.get("note") or "",
        location=Location(doc.path, line, column),
        formula_at=Location(doc.path, *doc.value_at(local_id, "formula")) if "formula" in body else None,
        evidence_at=Location(doc.path, *doc.value_at(local_id, "evidence")) if "evidence" in body else None,
        in_words=body.get("in_words", False),
        label_en=(body.get("label_en") or "").strip(),
        value_en=tuple(body["value_en"]) if isinstance(body.get("value_en"), list) else body.get("value_en"),
        period_en=(body.get("period_en") or "").strip(),
        value_at=Location(doc.path, *doc.value_at(local_id, "value")) if "value" in body else None,
    )
