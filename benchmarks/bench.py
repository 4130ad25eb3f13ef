"""The build benchmark (issue 6): cold builds of synthetic sites of N pages and of the real site,
and the live preview's rebuild after a one-fact edit, printed next to the targets and written
as JSON.

    .venv/bin/python benchmarks/bench.py                     # N = 10, 100, 1000 (about a minute)
    .venv/bin/python benchmarks/bench.py --sizes 10 --runs 1 # smoke run, a few seconds
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

from measure import BenchFailed, ColdBuild, scaling, time_cached_edit, time_cold_build, time_pictures, time_preview_edit
from synth import write_project

REPO = Path(__file__).resolve().parent.parent
TARGETS = {  # name: (what, limit, unit)
    "real_site_s": ("real site, cold build", 0.3, "s"),
    "per_page_ms": ("each further page at N = 1,000", 1.0, "ms"),
    "peak_rss_mb": ("peak memory at N = 1,000", 150.0, "MB"),
    "preview_edit_ms": ("one-fact edit in preview at N = 1,000", 100.0, "ms"),
}
TARGET_SIZE = 1000


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
    builds: dict[int, ColdBuild] = {}
    for size in sizes:
        root = write_project(workdir / f"n{size}", size, node_modules)
        runs = args.runs or (3 if size >= TARGET_SIZE else 5)
        print(f"building N = {size:,} ({runs} runs) ...", file=sys.stderr, flush=True)
        builds[size] = time_cold_build(f"N = {size:,}", root, args.templates, workdir / f"n{size}-site", runs)
    print("building the real site ...", file=sys.stderr, flush=True)
    real = time_cold_build("real site", args.project, args.templates, workdir / "real-site", args.runs or 5)
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
        "preview": preview | {"size": largest},
        "pictures": pictures,
    }
    results["targets"] = _verdicts(results, builds)
    return results


def _verdicts(results: dict, builds: dict[int, ColdBuild]) -> dict[str, dict]:
    """Each target with its measured figure and 'met', 'missed' or 'not measured'."""
    at_target = TARGET_SIZE in builds and max(builds) == TARGET_SIZE
    measured = {
        "real_site_s": results["real_site"]["median_s"],
        "per_page_ms": results["scaling"]["per_page_ms"] if at_target and results["scaling"] else None,
        "peak_rss_mb": builds[TARGET_SIZE].peak_rss_mb if at_target else None,
        "preview_edit_ms": results["preview"]["median_ms"] if at_target else None,
    }
    verdicts = {}
    for key, (what, limit, unit) in TARGETS.items():
        value = measured[key]
        verdict = "not measured" if value is None else ("met" if value <= limit else "missed")
        verdicts[key] = {"what": what, "target": limit, "unit": unit, "measured": value, "verdict": verdict}
    return verdicts


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _listing(paths: list[str], shown: int = 8) -> str:
    more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
    return ", ".join(paths[:shown]) + more


def report(results: dict) -> str:
    """The figures as a table a person reads."""
    lines = [f"cold builds, each in a fresh process with no previous output ({results['machine']['cpus']} CPUs)",
             f"  {'site':<12}{'html':>7}{'facts':>7}{'runs':>6}{'median':>9}{'min-max':>15}"
             f"{'peak RSS':>10}{'output':>11}{'files':>7}{'warnings':>10}{'plain copy':>12}"]
    for build in [*results["synthetic"], results["real_site"]]:
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
              "targets"]
    for target in results["targets"].values():
        value = "—" if target["measured"] is None else f"{target['measured']:.2f} {target['unit']}"
        lines.append(f"  {target['what']:<40}{value:>12}   target <= {target['target']:g} {target['unit']:<4}"
                     f"{target['verdict']:>14}")
    return "\n".join(lines)


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
