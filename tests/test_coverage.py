"""Coverage of archived sources: every number is stated by a fact or set aside with a reason;
`kejiquan facts propose` prints facts to paste for the rest."""

from __future__ import annotations

import shutil
import textwrap

import pytest
import yaml

from helpers import MINIMAL, REPO, copy_real_site, write_files
from kejiquan_site.build.site import load_story
from kejiquan_site.check.numbers import chinese_value, find_numbers, normalise, normalise_with_map
from kejiquan_site.cli import main
from kejiquan_site.markdown.extensions import make_markdown
from kejiquan_site.model.story import Project


def _cli(command: str, project: Project, *extra: str) -> list[str]:
    return [*command.split(), *extra, "--project", str(project.root), "--templates", str(project.templates)]


def _story(project: Project):
    return load_story(project, make_markdown())


def _found(text: str) -> list[tuple[str, str, object, str]]:
    return [(n.kind, n.text, n.value, n.qualifier) for n in find_numbers(normalise(text))]


def test_coverage_real_archive_is_fully_covered(real_site):
    [coverage] = real_site.story.coverage
    assert (coverage.source, coverage.numbers, coverage.facts, coverage.set_aside) == ("xjb_kuowei", 23, 19, 4)
    assert coverage.uncovered == ()
    assert coverage.summary == "source xjb_kuowei: 23 numbers, 19 facts, 4 set aside"


def test_coverage_every_set_aside_entry_of_the_real_story_gives_a_reason():
    entries = yaml.safe_load((REPO / "content/sources/xjb_kuowei.setaside.yaml").read_text(encoding="utf-8"))
    assert sorted(str(entry["number"]) for entry in entries) == ["万亿级", "三地", "去年底", "百强"]
    assert all(len(entry["reason"]) >= 10 for entry in entries)


def test_coverage_numbers_in_chinese_and_arabic_forms_alike():
    assert _found("研发投入强度保持在6%以上,占比超过１５％,位居全球城市首位") == [
        ("percent", "6%", 6, "at_least"), ("percent", "15%", 15, "more_than"), ("rank", "首位", 1, "exact")]
    assert _found("三个万亿级产业集群,一平台两廊三支点,三大功能,排名第四,第1名") == [
        ("count", "三个", 3, "exact"), ("amount", "万亿级", None, "exact"), ("count", "一平台", 1, "exact"),
        ("count", "两廊", 2, "exact"), ("count", "三支点", 3, "exact"), ("count", "三大", 3, "exact"),
        ("rank", "第四", 4, "exact"), ("rank", "第1", 1, "exact")]
    assert _found("3月18日,2025年底,去年底,2026中关村论坛,从2014年的3.5%") == [
        ("date", "3月18日", None, "exact"), ("period", "2025年底", None, "exact"),
        ("period", "去年底", None, "exact"), ("year", "2026", 2026, "exact"), ("year", "2014年", 2014, "exact"),
        ("percent", "3.5%", 3.5, "exact")]
    assert _found("提高0.72个百分点,百分之六,约1.2万亿元,不到6万元,百强") == [
        ("point", "0.72个百分点", 0.72, "exact"), ("percent", "百分之六", 6, "exact"),
        ("amount", "1.2万亿元", 1.2, "about"), ("amount", "6万元", 6, "less_than"), ("top", "百强", 100, "exact")]
    assert _found("统一大市场,进一步,一揽子,一体发展,G20峰会,CO2排放") == []


@pytest.mark.parametrize("text, value", [("三", 3), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20),
                                         ("一百零五", 105), ("百", 100), ("三万", 30000), ("二〇二五", 2025),
                                         ("甲", None)])
def test_coverage_chinese_numerals_are_read(text, value):
    assert chinese_value(text) == value


@pytest.mark.parametrize("text", ["北京 研发投入\n  强度６％以上。\n第四", "面积３㎡,\n共 ５ 个。"])
def test_coverage_positions_map_back_through_full_width_characters_spaces_and_line_ends(text):
    normalised = normalise_with_map(text)
    assert "\n" not in normalised.text and " " not in normalised.text
    for number in find_numbers(normalised.text):
        original = text[normalised.origin[number.start]:normalised.origin[number.end - 1] + 1]
        assert normalise(original) == number.text
    assert {normalised.text[position] for position in normalised.breaks} <= {"强", "第", "共"}


def test_coverage_a_new_figure_in_the_archive_fails_a_strict_build_at_its_line(tmp_path, capsys):
    root = copy_real_site(tmp_path).root
    archive = root / "content/sources/xjb_kuowei.txt"
    archive.write_text(archive.read_text(encoding="utf-8") + "\n此外,北京还新建了12个概念验证中心。\n", encoding="utf-8")
    assert main(["build", "--strict", "--project", str(root), "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert ("content/sources/xjb_kuowei.txt:24:10: error: the number '12个' of source 'xjb_kuowei' is neither a "
            "fact nor set aside, in the sentence '此外,北京还新建了12个概念验证中心。'") in err
    assert ("  expected: a fact that states it, with evidence containing it ('kejiquan facts propose xjb_kuowei' "
            "prints one to paste), or an entry with a reason in content/sources/xjb_kuowei.setaside.yaml") in err
    assert not (tmp_path / "out").exists()
    assert main(["build", "--project", str(root), "--output", str(tmp_path / "out")]) == 0  # a warning only
    captured = capsys.readouterr()
    assert "content/sources/xjb_kuowei.txt:24:10: warning: the number '12个'" in captured.err
    assert "coverage: source xjb_kuowei: 24 numbers, 19 facts, 4 set aside, 1 neither" in captured.out
    data_page = (tmp_path / "out/data/index.html").read_text(encoding="utf-8")
    assert "原文中的24个数字，19个是事实，4个有意略去并注明理由，1个尚待处理。" in data_page


def test_coverage_summary_is_printed_after_each_build_and_check(make_project, capsys):
    project = make_project()
    assert main(_cli("check --strict", project)) == 0
    assert "coverage: source demo: 9 numbers, 5 facts, 4 set aside\n" in capsys.readouterr().out


def test_coverage_summary_is_on_the_data_page_in_both_editions(real_pages):
    assert "<li>来源 xjb_kuowei（新京报）：原文中的23个数字，19个是事实，4个有意略去并注明理由。</li>" \
        in real_pages["data/index.html"]
    assert ("<li>Source xjb_kuowei (The Beijing News): 23 numbers in the text, 19 facts, 4 set aside on purpose, "
            "each with a reason.</li>") in real_pages["en/data/index.html"]


def test_coverage_repeated_paragraphs_count_once_and_either_copy_covers(make_project):
    archive = "测试报道\n北京研发投入强度保持在6%以上。京津冀从2014年的3.5%跃升至2024年的4.22%。\n" * 2
    project = make_project({"sources/demo.txt": archive, "sources/demo.setaside.yaml": None})
    [coverage] = _story(project).coverage
    assert (coverage.numbers, coverage.facts, coverage.uncovered) == (5, 5, ())


def test_coverage_a_stale_set_aside_entry_is_an_error_in_the_list(make_project, capsys):
    stale = textwrap.dedent(MINIMAL["sources/demo.setaside.yaml"]) + textwrap.dedent("""
        - number: 8%
          fragment: 增长8%
          reason: 早已删去的一句
        - number: 5项
          fragment: 共9项
          reason: 数字改了
    """)
    project = make_project({"sources/demo.setaside.yaml": stale})
    assert main(_cli("check", project)) == 1
    err = capsys.readouterr().err
    assert ("content/sources/demo.setaside.yaml:14:11: error: the set-aside number '8%' matches no number of "
            "content/sources/demo.txt: its fragment does not occur there") in err
    assert ("content/sources/demo.setaside.yaml:17:11: error: the set-aside number '5项' matches no number of "
            "content/sources/demo.txt: its fragment holds no number '5项'") in err
    assert ("  expected: a fragment copied from the source that contains the number as written there, or no entry "
            "(a number that became a fact needs none)") in err


def test_coverage_a_set_aside_file_must_be_a_list_of_complete_entries(make_project, capsys):
    project = make_project({"sources/demo.setaside.yaml": "number: 9项\n"})
    assert main(_cli("check", project)) == 1
    err = capsys.readouterr().err
    assert ("content/sources/demo.setaside.yaml:1:1: error: a set-aside file must be a list of entries, got a "
            "block of keys") in err
    assert "  expected: entries such as '- number: 2026' with 'fragment:' and 'reason:' below" in err
    project = make_project({"sources/demo.setaside.yaml": "- number: 9项\n  fragment: 共9项\n  reson: 测试\n"})
    assert main(_cli("check", project)) == 1
    err = capsys.readouterr().err
    assert "content/sources/demo.setaside.yaml:3:3: error: unknown key 'reson' in set-aside entry 1 " \
           "(did you mean 'reason'?)" in err
    assert "error: set-aside entry 1 is missing the required key 'reason'" in err


INVENTED = """\
示例市统计公报_示例网
2025年,示例市地区生产总值约1.2万亿元,增长5.3%。
示例市研发投入强度提高0.2个百分点,位居全省第二。
全市共有高新技术企业超过8000家,其中三家进入全国百强。
截至2025年底,全市建成5个国家级实验室,新增两条地铁线路。
居民人均可支配收入不到6万元,上年为5.6万元。
3月18日,示例市举行发布会。
全社会研发投入强度从2014年的3.5%跃升至2024年的4.22%。
"""

PROPOSED_PROJECT = {
    "site.yaml": MINIMAL["site.yaml"],
    "sources.yaml": """
        city:
          title: 示例市统计公报
          publisher: 示例网
          date: "2026-03-20"
          archive: sources/city.txt
    """,
    "facts/known.yaml": """
        growth:
          label: 示例市经济增长
          value: 5.3
          unit: percent
          period: 2025
          source: city
          evidence: 增长5.3%
    """,
    "pages/index.md": "---\ntitle: 示例\ndescription: 示例。\n---\n\n增长{fact}`known.growth`。\n",
}

# (line, number, value, unit, qualifier, period) of every number the invented article holds
# besides the one already a fact.
EXPECTED = [
    (2, "2025年", 2025, "year", None, None),
    (2, "1.2万亿元", 1.2, "number", "about", 2025),
    (3, "0.2个百分点", 0.2, "percentage_point", None, None),
    (3, "第二", 2, "rank", None, None),
    (4, "8000家", 8000, "count", "more_than", None),
    (4, "三家", 3, "count", None, None),
    (4, "百强", "百强", "text", None, None),
    (5, "2025年底", "2025年底", "text", None, None),
    (5, "5个", 5, "count", None, "2025年底"),
    (5, "两条", 2, "count", None, "2025年底"),
    (6, "6万元", 6, "number", "less_than", "上年"),
    (6, "上年", "上年", "text", None, None),
    (6, "5.6万元", 5.6, "number", None, "上年"),
    (7, "3月18日", "2026-03-18", "date", None, None),
    (8, "2014年", 2014, "year", None, None),
    (8, "3.5%", 3.5, "percent", None, 2014),
    (8, "2024年", 2024, "year", None, None),
    (8, "4.22%", 4.22, "percent", None, 2024),
]


def test_coverage_proposals_for_an_invented_article_are_right_and_paste_clean(tmp_path, capsys):
    write_files(tmp_path / "content", {**PROPOSED_PROJECT, "sources/city.txt": INVENTED})
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    assert main(["facts", "propose", "city", "--project", str(tmp_path)]) == 0
    proposals = capsys.readouterr().out
    assert proposals.startswith("# 18 numbers of source 'city' (content/sources/city.txt) are neither a fact "
                                "nor set aside.\n")
    facts = yaml.safe_load(proposals)
    got = [(fact["value"], fact["unit"], fact.get("qualifier"), fact.get("period")) for fact in facts.values()]
    assert got == [(value, unit, qualifier, period) for _, _, value, unit, qualifier, period in EXPECTED]
    comments = [line for line in proposals.splitlines() if line.startswith("# ") and ": " in line[2:8]]
    assert [(int(c[2:].split(":")[0]), c.split(": ", 1)[1]) for c in comments] == [e[:2] for e in EXPECTED]
    assert all(len(fact["evidence"]) <= 40 and fact["source"] == "city" for fact in facts.values())
    assert facts["count_8000"]["measure"] == "家" and facts["count_2"]["measure"] == "条"
    assert facts["count_2"]["in_words"] is True and "in_words" not in facts["count_5"]
    assert facts["count_8000"]["evidence"] == "全市共有高新技术企业超过8000家"
    # one figure per evidence fragment (years may stay, to say which period a figure is for)
    assert (facts["count_3"]["evidence"], facts["text_4_27"]["evidence"]) == ("其中三家进入全国", "进入全国百强")
    assert facts["pct_3_5"]["evidence"] == "全社会研发投入强度从2014年的3.5%跃升至"
    assert facts["pct_4_22"]["evidence"] == "跃升至2024年的4.22%"
    assert facts["year_2014"]["evidence"] == "全社会研发投入强度从2014年的"
    (tmp_path / "content/facts/proposed.yaml").write_text(proposals, encoding="utf-8")
    assert main(["check", "--project", str(tmp_path)]) == 0  # unused facts are warnings
    out = capsys.readouterr().out
    assert "coverage: source city: 19 numbers, 19 facts, 0 set aside\n" in out
    assert main(["facts", "propose", "city", "--project", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ("# every number of source 'city' (content/sources/city.txt) is a fact or "
                                       "set aside: nothing to propose\n")


def test_coverage_propose_never_writes_and_refuses_unknown_or_unarchived_sources(make_project, tmp_path, capsys):
    project = make_project({"sources/demo.setaside.yaml": None})
    before = {path: path.read_bytes() for path in (tmp_path / "content").rglob("*") if path.is_file()}
    assert main(_cli("facts propose demo", project)) == 0
    assert "9项" in capsys.readouterr().out
    assert {path: path.read_bytes() for path in (tmp_path / "content").rglob("*") if path.is_file()} == before
    assert main(_cli("facts propose dem", project)) == 1
    assert capsys.readouterr().err == "error: unknown source 'dem' (did you mean 'demo'?)\n"
    sources = textwrap.dedent(MINIMAL["sources.yaml"]) + "other:\n  title: 另一篇\n  publisher: 另一家\n"
    project = make_project({"sources.yaml": sources})
    assert main(_cli("facts propose other", project)) == 1
    assert capsys.readouterr().err == ("error: source 'other' has no archived text to read numbers from\n"
                                       "  expected: 'archive: sources/other.txt' in sources.yaml\n")
