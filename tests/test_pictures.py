"""The charts' static pictures (pictures.py): drawn by Kaleido in Debian's Chromium from the same
figure as the live chart, so their texts are the facts' displays; deterministic; cached; and a
build without a browser is today's build plus one note."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from browser import CHROMIUM, require_chromium
from helpers import REPO
from kejiquan_site.build.site import build_site
from kejiquan_site.model.story import Project
from kejiquan_site.render.figures import figure
from kejiquan_site.render.pictures import (
    CACHE_FOLDER,
    PNG_SCALE,
    PNG_WIDTH,
    KaleidoPainter,
    Request,
    chart_pictures,
    png_request,
)

PROJECT = Project(REPO, REPO / "content", REPO / "templates")


@pytest.fixture(scope="module")
def pictured_site():
    """The real site with its pictures (the cache is the one `make site` fills: content-addressed,
    so a warm entry is exactly what a cold draw gives)."""
    require_chromium()
    return build_site(PROJECT, painter=KaleidoPainter(REPO / CACHE_FOLDER, CHROMIUM))


def _texts(svg: bytes) -> list[str]:
    import html

    return [html.unescape(text) for text in re.findall(r"<text[^>]*>(.*?)</text>", svg.decode("utf-8"))
            if text.strip()]


def _plain(texts: list[str]) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", text) for text in texts)


@pytest.mark.browser
def test_pictures_every_chart_edition_and_scheme_has_its_pictures_in_the_pages(pictured_site):
    files, story = pictured_site.files, pictured_site.story
    assert pictured_site.notes == ()
    for prefix in ("", "en/"):
        for chart_id in story.charts:
            for width in (288, 343, 560, 800):
                for scheme in ("", "-dark"):
                    assert files[f"{prefix}data/charts/{chart_id}-{width}{scheme}.svg"].startswith(b"<svg")
            assert files[f"{prefix}data/charts/{chart_id}-chart.png"].startswith(b"\x89PNG")
    named = set()
    for path, content in files.items():
        if path.endswith(".html") and not path.endswith("wechat/index.html"):  # 公众号 pages: absolute (below)
            root = path.count("/") * "../"
            for found in re.findall(r'(?:srcset|src|href)="([^"]*data/charts/[^"]+\.(?:svg|png))"', content.decode()):
                assert found.startswith(root), (path, found)
                named.add(found[len(root):])
    assert named and all(name in files for name in named), sorted(named - set(files))
    assert any(name.endswith("-dark.svg") for name in named) and any(name.endswith(".png") for name in named)


@pytest.mark.browser
def test_pictures_texts_are_the_facts_displays_with_their_qualifiers(pictured_site):
    site = pictured_site
    for prefix, language in (("", "zh"), ("en/", "en")):
        from kejiquan_site.story.i18n import edition

        local = edition(site.story, language)
        for chart in local.charts.values():
            displays = [local.facts[item.fact].display for item in chart.items]
            for width in (288, 343, 560, 800):
                for scheme in ("", "-dark"):
                    texts = re.sub(r"\s", "", _plain(_texts(site.files[f"{prefix}data/charts/{chart.id}-{width}{scheme}.svg"])))
                    for display in displays:  # a label wrapped in two lines loses its space
                        assert re.sub(r"\s", "", display) in texts, (chart.id, width, display)
    beijing = _plain(_texts(site.files["data/charts/rd_intensity-343.svg"]))
    assert "6%以上" in beijing, "the lower bound keeps its qualifier in the picture"
    assert re.search(r"at least 6%|6% or more|over 6%|6%\+", _plain(_texts(site.files["en/data/charts/rd_intensity-343.svg"])))


@pytest.mark.browser
def test_pictures_dark_svg_uses_the_dark_palette(pictured_site):
    light = pictured_site.files["data/charts/rd_intensity-343.svg"].decode()
    dark = pictured_site.files["data/charts/rd_intensity-343-dark.svg"].decode()
    # the emphasised bar: #1f4e9c light, #a9c7ff dark; the text: #1a1a1a light, #e8e8e8 dark
    assert "rgb(31, 78, 156)" in light and "rgb(31, 78, 156)" not in dark
    assert "rgb(169, 199, 255)" in dark and "rgb(232, 232, 232)" in dark


@pytest.mark.browser
def test_pictures_png_is_2x_on_white_with_title_and_source_line(pictured_site, tmp_path):
    site = pictured_site
    for prefix, _language in (("", "zh"), ("en/", "en")):
        for chart_id in site.story.charts:
            image = Image.open(io.BytesIO(site.files[f"{prefix}data/charts/{chart_id}-chart.png"]))
            assert image.width == PNG_WIDTH * PNG_SCALE
            assert image.convert("RGB").getpixel((2, 2)) == (255, 255, 255)
    # The same drawing as SVG, to read its words: the title, the source line and the site's name.
    chart = site.story.charts["rd_intensity"]
    requests, pictures = chart_pictures(chart.id, "zh", figure(chart, site.story.facts), chart.title,
                                        "来源：新京报（经北京时间） · 京津冀科技圈")
    png = requests[pictures.png]
    as_svg = Request(png.figure, {**png.options, "format": "svg", "scale": 1})
    drawn, note = KaleidoPainter(tmp_path, CHROMIUM).paint({"png": as_svg}, site.plotly.content, site.plotly.version)
    words = _plain(_texts(drawn["png"]))
    assert note is None and chart.title in words and "来源：新京报（经北京时间）" in words and "京津冀科技圈" in words
    assert "6%以上" in words


@pytest.mark.browser
def test_pictures_svg_is_byte_identical_when_drawn_again_from_an_empty_cache(tmp_path, real_site):
    require_chromium()
    site = real_site
    chart = site.story.charts["layout_schematic"]
    requests, _ = chart_pictures(chart.id, "zh", figure(chart, site.story.facts), chart.title, "source")
    some = dict(list(requests.items())[:2])
    first, _ = KaleidoPainter(tmp_path / "one", CHROMIUM).paint(some, site.plotly.content, site.plotly.version)
    second, _ = KaleidoPainter(tmp_path / "two", CHROMIUM).paint(some, site.plotly.content, site.plotly.version)
    assert first and first == second
    assert all(b"defs-" in svg and not re.search(rb'id="defs-[0-9a-f]{6}"', svg) for svg in first.values())


@pytest.mark.browser
def test_pictures_warm_cache_needs_no_browser(tmp_path, real_site):
    require_chromium()
    site = real_site
    chart = site.story.charts["rd_intensity"]
    requests, _ = chart_pictures(chart.id, "zh", figure(chart, site.story.facts), chart.title, "source")
    some = dict(list(requests.items())[:1])
    cold, _ = KaleidoPainter(tmp_path, CHROMIUM).paint(some, site.plotly.content, site.plotly.version)
    warm, note = KaleidoPainter(tmp_path, "/nonexistent/chromium").paint(some, site.plotly.content, site.plotly.version)
    assert note is None and warm == cold
    assert len(list(tmp_path.glob("*.svg"))) == 1


def test_pictures_without_a_browser_the_build_is_todays_with_one_note(tmp_path, real_site):
    plain = real_site
    without = build_site(PROJECT, painter=KaleidoPainter(tmp_path, "/nonexistent/chromium"))
    assert without.files == plain.files
    assert len(without.notes) == len(plain.notes) + 1
    assert [note for note in without.notes if "no browser at /nonexistent/chromium" in note]
    assert not any(b"<picture" in content for path, content in without.files.items() if path.endswith(".html"))
    assert not list(Path(tmp_path).iterdir()), "nothing cached when nothing was drawn"


@pytest.mark.browser
def test_wechat_pages_are_inline_styled_without_scripts_and_name_only_existing_pictures(pictured_site):
    files, base = pictured_site.files, pictured_site.story.config.base_url
    pages = {path: content.decode("utf-8") for path, content in files.items() if path.endswith("wechat/index.html")}
    assert set(pages) == {"wechat/index.html", "layout/wechat/index.html", "en/wechat/index.html",
                          "en/layout/wechat/index.html"}
    for path, text in pages.items():
        assert "<script" not in text and 'rel="stylesheet"' not in text and "<style" not in text, path
        assert " class=" not in text and " id=" not in text and "<a " not in text, path
        images = re.findall(r'<img src="([^"]+)"', text)
        assert images and all(src.startswith(base) and src[len(base):] in files for src in images), (path, images)
        story = base + path.removesuffix("wechat/index.html")
        assert story in text, f"{path} names the full story's address"
    zh = pages["wechat/index.html"]
    assert "来源：新京报" in zh and "6%以上" in zh, "the source line and the key numbers, as text"


def test_wechat_page_keeps_the_data_table_of_a_chart_without_picture(real_site):
    text = real_site.files["layout/wechat/index.html"].decode("utf-8")
    assert "<img" not in text and "<table" in text and "中关村" in text


def test_pictures_png_source_line_breaks_only_between_its_parts():
    """A source line too long for the PNG breaks between its parts, never just after a '·', and
    keeps each part that fits a line whole (the Chinese edition once broke as '…（经北京时间） ·' / '北京…')."""
    story = build_site(PROJECT).story
    chart = story.charts["rd_intensity"]
    drawn = figure(chart, story.facts)

    def credit_lines(parts: list[str]) -> list[str]:
        request = png_request(drawn, chart.title, " · ".join(parts))
        return request.figure["layout"]["annotations"][-1]["text"].split("<br>")

    parts = ["来源：新京报（经北京时间）", "北京的数字原文未注明年份", "京津冀科技圈数据新闻"]
    lines = credit_lines(parts)
    assert len(lines) > 1, "long enough to break"
    assert [part for line in lines for part in line.split(" · ")] == parts, lines
    too_long = [parts[0] + "、北京市统计局、天津市统计局、河北省统计局、中关村管委会", *parts[1:]]
    lines = credit_lines(too_long)  # a part wider than the picture breaks inside itself, the rest stay whole
    assert not [line for line in lines if line.endswith("·") or line.startswith("·")], lines
    assert all(any(part in line for line in lines) for part in parts[1:]), lines


class _RecordingPainter(KaleidoPainter):
    """A painter that keeps what it was asked to draw."""

    def paint(self, requests, plotly_js, plotly_version):
        self.requests = dict(requests)
        return super().paint(requests, plotly_js, plotly_version)


@pytest.mark.browser
def test_pictures_of_a_schematic_say_so_in_every_picture_and_edition(tmp_path):
    """A schematic's pictures are downloaded and shared away from the page's caption, so each of
    them (every SVG and the PNG, both editions) carries 'schematic; positions are approximate'
    (maps are regulated in China); a bar chart's do not."""
    require_chromium()
    painter = _RecordingPainter(REPO / CACHE_FOLDER, CHROMIUM)
    site = build_site(PROJECT, painter=painter)
    assert site.notes == ()
    for prefix, note in (("", "示意图，各点位置为近似"), ("en/", "Schematic; positions are approximate")):
        for width in (288, 343, 560, 800):
            for scheme in ("", "-dark"):
                svg = site.files[f"{prefix}data/charts/layout_schematic-{width}{scheme}.svg"]
                assert note in _plain(_texts(svg)), (prefix, width, scheme)
                assert note not in _plain(_texts(site.files[f"{prefix}data/charts/rd_intensity-{width}{scheme}.svg"]))
        png = painter.requests[f"{prefix}data/charts/layout_schematic-chart.png"]
        as_svg = Request(png.figure, {**png.options, "format": "svg", "scale": 1})
        drawn, problem = KaleidoPainter(tmp_path, CHROMIUM).paint({"png": as_svg}, site.plotly.content,
                                                                  site.plotly.version)
        assert problem is None and note in _plain(_texts(drawn["png"])), prefix
