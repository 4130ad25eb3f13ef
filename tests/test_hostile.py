"""Hostile input: every kind of input file broken in the ways real files get broken (by tools,
by copy and paste, by accident or on purpose). Each case starts from a site that was built, then
breaks one thing and builds again: exit code 1, a `path:line` message (files that cannot be used
at all are named without a line, like the pinned 'the site configuration is missing'), no
traceback, quickly, and the previous `_site/` byte for byte as it was.

A few inputs only look hostile and must simply work: byte-order marks, CRLF line endings, raw
HTML and `javascript:` links in Markdown, '</script>' in a chart's labels.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import textwrap
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers import MINIMAL, REPO
from kejiquan_site.cli import main

FRONT = "---\ntitle: t\ndescription: d\n---\n\n"
RD = textwrap.dedent(MINIMAL["facts/rd.yaml"]).lstrip("\n")
BARS = textwrap.dedent(MINIMAL["charts/rd_bars.yaml"]).lstrip("\n")
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
# 5,000 list items without digits (an archived source's digits must each be a fact)
LONG_LIST = ["项" + chr(0x72AC + i // 100) + chr(0x72AC + i % 100) for i in range(5000)]


def fact(value: str, unit: str = "number", evidence: str = "x", key: str = "r") -> str:
    return f"{key}:\n  label: r\n  value: {value}\n  unit: {unit}\n  source: demo\n  evidence: '{evidence}'\n"


def derived(formula: str, unit: str = "number") -> str:
    return f"a:\n  label: a\n  formula: {formula}\n  unit: {unit}\n"


def billion_laughs() -> str:
    """Nine levels of nine aliases each: 9^9 = 387 million strings if anything expanded them."""
    lines = ["demo:\n  title: t\n  publisher: p\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]\n")
    return "".join(lines)


def nested_block(depth: int) -> str:
    return "".join("  " * level + "a:\n" for level in range(depth)) + "  " * depth + "b\n"


def symlink(link: str, target: str | Callable[[Path], str]) -> Callable[[Path], None]:
    """Replace `link` (relative to the project folder) by a link to `target` (a path, or made
    from the project folder)."""
    def make(project: Path) -> None:
        path = project / link
        if path.exists() or path.is_symlink():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target(project) if callable(target) else target, path)
    return make


def outside_file(project: Path) -> str:
    secret = project / "secret.yaml"
    secret.write_text("root:\n  label: x\n", encoding="utf-8")
    return str(secret)


def fifo(link: str) -> Callable[[Path], None]:
    """A named pipe at `link`: reading it would wait for a writer forever."""
    def make(project: Path) -> None:
        path = project / link
        if path.exists():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
    return make


def edit_template(name: str, old: str, new: str) -> Callable[[Path], None]:
    def make(project: Path) -> None:
        path = project / "templates" / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return make


def hard_link(link: str, target: Callable[[Path], str]) -> Callable[[Path], None]:
    """Replace `link` by a hard link to a file outside the content (the same file, two names)."""
    def make(project: Path) -> None:
        path = project / link
        path.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.link(target(project), path)
    return make


def write_template(name: str, data: bytes) -> Callable[[Path], None]:
    def make(project: Path) -> None:
        path = project / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return make


@dataclass(frozen=True)
class Hostile:
    """One way to break a built site. `changes` are content files (text, bytes, or None to
    delete); `setup` does what text cannot (links, pipes, templates). `where` is the expected
    `path:line:col` (or only the path, for a file that cannot be used at all) and `message` the
    start of the expected message."""

    changes: dict[str, str | bytes | None]
    where: str
    message: str
    setup: Callable[[Path], None] | None = None
    whole_file: bool = field(default=False)


CASES: dict[str, Hostile] = {
    # --- site.yaml -----------------------------------------------------------------------------
    "site: YAML syntax error": Hostile(
        {"site.yaml": "title: 测试站\ndescription: [unclosed\nlanguage: zh-CN\n"},
        "content/site.yaml:2:14", "the '[' opened here is never closed on its line"),
    "site: tab indentation": Hostile(
        {"site.yaml": "title: a\n\tdescription: b\n"},
        "content/site.yaml:2:1", "a tab character is used for indentation"),
    "site: top-level list instead of a mapping": Hostile(
        {"site.yaml": "- title: a\n- description: b\n"},
        "content/site.yaml:1:1", "site.yaml must be a block of 'key: value' lines, got a list"),
    "site: a number as key": Hostile(
        {"site.yaml": textwrap.dedent(MINIMAL["site.yaml"]).lstrip() + "1: x\n"},
        "content/site.yaml:6:1", "unknown key '1' in site.yaml"),
    "site: a list as key": Hostile(
        {"site.yaml": "[a]: b\n"},
        "content/site.yaml:1:1", "keys must be plain words"),
    "site: terminal escape codes in a key": Hostile(
        {"site.yaml": textwrap.dedent(MINIMAL["site.yaml"]).lstrip() + '"\\e[2J\\e[31mall clear": x\n'},
        "content/site.yaml:6:1", "unknown key '<U+001B>[2J<U+001B>[31mall clear' in site.yaml"),
    "site: missing site config": Hostile(
        {"site.yaml": None}, "content/site.yaml", "the site configuration is missing", whole_file=True),
    "site: empty file": Hostile(
        {"site.yaml": ""}, "content/site.yaml:1:1", "site.yaml must be a block of 'key: value' lines, got nothing"),
    "site: a folder named site.yaml": Hostile(
        {"site.yaml": None}, "content/site.yaml", "this is not a regular file",
        setup=lambda project: (project / "content" / "site.yaml").mkdir(), whole_file=True),
    # --- sources.yaml --------------------------------------------------------------------------
    "sources: empty file": Hostile(
        {"sources.yaml": ""}, "content/sources.yaml:1:1", "sources.yaml must list at least one source by id"),
    "sources: duplicate keys": Hostile(
        {"sources.yaml": "demo:\n  title: a\n  publisher: p\n  title: b\n"},
        "content/sources.yaml:4:3", "duplicate key 'title' (first given on line 2)"),
    "sources: billion laughs alias bomb": Hostile(
        {"sources.yaml": billion_laughs()},
        "content/sources.yaml:5:10", "YAML aliases (*name) are not supported"),
    "sources: a link that points at itself": Hostile(
        {"sources.yaml": None}, "content/sources.yaml", "this file is a link that leads back to itself",
        setup=symlink("content/sources.yaml", "sources.yaml"), whole_file=True),
    "sources: a control character": Hostile(
        {"sources.yaml": "demo:\n  title: 测试\x07报道\n  publisher: p\n"},
        "content/sources.yaml:2:12", "the control character U+0007 is not allowed in YAML"),
    "sources: a python object tag": Hostile(
        {"sources.yaml": "demo:\n  title: !!python/object/apply:os.system [echo hi]\n  publisher: p\n"},
        "content/sources.yaml:2:10", "YAML tag '!!python/object/apply:os.system' is not supported"),
    # --- facts/*.yaml --------------------------------------------------------------------------
    "facts: empty facts folder": Hostile(
        {"facts/rd.yaml": None}, "content/facts", "there are no fact files", whole_file=True),
    "facts: empty fact file": Hostile(
        {"facts/more.yaml": ""}, "content/facts/more.yaml:1:1", "a fact file must hold facts by id, got nothing"),
    "facts: top-level list": Hostile(
        {"facts/more.yaml": "- label: a\n- value: 1\n"},
        "content/facts/more.yaml:1:1", "a fact file must hold facts by id, got a list"),
    "facts: a 50 MB file": Hostile(
        {"facts/more.yaml": b"a: " + b"x" * 50_000_000 + b"\n"},
        "content/facts/more.yaml:1:1", "file is too large (50,000,004 bytes)"),
    "facts: binary bytes": Hostile(
        {"facts/more.yaml": b"r:\n  label: \x00\x01\x02\xff\n"},
        "content/facts/more.yaml:2:1", "this is not a text file (it contains NUL bytes)"),
    "facts: Latin-1 instead of UTF-8": Hostile(
        {"facts/more.yaml": "r:\n  label: café\n".encode("latin-1")},
        "content/facts/more.yaml:2:13", "the file is not valid UTF-8 text"),
    "facts: negative infinity": Hostile(
        {"facts/more.yaml": fact("-.inf")}, "content/facts/more.yaml:3:10", "'-.inf' is not a finite number"),
    "facts: a 5,000-digit number": Hostile(
        {"facts/more.yaml": fact("9" * 5000)}, "content/facts/more.yaml:3:10",
        "'9999999999999999999999999999999999999...' is too large to be a real figure"),
    "facts: negative rank": Hostile(
        {"facts/more.yaml": fact("-1", "rank", "第-1")}, "content/facts/more.yaml:3:10",
        "a rank must be 1 or more, got -1"),
    "facts: fractional rank": Hostile(
        {"facts/more.yaml": fact("2.5", "rank", "第2.5")}, "content/facts/more.yaml:3:10",
        "a rank must be a whole number, got 2.5"),
    "facts: a link to /etc/passwd": Hostile(
        {}, "content/facts/passwd.yaml", "this file links to a place outside the content folder",
        setup=symlink("content/facts/passwd.yaml", "/etc/passwd"), whole_file=True),
    "facts: a link to a file outside content": Hostile(
        {}, "content/facts/secret.yaml", "this file links to a place outside the content folder",
        setup=symlink("content/facts/secret.yaml", outside_file), whole_file=True),
    "facts: a named pipe": Hostile(
        {}, "content/facts/pipe.yaml", "this is not a regular file", setup=fifo("content/facts/pipe.yaml"), whole_file=True),
    "facts: id with ../": Hostile(
        {"facts/more.yaml": fact("1", key="../etc")}, "content/facts/more.yaml:1:1", "fact id '../etc' is not allowed"),
    "facts: id with a slash": Hostile(
        {"facts/more.yaml": fact("1", key="a/b")}, "content/facts/more.yaml:1:1", "fact id 'a/b' is not allowed"),
    "facts: id with a space": Hostile(
        {"facts/more.yaml": fact("1", key="'a b'")}, "content/facts/more.yaml:1:1", "fact id 'a b' is not allowed"),
    "facts: id with a right-to-left override": Hostile(
        {"facts/more.yaml": fact("1", key=f"ab{RLO}c")}, "content/facts/more.yaml:1:1",
        "fact id 'ab<U+202E>c' is not allowed"),
    "facts: id that is a Python keyword": Hostile(
        {"facts/more.yaml": fact("1", key="import")}, "content/facts/more.yaml:1:1",
        "fact id 'import' is a reserved word in formulas"),
    "facts: file name that is a Python keyword": Hostile(
        {"facts/global.yaml": fact("1")}, "content/facts/global.yaml:1:1",
        "fact file name 'global' is a reserved word in formulas"),
    "facts: a hard link to a file outside content": Hostile(
        {}, "content/facts/secret.yaml", "this file is a hard link (the same file has 2 names",
        setup=hard_link("content/facts/secret.yaml", outside_file), whole_file=True),
    "facts: file name with a space": Hostile(
        {"facts/my facts.yaml": fact("1")}, "content/facts/my facts.yaml:1:1",
        "fact file name 'my facts' cannot be used in fact ids"),
    "facts: deeply nested flow lists": Hostile(
        {"facts/more.yaml": "r:\n  label: " + "[" * 5000 + "]" * 5000 + "\n"},
        "content/facts/more.yaml:2:40", "the data is nested more than 32 levels deep"),
    "facts: deeply nested blocks": Hostile(
        {"facts/more.yaml": nested_block(40)}, "content/facts/more.yaml:32:63",
        "the data is nested more than 32 levels deep"),
    "facts: key that is a mapping": Hostile(
        {"facts/more.yaml": "? {a: b}\n: c\n"}, "content/facts/more.yaml:1:3", "keys must be plain words"),
    "facts: invisible line separator": Hostile(
        {"facts/more.yaml": "r:\n  label: 北京\u2028研发\n  value: 1\n"},
        "content/facts/more.yaml:2:12", "the invisible line separator U+2028 would be read by YAML as a line break"),
    "facts: CRLF line endings, error on the right line": Hostile(
        {"facts/rd.yaml": RD.replace("value: 4.22", "value: 4.22%").replace("\n", "\r\n")},
        "content/facts/rd.yaml:17:10", "'value' must be a number for unit 'percent', got the text '4.22%'"),
    # --- derived facts -------------------------------------------------------------------------
    "derived: a circle of three": Hostile(
        {"facts/more.yaml": derived("more.b + 1") + derived("more.c * 2").replace("a:", "b:", 1)
                            + derived("more.a - 1").replace("a:", "c:", 1)},
        "content/facts/more.yaml:3:12", "derived facts depend on each other in a circle: more.a -> more.b -> more.c"),
    "derived: division by a literal zero": Hostile(
        {"facts/more.yaml": derived("rd.jjj_2024 / 0")}, "content/facts/more.yaml:3:12", "the formula divides by zero"),
    "derived: a product beyond any float": Hostile(
        {"facts/more.yaml": derived(" * ".join(["1000000000000000"] * 25))},
        "content/facts/more.yaml:3:12", "the formula gives no finite number"),
    "derived: a result too large to be a figure": Hostile(
        {"facts/more.yaml": derived("rd.jjj_2024 * 1000000000000000")},
        "content/facts/more.yaml:3:12", "the formula gives 4.22e+15, too large to be a real figure"),
    "derived: a formula of 20,000 terms": Hostile(
        {"facts/more.yaml": derived(" + ".join(["1"] * 20_000))},
        "content/facts/more.yaml:3:12", "the formula is too long (79,997 characters, at most 500)"),
    "derived: 240 nested brackets": Hostile(
        {"facts/more.yaml": derived("(" * 240 + "1" + ")" * 240)},
        "content/facts/more.yaml:3:12", "the formula '((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
        "...' cannot be read"),
    "derived: a rank below one": Hostile(
        {"facts/more.yaml": derived("rd.jjj_2024 - rd.jjj_2024", "rank")},
        "content/facts/more.yaml:3:12", "a rank must be 1 or more, got 0"),
    # --- charts/*.yaml -------------------------------------------------------------------------
    "charts: mixing units": Hostile(
        {"facts/more.yaml": fact("2024", "year", "2024"), "charts/rd_bars.yaml": BARS.replace("rd.jjj_2014", "more.r")},
        "content/charts/rd_bars.yaml:5:11", "the bars mix units (percent, year)"),
    "charts: a list fact as a bar": Hostile(
        {"facts/more.yaml": "l:\n  label: l\n  value: [甲, 乙]\n  unit: list\n  source: demo\n  evidence: 甲和乙\n",
         "charts/rd_bars.yaml": BARS.replace("rd.jjj_2014", "more.l")},
        "content/charts/rd_bars.yaml:5:11", "a bar needs a number, but 'more.l' is list"),
    "charts: file name with a space": Hostile(
        {"charts/rd bars.yaml": BARS}, "content/charts/rd bars.yaml:1:1",
        "chart file name 'rd bars' cannot be used as a chart id"),
    "charts: file name with a right-to-left override": Hostile(
        {f"charts/rd{RLO}bars.yaml": BARS}, "content/charts/rd<U+202E>bars.yaml:1:1",
        "chart file name 'rd<U+202E>bars' cannot be used as a chart id"),
    "charts: a plain text instead of a spec": Hostile(
        {"charts/rd_bars.yaml": "just a sentence\n"}, "content/charts/rd_bars.yaml:1:1",
        "chart 'rd_bars' must be a block of 'key: value' lines, got the text 'just a sentence'"),
    "charts: lines on a bar chart": Hostile(
        {"charts/rd_bars.yaml": BARS + "lines:\n  - from: rd.beijing\n    to: rd.jjj_2014\n    label: x\n"},
        "content/charts/rd_bars.yaml:9:1", "'lines' does not apply to a bar chart"),
    "charts: no bars at all": Hostile(
        {"charts/rd_bars.yaml": "type: bar\ntitle: t\nbars: []\n"}, "content/charts/rd_bars.yaml:3:7",
        "'bars' must be a list of '- fact: id' blocks"),
    # --- pages/*.md ----------------------------------------------------------------------------
    "pages: empty page file": Hostile(
        {"pages/about.md": ""}, "content/pages/about.md:1:1", "a page must start with front matter"),
    "pages: front matter that is a list": Hostile(
        {"pages/about.md": "---\n- title: t\n- description: d\n---\n"}, "content/pages/about.md:2:1",
        "the front matter must be a block of 'key: value' lines, got a list"),
    "pages: front matter nested too deep": Hostile(
        {"pages/about.md": "---\ntitle: t\ndescription: d\nkicker: " + "{a: " * 40 + "1" + "}" * 40 + "\n---\n"},
        "content/pages/about.md:4:130", "the data is nested more than 32 levels deep"),
    "pages: file name with a space": Hostile(
        {"pages/about us.md": FRONT}, "content/pages/about us.md:1:1", "the page name 'about us' cannot be used"),
    "pages: file name with dots": Hostile(
        {"pages/a..b.md": FRONT}, "content/pages/a..b.md:1:1", "the page name 'a..b' cannot be used"),
    "pages: unknown directive": Hostile(
        {"pages/about.md": FRONT + "```{cardz}\n- rd.beijing\n```\n"}, "content/pages/about.md:6:5",
        "unknown directive '{cardz}' (did you mean 'cards'?)"),
    "pages: unknown fact at the end of a 100,000-character line": Hostile(
        {"pages/about.md": FRONT + "北京" * 50_000 + "{fact}`rd.nope`\n"}, "content/pages/about.md:6:100008",
        "unknown fact 'rd.nope'"),
    "pages: a 50 MB page": Hostile(
        {"pages/about.md": FRONT.encode() + b"x" * 50_000_000}, "content/pages/about.md:1:1",
        "file is too large (50,000,033 bytes)"),
    "pages: binary bytes": Hostile(
        {"pages/about.md": b"\x89PNG\r\n\x1a\n\x00\x00"}, "content/pages/about.md:3:1", "this is not a text file"),
    "pages: CRLF line endings, error on the right line": Hostile(
        {"pages/about.md": (FRONT + "第一段。\n\n北京{fact}`rd.beijng`。\n").replace("\n", "\r\n")},
        "content/pages/about.md:8:10", "unknown fact 'rd.beijng' (did you mean 'rd.beijing'?)"),
    "pages: terminal escape codes on the line of an error": Hostile(
        {"pages/about.md": FRONT + "\x1b[2J\x1b[1A北京{fact}`rd.nope`\n"}, "content/pages/about.md:6:18",
        "unknown fact 'rd.nope'"),
    "pages: the same chart twice": Hostile(
        {"pages/about.md": FRONT + "```{chart} rd_bars\n```\n\n```{chart} rd_bars\n```\n"},
        "content/pages/about.md:9:12", "the chart 'rd_bars' is already shown on this page (line 6)"),
    "pages: a link to a page outside content": Hostile(
        {}, "content/pages/about.md", "this file links to a place outside the content folder",
        setup=symlink("content/pages/about.md", lambda project: str(REPO / "README.md")), whole_file=True),
    "pages: a page named like the English edition": Hostile(
        {"pages/en.md": FRONT}, "content/pages/en.md:1:1",
        "the page name 'en' is taken: its address en/ is the English edition's folder"),
    "pages: a page named assets": Hostile(
        {"pages/assets.md": FRONT}, "content/pages/assets.md:1:1",
        "the page name 'assets' is taken: its address assets/ is the folder of styles, scripts and images"),
    "pages: a page named embed": Hostile(
        {"pages/embed.md": FRONT}, "content/pages/embed.md:1:1", "the page name 'embed' is taken"),
    "pages: a page named wechat, where the home page's 公众号 edition goes": Hostile(
        {"pages/wechat.md": FRONT}, "content/pages/wechat.md:1:1",
        "the page name 'wechat' is taken: its address wechat/ is the folder of the home page's 公众号 edition"),
    "pages: 1.9 MB of nested emphasis": Hostile(
        {"pages/about.md": FRONT + "*a**a" * 380_000}, "content/pages/about.md:6:33334",
        "the page has 1,140,000 '*' and '_' (emphasis), more than 20,000: Markdown this dense takes too long"),
    "pages: 1.9 MB of image openers": Hostile(
        {"pages/about.md": FRONT + "![" * 950_000}, "content/pages/about.md:6:20002",
        "the page has 950,000 '[' (links and images), more than 10,000"),
    "pages: one link reference used 9,000 times": Hostile(
        {"pages/about.md": FRONT + "[x]: https://example.org/" + "a" * 1000 + "\n\n" + "[x] " * 9000},
        "content/pages/about.md:8:1", "the links and images up to this paragraph repeat more than 5 MB"),
    "pages: one link reference used 100,000 times": Hostile(
        {"pages/about.md": FRONT + "[x]: https://example.org/" + "a" * 1000 + "\n\n" + "[x]" * 100_000},
        "content/pages/about.md:8:29998", "the page has 100,001 '[' (links and images), more than 10,000"),
    "pages: the table of all facts twice": Hostile(
        {"pages/about.md": FRONT + "```{facttable}\n```\n\n" * 2000}, "content/pages/about.md:9:5",
        "{facttable} is already shown on this page (line 6) (and 1,998 more times below)"),
    "pages: 600 directive blocks": Hostile(
        {"pages/about.md": FRONT + "```{cards}\n- rd.beijing\n```\n\n" * 600}, "content/pages/about.md:2006:5",
        "the page has 600 directive blocks, more than 500"),
    "pages: 12,000 fact roles": Hostile(
        {"pages/about.md": FRONT + "{fact}`rd.beijing` " * 12_000}, "content/pages/about.md:6:190008",
        "the page has 12,000 fact roles, more than 10,000"),
    "pages: a rendered page over 5 MB": Hostile(
        {"facts/more.yaml": "long:\n  label: " + "长" * 1000 + "\n  value: 1\n  unit: number\n  source: demo\n"
                            "  evidence: '1'\n",
         "pages/about.md": FRONT + "{label}`more.long` " * 2000},
        "content/pages/about.md:1:1", "the page is 6.00 MB when rendered, more than 5 MB"),
    "pages: a list of 5,000 items shown 400 times": Hostile(
        {"facts/more.yaml": "l:\n  label: l\n  value: [" + ", ".join(LONG_LIST) + "]\n"
                            "  unit: list\n  source: demo\n  evidence: '" + "、".join(LONG_LIST) + "'\n",
         "sources/demo.txt": textwrap.dedent(MINIMAL["sources/demo.txt"]).lstrip("\n") + "、".join(LONG_LIST) + "\n",
         "pages/about.md": FRONT + "```{lists}\n- more.l\n```\n\n" * 400},
        "content/pages/about.md:1:1", "the page grows beyond 5 MB when rendered"),
    "pages: a million short lines": Hostile(
        {"pages/about.md": FRONT + "a\n" * 990_000}, "content/pages/about.md:20005:1",
        "the page has 990,001 lines, more than 20,000"),
    "pages: a table of 100,000 cells": Hostile(
        {"pages/about.md": FRONT + "|" + "a|" * 10_000 + "\n|" + "-|" * 10_000 + "\n" + ("|" + "a|" * 10_000 + "\n") * 8},
        "content/pages/about.md:7:19999", "the page has 100,010 '|' (table cells), more than 20,000"),
    # --- templates -----------------------------------------------------------------------------
    "templates: page template is a link to /etc/passwd": Hostile(
        {}, "templates/page.html", "this file links to a place outside the templates folder",
        setup=symlink("templates/page.html", "/etc/passwd"), whole_file=True),
    "templates: an asset that is a link to /etc/passwd": Hostile(
        {}, "templates/assets/passwd.css", "this file links to a place outside the templates folder",
        setup=symlink("templates/assets/passwd.css", "/etc/passwd"), whole_file=True),
    "templates: an asset that is a hard link to a file outside": Hostile(
        {}, "templates/assets/secret.css", "this file is a hard link",
        setup=hard_link("templates/assets/secret.css", outside_file), whole_file=True),
    "templates: a component that is a named pipe": Hostile(
        {}, "templates/components/cards.html", "this is not a regular file",
        setup=fifo("templates/components/cards.html"), whole_file=True),
    "templates: page template not UTF-8": Hostile(
        {}, "templates/page.html:1:1", "the file is not valid UTF-8 text",
        setup=write_template("page.html", b"\xff\xfe{% extends 'base.html' %}")),
    "templates: component override not UTF-8": Hostile(
        {}, "templates/components/cards.html:1:4", "the file is not valid UTF-8 text",
        setup=write_template("components/cards.html", b"<p>\xe9</p>")),
    "templates: include climbing out of the folder": Hostile(
        {}, "templates/page.html:11", "template error while rendering content/pages/index.md:",
        setup=edit_template("page.html", "{{ body }}", "{{ body }}{% include '../../etc/passwd' %}")),
}


# Not a timing assertion: a bound far above any build here (a second or two), so that a build
# that hangs (a named pipe) or goes quadratic (a regular expression retrying from every position)
# fails instead of blocking the run. How fast hostile input is refused is measured in benchmarks/.
HANG = 60.0


@contextmanager
def deadline(seconds: float):
    """Fail instead of hanging (a build reading a named pipe would wait forever)."""
    def expire(signum, frame):
        raise TimeoutError(f"the build took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def _apply(content: Path, changes: dict[str, str | bytes | None]) -> None:
    for relative, data in changes.items():
        path = content / relative
        if data is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


@pytest.fixture
def built(tmp_path, make_project, capsys):
    """A project with its own copy of the templates, built once: (project folder, build)."""
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    project = make_project(templates=templates)

    def build() -> tuple[int, str]:
        code = main(["build", "--project", str(tmp_path), "--templates", str(templates)])
        return code, capsys.readouterr().err

    code, err = build()
    assert code == 0, err
    return project, build


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_is_refused_with_a_location(name, built, tmp_path):
    case = CASES[name]
    project, build = built
    before = _snapshot(tmp_path / "_site")
    _apply(project.content, case.changes)
    if case.setup:
        case.setup(tmp_path)
    with deadline(HANG):
        code, err = build()
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert f"{case.where}: error: {case.message}" in err, err
    if not case.whole_file:
        assert re.fullmatch(r"[^:]+:\d+(:\d+)?", case.where)
    headers = [line for line in err.splitlines() if re.search(r": (error|warning): ", line)]
    assert headers and all(line.startswith(("content/", "templates/")) for line in headers), err
    assert err.rstrip().endswith("nothing was written, the previous site is unchanged")
    assert "root:x:0:0" not in err  # a link to /etc/passwd is never read, not even for the source line
    assert "\x1b" not in err and RLO not in err  # nothing that rewrites the terminal or reorders its text
    assert _snapshot(tmp_path / "_site") == before
    assert not [path for path in tmp_path.iterdir()
                if path.name.startswith("._site") and not path.name.endswith(".lock")]


def test_hostile_corpus_covers_every_kind_of_input_file():
    kinds = {case.where.split(":")[0].split("/")[1] if case.where.startswith("content/")
             else "templates" for case in CASES.values()}
    assert {"site.yaml", "sources.yaml", "facts", "charts", "pages", "templates"} <= kinds
    assert len(CASES) >= 40


# --- inputs that only look hostile ----------------------------------------------------------

def _build_ok(built, tmp_path, changes: dict[str, str | bytes | None]) -> tuple[str, dict[str, str]]:
    project, build = built
    _apply(project.content, changes)
    with deadline(HANG):
        code, err = build()
    assert code == 0, err
    pages = {path.relative_to(tmp_path / "_site").as_posix(): path.read_text(encoding="utf-8")
             for path in (tmp_path / "_site").rglob("*.html")}
    return err, pages


def test_hostile_byte_order_marks_are_read_as_text(built, tmp_path):
    site = "\ufeff" + textwrap.dedent(MINIMAL["site.yaml"]).lstrip().replace("测试站", "带BOM的站")
    _, pages = _build_ok(built, tmp_path, {"site.yaml": site, "pages/about.md": "\ufeff" + FRONT + "正文。\n"})
    assert re.search(r"<title>t\W+带BOM的站</title>", pages["about/index.html"])
    assert "\ufeff" not in pages["about/index.html"]
    assert "<p>正文。</p>" in pages["about/index.html"]


def test_hostile_crlf_line_endings_build(built, tmp_path):
    _, pages = _build_ok(built, tmp_path, {
        "facts/rd.yaml": RD.replace("\n", "\r\n"),
        "pages/about.md": (FRONT + "北京{fact}`rd.beijing`。\n\n另一段。\n").replace("\n", "\r\n")})
    about = pages["about/index.html"]
    assert "\r" not in about and "6%以上" in about and "<p>另一段。</p>" in about


def test_hostile_raw_script_in_markdown_is_shown_as_text(built, tmp_path):
    _, pages = _build_ok(built, tmp_path, {
        "pages/about.md": FRONT + "<script>alert(origin)</script>\n\n段落<img src=x onerror=alert(origin)>结束。\n"})
    about = pages["about/index.html"]
    assert "&lt;script&gt;alert(origin)&lt;/script&gt;" in about
    assert "<script>alert" not in about and "<img src=x" not in about


def test_hostile_javascript_links_do_not_become_links(built, tmp_path):
    _, pages = _build_ok(built, tmp_path, {"pages/about.md": FRONT + (
        "[a](javascript:alert(origin)) [b](JaVaScRiPt:alert(origin)) [c](&#106;avascript:alert(origin)) "
        "[d](java%0Ascript:alert(origin)) <javascript:alert(origin)> [e](vbscript:x) [f](data:text/html,x) "
        "![g](javascript:alert(origin)) [ok](https://example.org/)\n")})
    about = pages["about/index.html"]
    body = about.split('class="story-body"', 1)[1]
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', body)
    assert not [href for href in hrefs if re.match(r"\s*(javascript|vbscript|data|java%0ascript)", href, re.I)], hrefs
    assert 'href="https://example.org/"' in body


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = list(data.values())
    return [text for item in data for text in _strings(item)] if isinstance(data, list) else []


def test_hostile_script_end_in_labels_does_not_break_the_chart_json(built, tmp_path):
    label = "京津冀</script><script>alert(origin)</script><!--"
    axis = "研发</SCRIPT ><!-- -->投入"
    rd = RD.replace("label: 京津冀研发投入强度\n  value: 3.5", f"label: '{label}'\n  value: 3.5")
    bars = (BARS.replace("axis_title: 研发投入强度", f"axis_title: '{axis}'")
            .replace("title: 研发投入强度", f"title: '{label}'", 1).replace("    label: 京津冀\n", ""))
    _, pages = _build_ok(built, tmp_path, {"facts/rd.yaml": rd, "charts/rd_bars.yaml": bars})
    index = pages["index.html"]
    blocks = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', index, re.S)
    assert blocks
    for block in blocks:
        assert "</script" not in block.lower() and "<!--" not in block
    texts = _strings(json.loads(blocks[0]))
    # Plotly reads <b>, <br> and <a href> in its texts as markup, so the figure carries the
    # brackets in their full-width forms (figures.py); everything else comes back unchanged.
    def plotly_safe(text: str) -> str:
        return text.replace("<", "＜").replace(">", "＞")

    assert plotly_safe(f"{label}（2014年）") in texts  # the bar takes the fact's label when it has none
    assert plotly_safe(axis) in texts
    # the data table under the chart shows the label exactly, as text
    assert "京津冀&lt;/script&gt;&lt;script&gt;alert(origin)&lt;/script&gt;&lt;!--（2014年）" in index
    assert "<script>alert(origin)" not in index


def test_hostile_hidden_editor_files_are_ignored(built, tmp_path):
    """Emacs keeps a lock link `.#index.md` (pointing nowhere) while a file is edited; macOS
    writes `._index.md` resource forks onto shared drives. Neither is content."""
    content = tmp_path / "content"
    os.symlink("editor@host.4242:1700000000", content / "pages" / ".#index.md")
    (content / "facts" / "._rd.yaml").write_bytes(b"\x00\x05\x16\x07binary resource fork")
    _build_ok(built, tmp_path, {})


def test_hostile_long_lines_build_quickly(built, tmp_path):
    """100,000 characters on one line, in the shapes that make naive regular expressions retry
    from every position: digits, dotted digits, Chinese numerals, link brackets."""
    lines = ["三" * 100_000, "](" * 50_000, "北京" * 50_000]
    with deadline(HANG):
        _, pages = _build_ok(built, tmp_path, {"pages/about.md": FRONT + "\n\n".join(lines) + "\n"})
    assert "北京" * 50_000 in pages["about/index.html"]


def test_hostile_long_numbers_are_refused_quickly_and_shortly(built, tmp_path):
    """Numbers that come from no fact are errors: quickly found, and shortened in the message."""
    project, build = built
    _apply(project.content, {"pages/about.md": FRONT + "1" * 100_000 + "\n\n" + "1." * 50_000 + "\n"})
    with deadline(HANG):
        code, err = build()
    assert code == 1
    assert "content/pages/about.md:6:1: error: the number '11111111111111111111111…' is shown to readers" in err
    assert len(err) < 5_000


def test_hostile_page_with_only_front_matter_builds(built, tmp_path):
    _, pages = _build_ok(built, tmp_path, {"pages/about.md": "---\ntitle: 只有标题\ndescription: d\n---"})
    assert "只有标题" in pages["about/index.html"]


def test_hostile_direction_marks_are_allowed_in_labels(built, tmp_path):
    """The one-character marks U+200E/U+200F cannot reorder the text after them, and mixed
    Arabic or Hebrew names need them; only embeddings, overrides and isolates are refused."""
    rd = RD.replace("label: 北京研发投入强度", "label: \u200f北京研发投入强度")
    _build_ok(built, tmp_path, {"facts/rd.yaml": rd})


BIDI = {
    "a fact label": ({"facts/rd.yaml": RD.replace("label: 北京研发投入强度", f"label: 北京{RLO}研发投入强度")},
                     "content/facts/rd.yaml:2:12"),
    "a chart title": ({"charts/rd_bars.yaml": BARS.replace("title: 研发投入强度", f"title: 研发{RLO}</script>")},
                      "content/charts/rd_bars.yaml:2:10"),
    "page prose": ({"pages/about.md": FRONT + f"研发投入强度{RLO}为{{fact}}`rd.beijing`。\n"},
                   "content/pages/about.md:6:7"),
    "a template": ({}, "templates/page.html:6:9"),
}


@pytest.mark.parametrize("place", list(BIDI))
def test_hostile_direction_overrides_in_text_are_warned_and_refused_with_strict(place, built, tmp_path, capsys):
    """An override in text cannot inject anything (it is escaped like any character), but it
    shows '6%以上' as '上以%6' to the end of the paragraph, invisibly in most editors. So it is a
    warning, and an error with --strict (which `make site` uses). In ids it is always an error."""
    changes, where = BIDI[place]
    project, build = built
    _apply(project.content, changes)
    if place == "a template":
        edit_template("page.html", "<h1>", f"<h1>{RLO}")(tmp_path)
    message = "the invisible direction control U+202E (RIGHT-TO-LEFT OVERRIDE) makes the text after it display"
    code, err = build()
    assert code == 0 and f"{where}: warning: {message}" in err, err
    code = main(["check", "--strict", "--project", str(tmp_path), "--templates", str(tmp_path / "templates")])
    err = capsys.readouterr().err
    assert code == 1 and f"{where}: error: {message}" in err, err
    assert RLO not in err and "<U+202E>" in err


def test_hostile_messages_never_print_invisible_controls(built, tmp_path):
    project, build = built
    _apply(project.content, {"facts/more.yaml": fact("1", key=f"x{RLO}y")})
    code, err = build()
    assert code == 1
    assert RLO not in err and "x<U+202E>y" in err


# --- the output folder: never a source, never someone else's files ---------------------------

OUTPUTS = {
    "the project folder": (".", "is the project folder: building would delete it"),
    "the content folder": ("content", "is the content folder: building would delete it"),
    "a folder inside content": ("content/pages/en", "is inside the content folder"),
    "the templates folder": ("templates", "is the templates folder: building would delete it"),
    "a folder that holds the project": ("..", "contains the project folder"),
    "an existing file": ("NOTES.txt", "is an existing file, not a folder"),
    "a folder of other files": ("notes", "holds files that no build wrote (a.txt)"),
    "an unstamped site with a file added": ("_site_copy", "holds files that no build wrote (.kejiquan-site.bak"),
}


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_hostile_output_folder_that_is_not_a_built_site_is_refused(name, built, tmp_path, capsys):
    output, message = OUTPUTS[name]
    (tmp_path / "NOTES.txt").write_text("notes", encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("a", encoding="utf-8")
    shutil.copytree(tmp_path / "_site", tmp_path / "_site_copy")
    (tmp_path / "_site_copy" / ".kejiquan-site").rename(tmp_path / "_site_copy" / ".kejiquan-site.bak")
    before = _snapshot(tmp_path)
    code = main(["build", "--project", str(tmp_path), "--templates", str(tmp_path / "templates"),
                 "--output", str(tmp_path / output)])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.startswith("error: ") and err.count("\n") == 1, err
    assert _snapshot(tmp_path) == before
    assert not list(tmp_path.rglob(".*.new-*"))


def test_hostile_output_of_an_earlier_release_without_the_stamp_is_replaced(built, tmp_path):
    """Editors upgrading have a _site/ written before the stamp existed: it is recognised by
    holding only what a build writes, and carries the stamp from then on."""
    _project, build = built
    (tmp_path / "_site" / ".kejiquan-site").unlink()
    code, err = build()
    assert code == 0, err
    assert (tmp_path / "_site" / ".kejiquan-site").is_file()


def test_hostile_output_guard_knows_every_top_level_name_a_build_writes(real_site):
    """An unstamped folder is taken for an earlier build only when it holds nothing else: a new
    kind of output at the top of the site must be added to model/urls.py's TOP_LEVEL."""
    from kejiquan_site.model.urls import TOP_LEVEL

    top = {path.split("/")[0] for path in real_site.files}
    page_folders = {path.split("/")[0] for path in real_site.files if re.fullmatch(r"[^/]+/index\.html", path)}
    assert top - page_folders - TOP_LEVEL == set()


def _failing_write(error_number: int):
    """os.write that fails like a full disk for files of the new site being written: in a new
    folder (a whole site) or beside their place (a build with its cache writes what changed)."""
    real_write = os.write

    def write(descriptor: int, data) -> int:
        target = os.readlink(f"/proc/self/fd/{descriptor}")
        if "._site.new-" in target or ("/_site/" in target and target.endswith(".new")):
            raise OSError(error_number, os.strerror(error_number))
        return real_write(descriptor, data)
    return write


@pytest.mark.parametrize("error_number, said", [(28, "no space left on the device"),
                                                (30, "the device is read-only"),
                                                (13, "permission denied")])
def test_hostile_system_errors_say_what_happened_and_keep_the_site(error_number, said, built, tmp_path,
                                                                  monkeypatch):
    project, build = built
    before = _snapshot(tmp_path / "_site")
    _apply(project.content, {"pages/about.md": FRONT + "新的一页。\n"})
    monkeypatch.setattr(os, "write", _failing_write(error_number))
    code, err = build()
    monkeypatch.undo()
    assert code == 1, err
    assert re.fullmatch(rf"error: {said} while writing _site/\S+: the previous site is unchanged\n", err), err
    assert _snapshot(tmp_path / "_site") == before
    assert not [path for path in tmp_path.iterdir() if ".new-" in path.name]


def _wait_until_signals_are_held(pid: int) -> None:
    """Until the program holds Ctrl-C and SIGTERM (its first step): before, the interpreter is
    still starting, and a signal there is the interpreter's own business."""
    while True:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return  # it has ended already
        blocked = int(re.search(r"^SigBlk:\s*([0-9a-f]+)", status, re.M).group(1), 16)
        caught = int(re.search(r"^SigCgt:\s*([0-9a-f]+)", status, re.M).group(1), 16)
        if blocked & (1 << (signal.SIGINT - 1)) or caught & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.001)


def _as_from_a_terminal() -> None:
    """Ctrl-C as a program started from a terminal takes it: a test run in the background (a CI
    script started with `&` or nohup) hands its children SIGINT ignored, and Python keeps it so."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_hostile_interrupted_builds_say_one_line_and_leave_nothing_behind(signal_number, built, tmp_path):
    """Interrupted at several moments of a build: one line, no traceback, the site old or new
    and whole, and no staging folder left."""
    import subprocess
    import sys

    _project, _build = built
    command = [sys.executable, "-m", "kejiquan_site", "build", "--project", str(tmp_path),
               "--templates", str(tmp_path / "templates")]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    duration = time.perf_counter() - started
    outcomes = set()
    for moment in range(8):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   preexec_fn=_as_from_a_terminal)
        _wait_until_signals_are_held(process.pid)
        time.sleep(duration * moment / 8)
        process.send_signal(signal_number)
        _, err = process.communicate(timeout=30)
        err = err.decode()
        outcomes.add(process.returncode)
        assert "Traceback" not in err, err
        if process.returncode == 130:
            assert err.startswith("interrupted: ") and err.count("\n") == 1, err
        assert not [path.name for path in tmp_path.iterdir() if ".new-" in path.name or ".old-" in path.name]
        assert (tmp_path / "_site" / "index.html").is_file()
    assert 130 in outcomes


INTERRUPTED_IN_A_CALLBACK = """
import sys
from kejiquan_site.__main__ import start
from kejiquan_site.build import output

checked = output.check_output_folder


class Interrupted:
    def __del__(self):
        raise KeyboardInterrupt  # as Ctrl-C does when it comes while Python runs a __del__


def check_output_folder(*arguments):
    Interrupted()
    return checked(*arguments)


output.check_output_folder = check_output_folder
sys.argv[1:] = ["build", "--project", sys.argv[1], "--templates", sys.argv[2]]
start()
"""


def test_hostile_interrupt_inside_a_callback_still_ends_the_build(built, tmp_path):
    """Python cannot raise an interrupt inside a __del__ or a weak reference's callback (importlib
    runs one after many imports): it printed a traceback there and the build went on."""
    import subprocess
    import sys

    project, _build = built
    before = _snapshot(tmp_path / "_site")
    _apply(project.content, {"pages/about.md": FRONT + "新的一页。\n"})
    ended = subprocess.run([sys.executable, "-c", INTERRUPTED_IN_A_CALLBACK, str(tmp_path),
                            str(tmp_path / "templates")], capture_output=True, text=True, timeout=60)
    assert (ended.returncode, ended.stderr) == (130, "interrupted: nothing was written, the previous site is unchanged\n")
    assert _snapshot(tmp_path / "_site") == before


def test_hostile_published_files_are_readable_whatever_the_umask(built, tmp_path):
    _project, build = built
    (tmp_path / "_site").chmod(0o2775)
    previous = os.umask(0o077)
    try:
        code, err = build()
    finally:
        os.umask(previous)
    assert code == 0, err
    site = tmp_path / "_site"
    assert (site.stat().st_mode & 0o7777) == 0o2775  # the folder's own mode is kept
    modes = {path.relative_to(site).as_posix(): path.stat().st_mode & 0o777 for path in site.rglob("*")}
    assert modes and {mode for path, mode in modes.items() if (site / path).is_dir()} == {0o755}
    assert {mode for path, mode in modes.items() if (site / path).is_file()} == {0o644}


def test_hostile_template_assets_keep_subfolders_and_skip_junk(built, tmp_path):
    assets = tmp_path / "templates" / "assets"
    (assets / "img").mkdir()
    (assets / "img" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    junk = ["site.css~", "#site.css#", "site.css.orig", "NOTES.md", "Thumbs.db", ".DS_Store", "x.swp", "a.bak"]
    for name in junk:
        (assets / name).write_text("junk", encoding="utf-8")
    (assets / ".git").mkdir()
    (assets / ".git" / "config").write_text("[core]", encoding="utf-8")
    _build_ok(built, tmp_path, {})
    published = sorted(path.relative_to(tmp_path / "_site" / "assets").as_posix()
                       for path in (tmp_path / "_site" / "assets").rglob("*") if path.is_file())
    assert [name for name in published if re.fullmatch(r"img/logo\.[0-9a-f]{10}\.svg", name)]
    junk_output = [name for name in published if re.search(r"~|#|orig|NOTES|Thumbs|DS_Store|swp|bak|config", name)]
    assert junk_output == []
    assert all((tmp_path / "_site" / "assets" / name).read_bytes() != b"junk" for name in published)
