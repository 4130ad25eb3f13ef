"""Proposed facts for the numbers of a source that are neither facts nor set aside: YAML blocks
in the fact files' form, for an editor to review, reword and paste (`kejiquan facts propose`).
Nothing is written; the proposals are text.
"""

from __future__ import annotations

import json
import re

from kejiquan_site.check.coverage import Coverage, SourceNumber
from kejiquan_site.check.numbers import (
    CLAUSE_END,
    TIME_KINDS,
    Normalised,
    Number,
    find_numbers,
    normalise_with_map,
    sentence_bounds,
)
from kejiquan_site.check.provenance import missing_value
from kejiquan_site.diagnostics import Location
from kejiquan_site.model.formatting import format_number
from kejiquan_site.read.facts import Fact, Source
from kejiquan_site.read.setasides import set_aside_path

MAX_EVIDENCE = 40
SHORT_CLAUSE = 12  # a clause shorter than this says too little: widened by its neighbours
_UNITS = {"percent": "percent", "point": "percentage_point", "rank": "rank", "count": "count", "year": "year",
          "number": "number", "amount": "number"}
_ID_WORDS = {"percent": "pct", "percentage_point": "pp", "rank": "rank", "count": "count", "year": "year",
             "number": "number", "date": "date", "text": "text"}
_FILLER = re.compile(r"(?:保持在|达到|达|为|是|位居|排名|位列|共有|共|有|的|在)+$")


def propose_facts(source: Source, text: str, coverage: Coverage) -> str:
    """The YAML of one proposed fact per uncovered number of `source` (archived `text`)."""
    normalised = normalise_with_map(text)
    if not coverage.uncovered:
        return f"# every number of source '{source.id}' ({coverage.path}) is a fact or set aside: nothing to propose\n"
    header = [f"# {len(coverage.uncovered)} number{'s' if len(coverage.uncovered) != 1 else ''} of source "
              f"'{source.id}' ({coverage.path}) {'are' if len(coverage.uncovered) != 1 else 'is'} neither a fact "
              "nor set aside.",
              "# Review each proposal, reword its label (and add label_en for the English edition), and paste it",
              f"# into a file in content/facts/; or set the number aside in {set_aside_path(coverage.path)}."]
    used: set[str] = set()
    blocks = [_propose(source, text, normalised, number, used) for number in coverage.uncovered]
    return "\n".join(header) + "\n\n" + "\n\n".join(blocks) + "\n"


def _propose(source: Source, text: str, normalised: Normalised, found: SourceNumber, used: set[str]) -> str:
    number = found.number
    unit, value, extra = _unit_and_value(number, normalised, source)
    evidence = _evidence(text, normalised, number)
    fact = _as_fact(value, unit, evidence, extra)
    if fact.unit != "text" and missing_value(fact):  # a form the value check cannot find: keep the words
        unit, value, extra = "text", number.text, {}
    fields: dict[str, object] = {"label": _label(normalised, number), "value": value, "unit": unit, **extra}
    if unit != "text" and number.qualifier != "exact":
        fields["qualifier"] = number.qualifier
    period = "" if number.kind in TIME_KINDS else _period(normalised, number)
    if period:
        fields["period"] = int(period) if period.isdigit() else period
    fields.update(source=source.id, evidence=evidence)
    lines = [f"# {found.line}:{found.column}: {number.text}", f"{_fact_id(unit, value, found, used)}:"]
    lines += [f"  {key}: {_yaml(item)}" for key, item in fields.items()]
    return "\n".join(lines)


def _unit_and_value(number: Number, normalised: Normalised, source: Source) -> tuple[str, object, dict]:
    """The unit, the value and further fields (measure, in_words) of a number's fact."""
    value = number.value
    if number.kind == "date":
        return _date(number, normalised, source)
    if number.kind not in _UNITS or value is None or (number.kind == "amount" and number.text.endswith("级")):
        return "text", number.text, {}
    if number.kind == "year":
        return "year", int(value), {}
    extra: dict[str, object] = {}
    if number.kind == "count":
        extra["measure"] = number.measure
        if not re.match(r"\d", number.numeral):
            extra["in_words"] = True
    return _UNITS[number.kind], value, extra


def _date(number: Number, normalised: Normalised, source: Source) -> tuple[str, object, dict]:
    match = re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]", number.text)
    if not match:
        return "text", number.text, {}
    year = match.group(1) or _period(normalised, number, years_only=True) or source.date[:4]
    if not year:
        return "text", number.text, {}
    return "date", f"{year}-{int(match.group(2)):02d}-{int(match.group(3)):02d}", {}


def _as_fact(value: object, unit: str, evidence: str, extra: dict) -> Fact:
    """The proposal as a fact, for the value-in-evidence check of provenance.py."""
    return Fact("proposal", "", value, unit, "exact", "", "", evidence, "", None, str(extra.get("measure", "个")),
                None, "", Location(""))


def _clause(normalised: Normalised, number: Number) -> tuple[int, int]:
    return _clause_at(normalised, number.start) or (number.start, number.end)


def _evidence(text: str, normalised: Normalised, number: Number) -> str:
    """The clause around the number (qualifier included), widened by neighbouring clauses that
    hold no other number while it is only a few characters long, at most MAX_EVIDENCE characters;
    copied from the archived text as written. No second number: the value stays unambiguous."""
    first, last = _extent(number)
    start, end = _clause(normalised, number)
    sentence_start, sentence_end = sentence_bounds(normalised, number.start)
    while end - start < SHORT_CLAUSE:
        before = _clause_at(normalised, start - 2) if start - 2 >= sentence_start else None
        after = _clause_at(normalised, end + 1) if end + 1 < sentence_end else None
        widened = next((span for span in (after, before) if span is not None
                        and max(span[1], end) - min(span[0], start) <= MAX_EVIDENCE
                        and not find_numbers(normalised.text[span[0]:span[1]])), None)
        if widened is None:
            break
        start, end = min(start, widened[0]), max(end, widened[1])
    if number.kind not in ("date", "month", "period"):  # these become dates and texts, not numbers
        start, end = _without_other_numbers(normalised, start, end, first, last, keep_times=number.kind != "year")
    if end - start > MAX_EVIDENCE:
        room = MAX_EVIDENCE - (last - first)
        start = max(start, min(first - room * 2 // 3, end - MAX_EVIDENCE))
        end = min(end, start + MAX_EVIDENCE)
    origin = normalised.origin
    return text[origin[start]:origin[end - 1] + 1].strip()


def _without_other_numbers(normalised: Normalised, start: int, end: int, first: int, last: int,
                           keep_times: bool) -> tuple[int, int]:
    """The span cut short of other figures around the number, so the evidence states one value
    only. With `keep_times`, the years and dates before it stay: they say which period it is for."""
    others = [(start + n.start, start + n.end, n.kind) for n in find_numbers(normalised.text[start:end])]
    for other_start, other_end, kind in others:
        if (keep_times and kind in TIME_KINDS) or (other_start < last and other_end > first):
            continue
        if other_end <= first:
            start = max(start, other_end)
        else:  # and the year or date that comes with that later figure (跃升至2024年的4.22%)
            times = [s for s, _, k in others if k in TIME_KINDS and last <= s < other_start]
            end = min([end, other_start, *times])
    while start < first and normalised.text[start] in CLAUSE_END:
        start += 1
    while end > last and normalised.text[end - 1] in CLAUSE_END:
        end -= 1
    return start, end


def _clause_at(normalised: Normalised, position: int) -> tuple[int, int] | None:
    """The clause that holds `position`, without its closing mark; None on a mark."""
    if normalised.text[position] in CLAUSE_END:
        return None
    start, end = sentence_bounds(normalised, position, CLAUSE_END)
    while end > start and normalised.text[end - 1] in CLAUSE_END:
        end -= 1
    return start, end


def _extent(number: Number) -> tuple[int, int]:
    """Where the number and its qualifier (超过, 以上) start and end."""
    if number.qualifier == "exact":
        return number.start, number.end
    return min(number.start, number.qualifier_span[0]), max(number.end, number.qualifier_span[1])


def _label(normalised: Normalised, number: Number) -> str:
    """The words before the number in its clause (or the words after it), without filler such
    as 达到; the unit of an amount (万亿元) in brackets."""
    first, last = _extent(number)
    start, _end = _clause(normalised, number)
    before = _FILLER.sub("", normalised.text[start:first])[-20:]
    if len(before) < 2:
        after = normalised.text[last:].lstrip(CLAUSE_END)
        before = re.match(f"[^{re.escape(CLAUSE_END)}]*", after).group()[:20]  # type: ignore[union-attr]  # * always matches
    label = before or number.text
    if number.kind == "amount":
        unit = re.sub(r"^[\d.零〇一二两三四五六七八九十百千]*", "", number.text)
        label += f"（{unit}）"
    return label


def _period(normalised: Normalised, number: Number, years_only: bool = False) -> str:
    """The nearest year or date in the number's sentence (before it on a tie), as a period."""
    start, end = sentence_bounds(normalised, number.start)
    times = [n for n in find_numbers(normalised.text[start:end]) if n.kind in TIME_KINDS
             and (n.kind == "year" or not years_only)]
    if not times:
        return ""
    here = number.start - start

    def distance(other: Number) -> tuple[int, int]:
        return (here - other.end if other.end <= here else other.start - (number.end - start), other.start > here)

    nearest = min((n for n in times if n.start != here), key=distance, default=None)
    if nearest is None:
        return ""
    return nearest.text.removesuffix("年") if nearest.kind == "year" else nearest.text


def _fact_id(unit: str, value: object, found: SourceNumber, used: set[str]) -> str:
    """pct_4_22, rank_4, count_3, date_2026_03_18; text_LINE_COLUMN for words."""
    written = format_number(value).replace(",", "") if isinstance(value, (int, float)) else ""
    base = _ID_WORDS.get(unit, "text") + "_" + (re.sub(r"[^0-9]+", "_", written).strip("_") if written
                                                 else f"{found.line}_{found.column}")
    if unit == "date":
        base = "date_" + str(value).replace("-", "_")
    candidate, suffix = base, 2
    while candidate in used:
        candidate, suffix = f"{base}_{suffix}", suffix + 1
    used.add(candidate)
    return candidate


_PLAIN = re.compile(r"[^\s:#'\"{}\[\],&*!|>%@`\\?-][^\s:#'\"{}\[\]&*!|>%@`\\]*")


def _yaml(value: object) -> str:
    """A YAML scalar: numbers and safe words plain, other text double-quoted (JSON's quoting is
    valid YAML), so a pasted proposal reads back exactly."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value).replace(",", "")
    text = str(value)
    if _PLAIN.fullmatch(text) and not re.match(r"[\d.+]", text) and text.lower() not in {"yes", "no", "on", "off", "y",
                                                                                         "n", "true", "false", "null"}:
        return text
    return json.dumps(text, ensure_ascii=False)
