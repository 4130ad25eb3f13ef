"""The real story built into memory: what readers get in the HTML, the charts and the downloads."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from html.parser import HTMLParser
from pathlib import PurePosixPath

import pytest

from helpers import REPO
from kejiquan_site.build.output import write_site
from kejiquan_site.build.site import build_site
from kejiquan_site.cli import main
from kejiquan_site.model.story import Project


def chart_figure(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="chart-data-{chart_id}">(.*?)</script>', html, re.S)
    assert match, f"no data block for chart {chart_id}"
    return json.loads(match.group(1))


def test_site_has_the_pages_readers_need(real_site):
    for path in ("index.html", "layout/index.html", "data/index.html", "about/index.html", "404.html",
                 "data/facts.csv", "data/facts.json"):
        assert path in real_site.files


def test_site_cards_show_values_with_their_qualifiers(real_pages):
    cards = re.search(r'<ul class="cards">(.*?)</ul>', real_pages["index.html"], re.S).group(1)
    text = re.sub(r"<[^>]+>|\s+", "", cards)
    for shown in ("6%以上北京全社会研发投入强度", "超过15%北京基础研究经费占比", "3.5%→升至4.22%",
                  "第4北京在全球百强创新集群中的排名", "第1北京高被引科学家数量", "3个北京的万亿级产业集群"):
        assert shown in text


def test_site_prose_numbers_come_from_facts(real_site, real_pages):
    facts = real_site.story.facts
    home = real_pages["index.html"]
    for fact_id in ("rd.beijing_intensity", "rd.jjj_change_pp", "rd.jjj_change_pct", "rankings.wipo_beijing"):
        assert f'data-fact="{fact_id}">{facts[fact_id].display}</a>' in home  # a link to its row in the data table
    assert facts["rd.jjj_change_pp"].display == "0.72个百分点"
    assert facts["rd.jjj_change_pct"].display == "20.6%"


def test_site_bar_chart_holds_fact_values_and_draws_the_lower_bound_open(real_pages):
    figure = chart_figure(real_pages["index.html"], "rd_intensity")
    [bars] = figure["data"]
    assert bars["x"] == [3.5, 4.22, 6]
    assert bars["y"] == ["京津冀平均（2014年）", "京津冀平均（2024年）", "北京"]
    notes = figure["layout"]["annotations"]
    values = [note for note in notes if note.get("yanchor") == "middle" and not note.get("showarrow")]
    assert [note["text"] for note in values] == ["3.5%", "4.22%", "<b>6%以上</b>"]
    [arrow] = [note for note in notes if note.get("showarrow")]  # from the bound onwards, no end drawn
    assert arrow["x"] == 6 and arrow["y"] == "北京" and arrow["ax"] < 0 < arrow["xshift"]
    assert values[2]["xshift"] > arrow["xshift"]  # the label after the arrow
    top = figure["layout"]["xaxis"]["range"][1]
    assert 6 <= top < 6.1, "the axis ends at the data"
    assert "title" not in figure["layout"]["xaxis"], "no axis title repeating the chart's title"
    assert figure["config"]["scrollZoom"] is False and figure["layout"]["dragmode"] is False
    assert figure["layout"]["xaxis"]["fixedrange"] and figure["layout"]["yaxis"]["fixedrange"]


def test_site_schematic_labels_every_place_at_every_width_with_its_context(real_pages, real_site):
    figure = chart_figure(real_pages["layout/index.html"], "layout_schematic")
    assert sum(1 for trace in figure["data"] if trace["mode"] == "lines") == 2
    assert [trace["name"] for trace in figure["data"] if trace["mode"] == "markers"] == ["平台（主阵地）", "重要支点"]
    assert [variant["width"] for variant in figure["variants"]] == sorted(v["width"] for v in figure["variants"])
    for variant in figure["variants"]:
        texts = [note["text"] for note in variant["annotations"]]
        assert {"中关村", "天津滨海新区", "河北雄安新区", "石家庄", "京津走廊", "京雄走廊", "北京", "河北"} <= set(texts)
    assert figure["dark"]["#ffffff"] == "#14161a"


def test_site_every_chart_has_title_caption_table_source_and_fixed_id(real_pages):
    home = real_pages["index.html"]
    for chart_id in ("rd_intensity", "layout_schematic"):
        block = re.search(rf'<figure class="chart" id="{chart_id}">(.*?)</figure>', home, re.S).group(1)
        assert 'class="chart-title"' in block and 'class="chart-caption"' in block
        assert f'id="chart-{chart_id}"' in block and "<table>" in block and "来源：新京报" in block


def test_site_every_page_has_title_description_and_lang(real_pages):
    for path, html in real_pages.items():
        assert ('<html lang="en">' if path.startswith("en/") else '<html lang="zh-CN">') in html, path
        assert re.search(r"<title>[^<]+</title>", html), path
        assert re.search(r'<meta name="description" content="[^"]+">', html), path
        assert '<meta name="viewport"' in html, path


def test_site_csv_round_trips_every_fact(real_site):
    raw = real_site.files["data/facts.csv"]
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    facts = real_site.story.facts
    assert [row["id"] for row in rows] == list(facts)
    for row in rows:
        fact = facts[row["id"]]
        assert row["display"] == fact.display and row["qualifier"] == fact.qualifier
        if fact.is_number:
            assert float(row["value"]) == pytest.approx(fact.value)
    document = json.loads(real_site.files["data/facts.json"])
    assert {fact["id"] for fact in document["facts"]} == set(facts)


def test_site_data_page_lists_every_fact_with_evidence(real_site, real_pages):
    data_page = real_pages["data/index.html"]
    for fact in real_site.story.facts.values():
        assert f'id="fact-{fact.id}"' in data_page


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        if ("rel", "canonical") in attrs or ("rel", "alternate") in attrs:
            return
        for name, value in attrs:
            if name in ("href", "src", "data-plotly") and value:
                self.urls.append(value)


def test_site_links_are_relative_and_resolve_under_a_sub_path(real_site, real_pages):
    for path, html in real_pages.items():
        if path.endswith("404.html"):
            continue
        parser = _Links()
        parser.feed(html)
        page_dir = PurePosixPath("/sub/" + path).parent
        for url in parser.urls:
            if url.startswith(("mailto:", "#", "data:")):
                continue
            assert not url.startswith(("http:", "https:", "//", "/")), f"{path}: absolute link {url}"
            resolved = _normalise(f"{page_dir}/{url.split('#')[0]}")
            assert resolved.startswith("/sub/"), f"{path}: {url} leaves the sub-path"
            relative = resolved[len("/sub/"):]
            assert relative in real_site.files or relative + "index.html" in real_site.files \
                or relative.rstrip("/") + "/index.html" in real_site.files, f"{path}: broken link {url}"


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part and part != ".":
            parts.append(part)
    trailing = path.endswith(("/", "/.", "/..")) and parts
    return "/" + "/".join(parts) + ("/" if trailing else "")


def test_site_pages_use_no_inline_script_and_no_third_party_host(real_pages, real_site):
    own = real_site.story.config.base_url  # canonical and hreflang links name the site itself
    for path, html in real_pages.items():
        for tag in re.findall(r"<script[^>]*>", html):
            assert re.search(r'type="application/(ld\+)?json"', tag) or "src=" in tag, f"{path}: inline script {tag}"
        assert not re.search(r'(src|href)="(https?:)?//', html.replace(f'href="{own}', 'href="/').replace(f'src="{own}', 'src="/')), path


def test_site_plotly_is_served_once_per_chart_page(real_site, real_pages):
    plotly_files = [path for path in real_site.files if "plotly" in path and not path.endswith(".gz")]
    assert len(plotly_files) == 1
    assert real_pages["index.html"].count(plotly_files[0]) == 1
    assert plotly_files[0] not in real_pages["about/index.html"]


def test_site_two_builds_are_byte_identical(tmp_path):
    project = Project(REPO, REPO / "content", REPO / "templates")
    write_site(build_site(project).files, tmp_path / "one")
    write_site(build_site(project).files, tmp_path / "two")
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one == two


def test_site_precompress_writes_a_gzip_copy_of_every_text_file_only_when_asked(make_project, tmp_path):
    project = make_project()
    plain, packed = tmp_path / "plain", tmp_path / "packed"
    common = ["build", "--project", str(project.root), "--templates", str(project.templates)]
    assert main(common + ["--output", str(plain)]) == 0
    assert main(common + ["--output", str(packed), "--precompress"]) == 0
    assert not list(plain.rglob("*.gz"))
    texts = [path for path in plain.rglob("*") if path.suffix in (".html", ".css", ".js", ".csv", ".json", ".xml")]
    assert texts
    for path in texts:
        copy = packed / path.relative_to(plain)
        assert gzip.decompress(copy.with_name(copy.name + ".gz").read_bytes()) == path.read_bytes()


def test_site_data_page_reads_in_story_order_without_code(real_pages, real_site):
    """Facts grouped by the section where a reader meets them, labels in the edition's language,
    the source stated once and referred to, no fact ids or formula syntax on the page."""
    facts = real_site.story.facts
    for path, first_group, source_ref in (("data/index.html", "报道", "来源1"), ("en/data/index.html", "Story", "source 1")):
        html = real_pages[path]
        main = re.search(r'<section class="fact-sources".*</section>', html, re.S).group(0)  # the table of facts
        visible = re.sub(r"<[^>]+>", " ", main)
        headings = re.findall(r'<h2 id="facts-\d+">([^<]+)</h2>', main)
        assert headings[0] == first_group and len(headings) >= 4
        rows = re.findall(r'<tr id="fact-([^"]+)">', main)
        assert rows[:3] == ["rd.beijing_intensity", "rd.basic_research_share", "rd.jjj_2014"]  # the first cards
        assert sorted(rows) == sorted(facts)
        assert not any(fact_id in visible for fact_id in facts), "a code id is visible"
        assert not re.search(r"rd\.jjj_\d+ [-/*]", visible), "formula syntax is visible"
        assert visible.count("新京报") + visible.count("The Beijing News") == 1, "the source is stated once"
        assert visible.count(source_ref) == len(facts)
    assert "计算：（4.22%（2024年） − 3.5%（2014年）） ÷ 3.5%（2014年） × 100" in \
        re.sub(r"<[^>]+>", "", real_pages["data/index.html"])  # its numbers in no-break spans
    assert "count(" not in real_pages["en/data/index.html"] and "the number of items in “" in real_pages["en/data/index.html"]
    assert "other-label" not in real_pages["data/index.html"]
