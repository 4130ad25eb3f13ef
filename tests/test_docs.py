"""The editors' guide (docs/editors-guide.md) documents the content model: these tests fail when a
field, unit, qualifier, directive, role or command is missing from it. The README stays a short
front page whose links lead somewhere; publishing.md's nginx block sends the build's policy."""

from __future__ import annotations

import re

import pytest

from helpers import REPO
from kejiquan_site.cli import _parser
from kejiquan_site.markdown.extensions import DIRECTIVES, ROLE
from kejiquan_site.model.formatting import QUALIFIERS, UNITS
from kejiquan_site.read.charts import CHART_FIELDS, CHART_TYPES, ITEM_FIELDS, LINE_FIELDS
from kejiquan_site.read.config import SITE_FIELDS
from kejiquan_site.read.facts import FACT_FIELDS, SOURCE_FIELDS
from kejiquan_site.read.pages import PAGE_FIELDS
from kejiquan_site.read.setasides import SET_ASIDE_FIELDS
from kejiquan_site.render.discovery import CONTENT_SECURITY_POLICY

README = (REPO / "README.md").read_text(encoding="utf-8")
GUIDE = (REPO / "docs" / "editors-guide.md").read_text(encoding="utf-8")
DOCS = {path.relative_to(REPO).as_posix(): path.read_text(encoding="utf-8")
        for path in [REPO / "README.md", REPO / "CHANGELOG.md", *sorted((REPO / "docs").glob("*.md"))]}


def _documented(name: str) -> bool:
    """In a code span, or as a key in one of the guide's YAML examples."""
    in_code_span = re.search(rf"`[^`\n]*\b{re.escape(name)}\b[^`\n]*`", GUIDE)
    in_example = re.search(rf"^\s*(- )?{re.escape(name)}:", GUIDE, re.M)
    return bool(in_code_span or in_example)


@pytest.mark.parametrize("field", sorted({*FACT_FIELDS, *SOURCE_FIELDS, *SITE_FIELDS, *PAGE_FIELDS,
                                          *CHART_FIELDS, *ITEM_FIELDS, *LINE_FIELDS, *SET_ASIDE_FIELDS}))
def test_docs_every_field_is_documented(field):
    assert _documented(field), f"docs/editors-guide.md does not document the field '{field}'"


@pytest.mark.parametrize("name", sorted({*UNITS, *QUALIFIERS, *CHART_TYPES}))
def test_docs_every_unit_qualifier_and_chart_type_is_documented(name):
    assert re.search(rf"^\| `{name}` \|", GUIDE, re.M) or _documented(f"type: {name}") or \
        _documented(name), f"docs/editors-guide.md does not document '{name}'"


@pytest.mark.parametrize("directive", DIRECTIVES)
def test_docs_every_directive_is_documented(directive):
    assert "{" + directive + "}" in GUIDE


def test_docs_every_role_is_documented():
    for role in re.findall(r"\(([a-z|]+)\)", ROLE.pattern)[0].split("|"):
        assert "{" + role + "}`" in GUIDE


def test_docs_every_command_and_make_target_is_documented():
    commands = _parser()._subparsers._group_actions[0].choices
    for name, command in commands.items():
        assert f"`kejiquan {name}" in GUIDE, name
        for action in command._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag not in ("--help", "--debug"):
                    assert flag in GUIDE, f"{name} {flag}"
    for target in re.findall(r"^([a-z][a-z-]*):", (REPO / "Makefile").read_text(), re.M):
        if target not in ("setup", "clean", "plotly-js"):
            assert f"make {target}" in README, target


def test_docs_every_updates_log_field_is_documented():
    from kejiquan_site.read.updates import KINDS, entry_fields

    for field in entry_fields():
        assert _documented(field), field
    for kind in KINDS:
        assert kind in GUIDE, kind
    assert "## When a number changes" in GUIDE


def test_docs_readme_is_a_short_front_page():
    """The two commands at the very top, a screenshot, and a link to each reader's document."""
    assert len(README.splitlines()) <= 120
    assert README.index("make site") < README.index("make test") < 300
    for target in ("docs/editors-guide.md", "docs/publishing.md", "docs/development.md", "CHANGELOG.md",
                   "docs/story-375.png"):
        assert f"({target})" in README or f'src="{target}"' in README, target


def test_docs_guide_starts_with_a_quick_start_and_a_first_edit():
    headings = re.findall(r"^## (.+)$", GUIDE, re.M)
    assert headings[:2] == ["Quick start", "Your first edit, step by step"]
    assert {"Commands", "The content model", "What the checks catch", "When a number changes"} <= set(headings)


@pytest.mark.parametrize("name", sorted(DOCS))
def test_docs_relative_links_lead_to_files_and_headings(name):
    """Every relative link of the README and the docs names a file that exists, and a #part of a
    Markdown file names one of its headings (GitHub's anchors)."""
    here = (REPO / name).parent
    prose = re.sub(r"`[^`\n]*`", "", re.sub(r"(?ms)^(```|~~~).*?^\1", "", DOCS[name]))  # examples are not links
    for target in re.findall(r"\]\(([^)\s]+)\)|src=\"([^\"]+)\"", prose):
        link = target[0] or target[1]
        if re.match(r"[a-z]+:", link):
            continue
        path, _, anchor = link.partition("#")
        file = (here / path).resolve() if path else REPO / name
        assert file.exists(), f"{name}: {link}"
        if anchor and file.suffix == ".md":
            text = file.read_text(encoding="utf-8")
            anchors = {_anchor(heading) for heading in re.findall(r"^#+ (.+)$", text, re.M)}
            assert anchor in anchors, f"{name}: {link}"


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_docs_nginx_block_sends_the_builds_policy_and_headers():
    """Also checked with nginx running (test_nginx.py); this one holds where nginx is missing."""
    [block] = re.findall(r"^```nginx\n(.*?)^```", DOCS["docs/publishing.md"], re.S | re.M)
    assert f'add_header Content-Security-Policy "{CONTENT_SECURITY_POLICY}" always;' in block
    assert "add_header X-Content-Type-Options nosniff always;" in block
