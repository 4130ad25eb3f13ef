"""The built site in Debian's headless Chromium, driven by Playwright: what a reader's browser
does with every page, on a 375 px phone and a 1280 px desktop.

Skipped with a message when Chromium is missing; under CI=true a missing Chromium fails.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kejiquan_site.build import build_site
from kejiquan_site.content import Project
from kejiquan_site.output import write_site

from browser import launch_chromium, require_chromium, serve_folder
from conftest import REPO
from test_preview import _edit

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}
PAGES = ["", "layout/", "data/", "about/", "updates/", "no/such/page/", "embed/rd_intensity/",
         "embed/layout_schematic/", "en/", "en/layout/", "en/data/", "en/about/", "en/updates/", "en/embed/rd_intensity/"]
CHART_PAGES = {"": 2, "layout/": 1, "embed/rd_intensity/": 1, "embed/layout_schematic/": 1,
               "en/": 2, "en/layout/": 1, "en/embed/rd_intensity/": 1}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real site served under a sub-path, /kejiquan/, as a publisher might."""
    root = tmp_path_factory.mktemp("served")
    content = root / "content"
    shutil.copytree(REPO / "content", content)
    config = content / "site.yaml"
    config.write_text(re.sub(r"(?m)^base_url: .*$", "base_url: https://example.org/kejiquan/",
                             config.read_text(encoding="utf-8")), encoding="utf-8")
    write_site(build_site(Project(REPO, content, REPO / "templates")).files, root / "kejiquan")
    with serve_folder(root, not_found_site="kejiquan") as base:
        yield base + "kejiquan/"


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    with launch_chromium() as browser:
        yield browser


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
RECORD_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


def _wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll `expression` with page.evaluate (which a strict CSP allows, unlike wait_for_function)."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError as error:  # the page reloaded while asked: ask the new one
            if "context was destroyed" not in str(error):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


def _needs(path: Path, what: str) -> None:
    if not path.is_file():
        message = f"{what} is missing: run 'npm ci' (make test does)"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)


def _visit(browser, url: str, viewport: dict, color_scheme: str = "light") -> dict:
    context = browser.new_context(viewport=viewport, color_scheme=color_scheme)
    context.add_init_script(RECORD_CSP)
    page = context.new_page()
    seen = {"errors": [], "failed": [], "hosts": set()}
    expected_404 = "status of 404" if url.endswith("no/such/page/") else None
    page.on("console", lambda m: m.type == "error" and not (expected_404 and expected_404 in m.text)
            and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    page.on("request", lambda r: seen["hosts"].add(urlparse(r.url).netloc))
    page.goto(url)
    seen["first_screen"] = page.evaluate(
        "(() => { const c = document.querySelector('.cards'); return c ? c.getBoundingClientRect().bottom : 0; })()")
    seen["boxes_before"] = page.evaluate("Array.from(document.querySelectorAll('[data-chart]')).map(b => b.offsetHeight)")
    height = page.evaluate("document.body.scrollHeight")
    for y in range(0, height + 400, 400):  # scroll like a reader, so lazy charts draw
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(40)
    _wait_until(page, "Array.from(document.querySelectorAll('[data-chart]'))"
                      ".every(box => box.querySelector('svg.main-svg'))")
    seen["charts"] = page.evaluate("Array.from(document.querySelectorAll('[data-chart]')).filter(b => b.querySelector('svg.main-svg')).length")
    seen["boxes_after"] = page.evaluate("Array.from(document.querySelectorAll('[data-chart]')).map(b => b.offsetHeight)")
    seen["tables"] = page.evaluate("document.querySelectorAll('figure.chart details.chart-data table').length")
    seen["csp"] = page.evaluate("window.__csp")
    seen["background"] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    seen["chart_text"] = page.evaluate(
        "(() => { const t = document.querySelector('[data-chart] svg text'); return t ? getComputedStyle(t).fill : ''; })()")
    if AXE.is_file():
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: "
                               "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
        seen["axe"] = [f"{v['id']}: {v['nodes'][0]['target']}" for v in result["violations"]]
    seen["overflow"] = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    seen["font_size"] = page.evaluate(
        "Math.min(...Array.from(document.querySelectorAll('.story-body > p, .story-body > ul > li, .list-box li, .timeline p'))"
        ".map(p => parseFloat(getComputedStyle(p).fontSize)))")
    context.close()
    return seen


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES)
def test_browser_page_loads_clean_and_draws_its_charts(browser, server, path, viewport):
    seen = _visit(browser, server + path, VIEWPORTS[viewport])
    assert seen["errors"] == []
    assert seen["failed"] == []
    assert seen["hosts"] == {urlparse(server).netloc}
    assert seen["charts"] >= CHART_PAGES.get(path, 0)
    assert seen["overflow"] <= 0, "the page scrolls sideways"
    assert seen["font_size"] >= 16
    assert seen["csp"] == [], "Content-Security-Policy violations"
    assert seen["tables"] == seen["charts"], "every chart has its data table"
    assert seen["boxes_before"] == seen["boxes_after"], "chart boxes change height when drawn"
    if path in ("", "en/") and viewport == "phone":
        assert 0 < seen["first_screen"] <= VIEWPORTS["phone"]["height"], "the key numbers fill the first screen"


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("path", PAGES)
def test_browser_axe_finds_no_violations(browser, server, path, viewport):
    _needs(AXE, "axe-core")
    assert _visit(browser, server + path, VIEWPORTS[viewport])["axe"] == []


@pytest.mark.parametrize("path", ["", "layout/"])
def test_browser_dark_mode_follows_the_system_including_charts(browser, server, path):
    seen = _visit(browser, server + path, VIEWPORTS["phone"], color_scheme="dark")
    assert seen["background"] == "rgb(20, 22, 26)"
    assert seen["chart_text"] == "rgb(232, 232, 232)"
    assert seen["axe"] == [] if AXE.is_file() else True


def test_browser_without_javascript_charts_are_their_tables(browser, server):
    context = browser.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    page = context.new_page()
    page.goto(server)
    assert page.locator("figure.chart details.chart-data table").first.is_visible()
    assert page.locator(".chart-fallback").first.is_visible()
    context.close()


@pytest.mark.parametrize("path, separator", [("data/", "："), ("en/data/", ": ")])
def test_browser_fact_table_on_a_phone_labels_each_value_in_its_language(browser, server, path, separator):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(server + path)
    label = page.evaluate("getComputedStyle(document.querySelector('.fact-table td'), '::before').content")
    context.close()
    assert label.endswith(separator + '"'), label


def test_browser_html_passes_the_w3c_checker(tmp_path):
    """W3C Nu Html Checker (vnu.jar from npm): zero errors over every HTML file of the site."""
    import subprocess

    _needs(VNU, "vnu.jar")
    if not shutil.which("java"):
        pytest.fail("java is missing") if os.environ.get("CI") == "true" else pytest.skip("java is missing")
    write_site(build_site(Project(REPO, REPO / "content", REPO / "templates")).files, tmp_path / "site")
    pages = sorted(str(p) for p in (tmp_path / "site").rglob("*.html"))
    assert len(pages) >= 7
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", *pages],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_browser_preview_reloads_by_itself_and_overlays_errors(browser, preview):
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.goto(preview["url"])
    _wait_until(page, "!!document.querySelector('[data-fact=\"rd.beijing\"]')")
    page.wait_for_timeout(300)  # the event stream connects
    facts = preview["project"].content / "facts" / "rd.yaml"
    _edit(facts, {"value: 6\n": "value: 7\n", "保持在6%以上": "保持在7%以上"})
    _wait_until(page, "document.querySelector('[data-fact=\"rd.beijing\"]').textContent === '7%以上'")
    _edit(facts, {"unit: percent\n": "unit: percnt\n"})
    page.wait_for_selector("#kejiquan-errors", timeout=15000)
    overlay = page.inner_text("#kejiquan-errors")
    assert "content/facts/rd.yaml:4:9: error: 'unit' must be one of" in overlay
    assert page.inner_text("[data-fact=\"rd.beijing\"]") == "7%以上"  # the last good page stays
    page.close()


def test_browser_embed_snippet_resizes_its_iframe(browser, tmp_path):
    """The snippet shown under a chart, pasted into another page, sizes the iframe to the chart."""
    import html as html_module

    files = build_site(Project(REPO, REPO / "content", REPO / "templates")).files
    write_site(files, tmp_path / "site")
    snippet = re.search(r'<textarea id="embed-rd_intensity"[^>]*>(.*?)</textarea>', files["index.html"].decode(), re.S)
    host = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>host</title></head>' \
           f'<body style="width: 360px">{html_module.unescape(snippet.group(1))}</body></html>'
    (tmp_path / "site" / "host.html").write_text(host, encoding="utf-8")
    with serve_folder(tmp_path / "site") as base:
        page = browser.new_page(viewport={"width": 400, "height": 900})
        page.goto(base + "host.html")
        _wait_until(page, "document.querySelector('iframe').style.height !== '620px'")
        inner = page.frame_locator("iframe").locator("body").evaluate("b => Math.ceil(b.getBoundingClientRect().height)")
        assert page.evaluate("document.querySelector('iframe').style.height") == f"{inner}px"
        page.close()
