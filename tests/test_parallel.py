"""Building on several cores (parallel.py): the same files as one process, every problem found
by a child process reported, and a child that dies costing nothing but time."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from kejiquan_site.build.site import PARALLEL_FROM, build_site
from kejiquan_site.diagnostics import BuildFailed
from kejiquan_site.model.story import Project
from kejiquan_site.parallel import run_jobs, run_parts
from kejiquan_site.read.contentfiles import count_content_files

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from synth import write_project  # noqa: E402

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="parallel builds need fork")


@pytest.fixture
def large_project(tmp_path) -> Project:
    root = write_project(tmp_path / "site", 40, None)
    project = Project(root, root / "content", REPO / "templates")
    assert count_content_files(project) >= PARALLEL_FROM  # large enough to be split
    return project


def test_parallel_build_gives_the_same_files_as_one_process(large_project):
    one = build_site(large_project, processes=1)
    two = build_site(large_project, processes=2)
    assert list(two.files) == list(one.files)
    assert [path for path in one.files if two.files[path] != one.files[path]] == []


def test_parallel_build_reports_problems_of_every_part(large_project):
    content = large_project.content
    chart = content / "charts" / "p0007.yaml"  # read by the child, with the other data files
    chart.write_text(chart.read_text(encoding="utf-8").replace("type: bar", "type: pie"), encoding="utf-8")
    page = content / "pages" / "p0003.md"  # read here, with the other pages
    page.write_text(page.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        build_site(large_project, processes=2)
    shown = {problem.location.path for problem in failed.value.diagnostics}
    assert {"content/charts/p0007.yaml", "content/pages/p0003.md"} <= shown


def test_parallel_build_reports_template_errors_of_every_part(large_project, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    for path in (REPO / "templates").rglob("*"):
        if path.is_file():
            target = templates / path.relative_to(REPO / "templates")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    page = templates / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{{ body }}", "{{ body }}{{ page.no_such_field }}"),
                    encoding="utf-8")
    project = Project(large_project.root, large_project.content, templates)
    with pytest.raises(BuildFailed) as failed:
        build_site(project, processes=2)
    assert len(failed.value.diagnostics) == len(build_site_problems(project))  # one per page, from both parts


def build_site_problems(project: Project) -> list:
    with pytest.raises(BuildFailed) as failed:
        build_site(project, processes=1)
    return failed.value.diagnostics


def test_run_parts_raises_a_child_exception_here():
    def fails() -> int:
        raise ValueError("from the child")

    with pytest.raises(ValueError, match="from the child"):
        run_parts([lambda: 1, fails], processes=2)


def test_run_parts_does_the_part_of_a_child_that_dies(tmp_path):
    marker = tmp_path / "ran-here"

    def dies_in_a_child() -> str:
        if not marker.exists():  # the child: leave without sending anything
            marker.write_text(str(os.getpid()))
            os._exit(3)
        return f"done in {os.getpid()}"

    first, second = run_parts([lambda: "first", dies_in_a_child], processes=2)
    assert first == "first"
    assert second == f"done in {os.getpid()}"  # redone here, after the child died


def test_run_jobs_gives_results_in_order_from_every_process():
    jobs = [(float(cost), lambda index=index: (index, os.getpid())) for index, cost in enumerate([5, 1, 1, 3, 2, 2])]
    results = run_jobs(jobs, processes=2)
    assert [index for index, _ in results] == list(range(6))
    assert len({pid for _, pid in results}) == 2  # the two shares ran in two processes
