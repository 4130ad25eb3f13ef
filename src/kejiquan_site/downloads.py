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


def render_facts_csv(facts: list[Fact]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for fact in facts:
        record = fact_record(fact)
        writer.writerow([_csv_cell(record[column]) for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_facts_json(facts: list[Fact], sources: dict[str, Source]) -> bytes:
    document = {
        "sources": [{"id": s.id, "title": s.title, "publisher": s.publisher, "via": s.via, "date": s.date,
                     "url": s.url} for s in sources.values()],
        "facts": [fact_record(fact) for fact in facts],
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
