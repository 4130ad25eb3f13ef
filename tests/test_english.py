"""The English edition: twin pages from the same facts, numbers formatted for English readers,
language links, and missing translations reported like any other content problem."""

from __future__ import annotations

import csv
import io
import re

import pytest

from helpers import REPO
from kejiquan_site.cli import main
from kejiquan_site.model.formatting import format_value

EN_SITE = "english:\n  title: Test site\n  description: A small test site.\n  publisher: Test desk\n"


def _pages(site, prefix: str) -> dict[str, str]:
    pages = {}
    for path, data in site.files.items():
        wanted = (prefix and path.startswith(prefix)) or (not prefix and not path.startswith("en/"))
        if path.endswith(".html") and not path.startswith(("en/embed/", "embed/")) and wanted:
            pages[path.removeprefix(prefix)] = data.decode("utf-8")
    return pages


def test_english_every_page_has_a_twin(real_site):
    chinese, english = _pages(real_site, ""), _pages(real_site, "en/")
    assert set(chinese) == set(english) == {"index.html", "layout/index.html", "data/index.html",
                                            "about/index.html", "updates/index.html", "404.html",
                                            "wechat/index.html", "layout/wechat/index.html"}


def test_english_twins_show_the_same_numbers(real_site):
    numbers = {fact_id for fact_id, fact in real_site.story.facts.items() if fact.is_number}
    chinese, english = _pages(real_site, ""), _pages(real_site, "en/")
    for path in chinese:
        shown_zh = set(re.findall(r'data-fact="([^"]+)"', chinese[path])) & numbers
        shown_en = set(re.findall(r'data-fact="([^"]+)"', english[path])) & numbers
        assert shown_zh == shown_en, f"{path}: only in Chinese {shown_zh - shown_en}, only in English {shown_en - shown_zh}"


def test_english_pages_have_lang_hreflang_and_a_switcher(real_pages):
    home = real_pages["en/index.html"]
    assert '<html lang="en">' in home
    assert '<link rel="alternate" hreflang="zh-CN" href="https://kejiquan.cn/jingjinji/">' in home
    assert '<link rel="alternate" hreflang="en" href="https://kejiquan.cn/jingjinji/en/">' in home
    assert '<a href="../" hreflang="zh-CN" lang="zh-CN">中文</a>' in home
    assert '<a href="../en/layout/" hreflang="en" lang="en">English</a>' in real_pages["layout/index.html"]
    assert '<meta property="og:locale" content="en">' in home


def test_english_numbers_read_as_english(real_pages):
    text = re.sub(r"<[^>]+>", "", real_pages["en/index.html"])
    for shown in ("at least 6%", "more than 15%", "3.5%", "4.22%", "0.72 percentage points", "20.6%", "No. 4",
                  "No. 1", "March 18, 2026", "two backbone corridors", "three pivots", "four means",
                  "three functions", "three levels", "end of 2025"):
        assert shown in text, shown
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r'lang="zh-CN"[^>]*>[^<]*', "", real_pages["en/index.html"])
                         .split("<main", 1)[1].split("</main>")[0].replace("中文", "")), "Chinese left on the English page"


def test_english_charts_are_localised(real_pages):
    figure = re.search(r'id="chart-data-rd_intensity">(.*?)</script>', real_pages["en/index.html"], re.S).group(1)
    assert "Jing-Jin-Ji average (2014)" in figure and "at least 6%" in figure and "R\\u0026D intensity" in figure
    schematic = re.search(r'id="chart-data-layout_schematic">(.*?)</script>', real_pages["en/layout/index.html"]).group(1)
    assert "Xiong’an New Area, Hebei" in schematic and '"Hebei"' in schematic


def test_english_downloads_carry_both_labels(real_site):
    rows = list(csv.DictReader(io.StringIO(real_site.files["data/facts.csv"].decode("utf-8-sig"))))
    beijing = next(row for row in rows if row["id"] == "rd.beijing_intensity")
    assert beijing["label"] == "北京全社会研发投入强度" and beijing["display"] == "6%以上"
    assert beijing["label_en"].startswith("Beijing’s R&D intensity") and beijing["display_en"] == "at least 6%"


@pytest.mark.parametrize("args, expected", [
    ((6, "percent", "at_least"), "at least 6%"),
    ((15, "percent", "more_than"), "more than 15%"),
    ((0.72, "percentage_point", "exact"), "0.72 percentage points"),
    ((1, "percentage_point", "exact"), "1 percentage point"),
    ((4, "rank", "exact"), "No. 4"),
    (("2026-03-18", "date", "exact"), "March 18, 2026"),
    ((("A", "B", "C"), "list", "exact"), "A, B and C"),
    ((("A", "B"), "list", "exact"), "A and B"),
    # An item with an 'and' of its own: a comma before the last 'and', or the list reads as one run.
    ((("information technology", "medicine and health", "science and technology services"), "list", "exact"),
     "information technology, medicine and health, and science and technology services"),
    ((("Beijing", "Tianjin, Hebei", "Xiong’an"), "list", "exact"), "Beijing; Tianjin, Hebei; and Xiong’an"),
])
def test_english_formatting(args, expected):
    assert format_value(*args, language="en") == expected


def test_english_missing_translations_are_warnings_with_places(tmp_path, make_project, capsys):
    project = make_project({"site.yaml": "title: t\ndescription: d\nlanguage: zh-CN\nbase_url: /\npublisher: p\n"
                            + EN_SITE})
    args = ["check", "--project", str(tmp_path), "--templates", str(REPO / "templates")]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "content/facts/rd.yaml:1:1: warning: the label of 'rd.beijing' has no English translation" in err
    assert "expected: 'label_en:' with the English label" in err
    assert "content/charts/rd_bars.yaml:2:8: warning: the title in chart 'rd_bars' has no English translation" in err
    assert "content/sources.yaml:1:1: warning: the title of source 'demo' has no English translation" in err
    assert "content/pages/index.md:1:1: warning: this page has no English twin" in err
    assert main(args + ["--strict"]) == 1
    assert "error: the label of 'rd.beijing' has no English translation" in capsys.readouterr().err
    assert project.content.is_dir()


def test_english_value_must_match_the_shape_of_value(tmp_path, make_project, capsys):
    make_project({"facts/more.yaml": "l:\n  label: 列表\n  value: [甲, 乙]\n  value_en: [A]\n  unit: list\n"
                  "  source: demo\n  evidence: 甲、乙\n"})
    assert main(["check", "--project", str(tmp_path), "--templates", str(REPO / "templates")]) == 1
    assert ("content/facts/more.yaml:4:13: error: 'value_en' must be a list as long as 'value' (2 items)"
            in capsys.readouterr().err)
