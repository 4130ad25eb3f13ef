"""The updates log, `content/updates.yaml`: each public change of a published fact, dated, as an
update or a correction, with a note in each edition. Here: reading the log, and checking it
against the record of what was published (published.py) and today's facts, so that no published
fact changes silently and no entry claims a change that did not happen.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kejiquan_site.diagnostics import Diagnostic, Location, did_you_mean
from kejiquan_site.read.facts import Fact
from kejiquan_site.read.fields import FieldSpec, check_fields, describe, not_text
from kejiquan_site.read.published import Record, Version, date_expected, not_date, today
from kejiquan_site.read.yamlread import YamlDoc

LOG_FILE = "updates.yaml"
KINDS = {"update": "update", "correction": "correction", "更新": "update", "更正": "correction"}
ENTRY_EXAMPLE = ("an entry in content/updates.yaml such as\n"
                 "    - date: \"{date}\"\n      kind: update          # or correction\n"
                 "      facts: [{fact}]\n      note: 新数据\n      note_en: new data")

WITHDRAWAL_EXAMPLE = ("the fact back in content/facts/ (under its old id, if it was renamed), or an entry in "
                      "content/updates.yaml saying it was withdrawn, such as\n"
                      "    - date: \"{date}\"\n      kind: correction      # or update\n"
                      "      facts: [{fact}]\n      note: 原文并无此说法\n      note_en: the source does not say so")


def _fact_list(value: Any) -> str:
    if not isinstance(value, list) or not value:
        return f"got {describe(value)}"
    bad = [item for item in value if not isinstance(item, str)]
    return f"the list holds {describe(bad[0])}" if bad else ""


def entry_fields() -> dict[str, FieldSpec]:
    """What an entry of the log may hold (its date suggested as today's)."""
    return {
        "date": FieldSpec(not_date, date_expected() + ", the day readers see the change", required=True),
        "kind": FieldSpec(lambda v: "" if v in KINDS else f"got {describe(v)}",
                          "update (更新: new information) or correction (更正: the published value was wrong)",
                          required=True),
        "facts": FieldSpec(_fact_list, "a list of the fact ids that changed, such as [rd.jjj_2024]", required=True),
        "note": FieldSpec(not_text, "a short note for readers: why it changed, such as 新数据", required=True),
        "note_en": FieldSpec(not_text, "the note in English, for the English edition"),
    }


@dataclass(frozen=True)
class Entry:
    """One entry of the log as written."""

    date: str
    kind: str  # "update" or "correction"
    fact_ids: tuple[str, ...]
    note: str
    note_en: str
    location: Location
    fact_locations: tuple[Location, ...]


@dataclass(frozen=True)
class Change:
    """One fact of an entry: how readers saw it before and after, in each edition."""

    fact_id: str
    label: tuple[str, str]  # (Chinese, English)
    before: tuple[str, str]
    after: tuple[str, str]
    pending: bool = False  # not yet in the record: 'kejiquan publish' dates its new version by the entry


@dataclass(frozen=True)
class Update:
    """An entry as readers see it: its changes resolved from the record and the facts, and every
    fact it touches (its own and the derived facts computed from them)."""

    anchor: str  # update-2027-03-02-1: stable while entries are added
    date: str
    kind: str
    note: str
    note_en: str
    changes: tuple[Change, ...]
    touches: frozenset[str]
    withdrawn: tuple[str, ...] = ()  # published facts this entry takes back (no longer among the facts)


def parse_log(doc: YamlDoc) -> tuple[list[Entry], list[Diagnostic]]:
    """The entries of the already parsed updates.yaml (an empty list is fine: `[]`)."""
    if doc.data is None or doc.data == []:
        return [], []
    if not isinstance(doc.data, list):
        return [], [doc.error_at((), f"updates.yaml must be a list of entries, got {describe(doc.data)}",
                                 "'[]' while nothing has changed, then entries starting with '- date:'")]
    entries, problems, fields = [], [], entry_fields()
    for index, body in enumerate(doc.data):
        found = check_fields(doc, (index,), body, fields, "an entry of updates.yaml")
        problems += found
        if found:
            continue
        where = [Location(doc.path, *doc.value_at(index, "facts", number)) for number in range(len(body["facts"]))]
        entries.append(Entry(body["date"], KINDS[body["kind"]], tuple(item.strip() for item in body["facts"]),
                             body["note"].strip(), (body.get("note_en") or "").strip(),
                             Location(doc.path, *doc.key_at(index)), tuple(where)))
    return entries, problems


def _dependents(facts: dict[str, Fact]) -> dict[str, set[str]]:
    """fact id -> the derived facts computed from it, directly or through other derived facts."""
    direct: dict[str, set[str]] = {}
    for fact in facts.values():
        for input_id in fact.inputs:
            direct.setdefault(input_id, set()).add(fact.id)
    closed: dict[str, set[str]] = {}
    for fact_id in direct:
        seen, pending = set(), list(direct[fact_id])
        while pending:
            current = pending.pop()
            if current not in seen:
                seen.add(current)
                pending += direct.get(current, ())
        closed[fact_id] = seen
    return closed


def _shown(fact: Fact) -> tuple[str, str]:
    return fact.display, fact.in_language("en").display


def _change(fact: Fact, before: Version, after: Version | None) -> Change:
    new = after.as_fact(fact) if after else fact
    return Change(fact.id, (fact.label, fact.label_en or fact.label), _shown(before.as_fact(fact)), _shown(new),
                  pending=after is None)


def check_log(entries: list[Entry], record: Record | None, facts: dict[str, Fact],
              unusable: Callable[[str], bool] = lambda _: False) -> tuple[tuple[Update, ...], list[Diagnostic]]:
    """The updates readers see, and the problems: an entry about a fact that does not exist or
    did not change (errors), a published fact changed, deleted or renamed without an entry (a
    warning, an error with --strict). Without a record nothing is published yet, so there is nothing to check.
    Facts for which `unusable` is true have errors of their own: they, and the derived facts
    computed from them, are left out (not changed, not withdrawn, not an entry's fact to resolve)."""
    if record is None:
        return (), [Diagnostic(entry.location, "nothing has been published yet (there is no content/published.yaml), "
                               "so no fact can have changed", "no entries until 'kejiquan publish' has recorded "
                               "what readers saw: 'updates.yaml' holding '[]'") for entry in entries]
    dependents = _dependents(facts)
    left_out = _left_out(facts, dependents, unusable)
    pending: dict[str, Version] = {}
    for fact_id, fact in facts.items():
        latest = record.latest(fact_id)
        if latest is not None and latest.differs_from(fact) and fact_id not in left_out:
            pending[fact_id] = latest
    claimed: dict[str, Location] = {}
    taken_back: dict[str, Location] = {}  # published facts withdrawn by an entry
    updates, problems = [], []
    for entry in entries:
        changes, withdrawn = [], []
        for fact_id, where in zip(entry.fact_ids, entry.fact_locations):
            if fact_id in left_out or unusable(fact_id):
                continue
            if fact_id not in facts and fact_id in record.facts:
                problem = _withdrawal(fact_id, where, entry, record, taken_back)
                withdrawn += [] if problem else [fact_id]
                change = None
            else:
                change, problem = _resolve(fact_id, where, entry, record, facts, pending, claimed)
            if problem:
                problems.append(problem)
            elif change:
                changes.append(change)
        if changes or withdrawn:
            touched = {change.fact_id for change in changes}
            touched |= {d for change in changes for d in dependents.get(change.fact_id, ())}
            updates.append(Update("", entry.date, entry.kind, entry.note, entry.note_en or entry.note,
                                  tuple(changes), frozenset(touched), tuple(withdrawn)))
    covered = set(pending) | set(claimed)  # a derived fact changes with its inputs: theirs is the entry
    covered = {d for fact_id in covered if not facts[fact_id].derived for d in dependents.get(fact_id, ())}
    for fact_id, before in pending.items():
        if fact_id not in covered and fact_id not in claimed:
            problems.append(_silent_change(facts[fact_id], before, record))
    named = {fact_id for entry in entries for fact_id in entry.fact_ids}  # a wrong entry has its own error
    problems += [_silent_withdrawal(fact_id, record) for fact_id in record.facts
                 if fact_id not in facts and fact_id not in named and not unusable(fact_id)]
    return _anchored(updates), problems


def _left_out(facts: dict[str, Fact], dependents: dict[str, set[str]], unusable: Callable[[str], bool]) -> set[str]:
    """The facts whose change would follow from an unusable one: it, and what is computed from it."""
    left_out = {fact_id for fact_id in facts if unusable(fact_id)}
    return left_out | {d for fact_id in left_out for d in dependents.get(fact_id, ())}


def _withdrawal(fact_id: str, where: Location, entry: Entry, record: Record, taken_back: dict[str, Location]
                ) -> Diagnostic | None:
    """An entry's fact that was published and is no longer among the facts: taken back, once,
    on or after the day it was last published."""
    if fact_id in taken_back:
        return Diagnostic(where, f"the withdrawal of '{fact_id}' already has an entry (line {taken_back[fact_id].line})",
                          "one entry per fact and change")
    last = record.facts[fact_id][-1].date
    if entry.date < last:
        return Diagnostic(where, f"'{fact_id}' was last published on {last}, after this entry's date {entry.date}",
                          f"the date readers see it withdrawn, {last} or later")
    taken_back[fact_id] = where
    return None


def _silent_withdrawal(fact_id: str, record: Record) -> Diagnostic:
    """A published fact deleted (or renamed) without an entry: located at its record."""
    last = record.facts[fact_id][-1].date
    where = record.places.get(fact_id, Location(record.path))
    return Diagnostic(where, f"'{fact_id}' was published on {last} and is no longer among the facts (deleted or "
                      "renamed), and content/updates.yaml has no entry for it: a published fact may not disappear "
                      "silently", WITHDRAWAL_EXAMPLE.format(fact=fact_id, date=today()), "warning")


def _resolve(fact_id: str, where: Location, entry: Entry, record: Record, facts: dict[str, Fact],
             pending: dict[str, Version], claimed: dict[str, Location]) -> tuple[Change | None, Diagnostic | None]:
    """An entry's fact as a change: not yet published (the record's last version against today's
    fact) or published on the entry's date (two versions of the record)."""
    if fact_id not in facts:
        return None, Diagnostic(where, f"unknown fact '{fact_id}'{did_you_mean(fact_id, list(facts))}",
                                "the id of a fact in content/facts/, such as 'rd.jjj_2024'")
    fact = facts[fact_id]
    if fact_id in pending and fact_id not in claimed and entry.date >= record.date:
        claimed[fact_id] = where
        return _change(fact, pending[fact_id], None), None
    if fact_id in pending and fact_id in claimed:
        return None, Diagnostic(where, f"the change of '{fact_id}' already has an entry (line {claimed[fact_id].line})",
                                "one entry per fact and change")
    versions = record.facts.get(fact_id, ())
    for before, after in itertools.pairwise(versions):
        if after.date == entry.date:
            return _change(fact, before, after), None
    latest = record.latest(fact_id)
    if latest is None:
        return None, Diagnostic(where, f"'{fact_id}' has never been published, so it has not changed",
                                "only facts that readers have seen (in content/published.yaml) have updates")
    if fact_id in pending:
        return None, Diagnostic(where, f"'{fact_id}' changed after the last publication ({record.date}), but this "
                                f"entry is dated {entry.date}", f"the date readers see the change, {record.date} or later")
    return None, Diagnostic(where, f"'{fact_id}' has not changed: it is {fact.display}, as published on {latest.date}",
                            "only facts whose value, qualifier, period or source changed")


def _silent_change(fact: Fact, before: Version, record: Record) -> Diagnostic:
    old = before.as_fact(fact)
    what = [key for key in ("value", "qualifier", "period", "source") if getattr(before, key) != getattr(fact, key)]
    shown = f"{old.display} -> {fact.display}" if old.display != fact.display else \
        f"{what[0]} '{getattr(before, what[0])}' -> '{getattr(fact, what[0])}'"
    where = (fact.formula_at or fact.location) if fact.derived else (fact.value_at or fact.location)
    return Diagnostic(where, f"'{fact.id}' changed since it was published on {before.date} ({shown}), and "
                      "content/updates.yaml has no entry for it: a published fact may not change silently",
                      ENTRY_EXAMPLE.format(fact=fact.id, date=today()), "warning")


def _anchored(updates: list[Update]) -> tuple[Update, ...]:
    """Newest first; each with an anchor made of its date and its place among that day's entries."""
    per_day: dict[str, int] = {}
    named = []
    for update in updates:
        per_day[update.date] = per_day.get(update.date, 0) + 1
        named.append(dataclasses.replace(update, anchor=f"update-{update.date}-{per_day[update.date]}"))
    return tuple(sorted(named, key=lambda u: (u.date, u.anchor), reverse=True))


def entry_dates(updates: tuple[Update, ...]) -> dict[str, str]:
    """fact id -> the date of the entry that covers its change not yet published (for publish)."""
    return {change.fact_id: update.date for update in updates for change in update.changes if change.pending}
