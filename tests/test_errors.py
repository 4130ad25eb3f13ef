"""Editors' mistakes: each gets `path:line:col: error: ...` with what was expected, exit code 1,
no traceback, and the previous site left as it was. The messages are pinned: they are the
editors' interface.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import REPO
from kejiquan_site.cli import main

CASES = {
    "yaml syntax": (
        {"facts/rd.yaml": "beijing:\n  label: [a, b]]\n"},
        "content/facts/rd.yaml:2:16: error: YAML syntax error: expected <block end>, but found ']'"),
    "yaml syntax, either of two lines out of line": (  # not sure which: PyYAML's message, at its mark
        {"facts/rd.yaml": "beijing:\n  value:\n      - a\n    - b\n"},
        "content/facts/rd.yaml:4:5: error: YAML syntax error: expected <block end>, but found '<block sequence start>'"),
    "unclosed bracket": (
        {"facts/rd.yaml": "beijing:\n  label: [unclosed\n"},
        "content/facts/rd.yaml:2:10: error: the '[' opened here is never closed on its line, so YAML reads the "
        "lines below as part of the list"),
    "tab indentation": (
        {"facts/rd.yaml": "beijing:\n\tlabel: x\n"},
        "content/facts/rd.yaml:2:1: error: a tab character is used for indentation; YAML allows only spaces"),
    "duplicate key": (
        {"site.yaml": "title: a\ntitle: b\n"},
        "content/site.yaml:2:1: error: duplicate key 'title' (first given on line 1); YAML would silently keep only the last one"),
    "yaml 1.1 boolean": (
        {"sources.yaml": "demo:\n  title: NO\n  publisher: p\n"},
        "content/sources.yaml:2:10: error: 'NO' is ambiguous: YAML 1.1 reads it as a yes/no value"),
    "leading zero": (
        {"sources.yaml": "demo:\n  title: 0123\n  publisher: p\n"},
        "content/sources.yaml:2:10: error: '0123' has a leading zero: YAML 1.1 reads it as an octal number"),
    "sexagesimal": (
        {"sources.yaml": "demo:\n  title: 1:30\n  publisher: p\n"},
        "content/sources.yaml:2:10: error: '1:30' looks like a time: YAML 1.1 reads it as a base-60 number"),
    "value with percent sign": (
        {"facts/rd.yaml": "beijing:\n  label: 北京\n  value: 4.22%\n  unit: percent\n  source: demo\n  evidence: 4.22%\n"},
        "content/facts/rd.yaml:3:10: error: 'value' must be a number for unit 'percent', got the text '4.22%'"),
    "unknown unit": (
        {"facts/rd.yaml": "beijing:\n  label: 北京\n  value: 4\n  unit: percnt\n  source: demo\n  evidence: 4%\n"},
        "content/facts/rd.yaml:4:9: error: 'unit' must be one of percent, percentage_point, rank, count, year, "
        "number, date, place, text, list, got the text 'percnt' (did you mean 'percent'?)"),
    "unknown key": (
        {"facts/rd.yaml": "beijing:\n  label: 北京\n  valeu: 4\n  unit: percent\n  source: demo\n  evidence: 4%\n"},
        "content/facts/rd.yaml:3:3: error: unknown key 'valeu' in fact 'rd.beijing' (did you mean 'value'?)"),
    "unknown source": (
        {"facts/rd.yaml": "beijing:\n  label: 北京\n  value: 4\n  unit: percent\n  source: dem\n  evidence: 4%\n"},
        "content/facts/rd.yaml:5:11: error: unknown source 'dem' (did you mean 'demo'?)"),
    "unknown qualifier": (
        {"facts/rd.yaml": "beijing:\n  label: 北京\n  value: 4\n  unit: percent\n  qualifier: atleast\n  source: demo\n  evidence: 4%\n"},
        "content/facts/rd.yaml:5:14: error: 'qualifier' must be one of exact, at_least, more_than, about, at_most, "
        "less_than, got the text 'atleast' (did you mean 'at_least'?)"),
    "missing label": (
        {"facts/rd.yaml": "beijing:\n  value: 4\n  unit: percent\n  source: demo\n  evidence: 4%\n"},
        "content/facts/rd.yaml:1:1: error: fact 'rd.beijing' is missing the required key 'label'"),
    "unknown fact in markdown": (
        {"pages/index.md": "---\ntitle: t\ndescription: d\n---\n\n第一段。\n\n北京{fact}`rd.beijng`。\n"},
        "content/pages/index.md:8:10: error: unknown fact 'rd.beijng' (did you mean 'rd.beijing'?)"),
    "unknown chart in markdown": (
        {"pages/index.md": "---\ntitle: t\ndescription: d\n---\n\n```{chart} rd_bar\n```\n"},
        "content/pages/index.md:6:12: error: unknown chart 'rd_bar' (did you mean 'rd_bars'?)"),
    "unknown fact in cards": (
        {"pages/index.md": "---\ntitle: t\ndescription: d\n---\n\n```{cards}\n- rd.jjj_2025\n```\n"},
        "content/pages/index.md:7:3: error: unknown fact 'rd.jjj_2025' (did you mean 'rd.jjj_2024'?)"),
    "unknown fact in chart": (
        {"charts/rd_bars.yaml": "type: bar\ntitle: t\nbars:\n  - fact: rd.beijin\n"},
        "content/charts/rd_bars.yaml:4:11: error: unknown fact 'rd.beijin' in chart 'rd_bars' (did you mean 'rd.beijing'?)"),
    "chart mixing units": (
        {"charts/rd_bars.yaml": "type: bar\ntitle: t\nbars:\n  - fact: rd.beijing\n  - fact: rd.change\n"},
        "content/charts/rd_bars.yaml:4:11: error: the bars mix units (percent, percentage_point); one axis cannot show them honestly"),
    "broken front matter": (
        {"pages/index.md": "---\ntitle: t\ndescription: d\n\nno closing line\n"},
        "content/pages/index.md:1:1: error: the front matter is never closed"),
    "front matter missing": (
        {"pages/index.md": "# 标题\n"},
        "content/pages/index.md:1:1: error: a page must start with front matter between '---' lines"),
    "three ids in a card": (
        {"pages/index.md": "---\ntitle: t\ndescription: d\n---\n\n```{cards}\n- rd.jjj_2014 -> rd.jjj_2024 -> rd.beijing\n```\n"},
        "content/pages/index.md:7:33: error: an item of {cards} takes at most 2 fact ids, got 3"),
    "argument after a directive": (
        {"pages/index.md": "---\ntitle: t\ndescription: d\n---\n\n```{cards} rd.beijing\n```\n"},
        "content/pages/index.md:6:5: error: {cards} takes no argument, got 'rd.beijing'"),
    "chart without id": (
        {"pages/index.md": "---\ntitle: t\ndescription: d\n---\n\n```{chart}\n```\n"},
        "content/pages/index.md:6:5: error: {chart} needs a chart id"),
    "formula with unknown fact": (
        {"facts/more.yaml": "x:\n  label: x\n  formula: rd.jjj_2024 - rd.jjj_2015\n  unit: percentage_point\n"},
        "content/facts/more.yaml:3:12: error: unknown fact 'rd.jjj_2015' in the formula (did you mean 'rd.jjj_2014'?)"),
    "formula over a lower bound": (
        {"facts/more.yaml": "x:\n  label: x\n  formula: rd.beijing - rd.jjj_2024\n  unit: percentage_point\n"},
        "content/facts/more.yaml:3:12: error: 'rd.beijing' is 6%以上, not an exact figure; a computed value would "
        "claim a precision the source does not give"),
    "cyclic formulas": (
        {"facts/more.yaml": "a:\n  label: a\n  formula: more.b + 1\n  unit: number\nb:\n  label: b\n  formula: more.a + 1\n  unit: number\n"},
        "content/facts/more.yaml:3:12: error: derived facts depend on each other in a circle: more.a -> more.b -> more.a"),
    "division by zero": (
        {"facts/more.yaml": "a:\n  label: a\n  formula: rd.jjj_2024 / (rd.jjj_2014 - rd.jjj_2014)\n  unit: number\n"},
        "content/facts/more.yaml:3:12: error: the formula divides by zero"),
    "missing site config": (
        {"site.yaml": None},
        "content/site.yaml: error: the site configuration is missing"),
    "rank below one": (
        {"facts/more.yaml": "r:\n  label: r\n  value: 0\n  unit: rank\n  source: demo\n  evidence: 第0\n"},
        "content/facts/more.yaml:3:10: error: a rank must be 1 or more, got 0"),
    "unknown front matter key": (
        {"pages/index.md": "---\ntitle: t\ndescripton: d\n---\n"},
        "content/pages/index.md:3:1: error: unknown key 'descripton' in the front matter (did you mean 'description'?)"),
    "unknown template": (
        {"pages/index.md": "---\ntitle: t\ndescription: d\ntemplate: pgae.html\n---\n"},
        "content/pages/index.md:2:1: error: unknown template 'pgae.html' (did you mean 'page.html'?)"),
    "yaml alias": (
        {"sources.yaml": "demo: &a\n  title: t\n  publisher: p\nother: *a\n"},
        "content/sources.yaml:4:8: error: YAML aliases (*name) are not supported"),
    "not a finite number": (
        {"facts/more.yaml": "r:\n  label: r\n  value: .nan\n  unit: number\n  source: demo\n  evidence: x\n"},
        "content/facts/more.yaml:3:10: error: '.nan' is not a finite number"),
    "absurdly large number": (
        {"facts/more.yaml": "r:\n  label: r\n  value: 1e400\n  unit: number\n  source: demo\n  evidence: x\n"},
        "content/facts/more.yaml:3:10: error: '1e400' is too large to be a real figure"),
    "not utf-8": (
        {"facts/more.yaml": "a: \udcff\n"},
        "content/facts/more.yaml:1:4: error: the file is not valid UTF-8 text"),
}


def _run(tmp_path: Path, make_project, changes: dict, capsys) -> tuple[int, str]:
    project = make_project()
    for relative, text in changes.items():
        path = project.content / relative
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8", "surrogateescape"))
    code = main(["build", "--project", str(tmp_path), "--templates", str(REPO / "templates")])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(CASES))
def test_errors_are_located_and_pinned(name, tmp_path, make_project, capsys):
    changes, expected = CASES[name]
    code, err = _run(tmp_path, make_project, changes, capsys)
    assert code == 1
    assert expected in err, err
    assert "Traceback" not in err
    assert err.rstrip().endswith("nothing was written, the previous site is unchanged")


def test_errors_leave_the_previous_site_untouched(tmp_path, make_project, capsys):
    project = make_project()
    assert main(["build", "--project", str(tmp_path), "--templates", str(REPO / "templates")]) == 0
    before = {p: p.read_bytes() for p in (tmp_path / "_site").rglob("*") if p.is_file()}
    (project.content / "facts" / "rd.yaml").write_text("beijing: [\n", encoding="utf-8")
    assert main(["build", "--project", str(tmp_path), "--templates", str(REPO / "templates")]) == 1
    after = {p: p.read_bytes() for p in (tmp_path / "_site").rglob("*") if p.is_file()}
    assert before == after
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("._site") and not p.name.endswith(".lock")]


def test_errors_are_all_reported_in_one_run(tmp_path, make_project, capsys):
    code, err = _run(tmp_path, make_project, {
        "site.yaml": "title: a\ntitle: b\n",
        "pages/index.md": "---\ntitle: t\ndescription: d\n---\n\n{fact}`rd.nope`\n",
    }, capsys)
    assert code == 1
    assert "content/site.yaml:2:1" in err and "2 errors, 2 warnings;" in err


def test_errors_show_the_source_line_and_a_caret(tmp_path, make_project, capsys):
    _, err = _run(tmp_path, make_project, CASES["value with percent sign"][0], capsys)
    assert "    value: 4.22%\n             ^\n  expected: a plain number such as 4.22" in err


def test_errors_template_typo_names_template_and_line(tmp_path, make_project, capsys):
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    page = templates / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{{ page.title", "{{ page.titel"), encoding="utf-8")
    make_project(templates=templates)
    code = main(["build", "--project", str(tmp_path), "--templates", str(templates)])
    err = capsys.readouterr().err
    assert code == 1
    assert ("templates/page.html:6: error: template error while rendering content/pages/index.md: "
            "'page' has no attribute 'titel'") in err


def test_errors_template_syntax_error_names_template_and_line(tmp_path, make_project, capsys):
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    page = templates / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{% endif %}", "{% endfi %}", 1), encoding="utf-8")
    make_project(templates=templates)
    assert main(["build", "--project", str(tmp_path), "--templates", str(templates)]) == 1
    err = capsys.readouterr().err
    assert "templates/page.html:5: error: template error while rendering content/pages/index.md: " \
           "Encountered unknown tag 'endfi'" in err


@pytest.mark.parametrize("typo, message", [
    ("{{ asset('site.cs') }}", "unknown asset 'site.cs' (did you mean 'site.css'?)"),
    ("{{ page_href('indx') }}", "unknown page 'indx' (did you mean 'index'?)"),
    ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
    ("{% include 'page.html' %}", "the template includes or extends itself without end"),
])
def test_errors_template_mistakes_at_run_time_are_located(typo, message, tmp_path, make_project, capsys):
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    page = templates / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("<h1>", typo + "<h1>", 1), encoding="utf-8")
    make_project(templates=templates)
    assert main(["build", "--project", str(tmp_path), "--templates", str(templates)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"templates/page\.html:\d+: error: template error while rendering content/pages/index\.md: "
                     + re.escape(message), err), err
    assert "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("text", [
    'label_en: the "new quality" forces\n',  # quotes in pairs: English quoting a phrase
    "label: 北京“新质生产力”\n",  # Chinese quote marks
    "note: # to be checked\n",  # a comment after an empty key, with its space
    "a:\n  label: x\n  note:\n  label: y\n",  # one repeat after an empty key: a duplicate, not a name
])
def test_valid_yaml_slips_leave_sound_texts_alone(text):
    from kejiquan_site.read.yamlread import parse_yaml

    problems = [problem.message for problem in parse_yaml(text, "f.yaml").problems]
    assert all("stray" not in p and "comment" not in p and "the name" not in p for p in problems), problems
    assert ("duplicate key 'label'" in "".join(problems)) == ("label: y" in text)


@pytest.mark.parametrize("text", ['他说"好', 'the "x', "y", "N", "no", "On", "1e3", "2024", "012", "1:20", ".inf",
                                  "null", "~", "true", "#x", "a: b", "it's", "- x", "[a]", "x"])
def test_published_record_reads_back_every_text_as_written(text):
    """`kejiquan publish` writes texts the reader reads back as themselves, without a problem: 'y'
    and '1e3' were written plain and read back as a yes/no problem and as the number 1000.0."""
    from kejiquan_site.read.published import Record, Version, parse_record, render_record
    from kejiquan_site.read.yamlread import parse_yaml

    record = Record("2026-11-30", {"a.b": (Version("2026-11-30", text, value_en=[text, "z"]),)}, "published.yaml")
    doc = parse_yaml(render_record(record), "published.yaml")
    assert doc.problems == []
    read, problems = parse_record(doc)
    assert problems == [] and read is not None
    assert read.facts["a.b"][0].value == text and read.facts["a.b"][0].value_en == (text, "z")
