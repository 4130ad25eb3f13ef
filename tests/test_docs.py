"""The README is the editors' guide: it fails here when a field, unit, qualifier, shortcode or
command is missing from it."""

from __future__ import annotations

import re

import pytest

from helpers import REPO
from kejiquan_site.charts import CHART_FIELDS, CHART_TYPES, ITEM_FIELDS, LINE_FIELDS
from kejiquan_site.cli import _parser
from kejiquan_site.config import SITE_FIELDS
from kejiquan_site.coverage import SET_ASIDE_FIELDS
from kejiquan_site.facts import FACT_FIELDS, SOURCE_FIELDS
from kejiquan_site.formatting import QUALIFIERS, UNITS
from kejiquan_site.markdown_ext import DIRECTIVES, ROLE
from kejiquan_site.pages import PAGE_FIELDS

README = (REPO / "README.md").read_text(encoding="utf-8")


def _documented(name: str) -> bool:
    """In a code span, or as a key in one of the README's YAML examples."""
    in_code_span = re.search(rf"`[^`\n]*\b{re.escape(name)}\b[^`\n]*`", README)
    in_example = re.search(rf"^\s*(- )?{re.escape(name)}:", README, re.M)
    return bool(in_code_span or in_example)


@pytest.mark.parametrize("field", sorted({*FACT_FIELDS, *SOURCE_FIELDS, *SITE_FIELDS, *PAGE_FIELDS,
                                          *CHART_FIELDS, *ITEM_FIELDS, *LINE_FIELDS, *SET_ASIDE_FIELDS}))
def test_docs_every_field_is_documented(field):
    assert _documented(field), f"README does not document the field '{field}'"


@pytest.mark.parametrize("name", sorted({*UNITS, *QUALIFIERS, *CHART_TYPES}))
def test_docs_every_unit_qualifier_and_chart_type_is_documented(name):
    assert re.search(rf"^\| `{name}` \|", README, re.M) or _documented(f"type: {name}") or \
        _documented(name), f"README does not document '{name}'"


@pytest.mark.parametrize("directive", DIRECTIVES)
def test_docs_every_directive_is_documented(directive):
    assert "{" + directive + "}" in README


def test_docs_every_role_is_documented():
    for role in re.findall(r"\(([a-z|]+)\)", ROLE.pattern)[0].split("|"):
        assert "{" + role + "}`" in README


def test_docs_every_command_and_make_target_is_documented():
    commands = _parser()._subparsers._group_actions[0].choices
    for name, command in commands.items():
        assert f"`kejiquan {name}" in README, name
        for action in command._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag not in ("--help", "--debug"):
                    assert flag in README, f"{name} {flag}"
    for target in re.findall(r"^([a-z]+):", (REPO / "Makefile").read_text(), re.M):
        if target not in ("setup", "clean", "plotly"):
            assert f"make {target}" in README, target


def test_docs_every_updates_log_field_is_documented():
    from kejiquan_site.updates import ENTRY_FIELDS, KINDS

    for field in ENTRY_FIELDS:
        assert _documented(field), field
    for kind in KINDS:
        assert kind in README, kind
    assert "## When a number changes" in README
