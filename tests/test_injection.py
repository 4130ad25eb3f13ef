"""Inert markup: a site built from injection payloads in every text field runs no script and
sends no request anywhere but to itself, in a real browser."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from browser import launch_chromium, require_chromium, serve_folder
from kejiquan_site.build.output import write_site
from kejiquan_site.build.site import build_site

PAYLOAD = ("\"'><script>alert(origin)</script><img src=x onerror=alert(origin)><svg onload=alert(origin)>"
           "<a href=javascript:alert(origin)>x</a></script><!--{{ config }}\u202e")


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def payload_project(make_project):
    p = _quoted(PAYLOAD)
    return make_project({
        "site.yaml": f"title: {p}\ndescription: {p}\nlanguage: zh-CN\nbase_url: https://example.org/x/\n"
                     f"publisher: {p}\ncontact: {_quoted('a@example.org')}\n",
        "sources.yaml": f"demo:\n  title: {p}\n  publisher: {p}\n  via: {p}\n  note: {p}\n",
        "facts/rd.yaml": f"beijing:\n  label: {p}\n  value: 6\n  unit: percent\n  qualifier: at_least\n  period: {p}\n"
                         f"  source: demo\n  evidence: {_quoted(PAYLOAD + '6%')}\n"
                         f"words:\n  label: {p}\n  value: {p}\n  unit: text\n  source: demo\n  evidence: {p}\n"
                         f"items:\n  label: {p}\n  value: [{p}, {p}]\n  unit: list\n  source: demo\n  evidence: {p}\n"
                         f"place:\n  label: {p}\n  value: {p}\n  unit: place\n  coordinates: {{lon: 116, lat: 40}}\n"
                         f"  source: demo\n  evidence: {p}\n",
        "charts/rd_bars.yaml": f"type: bar\ntitle: {p}\ncaption: {p}\naxis_title: {p}\nnote: {p}\n"
                               f"bars:\n  - fact: rd.beijing\n    label: {p}\n",
        "charts/map.yaml": f"type: schematic\ntitle: {p}\nplaces:\n  - fact: rd.place\n    role: {p}\n"
                           f"lines:\n  - from: rd.place\n    to: rd.place\n    label: {p}\n",
        "pages/index.md": f"---\ntitle: {p}\ndescription: {p}\nstandfirst: {p}\nkicker: {p}\nnav: {p}\n"
                          f"schema: article\n---\n\n{PAYLOAD}\n\n[链接](javascript:alert(origin)) [数据](data:text/html,x) "
                          "<javascript:alert(origin)> ![图](x.png\" onerror=\"alert(origin)) ![外](https://evil.example/i.png)\n\n"
                          "{fact}`rd.beijing` {fact}`rd.words` {label}`rd.items`\n\n"
                          "```{cards}\n- rd.beijing | " + PAYLOAD + "\n- rd.words\n```\n\n"
                          "```{chart} rd_bars\n```\n\n```{chart} map\n```\n\n"
                          "```{lists}\n- rd.items | " + PAYLOAD + "\n```\n\n"
                          "```{timeline}\n- rd.beijing | " + PAYLOAD + "\n```\n\n"
                          "```{facttable}\n```\n\n```{sources}\n```\n\n```{downloads}\n```\n",
    })


class _Tags(HTMLParser):
    """Every element and attribute of a page, to find anything a payload turned into markup."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.handlers: list[str] = []
        self.bad_urls: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
            if name in ("href", "src") and (value or "").strip().lower().startswith(("javascript:", "data:text")):
                self.bad_urls.append(value)
            if name == "src" and tag in ("img", "script"):
                self.sources.append(value or "")


def test_injection_payloads_stay_text_in_the_html(make_project):
    site = build_site(payload_project(make_project))
    for path, data in site.files.items():
        if not path.endswith(".html"):
            continue
        html = data.decode("utf-8")
        for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S):
            assert "<script" not in script and "<!--" not in script, path
            if script.strip():
                json.loads(script)  # every script block is data that parses back
        tags = _Tags()
        tags.feed(html)
        assert tags.handlers == [], f"{path}: event handler attributes {tags.handlers}"
        assert tags.bad_urls == [], f"{path}: unsafe URLs {tags.bad_urls}"
        assert not {"svg", "iframe", "object", "embed"} & tags.names, path
        assert all(src.startswith(("../", "assets/", "x.png")) for src in tags.sources), tags.sources


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "embed/rd_bars/", "embed/map/"])
def test_injection_runs_no_script_in_a_browser(make_project, tmp_path, path):
    require_chromium()
    write_site(build_site(payload_project(make_project)).files, tmp_path / "served" / "x")
    with serve_folder(tmp_path / "served") as base, launch_chromium() as browser:
        page = browser.new_page()
        dialogs, errors, hosts = [], [], set()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
        page.goto(f"{base}x/{path}")
        for y in range(0, 6000, 500):
            page.evaluate(f"window.scrollTo(0, {y})")
            page.wait_for_timeout(40)
        page.wait_for_timeout(1500)
        for link in page.locator("a").all()[:40]:
            href = link.get_attribute("href") or ""
            assert not href.lower().startswith(("javascript:", "data:")), href
        assert dialogs == [] and errors == []
        assert hosts == {base.split("/")[2]}
        assert "{{ config }}" in page.content()
