"""`kejiquan check`: provenance, hand-typed numbers, unused facts, --strict, and formulas."""

from __future__ import annotations

from helpers import REPO
from kejiquan_site.build.site import build_site
from kejiquan_site.check.handtyped import find_quantities
from kejiquan_site.cli import main


def _check(tmp_path, *extra: str) -> list[str]:
    return ["check", "--project", str(tmp_path), "--templates", str(REPO / "templates"), *extra]


def test_checks_hand_typed_numbers_are_found_and_dates_are_not():
    found = [quantity for _, _, quantity in find_quantities(
        "北京6%以上，排名第4，第四，3个集群，三个层面，两条走廊，提高0.72个百分点，百分之六，1.2万亿元。"
        "2014年到2024年，3月18日，2026中关村论坛，一城发力，十年间，第一次。")]
    assert found == ["6%", "第4", "第四", "3个", "三个", "两条", "0.72个百分点", "百分之六", "1.2万亿"]


def test_checks_hand_typed_number_in_prose_is_a_warning_with_its_place(tmp_path, make_project, capsys):
    make_project({"pages/index.md": "---\ntitle: t\ndescription: d\n---\n\n北京{fact}`rd.beijing`，"
                  "京津冀{fact}`rd.change`，2024年达到4.22%。\n\n```{cards}\n- rd.jjj_2014 -> rd.jjj_2024\n```\n"})
    assert main(_check(tmp_path)) == 0
    err = capsys.readouterr().err
    assert "content/pages/index.md:6:50: warning: the number '4.22%' is typed by hand" in err
    assert "expected: a fact reference such as {fact}`rd.jjj_2024`, so the number has a source" in err
    assert "2024年" not in err.split("warning")[1].split("\n")[0]


def test_checks_strict_makes_warnings_errors(tmp_path, make_project, capsys):
    make_project({"pages/index.md": "---\ntitle: 达到4.22%\ndescription: d\n---\n\n{fact}`rd.beijing` {fact}`rd.change`"
                  " {fact}`rd.jjj_2024`\n"})
    assert main(_check(tmp_path)) == 0
    assert main(_check(tmp_path, "--strict")) == 1
    err = capsys.readouterr().err
    assert "content/pages/index.md:2:10: error: the number '4.22%' is typed by hand" in err


def test_checks_a_number_from_no_fact_is_an_error_even_without_strict(tmp_path, make_project, capsys):
    make_project({"pages/index.md": "---\ntitle: 第1名\ndescription: d\n---\n\n{fact}`rd.beijing` {fact}`rd.change`"
                  " {fact}`rd.jjj_2024`\n"})
    assert main(_check(tmp_path)) == 1
    err = capsys.readouterr().err
    assert ("content/pages/index.md:2:9: error: the number '1' is shown to readers (in '第1名') but comes "
            "from no fact") in err
    assert "expected: a number from a fact: {fact}`id` in pages, or a fact's field in templates" in err


def test_checks_hand_typed_numbers_in_charts_and_templates(tmp_path, make_project, capsys):
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("本站数字均取自", "本站数字（共3个部分）均取自"), encoding="utf-8")
    make_project({"charts/rd_bars.yaml": "type: bar\ntitle: 北京排名第4\nbars:\n  - fact: rd.beijing\n"
                  "  - fact: rd.jjj_2014\n"}, templates=templates)
    main(["check", "--project", str(tmp_path), "--templates", str(templates)])
    err = capsys.readouterr().err
    assert "content/charts/rd_bars.yaml:2:12: warning: the number '第4' is typed by hand" in err
    line = base.read_text(encoding="utf-8").split("\n").index(
        next(text for text in base.read_text(encoding="utf-8").split("\n") if "共3个部分" in text)) + 1
    assert f"templates/base.html:{line}:" in err and "warning: the number '3个' is typed by hand" in err


def test_checks_unused_fact_is_a_warning(tmp_path, make_project, capsys):
    make_project({"facts/extra.yaml": "spare:\n  label: 备用\n  value: 9\n  unit: number\n  source: demo\n"
                  "  evidence: 共9项\n"})
    assert main(_check(tmp_path)) == 0
    assert "content/facts/extra.yaml:1:1: warning: fact 'extra.spare' is never shown on a page or in a chart" \
        in capsys.readouterr().err


def test_checks_value_must_occur_in_its_evidence(tmp_path, make_project, capsys):
    make_project({"facts/extra.yaml": "spare:\n  label: 备用\n  value: 9\n  unit: percent\n  source: demo\n"
                  "  evidence: 共8%\n"})
    assert main(_check(tmp_path)) == 1
    assert ("content/facts/extra.yaml:6:13: error: the evidence of 'extra.spare' does not contain its value "
            "(looked for '9%')") in capsys.readouterr().err


def test_checks_evidence_must_occur_in_the_archived_source(tmp_path, make_project, capsys):
    make_project({"sources/demo.txt": "研发投入强度保持在6%以上。从2014年的3.6%跃升至2024年的4.22%。"})
    assert main(_check(tmp_path)) == 1
    err = capsys.readouterr().err
    assert "content/facts/rd.yaml:14:13: error: the evidence of 'rd.jjj_2014' does not occur in the archived " \
           "text of source 'demo' (content/sources/demo.txt)" in err
    assert "rd.beijing" not in err and "rd.jjj_2024" not in err


def test_checks_a_missing_archive_is_an_error_at_its_declaration(tmp_path, make_project, capsys):
    make_project({"sources/demo.txt": None})
    assert main(_check(tmp_path)) == 1
    err = capsys.readouterr().err
    assert ("content/sources.yaml:5:12: error: the archived text 'sources/demo.txt' of source 'demo' cannot be "
            "used: there is no such file") in err
    assert "expected: the source's text saved as UTF-8 in content/sources/demo.txt, or no 'archive:' line" in err


def test_checks_an_archive_path_must_stay_in_content(tmp_path, make_project, capsys):
    make_project({"sources.yaml": "demo:\n  title: t\n  publisher: p\n  archive: ../../etc/passwd\n"})
    assert main(_check(tmp_path)) == 1
    assert ("content/sources.yaml:4:12: error: 'archive' must be the path of a .txt file inside content/, such as "
            "sources/xjb_kuowei.txt, got '../../etc/passwd', which leads out of content/ or to a hidden file"
            ) in capsys.readouterr().err


def test_checks_a_source_without_archive_is_a_warning(tmp_path, make_project, capsys):
    make_project({"sources.yaml": "demo:\n  title: t\n  publisher: p\n"})
    assert main(_check(tmp_path)) == 0
    assert ("content/sources.yaml:1:1: warning: source 'demo' has no archived text, so the evidence of its 3 facts "
            "cannot be checked") in capsys.readouterr().err
    assert main(_check(tmp_path, "--strict")) == 1


def test_checks_real_content_passes_strict_check_against_its_archive(capsys):
    code = main(["check", "--project", str(REPO), "--strict"])
    assert code == 0, capsys.readouterr().err


def test_checks_count_formula_and_numbers_in_words(tmp_path, make_project):
    project = make_project({"facts/extra.yaml": "fields:\n  label: 领域\n  value: [甲, 乙]\n  unit: list\n"
                            "  source: demo\n  evidence: 甲、乙\nfield_count:\n  label: 领域数\n"
                            "  formula: count(extra.fields)\n  unit: count\n  measure: 条\n  in_words: true\n",
                            "pages/index.md": "---\ntitle: 共{fact}`extra.field_count`领域\ndescription: d\n---\n\n"
                            "{fact}`rd.beijing`{fact}`rd.change`{fact}`rd.jjj_2024`{fact}`extra.fields`\n"})
    site = build_site(project)
    assert site.story.facts["extra.field_count"].display == "两条"
    assert "<title>共两条领域 | 测试站</title>" in site.files["index.html"].decode()



def _rd_2024(value: str, period: str = "2024", evidence: str = "从2014年的3.5%跃升至2024年的4.22%") -> dict[str, str]:
    return {"facts/extra.yaml": f"v:\n  label: 强度\n  value: {value}\n  unit: percent\n  period: {period}\n"
            f"  source: demo\n  evidence: \"{evidence}\"\n",
            "pages/about.md": "---\ntitle: t\ndescription: d\n---\n\n{fact}`extra.v`\n"}


def test_checks_a_value_must_be_the_one_its_period_picks_in_the_evidence(tmp_path, make_project, capsys):
    make_project(_rd_2024("3.5"))
    assert main(_check(tmp_path)) == 1
    err = capsys.readouterr().err
    assert ("content/facts/extra.yaml:7:13: error: the evidence of 'extra.v' gives 4.22% for its period 2024, "
            "but the value is 3.5") in err
    assert "expected: 'value: 4.22', or the 'period:' the value is for" in err


def test_checks_the_period_or_a_marker_says_which_number_is_the_value(tmp_path, make_project, capsys):
    make_project(_rd_2024("4.22"))
    assert main(_check(tmp_path)) == 0, capsys.readouterr().err
    make_project(_rd_2024("4.22", period="2025年底", evidence="从2014年的3.5%跃升至2024年的[[4.22%]]"))
    assert main(_check(tmp_path)) == 0, capsys.readouterr().err


def test_checks_several_numbers_without_period_or_marker_are_an_error(tmp_path, make_project, capsys):
    make_project(_rd_2024("4.22", period="2025年底"))
    assert main(_check(tmp_path)) == 1
    err = capsys.readouterr().err
    assert ("content/facts/extra.yaml:7:13: error: the evidence of 'extra.v' holds 2 numbers (3.5%, 4.22%); "
            "it does not say which is the value") in err
    assert ("expected: the value marked in the evidence: 从2014年的3.5%跃升至2024年的[[4.22%]] (or a 'period:' "
            "whose year the evidence writes before it)") in err


def test_checks_the_marked_number_must_be_the_value(tmp_path, make_project, capsys):
    make_project(_rd_2024("4.22", evidence="从2014年的[[3.5%]]跃升至2024年的4.22%"))
    assert main(_check(tmp_path)) == 1
    assert ("content/facts/extra.yaml:7:13: error: the part marked [[3.5%]] in the evidence of 'extra.v' is not "
            "its value (looked for '4.22%')") in capsys.readouterr().err


def test_checks_a_broken_marker_is_an_error(tmp_path, make_project, capsys):
    make_project(_rd_2024("4.22", evidence="从2014年的3.5%跃升至2024年的[[4.22%"))
    assert main(_check(tmp_path)) == 1
    assert ("content/facts/extra.yaml:7:13: error: the evidence must mark one value with one '[[' and one ']]' "
            "after it, got 1 '[[' and 0 ']]'") in capsys.readouterr().err


def test_checks_an_unquoted_marker_at_the_start_is_explained(tmp_path, make_project, capsys):
    make_project({"facts/extra.yaml": "v:\n  label: 强度\n  value: 4.22\n  unit: percent\n  source: demo\n"
                  "  evidence: [[4.22%]]\n"})
    assert main(_check(tmp_path)) == 1
    assert "got a list: YAML reads '[[' at the start as a list, so put the evidence in quotes" \
        in capsys.readouterr().err


def test_checks_role_markup_left_by_a_template_is_an_error(tmp_path, make_project, capsys):
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    page = templates / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", "<p>{fact}</p></article>"),
                    encoding="utf-8")
    make_project(templates=templates)
    assert main(["check", "--project", str(tmp_path), "--templates", str(templates)]) == 1
    err = capsys.readouterr().err
    assert ":13:4: error: the markup '{fact}' reaches readers as text" in err and "templates/page.html" in err


def test_checks_a_twin_without_the_number_is_a_warning(tmp_path, make_project, capsys):
    english = "english:\n  title: T\n  description: D\n  publisher: P\n"
    make_project({"site.yaml": "title: 测试站\ndescription: d\nlanguage: zh-CN\nbase_url: https://example.org/\n"
                  "publisher: p\n" + english,
                  "pages/en/index.md": "---\ntitle: Home\ndescription: d\n---\n\n{fact}`rd.beijing` {fact}`rd.change`"
                  "\n\n```{chart} rd_bars\n```\n"})
    main(_check(tmp_path))
    err = capsys.readouterr().err
    assert ("content/pages/index.md:11:18: warning: 'rd.jjj_2024' (4.22%) is shown here but not on the English twin "
            "content/pages/en/index.md") in err
    assert "expected: the same figure on both twins: {fact}`rd.jjj_2024` in content/pages/en/index.md, or not here " \
           "either" in err


def test_checks_a_shown_fact_that_cannot_be_computed_hides_its_inputs_never_shown(tmp_path, make_project, capsys):
    make_project({"facts/extra.yaml": "base:\n  label: 基数\n  value: 9\n  unit: number\n  source: demo\n"
                  "  evidence: 共9项\nratio:\n  label: 比\n  formula: extra.base / (extra.base - extra.base)\n"
                  "  unit: number\n",
                  "pages/index.md": "---\ntitle: t\ndescription: d\n---\n\n{fact}`rd.beijing` {fact}`rd.change`"
                  " {fact}`rd.jjj_2024` {fact}`extra.ratio`\n"})
    assert main(_check(tmp_path)) == 1
    err = capsys.readouterr().err
    assert "content/facts/extra.yaml:9:12: error:" in err
    assert "never shown" not in err and "unknown fact" not in err
