"""The set-aside file of an archived source (`sources/NAME.setaside.yaml` next to
`sources/NAME.txt`): numbers of the source that are not facts, each with a fragment and a reason.
Reading it; whether it accounts for the source is check/coverage.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from kejiquan_site.diagnostics import Diagnostic, Location
from kejiquan_site.read.fields import FieldSpec, check_fields, describe, not_text
from kejiquan_site.read.yamlread import YamlDoc

SET_ASIDE_SUFFIX = ".setaside.yaml"
SET_ASIDE_FIELDS = {
    "number": FieldSpec(lambda v: "" if isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip()
                        else f"got {describe(v)}", "the number as the source writes it, such as 2026 or 三地",
                        required=True),
    "fragment": FieldSpec(not_text, "a short fragment copied from the source that contains the number",
                          required=True),
    "reason": FieldSpec(not_text, "why the number is not a fact, in a few words", required=True),
}


def set_aside_path(archive: str) -> str:
    """Where the set-aside list of an archive is: sources/NAME.txt -> sources/NAME.setaside.yaml."""
    path = PurePosixPath(archive)
    return str(path.with_name(path.stem + SET_ASIDE_SUFFIX))


@dataclass(frozen=True)
class SetAside:
    number: str
    fragment: str
    reason: str
    location: Location


def parse_set_asides(doc: YamlDoc) -> tuple[tuple[SetAside, ...], list[Diagnostic]]:
    """The entries of a set-aside file: a list of number, fragment and reason."""
    if doc.data is None:
        return (), []
    if not isinstance(doc.data, list):
        return (), [doc.error_at((), f"a set-aside file must be a list of entries, got {describe(doc.data)}",
                                 "entries such as '- number: 2026' with 'fragment:' and 'reason:' below")]
    entries: list[SetAside] = []
    problems: list[Diagnostic] = []
    for index, body in enumerate(doc.data):
        found = check_fields(doc, (index,), body, SET_ASIDE_FIELDS, f"set-aside entry {index + 1}")
        problems += found
        if not found:
            where = Location(doc.path, *doc.value_at(index, "number"))
            entries.append(SetAside(str(body["number"]).strip(), body["fragment"], body["reason"], where))
    return tuple(entries), problems
