"""What was published: `content/published.yaml`, the facts as readers last saw them, each with
the earlier values it had and when. Only `kejiquan publish` writes it (`next_record`,
`render_record`); every build reads it to tell a changed fact from an unchanged one.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kejiquan_site.diagnostics import Diagnostic, Location
from kejiquan_site.read.facts import Fact
from kejiquan_site.read.fields import FieldSpec, check_fields, describe
from kejiquan_site.read.yamlread import YamlDoc, needs_quotes
from kejiquan_site.reuse.memo import Operation, chunks, done

RECORD_FILE = "published.yaml"
COMPARED = ("value", "qualifier", "period", "source")  # a change in any of these must be logged


@dataclass(frozen=True)
class Version:
    """One published state of a fact: its value and what qualifies it, from `date` on."""

    date: str
    value: Any
    qualifier: str = "exact"
    period: str = ""
    source: str = ""
    value_en: Any = None

    def differs_from(self, fact: Fact) -> bool:
        """Whether `fact` (as written, in Chinese) is not what this version recorded."""
        return any(getattr(self, key) != getattr(fact, key) for key in COMPARED)

    def as_fact(self, fact: Fact) -> Fact:
        """`fact` as it was in this version: shown by the same formatting code as today's value."""
        return dataclasses.replace(fact, value=self.value, qualifier=self.qualifier, period=self.period,
                                   source=self.source, value_en=self.value_en if self.value_en is not None
                                   else fact.value_en)


@dataclass(frozen=True)
class Record:
    """content/published.yaml: the date of the last `kejiquan publish` and each fact's versions,
    oldest first (the last is what readers were last shown)."""

    date: str
    facts: dict[str, tuple[Version, ...]]
    path: str
    places: Mapping[str, Location] = dataclasses.field(default_factory=dict)  # fact id -> its key in the file

    def latest(self, fact_id: str) -> Version | None:
        versions = self.facts.get(fact_id)
        return versions[-1] if versions else None


def today() -> str:
    """Today's date as the record and the log write dates: the date messages suggest (as `hugo new`
    dates a new page), so an editor who copies it never dates a change in the future."""
    return datetime.date.today().isoformat()


def date_expected() -> str:
    return f'a date written as "{today()}"'


def not_date(value: Any) -> str:
    """'' for a date written as 2027-03-02, else what was given instead."""
    ok = isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    return "" if ok else f"got {describe(value)}"


def _version_fields() -> dict[str, FieldSpec]:
    """What a version of a fact in the record may hold."""
    return {
        "date": FieldSpec(not_date, date_expected(), required=True),
        "value": FieldSpec(lambda v: "" if v is not None else "got nothing", "the published value", required=True),
        "qualifier": FieldSpec(lambda v: "" if isinstance(v, str) else f"got {describe(v)}", "a qualifier"),
        "period": FieldSpec(lambda v: "" if isinstance(v, str) else f"got {describe(v)}", "a quoted period"),
        "source": FieldSpec(lambda v: "" if isinstance(v, str) else f"got {describe(v)}", "a source id"),
        "value_en": FieldSpec(lambda v: "" if isinstance(v, (str, list)) else f"got {describe(v)}", "the English text"),
    }


FACT_LINES = Operation("run of fingerprinted facts")  # by (facts or versions, number of the run)
WRITTEN_BY = "a file written by 'kejiquan publish'; run it again rather than editing the file"


def parse_record(doc: YamlDoc) -> tuple[Record | None, list[Diagnostic]]:
    """The record from the already parsed published.yaml."""
    data = doc.data
    if not isinstance(data, dict) or set(data) != {"published", "facts"} or not isinstance(data["facts"], dict):
        return None, [doc.error_at((), "published.yaml must hold 'published:' and 'facts:'", WRITTEN_BY)]
    problems = [doc.error_at(("published",), f"'published' must be {date_expected()}, {not_date(data['published'])}",
                             WRITTEN_BY)] if not_date(data["published"]) else []
    facts: dict[str, tuple[Version, ...]] = {}
    fields = _version_fields()
    for fact_id, versions in data["facts"].items():
        if not isinstance(versions, list) or not versions:
            problems.append(doc.error_at(("facts", fact_id), f"the record of '{fact_id}' must be a list of "
                                         f"versions, got {describe(versions)}", WRITTEN_BY))
            continue
        found = [p for index, body in enumerate(versions)
                 for p in check_fields(doc, ("facts", fact_id, index), body, fields, f"a version of '{fact_id}'")]
        problems += found
        if not found:
            facts[fact_id] = tuple(Version(body["date"], _frozen(body["value"]), body.get("qualifier", "exact"),
                                           body.get("period", ""), body.get("source", ""),
                                           _frozen(body.get("value_en"))) for body in versions)
    places = {fact_id: Location(doc.path, *doc.key_at("facts", fact_id)) for fact_id in facts}
    return (None if problems else Record(data["published"], facts, doc.path, places)), problems


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def version_of(fact: Fact, date: str) -> Version:
    return Version(date, fact.value, fact.qualifier, fact.period, fact.source,
                   fact.value_en if not fact.is_number else None)


def next_record(facts: dict[str, Fact], record: Record | None, date: str, dated: dict[str, str]) -> Record:
    """The record after publishing `facts` on `date`: a fact that changed gets a new version,
    dated by the log entry that covers it (`dated`: fact id -> entry date) or else `date`; its
    earlier versions stay, as its history. Facts no longer in the story keep their record."""
    kept = dict(record.facts) if record else {}
    for fact_id, fact in facts.items():
        latest = record.latest(fact_id) if record else None
        if latest is None or latest.differs_from(fact):
            kept[fact_id] = kept.get(fact_id, ()) + (version_of(fact, dated.get(fact_id, date)),)
    return Record(date, dict(sorted(kept.items())), record.path if record else RECORD_FILE)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # the reader refuses anchors and aliases
        return True


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """A text in single quotes when the reader would read it plain as something else ('y', '1e3')
    or find a stray quote in it; PyYAML quotes by YAML 1.1's rules, which are not quite ours."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="'" if needs_quotes(text) else None)


_Dumper.add_representer(str, _text)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def render_record(record: Record) -> str:
    """published.yaml as `kejiquan publish` writes it (sorted, so diffs stay small)."""
    facts: dict[str, list[Any]] = {}
    for fact_id, versions in record.facts.items():
        facts[fact_id] = []
        for version in versions:
            body: dict[str, Any] = {"date": version.date, "value": _plain(version.value)}
            if version.qualifier != "exact":
                body["qualifier"] = version.qualifier
            for key in ("period", "source"):
                if getattr(version, key):
                    body[key] = getattr(version, key)
            if version.value_en is not None:
                body["value_en"] = _plain(version.value_en)
            facts[fact_id].append(body)
    head = (f"# The facts as readers last saw them, published {record.date}, with their earlier values.\n"
            "# Written by 'kejiquan publish': do not edit by hand (see README, \"When a number changes\").\n")
    return head + yaml.dump({"published": record.date, "facts": facts}, Dumper=_Dumper, allow_unicode=True,
                            sort_keys=False, default_flow_style=False, width=1000)


History = dict[str, tuple[tuple[str, Any, str, str], ...]]


def fact_histories(facts: dict[str, Fact], record: Record | None) -> History:
    """fact id -> its earlier published values, oldest first, as (date it was published from,
    value, Chinese display, English display): every recorded version but the one readers see
    today. `facts` as written (the Chinese edition's)."""
    histories: History = {}
    for fact_id, fact in facts.items():
        versions = record.facts.get(fact_id, ()) if record else ()
        if versions and not versions[-1].differs_from(fact):
            versions = versions[:-1]
        if versions:
            histories[fact_id] = tuple((v.date, _plain(v.value), v.as_fact(fact).display,
                                        v.as_fact(fact).in_language("en").display) for v in versions)
    return histories


def _fact_line(fact_id: str, item: Version | Fact) -> bytes:
    return (json.dumps([fact_id, _plain(item.value), item.qualifier, item.period, item.source],
                       ensure_ascii=False) + "\n").encode("utf-8")


def _fact_lines(ids: list[str], run: tuple[Version | Fact, ...]) -> bytes:
    return b"".join(_fact_line(key, item) for key, item in zip(ids, run))


def facts_hash(versions: Mapping[str, Version | Fact]) -> str:
    """A fingerprint of the facts' values, the same for the facts and their published record:
    SHA-256 over one line per fact in id order (runs of lines are FACT_LINES the preview hands back)."""
    digest = hashlib.sha256()
    ordered = sorted(versions)
    for number, ids in enumerate(chunks(ordered)):
        run = tuple(versions[key] for key in ids)
        digest.update(done(FACT_LINES((type(run[0]).__name__, number), (tuple(ids), run), functools.partial(
            _fact_lines, ids, run))))
    return digest.hexdigest()


def write_record(path: Path, text: str) -> None:
    """Replace published.yaml at once: a reader never sees half a record."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def published_version(record: Record | None) -> dict[str, str] | None:
    """{'date', 'hash'} of the last publication, for the footer's data version; None before it."""
    if record is None:
        return None
    return {"date": record.date, "hash": facts_hash({key: versions[-1] for key, versions in record.facts.items()})[:8]}
