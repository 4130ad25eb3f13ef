"""Property tests: whatever fact files, chart specs and Markdown Hypothesis invents, the build
either succeeds or reports diagnostics; it never fails with an unexpected exception."""

from __future__ import annotations

import shutil
import tempfile
import textwrap
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers import MINIMAL, REPO, write_files
from kejiquan_site.build.site import build_site
from kejiquan_site.diagnostics import BuildFailed
from kejiquan_site.model.story import Project

KEYS = ["label", "value", "unit", "qualifier", "period", "source", "evidence", "formula", "decimals",
        "measure", "coordinates", "note", "in_words", "type", "title", "bars", "places", "lines", "fact",
        "from", "to", "role", "highlight", "height", "caption", "axis_title"]
UNITS = ["percent", "percentage_point", "rank", "count", "year", "number", "date", "text", "place", "list",
         "percnt"]
IDS = ["rd.beijing", "rd.jjj_2014", "rd.jjj_2024", "rd.change", "rd.nope", "x.y", "", "../rd", "rd.beijing "]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(UNITS + IDS + ["at_least", "demo", "6%", "2024", "NO", "0123", "1:30", "4.22%",
                                   "rd.jjj_2024 - rd.jjj_2014", "count(rd.beijing)", "1/0", "__import__('os')"]),
    st.text(max_size=30),
)
values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.sampled_from(KEYS), children, max_size=6)), max_leaves=20)
documents = st.one_of(
    st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True) | st.sampled_from(KEYS), values,
                    max_size=5).map(lambda data: yaml.safe_dump(data, allow_unicode=True)),
    st.text(max_size=200),
)
fences = st.sampled_from(["```{cards}\n- rd.beijing\n- rd.jjj_2014 -> rd.jjj_2024 | 文字\n```",
                          "```{chart} rd_bars\n```", "```{chart} nope\n```", "```{lists}\n- rd.beijing\n```",
                          "```{timeline}\n- rd.jjj_2014\n```", "```{facttable}\n```", "```{nope}\n```",
                          "{fact}`rd.beijing`", "{label}`rd.change`", "{fact}`rd.nope`", "{fact}``",
                          "[x](javascript:alert(1))", "<script>alert(1)</script>", "```\n{fact}`x`\n```"])
markdown = st.lists(st.one_of(fences, st.text(max_size=40)), max_size=6).map("\n\n".join)
front_matter = st.one_of(st.just("---\ntitle: t\ndescription: d\n---\n"), documents.map(lambda d: f"---\n{d}---\n"),
                         st.text(max_size=40))


def _build(changes: dict[str, str]) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        files = {name: textwrap.dedent(text).lstrip("\n") for name, text in MINIMAL.items()}
        write_files(folder / "content", files)
        for name, text in changes.items():
            (folder / "content" / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            build_site(Project(folder, folder / "content", REPO / "templates"))
        except BuildFailed as failed:
            assert failed.diagnostics, "a failed build must say why"
            for diagnostic in failed.diagnostics:
                assert diagnostic.location.path.startswith("content/") or "templates" in diagnostic.location.path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(documents)
def test_properties_any_fact_file_builds_or_reports(text):
    _build({"facts/rd.yaml": text})


@PROPERTY_SETTINGS
@given(documents)
def test_properties_any_extra_fact_file_builds_or_reports(text):
    _build({"facts/more.yaml": text})


@PROPERTY_SETTINGS
@given(documents)
def test_properties_any_chart_spec_builds_or_reports(text):
    _build({"charts/rd_bars.yaml": text})


@PROPERTY_SETTINGS
@given(front_matter, markdown)
@example("---\ntitle: t\ndescription: d\n---\n", "```{chart} rd_bars\n```\n\n00")  # reported at wechat/index.html:0:0 once
def test_properties_any_page_builds_or_reports(front, body):
    _build({"pages/index.md": front + "\n" + body})


@PROPERTY_SETTINGS
@given(documents, documents)
def test_properties_any_config_and_sources_build_or_report(site, sources):
    _build({"site.yaml": site, "sources.yaml": sources})
