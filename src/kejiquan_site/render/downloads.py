"""Downloads of every fact: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
Chinese right) and JSON, with values, qualifiers, periods, sources and evidence.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable
from typing import Any

from kejiquan_site.read.facts import Fact, Source
from kejiquan_site.reuse.memo import Operation, chunks, done

COLUMNS = ["id", "label", "value", "display", "unit", "qualifier", "period", "source", "evidence", "formula",
           "note", "history"]
History = dict[str, tuple[tuple[str, Any, str, str], ...]]  # published.fact_histories
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DOWNLOAD_RUN = Operation("run of download records")  # by (kind, number of the run)


def fact_record(fact: Fact, history: tuple[tuple[str, Any, str, str], ...] = ()) -> dict[str, Any]:
    """One fact as the downloads give it; `history` holds its earlier published values."""
    return {
        "id": fact.id, "label": fact.label,
        "value": list(fact.value) if isinstance(fact.value, tuple) else fact.value,
        "display": fact.display, "unit": fact.unit, "qualifier": fact.qualifier, "period": fact.period,
        "source": fact.source, "evidence": fact.evidence, "formula": fact.formula, "note": fact.note,
        "history": [{"since": date, "value": value, "display": display, "display_en": display_en}
                    for date, value, display, display_en in history],
    }


def _csv_cell(value: Any) -> str:
    """Text as a spreadsheet shows it, with formula-looking text defused (CSV injection)."""
    if isinstance(value, list) and value and isinstance(value[0], dict):  # history: '2026-11-30: 4.22%; ...'
        value = "; ".join(f"{item['since']}: {item['display']}" for item in value)
    if isinstance(value, list):
        value = "、".join(value)
    text = "" if value is None else str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


ENGLISH_COLUMNS = ["label_en", "value_en", "display_en"]


def _record(fact: Fact, english: Fact | None, history: History) -> dict[str, Any]:
    """One fact's record; with `english` (the fact as the English edition shows it) also its
    English label, text and display."""
    record = fact_record(fact, history.get(fact.id, ()))
    if english is not None:
        record.update(label_en=english.label, display_en=english.display,
                      value_en=list(english.value) if isinstance(english.value, tuple) else english.value)
    return record


def _per_fact(facts: list[Fact], english: list[Fact] | None, kind: str,
              render: Callable[[dict[str, Any]], str], separator: str, history: History) -> bytes:
    """`render(record)` of every fact, joined by `separator`, in UTF-8, in runs of facts (each
    run a piece of DOWNLOAD_RUN: the preview hands it back, encoded, while its facts are unchanged)."""
    others: list[Fact | None] = list(english) if english else [None] * len(facts)
    parts = []
    for number, (run, other_run) in enumerate(zip(chunks(facts), chunks(others))):
        inputs = (tuple(run), tuple(other_run), tuple(history.get(fact.id) for fact in run))
        parts.append(done(DOWNLOAD_RUN((kind, number), inputs, functools.partial(
            _joined, run, other_run, render, separator, history))))
    return separator.encode("utf-8").join(parts)


def _joined(run: list[Fact], other_run: list[Fact | None], render: Callable[[dict[str, Any]], str], separator: str,
            history: History) -> bytes:
    return separator.join(render(_record(fact, other, history)) for fact, other in zip(run, other_run)).encode("utf-8")


def render_facts_csv(facts: list[Fact], english: list[Fact] | None = None, history: History | None = None) -> bytes:
    columns = COLUMNS + (ENGLISH_COLUMNS if english else [])

    def line(record: dict[str, Any]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow([_csv_cell(record.get(column)) for column in columns])
        return buffer.getvalue()

    header = line({column: column for column in columns})
    kind = "csv-row-en" if english else "csv-row"
    return ("\ufeff" + header).encode("utf-8") + _per_fact(facts, english, kind, line, "", history or {})


def render_facts_json(facts: list[Fact], sources: dict[str, Source], english: list[Fact] | None = None,
                      history: History | None = None) -> bytes:
    """{"sources": [...], "facts": [...]}, indented by one space; each fact's part is made once
    and placed at the depth it sits at, so the result is exactly json.dumps of the whole."""
    document = {
        "sources": [{"id": s.id, "title": s.title, "publisher": s.publisher, "via": s.via, "date": s.date,
                     "url": s.url, **{f"{key}_en": text for key, text in s.english}} for s in sources.values()],
        "facts": [],
    }
    head = json.dumps(document, ensure_ascii=False, indent=1)
    if not facts:
        return (head + "\n").encode("utf-8")

    def part(record: dict[str, Any]) -> str:  # no newline inside a JSON string, so lines are safe to indent
        return "  " + json.dumps(record, ensure_ascii=False, indent=1).replace("\n", "\n  ")

    kind = "json-record-en" if english else "json-record"
    records = _per_fact(facts, english, kind, part, ",\n", history or {})
    return (head.removesuffix("[]\n}") + "[\n").encode("utf-8") + records + b"\n ]\n}\n"


def render_table_csv(table: dict[str, Any]) -> bytes:
    """One chart's data table as CSV (UTF-8 with BOM), the same rows the page shows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(column) for column in table["columns"]])
    for row in table["rows"]:
        writer.writerow([_csv_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
