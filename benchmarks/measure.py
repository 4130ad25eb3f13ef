"""Measurements: a cold build in a fresh process (wall time, peak memory, output size) and the
live preview's rebuild after a one-fact edit (wall time, files changed and rewritten).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from synth import edit_fact, fact_value

_BUILT = re.compile(r"built (\d+) pages, (\d+) charts, (\d+) facts")
_PLOTLY = re.compile(r"^plotly\.js: (.*)$", re.M)
_WARNING = re.compile(r":\d+:\d+: warning: |^[^\n]*: warning: ", re.M)


class BenchFailed(Exception):
    """A build that did not succeed; the message carries its report."""


@dataclass
class ColdBuild:
    """Several cold builds of one project: seconds of each run and what the build produced."""

    label: str
    seconds: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    output_bytes: int = 0
    output_files: int = 0
    pages: int = 0
    charts: int = 0
    facts: int = 0
    warnings: int = 0
    plotly: str = ""
    plain_copy_s: float = 0.0  # writing the same files with plain system calls: the disk's share

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def as_json(self) -> dict:
        return {**asdict(self), "median_s": self.median, "min_s": min(self.seconds), "max_s": max(self.seconds)}


NO_PICTURES = {**os.environ, "KEJIQUAN_BROWSER": "/nonexistent"}  # the engine alone (pictures timed apart)


def _run_build(command: list[str], log: Path, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit code) of one build in a fresh process.

    os.wait4 gives the rusage of this child alone; getrusage(RUSAGE_CHILDREN) would report the
    largest of all children so far, hiding a small build behind an earlier big one.
    """
    with open(log, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env or NO_PICTURES)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, process.returncode


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) below `folder`."""
    sizes = [path.stat().st_size for path in folder.rglob("*") if path.is_file()]
    return sum(sizes), len(sizes)


CACHES = (".cache/kejiquan/jinja", ".cache/kejiquan/share")  # what the command line keeps between runs


def copy_project(project: Path, root: Path) -> Path:
    """The project's content in `root`, with its node_modules linked and its chart pictures'
    cache copied (so its builds draw none, as `make site` on a warm cache): builds there start
    without the project's other caches and leave them alone."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(project / "content", root / "content")
    if (project / "node_modules").is_dir():
        (root / "node_modules").symlink_to(project / "node_modules")
    if (project / ".cache/kejiquan/pictures").is_dir():
        shutil.copytree(project / ".cache/kejiquan/pictures", root / ".cache/kejiquan/pictures")
    return root


def time_cold_build(label: str, project: Path, templates: Path, output: Path, runs: int,
                    warm: bool = False) -> ColdBuild:
    """`runs` builds, each in a fresh process with no previous output folder, and with no
    compiled templates or share images kept from the run before (`warm`: with them, after a
    first run that is not timed).

    Each run writes a folder of its own (OUTPUT-1, OUTPUT-2, ...) and none is deleted while
    builds are timed: on this machine's disk, deleting thousands of files slows the file
    creation that follows for seconds, which would bill one build for the last one's clean-up.
    (The caches are a few dozen files.) The caller removes the work folder at the end."""
    result = ColdBuild(label)
    log = output.parent / f"{output.name}.log"
    for run in range(0 if warm else 1, runs + 1):
        target = output.with_name(f"{output.name}-{run}")
        shutil.rmtree(target, ignore_errors=True)  # only left over from an earlier --workdir run
        for cache in CACHES if not warm else ():
            shutil.rmtree(project / cache, ignore_errors=True)
        command = [sys.executable, "-m", "kejiquan_site", "build", "--project", str(project),
                   "--templates", str(templates), "--output", str(target), "--no-cache"]
        seconds, rss_mb, code = _run_build(command, log)
        report = log.read_text(encoding="utf-8", errors="replace")
        if code != 0:
            raise BenchFailed(f"build of {label} failed (exit {code}):\n{report[-3000:]}")
        if run == 0:
            continue  # the run that fills the caches
        result.seconds.append(seconds)
        result.peak_rss_mb = max(result.peak_rss_mb, rss_mb)
    built = _BUILT.search(report)
    if built:
        result.pages, result.charts, result.facts = (int(number) for number in built.groups())
    plotly = _PLOTLY.search(report)
    result.plotly = plotly.group(1) if plotly else ""
    result.warnings = len(_WARNING.findall(report))
    result.output_bytes, result.output_files = folder_size(target)
    result.plain_copy_s = time_plain_copy(target, output.with_name(f"{output.name}-copy"))
    return result


def time_hugo_build(label: str, command: Callable[[Path], list[str]], output: Path, runs: int) -> ColdBuild:
    """`runs` cold builds by Hugo (`command(output folder)`), each in a fresh process into a
    folder of its own, as time_cold_build times ours."""
    result = ColdBuild(label)
    log = output.parent / f"{output.name}.log"
    for run in range(1, runs + 1):
        target = output.with_name(f"{output.name}-{run}")
        shutil.rmtree(target, ignore_errors=True)  # only left over from an earlier --workdir run
        seconds, rss_mb, code = _run_build(command(target), log, dict(os.environ))
        if code != 0:
            raise BenchFailed(f"Hugo's build of {label} failed (exit {code}):\n"
                              f"{log.read_text(encoding='utf-8', errors='replace')[-3000:]}")
        result.seconds.append(seconds)
        result.peak_rss_mb = max(result.peak_rss_mb, rss_mb)
    result.output_bytes, result.output_files = folder_size(target)
    result.pages = sum(1 for _ in target.rglob("*.html"))
    return result


def time_pictures(project: Path, templates: Path, workdir: Path, runs: int) -> dict[str, Any]:
    """The real site built with its chart pictures (Kaleido in Chromium): once with an empty
    picture cache, then `runs` times with it warm. The content is copied to `workdir`, so the
    project's own cache is left alone."""
    root = workdir / "pictures-project"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(project / "content", root / "content")
    if (project / "node_modules").is_dir():
        (root / "node_modules").symlink_to(project / "node_modules")
    log, env = workdir / "pictures.log", dict(os.environ)
    command = [sys.executable, "-m", "kejiquan_site", "build", "--project", str(root), "--templates", str(templates),
               "--no-cache"]  # the picture cache warm, the build cache not used (see time_cached_edit)
    times = []
    for run in range(runs + 1):
        seconds, _, code = _run_build(command + ["--output", str(workdir / f"pictures-site-{run}")], log, env)
        if code != 0:
            raise BenchFailed(f"build with pictures failed (exit {code}):\n{log.read_text(encoding='utf-8')[-3000:]}")
        times.append(seconds)
    report = log.read_text(encoding="utf-8", errors="replace")
    cache = root / ".cache" / "kejiquan" / "pictures"
    drawn = sorted(path.name for path in cache.glob("*.*") if path.suffix in (".svg", ".png"))
    return {"cold_s": times[0], "warm_s": statistics.median(times[1:]), "warm_runs": times[1:],
            "pictures": len(drawn), "note": next((line for line in report.splitlines() if line.startswith("note:")), "")}


def time_plain_copy(folder: Path, copy: Path, runs: int = 3) -> float:
    """Seconds (median of `runs`) to write every file of `folder` again, into a fresh `copy`, with
    nothing but system calls (the bytes are read first): what creating that many files costs on
    this disk, whatever writes them."""
    files = {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    folders = sorted({relative.parent for relative in files})
    seconds = []
    for run in range(runs):
        target = copy.with_name(f"{copy.name}-{run + 1}")
        shutil.rmtree(target, ignore_errors=True)  # only left over from an earlier --workdir run
        started = time.perf_counter()
        for relative in folders:
            os.makedirs(target / relative, exist_ok=True)
        for relative, content in files.items():
            descriptor = os.open(target / relative, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            os.write(descriptor, content)
            os.close(descriptor)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def scaling(builds: dict[int, ColdBuild]) -> dict[str, float | list[int]] | None:
    """Cost per further page between the two largest sizes, and the fixed cost: the smallest
    size's time less its pages at that rate (the intercept of the line through the medians)."""
    if len(builds) < 2:
        return None
    sizes = sorted(builds)
    small, large = sizes[-2], sizes[-1]
    per_page = (builds[large].median - builds[small].median) / (large - small)
    fixed = builds[sizes[0]].median - sizes[0] * per_page
    files_per_page = (builds[large].plain_copy_s - builds[small].plain_copy_s) / (large - small)
    return {"per_page_ms": per_page * 1000, "fixed_s": fixed, "between": [small, large],
            "plain_copy_per_page_ms": files_per_page * 1000}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """{relative path: (content digest, inode, mtime in ns)} of every file below `folder`."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
            files[path.relative_to(folder).as_posix()] = (digest, stat.st_ino, stat.st_mtime_ns)
    return files


def compare(before: dict[str, tuple[bytes, int, int]], after: dict[str, tuple[bytes, int, int]]) -> dict:
    """Files whose bytes changed, and files written again (new inode or mtime) at all."""
    paths = sorted(set(before) | set(after))
    changed = [path for path in paths if before.get(path, (None,))[0] != after.get(path, (None,))[0]]
    rewritten = [path for path in paths if before.get(path, (None,))[1:] != after.get(path, (None,))[1:]]
    return {"files": len(after), "changed": len(changed), "rewritten": len(rewritten), "changed_paths": changed}


def time_preview_edit(root: Path, templates: Path, output: Path, page: int, edits: int) -> dict:
    """The preview's `rebuild` in this process: one rebuild, then `edits` times one fact's value
    (and evidence) changed and rebuilt; and, for the record, build and write timed apart."""
    from kejiquan_site.build.output import write_site
    from kejiquan_site.build.site import build_site
    from kejiquan_site.model.story import Project
    from kejiquan_site.preview.rebuild import PreviewState, rebuild

    project = Project(root, root / "content", templates)
    state, log = PreviewState(), []
    first = _timed_rebuild(rebuild, project, output, state, log)
    seconds, diff = [], {}
    for edit in range(1, edits + 1):
        before = snapshot(output)
        edit_fact(root, page, 1, round(fact_value(page, 1) + edit, 1))
        seconds.append(_timed_rebuild(rebuild, project, output, state, log))
        diff = compare(before, snapshot(output))
    started = time.perf_counter()
    site = build_site(project)
    build_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(dir=output.parent) as scratch:
        started = time.perf_counter()
        write_site(site.files, Path(scratch) / "site")
        write_s = time.perf_counter() - started
    return {"edited_fact": f"p{page:04d}.k01", "edits": edits, "first_rebuild_ms": first * 1000,
            "ms": [s * 1000 for s in seconds], "median_ms": statistics.median(seconds) * 1000,
            "min_ms": min(seconds) * 1000, "max_ms": max(seconds) * 1000,
            "build_ms": build_s * 1000, "write_ms": write_s * 1000, **diff}


def time_cached_edit(root: Path, templates: Path, output: Path, page: int, edits: int) -> dict:
    """`kejiquan build` as `make site` runs it, a fresh process each time, with the build cache
    (.cache/kejiquan/): once to fill it, then after each of `edits` one-fact edits."""
    command = [sys.executable, "-m", "kejiquan_site", "build", "--project", str(root), "--templates", str(templates),
               "--output", str(output)]
    log = output.parent / f"{output.name}.log"
    seconds, diff = [], {}
    for edit in range(edits + 1):
        before = snapshot(output) if edit else {}
        if edit:
            edit_fact(root, page, 2, round(fact_value(page, 2) + edit, 1))
        elapsed, _, code = _run_build(command, log)
        if code != 0:
            raise BenchFailed(f"cached build failed (exit {code}):\n{log.read_text(encoding='utf-8')[-3000:]}")
        seconds.append(elapsed)
        diff = compare(before, snapshot(output)) if edit else {}
    return {"edited_fact": f"p{page:04d}.k02", "edits": edits, "first_s": seconds[0],
            "ms": [s * 1000 for s in seconds[1:]], "median_ms": statistics.median(seconds[1:]) * 1000, **diff}


def _timed_rebuild(rebuild: Callable[..., None], project: Any, output: Path, state: Any, log: list[str]) -> float:
    started = time.perf_counter()
    rebuild(project, output, state, log.append)
    elapsed = time.perf_counter() - started
    if state.report:
        raise BenchFailed(f"preview rebuild failed:\n{state.report[-3000:]}")
    return elapsed
