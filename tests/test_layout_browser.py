"""What a graphics editor checks by eye, measured in Chromium: key-number cards that hold their
numbers on the narrowest phone, charts kept whole on paper, and numbers never split from their
qualifier or unit in the data table."""

from __future__ import annotations

import shutil

import pytest

from browser import CHROMIUM, launch_chromium, require_chromium, serve_folder
from helpers import REPO
from kejiquan_site.build.output import write_site
from kejiquan_site.build.site import build_site
from kejiquan_site.model.story import Project
from kejiquan_site.render.pictures import CACHE_FOLDER, KaleidoPainter

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real site with its chart pictures (what print shows)."""
    require_chromium()
    root = tmp_path_factory.mktemp("layout")
    shutil.copytree(REPO / "content", root / "content")
    painter = KaleidoPainter(REPO / CACHE_FOLDER, CHROMIUM)
    write_site(build_site(Project(REPO, root / "content", REPO / "templates"), painter=painter).files, root / "site")
    with serve_folder(root / "site") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    with launch_chromium() as browser:
        yield browser


# The extent of each card's value and label as drawn (a Range: the text itself, not its block box,
# which keeps the card's width while the text runs past it), measured from the card's edges.
CARD_TEXTS = """(() => {
  const column = document.querySelector('.story-body').getBoundingClientRect();
  const grid = document.querySelector('.cards').getBoundingClientRect();
  const texts = [];
  for (const card of document.querySelectorAll('.card')) {
    const box = card.getBoundingClientRect();
    for (const part of card.querySelectorAll('.card-value, .card-label')) {
      const range = document.createRange();
      range.selectNodeContents(part);
      const r = range.getBoundingClientRect();
      texts.push({text: part.textContent.trim(), left: r.left - box.left, right: box.right - r.right,
                  top: r.top - box.top, bottom: box.bottom - r.bottom});
    }
  }
  return {column: [column.left, column.right], grid: [grid.left, grid.right], texts};
})()"""


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", "en/"])
def test_browser_cards_hold_their_values_and_labels_on_phones(browser, server, path, scheme, width):
    """'more than 15%' ran 15 px past its card at 320 px (the page did not scroll sideways, so
    the overflow checks missed it): every value and label stays inside its card, the grid inside the column."""
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(server + path)
    seen = page.evaluate(CARD_TEXTS)
    context.close()
    assert seen["texts"]
    assert seen["column"][0] - 0.5 <= seen["grid"][0] and seen["grid"][1] <= seen["column"][1] + 0.5, seen
    outside = [t for t in seen["texts"] if min(t["left"], t["right"], t["top"], t["bottom"]) < -0.5]
    assert outside == [], f"/{path} {scheme} {width}px: texts past their card's edge (px): {outside}"


# Every number in a data-table cell: the client rects of its no-break span (one line each), and
# the value and period cells, whose texts are short, in one line.
SPLIT_NUMBERS = """(() => {
  const lines = el => { const rects = Array.from(el.getClientRects()); return new Set(rects.map(r => Math.round(r.top))).size; };
  const split = [];
  for (const cell of document.querySelectorAll('.fact-table td')) {
    const label = cell.dataset.label;
    const numbers = cell.querySelectorAll('.nobr');
    if (/[0-9]/.test(cell.textContent) && cell.textContent.trim().length <= 16 && (label === '数值' || label === 'Value' || label === '时期' || label === 'Period')) {
      const range = document.createRange();
      range.selectNodeContents(cell);
      if (lines(range) > 1) split.push([label, cell.textContent.trim()]);
    }
    for (const number of numbers) if (lines(number) > 1) split.push([label, number.textContent]);
  }
  return split;
})()"""


@pytest.mark.parametrize("path", ["data/", "en/data/"])
def test_browser_data_table_never_splits_a_number_from_its_qualifier_or_unit(browser, server, path):
    """At 1280 px the table's narrow columns broke '超过 / 15%', 'at least / 6%', '2014 / 年',
    '2025年 / 底' and, in the quoted evidence, '6%以 / 上'."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(server + path)
    numbers = page.evaluate("document.querySelectorAll('.fact-table td .nobr').length")
    split = page.evaluate(SPLIT_NUMBERS)
    context.close()
    assert split == []
    assert numbers >= 20, "numbers in the table are kept whole by a no-break span"


PRINTED_CHARTS = """Array.from(document.querySelectorAll('figure.chart')).map(figure => {
  const box = figure.querySelector('.chart-box'), head = figure.querySelector('.chart-head');
  const img = box.querySelector('.chart-picture img');
  return {id: figure.id, box: getComputedStyle(box).breakInside, head: getComputedStyle(head).breakAfter,
          picture: img ? Math.round(img.getBoundingClientRect().width) : 0,
          column: Math.round(figure.getBoundingClientRect().width), height: Math.round(box.getBoundingClientRect().height)};
})"""


@pytest.mark.parametrize("path", ["", "en/"])
def test_browser_print_keeps_each_chart_picture_whole_and_with_its_title(browser, server, path):
    """On A4 the bar chart's first row of labels fell on page 1 and the rest on page 2, the
    schematic's points on page 3 and their names on page 4: the box holding the printed picture
    does not break and its title and caption stay with it; the picture uses the text width."""
    context = browser.new_context(viewport={"width": 718, "height": 1000})  # A4's text width at 96 dpi
    page = context.new_page()
    page.goto(server + path)
    page.emulate_media(media="print")
    charts = page.evaluate(PRINTED_CHARTS)
    context.close()
    assert len(charts) == 2
    for chart in charts:
        assert chart["box"] == "avoid" and chart["head"] == "avoid", chart
        assert chart["picture"] >= chart["column"] - 1, f"the printed picture fills the column: {chart}"
        assert 0 < chart["height"] < 900, f"short enough to stay on one page: {chart}"


@pytest.mark.parametrize("path", ["data/", "en/data/"])
def test_browser_print_fits_the_data_table_to_the_paper(browser, server, path):
    """Printed from a desktop browser, the table of facts kept its screen minimum of 48rem in a
    scrolling box on A4 (688 px of text width): the Basis column was cut and the Source column fell
    off the page. On paper the box does not clip and the table has no minimum width (computed
    styles: Chromium's print layout is not paginated under emulate_media)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.goto(server + path)
    page.emulate_media(media="print")
    styles = page.evaluate("""Array.from(document.querySelectorAll('.table-scroll')).map(box =>
        [getComputedStyle(box).overflowX, getComputedStyle(box.querySelector('table')).minWidth])""")
    context.close()
    assert styles and all(style == ["visible", "0px"] for style in styles), styles[:2]
