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

from browser import CHROMIUM, launch_chromium, require_chromium, serve_folder
from helpers import AXE, REPO, edit_file
from kejiquan_site.build.output import write_site
from kejiquan_site.build.site import build_site
from kejiquan_site.model.story import Project
from kejiquan_site.render.pictures import CACHE_FOLDER, KaleidoPainter

pytestmark = pytest.mark.browser

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
    painter = KaleidoPainter(REPO / CACHE_FOLDER, CHROMIUM)  # the charts' static pictures too
    write_site(build_site(Project(REPO, content, REPO / "templates"), painter=painter).files, root / "kejiquan")
    with serve_folder(root, not_found_site="kejiquan") as base:
        yield base + "kejiquan/"


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    with launch_chromium() as browser:
        yield browser


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
            if not any(sign in str(error) for sign in ("context was destroyed", "navigat", "Target closed")):
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
        "(() => { const t = document.querySelector('[data-chart] svg .annotation-text'); return t ? getComputedStyle(t).fill : ''; })()")
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


def test_browser_without_javascript_charts_are_their_pictures_and_tables(browser, server):
    context = browser.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    page = context.new_page()
    page.goto(server)
    assert page.locator("figure.chart details.chart-data table").first.is_visible()
    assert page.locator("figure.chart .chart-picture img").first.is_visible()
    assert page.locator(".chart-fallback").count() == 0, "the picture takes the fallback sentence's place"
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
    shown = "(document.querySelector('[data-fact=\"rd.beijing\"]') || {}).textContent"
    _wait_until(page, f"{shown} === '6%以上'")
    facts = preview["project"].content / "facts" / "rd.yaml"
    # No waiting for the event stream to connect: a page that connects after a rebuild is told
    # the new generation and reloads. Every read below is asked again if the page reloads meanwhile.
    edit_file(facts, {"value: 6\n": "value: 7\n", "保持在6%以上": "保持在7%以上"})
    _wait_until(page, f"{shown} === '7%以上'")
    edit_file(facts, {"unit: percent\n": "unit: percnt\n"})
    overlay = "(document.querySelector('#kejiquan-errors') || {}).textContent || ''"
    _wait_until(page, f"{overlay}.includes(\"content/facts/rd.yaml:4:9: error: 'unit' must be one of\")")
    _wait_until(page, f"{shown} === '7%以上'")  # the last good page stays under the overlay
    page.close()


def test_browser_embed_snippet_works_pasted_on_another_origin(browser, tmp_path):
    """The snippet shown under a chart, pasted into a plain page on another site, loads the chart
    from the publishing site (its absolute base URL) and sizes the iframe to it."""
    import html as html_module

    (tmp_path / "site").mkdir()
    (tmp_path / "partner").mkdir()
    with serve_folder(tmp_path / "site") as publisher, serve_folder(tmp_path / "partner") as partner:
        assert urlparse(publisher).netloc != urlparse(partner).netloc
        files = build_site(Project(REPO, REPO / "content", REPO / "templates", publisher)).files
        write_site(files, tmp_path / "site" / "out")
        for path in (tmp_path / "site" / "out").iterdir():
            path.rename(tmp_path / "site" / path.name)
        snippet = re.search(r'<textarea id="embed-rd_intensity"[^>]*>(.*?)</textarea>', files["index.html"].decode(), re.S)
        pasted = html_module.unescape(snippet.group(1))
        assert f'src="{publisher}embed/rd_intensity/"' in pasted
        host = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>partner</title></head>' \
               f'<body style="width: 360px"><p>A partner\'s story.</p>{pasted}</body></html>'
        (tmp_path / "partner" / "story.html").write_text(host, encoding="utf-8")
        page = browser.new_page(viewport={"width": 400, "height": 900})
        page.goto(partner + "story.html")
        frame = page.frame_locator("iframe")
        frame.locator(".chart-box.is-drawn svg.main-svg").first.wait_for(timeout=15000)
        def inner():
            return frame.locator("body").evaluate("b => Math.ceil(b.getBoundingClientRect().height)")
        deadline = time.monotonic() + 15
        while page.evaluate("document.querySelector('iframe').style.height") != f"{inner()}px":
            assert time.monotonic() < deadline, "the iframe never took the chart's height"
            page.wait_for_timeout(50)
        assert int(page.evaluate("document.querySelector('iframe').style.height")[:-2]) > 300
        page.close()


# Every text of every drawn chart: its box, and the colour of every mark and text against the page.
MEASURE_CHARTS = """(() => {
  const rgb = text => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map(c => c / 255)
    .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const paper = rgb(getComputedStyle(document.body).backgroundColor);
  const ratio = (colour) => Math.round(contrast(rgb(colour), paper) * 100) / 100;
  return Array.from(document.querySelectorAll('[data-chart]')).map(box => {
    const frame = box.getBoundingClientRect();
    const texts = Array.from(box.querySelectorAll('svg text')).filter(t => t.textContent.trim()
        && !t.closest('.hoverlayer') && getComputedStyle(t).display !== 'none').map(t => {
      const r = t.getBoundingClientRect();
      return {text: t.textContent, x0: r.left - frame.left, y0: r.top - frame.top, x1: r.right - frame.left,
              y1: r.bottom - frame.top, contrast: ratio(getComputedStyle(t).fill), legend: !!t.closest('.legend')};
    });
    const marks = [];
    box.querySelectorAll('.bars .point path').forEach(p => marks.push(['bar', ratio(getComputedStyle(p).fill)]));
    box.querySelectorAll('.scatterlayer .point').forEach(p => marks.push(['point', ratio(getComputedStyle(p).fill)]));
    box.querySelectorAll('.scatterlayer .js-line').forEach(p => marks.push(['line', ratio(getComputedStyle(p).stroke)]));
    box.querySelectorAll('.annotation-arrow-g path').forEach(p => marks.push(['arrow', ratio(getComputedStyle(p).stroke)]));
    box.querySelectorAll('.zerolinelayer path').forEach(p => marks.push(['axis', ratio(getComputedStyle(p).stroke)]));
    return {id: box.id, width: frame.width, height: frame.height, texts, marks};
  });
})()"""
CHART_WIDTHS = (320, 375, 1280)


def _overlap(a: dict, b: dict) -> bool:
    return min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 0.5 and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > 0.5


def _level_with_legend(texts: list[dict]) -> list[str]:
    """The chart's texts that share a row with a legend entry: a label level with the legend
    reads like one more entry of it."""
    legend = [t for t in texts if t["legend"]]
    return [f"'{t['text']}' is level with the legend entry '{entry['text']}'" for t in texts if not t["legend"]
            for entry in legend if min(t["y1"], entry["y1"]) - max(t["y0"], entry["y0"]) > 0.5]


@pytest.fixture(scope="module")
def chart_pages(browser, server):
    """What the charts of the story pages and the schematic's embed pages measure, for every
    width and scheme: {(path, width, scheme): [chart measures]}."""
    measured = {}
    for scheme in ("light", "dark"):
        for width in CHART_WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
            page = context.new_page()
            for path in ("", "en/", "embed/layout_schematic/", "en/embed/layout_schematic/"):
                page.goto(server + path)
                for y in range(0, page.evaluate("document.body.scrollHeight") + 400, 400):
                    page.evaluate(f"window.scrollTo(0, {y})")
                    page.wait_for_timeout(30)
                _wait_until(page, "Array.from(document.querySelectorAll('[data-chart]'))"
                                  ".every(box => box.classList.contains('is-drawn'))")
                measured[(path, width, scheme)] = page.evaluate(MEASURE_CHARTS)
            context.close()
    return measured


def test_browser_chart_texts_stay_inside_their_chart_and_apart(chart_pages):
    """At 320, 375 and 1280 px, light and dark, both editions: no label leaves its chart, none
    overlaps another, and none is level with the schematic's legend (which has a row of its own)."""
    problems = []
    for (path, width, scheme), charts in sorted(chart_pages.items()):
        assert charts, f"no chart on /{path}"
        for chart in charts:
            where = f"/{path} {chart['id']} at {width}px {scheme}"
            texts = chart["texts"]
            assert len(texts) >= 5, where
            for t in texts:
                if t["x0"] < -0.5 or t["y0"] < -0.5 or t["x1"] > chart["width"] + 0.5 or t["y1"] > chart["height"] + 0.5:
                    problems.append(f"{where}: '{t['text']}' leaves the chart ({t['x0']:.0f}..{t['x1']:.0f} of "
                                    f"{chart['width']:.0f}, {t['y0']:.0f}..{t['y1']:.0f} of {chart['height']:.0f})")
            for index, a in enumerate(texts):
                problems += [f"{where}: '{a['text']}' overlaps '{b['text']}'" for b in texts[index + 1:] if _overlap(a, b)]
            problems += [f"{where}: {problem}" for problem in _level_with_legend(texts)]
            if chart["id"] == "chart-layout_schematic":
                assert any(t["legend"] for t in texts), f"{where}: the schematic has no legend"
    assert problems == []


def test_browser_chart_marks_keep_contrast_and_emphasis_in_both_schemes(chart_pages, server):
    """Every mark at least 3:1 against the page (WCAG 1.4.11), every text at least 4.5:1, and the
    highlighted bar the strongest bar, light and dark."""
    problems = []
    for (path, width, scheme), charts in sorted(chart_pages.items()):
        for chart in charts:
            where = f"/{path} {chart['id']} at {width}px {scheme}"
            problems += [f"{where}: {kind} at {ratio}:1" for kind, ratio in chart["marks"] if ratio < 3]
            problems += [f"{where}: text '{t['text']}' at {t['contrast']}:1" for t in chart["texts"] if t["contrast"] < 4.5]
            bars = [ratio for kind, ratio in chart["marks"] if kind == "bar"]
            if chart["id"] == "chart-rd_intensity":
                assert len(bars) == 3, where
                assert bars[2] > max(bars[:2]) + 1, f"{where}: Beijing's bar is not the strongest: {bars}"
            assert chart["marks"], where
    assert problems == []


LINES_OF = """(() => Array.from(document.querySelectorAll('h1, .card-label, .chart-title, .chart-caption')).map(el => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const lines = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      const line = lines.find(l => Math.abs(l.top - rect.top) < rect.height / 2);
      if (line) line.text += node.data[i]; else lines.push({top: rect.top, text: node.data[i]});
    }
  }
  return lines.sort((a, b) => a.top - b.top).map(l => l.text);
}))()"""


def _letters(text: str) -> int:
    import unicodedata

    return sum(1 for c in text if not unicodedata.category(c).startswith(("P", "Z")))


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("path", ["", "layout/", "data/", "about/", "en/", "en/layout/"])
def test_browser_headlines_cards_and_captions_never_end_on_one_character(browser, server, path, width):
    """BudouX's phrases and `word-break: keep-all`: on a phone no headline, card label or chart
    caption leaves a lone character (or word part) on its last line, nor breaks inside a word."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(server + path)
    blocks = page.evaluate(LINES_OF)
    context.close()
    assert blocks
    for lines in blocks:
        assert _letters(lines[-1]) >= 2, f"/{path} at {width}px: {lines}"


TOUCH_TARGETS = """Array.from(document.querySelectorAll('.masthead a, summary, button, .chart-source a'))
  .filter(el => el.offsetParent !== null)
  .map(el => { const r = el.getBoundingClientRect(); return [el.textContent.trim(), Math.round(r.width), Math.round(r.height)]; })"""


@pytest.mark.parametrize("path", ["", "en/", "data/"])
def test_browser_touch_targets_are_at_least_44_px(browser, server, path):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(server + path)
    targets = page.evaluate(TOUCH_TARGETS)
    context.close()
    assert len(targets) >= 4
    small = [t for t in targets if t[1] < 44 or t[2] < 44]
    assert small == []


@pytest.mark.parametrize("path", ["en/", "en/layout/", "en/data/", "en/about/"])
def test_browser_english_pages_use_a_latin_font_and_curly_quotes(browser, server, path):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(server + path)
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    text = page.evaluate("""(() => { const copy = document.body.cloneNode(true);
        copy.querySelectorAll('script, style, textarea, code').forEach(el => el.remove());
        return copy.textContent; })()""")
    context.close()
    assert family.index("Arial") < family.index("PingFang SC")
    straight = [text[max(0, i - 20):i + 20] for i, c in enumerate(text) if c in "'\""]
    assert straight == []


def test_browser_embed_code_is_copied_with_the_keyboard_and_announced(browser, server):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server)
    summary = page.locator("#rd_intensity .chart-embed > summary")
    summary.focus()
    page.keyboard.press("Enter")
    code = page.locator("#embed-rd_intensity")
    assert code.is_visible()
    box = code.bounding_box()
    assert page.evaluate("document.getElementById('embed-rd_intensity').scrollHeight") <= box["height"] + 1, \
        "the whole snippet is visible"
    button = page.locator("#rd_intensity [data-copy]")
    button.focus()
    page.keyboard.press("Enter")
    _wait_until(page, "document.querySelector('#rd_intensity .copy-status').textContent !== ''")
    assert page.inner_text("#rd_intensity .copy-status") == "已复制到剪贴板"
    assert page.evaluate("navigator.clipboard.readText()") == code.input_value()
    context.close()


@pytest.mark.parametrize("path", ["", "en/"])
def test_browser_print_shows_address_and_date_and_no_controls(browser, server, path):
    context = browser.new_context(viewport={"width": 800, "height": 1100})
    page = context.new_page()
    page.goto(server + path)
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what printing does first
    address = page.locator(".print-address")
    assert address.is_visible() and "https://example.org/kejiquan/" + path in address.inner_text()
    assert page.locator(".byline time").first.is_visible()
    for control in (".chart-actions", ".chart-data > summary", ".masthead nav", ".site-footer", ".downloads"):
        assert all(not element.is_visible() for element in page.locator(control).all()), control
    assert page.locator("figure.chart table").first.is_visible(), "on paper a chart is its table"
    pictures = page.locator("figure.chart .chart-picture img").all()
    assert pictures and all(picture.is_visible() for picture in pictures), "and its picture"
    pdf = page.pdf(format="A4")
    context.close()
    assert pdf.startswith(b"%PDF")


PICTURE_PAGES = ("", "layout/", "en/", "en/layout/", "embed/rd_intensity/", "en/embed/layout_schematic/")
SHOWN_PICTURES = """Array.from(document.querySelectorAll('[data-chart]')).map(box => {
  const img = box.querySelector('.chart-picture img'), frame = box.getBoundingClientRect();
  return img && {id: box.id, src: img.currentSrc, loaded: img.complete && img.naturalWidth > 0,
                 visible: getComputedStyle(img.parentNode).visibility === 'visible' && frame.height > 0,
                 scale: Math.min(frame.width / img.naturalWidth, frame.height / img.naturalHeight)};
})"""


@pytest.fixture(scope="module")
def pictures_shown(browser, server):
    """With JavaScript off: the picture every chart shows, for each width and scheme."""
    shown = {}
    for scheme in ("light", "dark"):
        for width in CHART_WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme,
                                          java_script_enabled=False)
            page = context.new_page()
            for path in PICTURE_PAGES:
                page.goto(server + path)
                shown[(path, width, scheme)] = page.evaluate(SHOWN_PICTURES)
            context.close()
    return shown


def test_browser_without_javascript_every_chart_shows_its_picture(pictures_shown):
    """Every chart box holds its picture, loaded and visible, in the scheme's colours, and drawn
    for about the box's width (never shrunk below 85%, so its words stay as large as the live chart's)."""
    for (path, width, scheme), pictures in sorted(pictures_shown.items()):
        where = f"/{path} at {width}px {scheme}"
        assert pictures and all(pictures), f"{where}: a chart without a picture"
        for picture in pictures:
            assert picture["loaded"] and picture["visible"], f"{where}: {picture}"
            assert picture["src"].endswith("-dark.svg") == (scheme == "dark"), f"{where}: {picture['src']}"
            assert picture["scale"] >= 0.85, f"{where}: {picture['src']} shrunk to {picture['scale']:.2f}"


def test_browser_pictures_keep_labels_inside_apart_and_in_contrast(browser, server, pictures_shown):
    """The pictures shown pass the live charts' standard: every text inside, none overlapping
    another or level with the legend, texts 4.5:1 and marks 3:1 against the page, the highlighted bar the strongest."""
    papers = {"light": "#ffffff", "dark": "#14161a"}
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    problems, seen = [], set()
    for (_path, _width, scheme), pictures in sorted(pictures_shown.items()):
        for picture in pictures:
            if picture["src"] in seen:
                continue
            seen.add(picture["src"])
            svg = page.request.get(picture["src"]).text()
            page.set_content(f'<body style="margin:0;background:{papers[scheme]}"><div data-chart id="{picture["id"]}" '
                             f'style="display:inline-block">{svg}</div></body>')
            [chart] = page.evaluate(MEASURE_CHARTS)
            where, texts = picture["src"].rsplit("/", 1)[-1], chart["texts"]
            assert len(texts) >= 5 and chart["marks"], where
            for t in texts:
                if t["x0"] < -0.5 or t["y0"] < -0.5 or t["x1"] > chart["width"] + 0.5 or t["y1"] > chart["height"] + 0.5:
                    problems.append(f"{where}: '{t['text']}' leaves the picture")
                if t["contrast"] < 4.5:
                    problems.append(f"{where}: text '{t['text']}' at {t['contrast']}:1")
            for index, a in enumerate(texts):
                problems += [f"{where}: '{a['text']}' overlaps '{b['text']}'" for b in texts[index + 1:] if _overlap(a, b)]
            problems += [f"{where}: {problem}" for problem in _level_with_legend(texts)]
            problems += [f"{where}: {kind} at {ratio}:1" for kind, ratio in chart["marks"] if ratio < 3]
            bars = [ratio for kind, ratio in chart["marks"] if kind == "bar"]
            if "rd_intensity" in where:
                assert len(bars) == 3 and bars[2] > max(bars[:2]) + 1, f"{where}: {bars}"
    context.close()
    assert len(seen) >= 8
    assert problems == []


BOXES = """Array.from(document.querySelectorAll('[data-chart]')).map(box => {
  const r = box.getBoundingClientRect(), below = box.parentNode.querySelector('.chart-source').getBoundingClientRect();
  return [Math.round(r.top + scrollY), Math.round(r.width), Math.round(r.height), Math.round(below.top + scrollY)];
})"""


@pytest.mark.parametrize("width", [375, 1280])
def test_browser_picture_gives_way_to_the_live_chart_on_interaction_and_nothing_moves(browser, server, width):
    """With the browser never idle, plotly.js waits for the reader: none is fetched until the
    pointer reaches a chart, which is then drawn over its picture in the same box."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_init_script("window.requestIdleCallback = function () { return 0; };")
    page = context.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(server)
    page.wait_for_load_state("load")
    before = page.evaluate(BOXES)
    page.wait_for_timeout(300)
    assert not [url for url in fetched if "plotly" in url], "plotly.js fetched before any interaction"
    assert page.evaluate(SHOWN_PICTURES)[0]["visible"]
    page.locator("[data-chart]").first.hover()
    _wait_until(page, "document.querySelector('[data-chart]').classList.contains('is-drawn')")
    assert [url for url in fetched if "plotly" in url]
    assert page.evaluate("!!document.querySelector('[data-chart] svg.main-svg')")
    assert not page.evaluate(SHOWN_PICTURES)[0]["visible"], "the live chart replaces the picture"
    assert page.evaluate(BOXES) == before, "a box or what follows it moved"
    context.close()
