"""The Markdown extensions (roles, directives, links, images), one fixture file each, in the style
of mdit-py-plugins: `tests/fixtures/markdown/NAME.md` holds cases of a title, then the Markdown and
the HTML it renders to, each ended by a line holding a single '.'. The build's callbacks are
replaced by markers that show what they were given."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from kejiquan_site.markdown.extensions import DirectiveItem, make_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
MD = make_markdown()


def _role(role: str, fact_id: str) -> str:
    return f'<span role-{role}="{escape(fact_id)}"></span>'


def _directive(name: str, argument: str, items: list[DirectiveItem]) -> str:
    shown = "".join(f'<li ids="{" ".join(item.ids)}" line="{item.line}">{escape(item.text)}</li>' for item in items)
    return f'<div directive="{name}" argument="{escape(argument)}">{shown}</div>\n'


def _image(name: str, alt: str) -> str:
    return f'<img page-image="{escape(name)}" alt="{escape(alt)}">'


def render(source: str) -> str:
    """The HTML of `source`, rendered as a page one folder down (links from '../')."""
    env = {"root": "../", "render_role": _role, "render_directive": _directive, "render_image": _image}
    return MD.render(source, env)


def read_fixtures(path: Path) -> list[tuple[str, str, str]]:
    """(title, Markdown, expected HTML) of each case of a fixture file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases, index = [], 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        title = lines[index]
        assert lines[index + 1] == ".", f"{path.name}: '.' expected after the title '{title}'"
        end = lines.index(".", index + 2)
        source = "\n".join(lines[index + 2:end]) + "\n"
        close = lines.index(".", end + 1)
        expected = "\n".join(lines[end + 1:close]) + "\n"
        cases.append((title, source, expected))
        index = close + 1
    return cases


CASES = [pytest.param(source, expected, id=f"{path.stem}: {title}")
         for path in sorted(FIXTURES.glob("*.md")) for title, source, expected in read_fixtures(path)]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_markdown_fixture(source, expected):
    assert render(source) == expected


def test_markdown_fixtures_cover_every_extension():
    assert {path.stem for path in FIXTURES.glob("*.md")} == {"roles", "directives", "links", "images"}
