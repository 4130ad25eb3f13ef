"""Chart specs: `content/charts/*.yaml` read and checked against the facts they use, and the
chart's data table and one-sentence description made from the same facts (figures: figures.py).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kejiquan_site.diagnostics import Diagnostic, Location, did_you_mean
from kejiquan_site.model.formatting import format_period, join_list
from kejiquan_site.model.ui import ui
from kejiquan_site.read.facts import ID_EXPECTED, ID_PATTERN, Fact
from kejiquan_site.read.fields import FieldSpec, check_fields, describe, not_number, not_optional_text, not_text, one_of
from kejiquan_site.read.yamlread import YamlDoc

CHART_TYPES = ["bar", "schematic"]


class _Translatable:
    """Charts and their parts keep English words as (field, text) pairs in `english`."""

    english: tuple[tuple[str, str], ...]

    def in_language(self, language: str):
        changes: dict[str, Any] = dict(self.english)
        return dataclasses.replace(self, **changes) if language == "en" else self  # type: ignore[type-var]


@dataclass(frozen=True)
class ChartItem(_Translatable):
    fact: str
    label: str
    role: str
    highlight: bool
    location: Location
    english: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ChartLine(_Translatable):
    start: str
    end: str
    label: str
    location: Location
    english: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ChartContext(_Translatable):
    """A name written on a schematic for orientation (a city, a province), with no mark."""

    label: str
    lon: float
    lat: float
    english: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, eq=False)
class Chart(_Translatable):
    """One chart. Charts compare by identity, as facts do (see Fact)."""

    id: str
    type: str
    title: str
    caption: str
    axis_title: str
    note: str
    height: int
    items: tuple[ChartItem, ...]
    lines: tuple[ChartLine, ...]
    location: Location
    text_fields: tuple[tuple[Location, str], ...] = ()
    english: tuple[tuple[str, str], ...] = ()
    untranslated: tuple[tuple[Location, str], ...] = ()  # texts without an English twin
    context: tuple[ChartContext, ...] = ()

    def in_language(self, language: str) -> Chart:
        if language != "en":
            return self
        changes: dict[str, Any] = dict(self.english)
        return dataclasses.replace(self, **changes,
                                   items=tuple(item.in_language(language) for item in self.items),
                                   lines=tuple(line.in_language(language) for line in self.lines),
                                   context=tuple(name.in_language(language) for name in self.context))

    @functools.cached_property
    def fact_ids(self) -> tuple[str, ...]:
        ids = [item.fact for item in self.items]
        ids += [end for line in self.lines for end in (line.start, line.end)]
        return tuple(dict.fromkeys(ids))


def _not_list_of_blocks(value: Any) -> str:
    ok = isinstance(value, list) and value and all(isinstance(item, dict) for item in value)
    return "" if ok else f"got {describe(value)}"


def _not_height(value: Any) -> str:
    ok = isinstance(value, int) and not isinstance(value, bool) and 200 <= value <= 1200
    return "" if ok else f"got {describe(value)}"


CHART_FIELDS = {
    "type": FieldSpec(one_of(CHART_TYPES), "one of " + ", ".join(CHART_TYPES), required=True),
    "title": FieldSpec(not_text, "the chart's headline", required=True),
    "caption": FieldSpec(not_optional_text, "one or two sentences on what the chart shows"),
    "axis_title": FieldSpec(not_optional_text, "the value axis title, such as 研发投入强度"),
    "note": FieldSpec(not_optional_text, "a note shown under the chart"),
    "height": FieldSpec(_not_height, "the chart's height in pixels, 200 to 1200"),
    "bars": FieldSpec(_not_list_of_blocks, "a list of '- fact: id' blocks with 'label:'"),
    "places": FieldSpec(_not_list_of_blocks, "a list of '- fact: id' blocks with 'role:'"),
    "lines": FieldSpec(_not_list_of_blocks, "a list of '- from: id' blocks with 'to:' and 'label:'"),
    "context": FieldSpec(_not_list_of_blocks, "a list of '- label: name' blocks with 'lon:' and 'lat:'"),
    "title_en": FieldSpec(not_text, "the chart's headline in English"),
    "caption_en": FieldSpec(not_text, "the caption in English"),
    "axis_title_en": FieldSpec(not_text, "the axis title in English"),
    "note_en": FieldSpec(not_text, "the note in English"),
}
ITEM_FIELDS = {
    "fact": FieldSpec(not_text, "a fact id such as rd.jjj_2024", required=True),
    "label": FieldSpec(not_optional_text, "the name shown for this item"),
    "role": FieldSpec(not_optional_text, "the group this place belongs to, shown in the legend"),
    "highlight": FieldSpec(lambda v: "" if isinstance(v, bool) else f"got {describe(v)}", "true or false"),
    "label_en": FieldSpec(not_text, "the item's name in English"),
    "role_en": FieldSpec(not_text, "the group's name in English"),
}
LINE_FIELDS = {
    "from": FieldSpec(not_text, "the fact id of the place where the line starts", required=True),
    "to": FieldSpec(not_text, "the fact id of the place where the line ends", required=True),
    "label": FieldSpec(not_text, "the line's name", required=True),
    "label_en": FieldSpec(not_text, "the line's name in English"),
}

CONTEXT_FIELDS = {
    "label": FieldSpec(not_text, "the name written on the schematic, such as 河北", required=True),
    "label_en": FieldSpec(not_text, "the name in English"),
    "lon": FieldSpec(not_number, "the longitude in degrees where the name is written", required=True),
    "lat": FieldSpec(not_number, "the latitude in degrees where the name is written", required=True),
}


def parse_chart(doc: YamlDoc, chart_id: str) -> tuple[Chart | None, list[Diagnostic]]:
    if not ID_PATTERN.fullmatch(chart_id):
        return None, [doc.error_at((), f"chart file name '{chart_id}' cannot be used as a chart id",
                                   ID_EXPECTED + ", then '.yaml'")]
    problems = check_fields(doc, (), doc.data, CHART_FIELDS, f"chart '{chart_id}'")
    if problems:
        return None, problems
    spec = doc.data
    list_key = "bars" if spec["type"] == "bar" else "places"
    if list_key not in spec:
        return None, [doc.error_at((), f"a {spec['type']} chart needs '{list_key}:'",
                                   CHART_FIELDS[list_key].expected, at_key=True)]
    other_keys = ("places", "lines", "context") if spec["type"] == "bar" else ("bars",)
    misplaced = [key for key in other_keys if key in spec]
    if misplaced:  # they would be silently left out of the drawing
        return None, [doc.error_at((key,), f"'{key}' does not apply to a {spec['type']} chart",
                                   "'bars:' for type: bar; 'places:' and 'lines:' for type: schematic",
                                   at_key=True) for key in misplaced]
    items, lines = [], []
    for index, body in enumerate(spec[list_key]):
        problems += check_fields(doc, (list_key, index), body, ITEM_FIELDS, f"item {index + 1} of '{list_key}'")
        if not problems:
            items.append(ChartItem(body["fact"].strip(), (body.get("label") or "").strip(),
                                   (body.get("role") or "").strip(), body.get("highlight", False),
                                   Location(doc.path, *doc.value_at(list_key, index, "fact")), _english(body)))
    for index, body in enumerate(spec.get("lines", [])):
        problems += check_fields(doc, ("lines", index), body, LINE_FIELDS, f"line {index + 1} of 'lines'")
        if not problems:
            lines.append(ChartLine(body["from"].strip(), body["to"].strip(), body["label"].strip(),
                                   Location(doc.path, *doc.value_at("lines", index, "from")), _english(body)))
    context = []
    for index, body in enumerate(spec.get("context", [])):
        problems += check_fields(doc, ("context", index), body, CONTEXT_FIELDS, f"item {index + 1} of 'context'")
        if not problems:
            context.append(ChartContext(body["label"].strip(), float(body["lon"]), float(body["lat"]), _english(body)))
    if problems:
        return None, problems
    default_height = bar_height(len(items)) if spec["type"] == "bar" else 480
    return Chart(chart_id, spec["type"], spec["title"].strip(), (spec.get("caption") or "").strip(),
                 (spec.get("axis_title") or "").strip(), (spec.get("note") or "").strip(),
                 spec.get("height", default_height), tuple(items), tuple(lines),
                 Location(doc.path, 1, 1), _text_fields(doc), _english(spec), _untranslated(doc), tuple(context)), []


def bar_height(count: int) -> int:
    """The default height of a bar chart of `count` bars: a name line and a bar for each."""
    return 36 + 68 * count


TRANSLATED_TEXTS = ("title", "caption", "axis_title", "note", "label", "role")


def _english(body: dict) -> tuple[tuple[str, str], ...]:
    return tuple((key, body[f"{key}_en"].strip()) for key in TRANSLATED_TEXTS if f"{key}_en" in body)


def _untranslated(doc: YamlDoc) -> tuple[tuple[Location, str], ...]:
    """Texts a reader sees that have no `_en` twin next to them."""
    missing = []
    for location, keys in _text_positions(doc):
        parent = doc.data
        for key in keys[:-1]:
            parent = parent[key]
        if not keys[-1].endswith("_en") and f"{keys[-1]}_en" not in parent:
            missing.append((location, keys[-1]))
    return tuple(missing)


_SHOWN_TEXT_KEYS = frozenset(TRANSLATED_TEXTS + tuple(f"{key}_en" for key in TRANSLATED_TEXTS))


def _text_positions(doc: YamlDoc) -> list[tuple[Location, tuple]]:
    """(position, key path) of every text a reader sees in the chart."""
    found = []
    for keys, (line, column) in doc.value_positions.items():
        if keys and keys[-1] in _SHOWN_TEXT_KEYS:
            value = doc.data
            for key in keys:
                value = value[key]
            if isinstance(value, str):
                found.append((Location(doc.path, line, column), keys))
    return sorted(found, key=lambda item: item[0])


def _text_fields(doc: YamlDoc) -> tuple[tuple[Location, str], ...]:
    """Every text a reader sees in the chart, with its position (for the hand-typed number check)."""
    found = []
    for location, keys in _text_positions(doc):
        value = doc.data
        for key in keys:
            value = value[key]
        found.append((location, value))
    return tuple(found)


def check_chart_facts(chart: Chart, facts: Mapping[str, Fact], hidden: Callable[[str], bool] = lambda _: False
                      ) -> list[Diagnostic]:
    """Unknown fact ids, facts of the wrong kind, and bars that mix units. An unknown id for which
    `hidden` is true (its own file has errors) is not reported again."""
    problems: list[Diagnostic] = []
    located = [(item.fact, item.location) for item in chart.items]
    located += [(end, line.location) for line in chart.lines for end in (line.start, line.end)]
    missing = [fact_id for fact_id, _ in located if fact_id not in facts]
    for fact_id, where in located:
        if fact_id not in facts and not hidden(fact_id):
            problems.append(Diagnostic(where, f"unknown fact '{fact_id}' in chart '{chart.id}'"
                                       f"{did_you_mean(fact_id, list(facts))}", "the id of a fact in content/facts/"))
    if missing:
        return problems
    if chart.type == "bar":
        units = {facts[item.fact].unit for item in chart.items}
        for item in chart.items:
            if not facts[item.fact].is_number:
                problems.append(Diagnostic(item.location, f"a bar needs a number, but '{item.fact}' is "
                                           f"{facts[item.fact].unit}", "a fact with a number unit"))
        if len(units) > 1:
            problems.append(Diagnostic(chart.items[0].location, "the bars mix units (" + ", ".join(sorted(units))
                                       + "); one axis cannot show them honestly", "facts that share one unit"))
    else:
        for fact_id, where in located:
            if facts[fact_id].coordinates is None:
                problems.append(Diagnostic(where, f"'{fact_id}' has no coordinates, so it cannot be placed",
                                           "a fact with unit 'place' and 'coordinates:'"))
    return problems


def item_name(item: ChartItem, fact: Fact) -> str:
    """The item's name with the fact's period: 京津冀平均（2014年）, or Jing-Jin-Ji (2014)."""
    name = item.label or fact.label
    if not fact.period:
        return name
    return ui("item_with_period", fact.language, name=name, period=format_period(fact.period, fact.language))


def chart_table(chart: Chart, facts: Mapping[str, Fact], language: str = "zh") -> dict[str, Any]:
    """The chart's data as a table: the same facts, formatted as in the chart."""
    if chart.type == "bar":
        rows = [[item_name(item, facts[item.fact]), facts[item.fact].display] for item in chart.items]
        return {"columns": [ui("col_item", language), chart.axis_title or ui("col_value", language)], "rows": rows}
    rows = []
    for item in chart.items:
        fact = facts[item.fact]
        spot = fact.place
        position = ui("position", language, lon=f"{spot.lon:.2f}", lat=f"{spot.lat:.2f}")
        rows.append([fact.display, item.role, position + (ui("approximate", language) if spot.approximate else "")])
    rows += [[line.label, ui("link", language), f"{facts[line.start].display} — {facts[line.end].display}"]
             for line in chart.lines]
    return {"columns": [ui("col_name", language), ui("col_role", language), ui("col_position", language)],
            "rows": rows}


def chart_description(chart: Chart, facts: Mapping[str, Fact], language: str = "zh") -> str:
    """One sentence a screen reader (or a reader without JavaScript) gets instead of the picture."""
    separator, end = ui("list_separator", language), ui("sentence_end", language)
    if chart.type == "bar":
        parts = [f"{item_name(item, facts[item.fact])}{' ' if language == 'en' else ''}{facts[item.fact].display}"
                 for item in chart.items]
        return ui("bar_chart", language, title=chart.title) + separator.join(parts) + end
    by_role: dict[str, list[str]] = {}
    for item in chart.items:
        by_role.setdefault(item.role or ui("place", language), []).append(facts[item.fact].display)
    parts = [ui("role_members", language, role=role, names=join_list(names, language)) for role, names in by_role.items()]
    parts += [ui("joins", language, line=line.label, start=facts[line.start].display, end=facts[line.end].display)
              for line in chart.lines]
    return ui("schematic", language, title=chart.title) + separator.join(parts) + end

