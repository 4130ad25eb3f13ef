"""Downloads of every fact: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
Chinese right) and JSON, with values, qualifiers, periods, sources and evidence.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .facts import Fact, Source

CSV_PATH = "data/facts.csv"
JSON_PATH = "data/facts.json"
COLUMNS = ["id", "label", "value", "display", "unit", "qualifier", "period", "source", "evidence", "formula",
           "note"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def fact_record(fact: Fact) -> dict[str, Any]:
    return {
        "id": fact.id, "label": fact.label,
        "value": list(fact.value) if isinstance(fact.value, tuple) else fact.value,
        "display": fact.display, "unit": fact.unit, "qualifier": fact.qualifier, "period": fact.period,
        "source": fact.source, "evidence": fact.evidence, "formula": fact.formula, "note": fact.note,
    }


def _csv_cell(value: Any) -> str:
    """Text as a spreadsheet shows it, with formula-looking text defused (CSV injection)."""
    if isinstance(value, list):
        value = "、".join(value)
    text = "" if value is None else str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


ENGLISH_COLUMNS = ["label_en", "value_en", "display_en"]


def _records(facts: list[Fact], english: list[Fact] | None) -> list[dict[str, Any]]:
    """One record per fact; with `english` (the same facts as the English edition shows them)
    also its English label, text and display."""
    records = [fact_record(fact) for fact in facts]
    for record, fact in zip(records, english or []):
        record.update(label_en=fact.label, display_en=fact.display,
                      value_en=list(fact.value) if isinstance(fact.value, tuple) else fact.value)
    return records


def render_facts_csv(facts: list[Fact], english: list[Fact] | None = None) -> bytes:
    columns = COLUMNS + (ENGLISH_COLUMNS if english else [])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in _records(facts, english):
        writer.writerow([_csv_cell(record[column]) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_facts_json(facts: list[Fact], sources: dict[str, Source], english: list[Fact] | None = None) -> bytes:
    document = {
        "sources": [{"id": s.id, "title": s.title, "publisher": s.publisher, "via": s.via, "date": s.date,
                     "url": s.url, **{f"{key}_en": text for key, text in s.english}} for s in sources.values()],
        "facts": _records(facts, english),
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def render_table_csv(table: dict[str, Any]) -> bytes:
    """One chart's data table as CSV (UTF-8 with BOM), the same rows the page shows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(column) for column in table["columns"]])
    for row in table["rows"]:
        writer.writerow([_csv_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
