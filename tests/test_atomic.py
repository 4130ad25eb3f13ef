"""Atomic publish: builds killed with SIGKILL at many moments leave a complete site (the old one
or the new one, never a mix), and a second build at the same time is refused with a message."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from browser import CHROMIUM, require_chromium
from helpers import REPO
from kejiquan_site.build.output import output_lock, write_site
from kejiquan_site.build.site import build_site
from kejiquan_site.cli import main
from kejiquan_site.model.story import Project
from kejiquan_site.model.urls import STAMP
from kejiquan_site.render.pictures import BROWSER_ENV

KILL_POINTS = 30


def _snapshot(folder: Path) -> dict[str, bytes]:
    """The site's files, without the stamp that marks the folder as written by a build."""
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert files.pop(STAMP, None) is not None, f"{folder} has no stamp"
    return files


def _changed_project(tmp_path: Path) -> Project:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    facts = tmp_path / "content" / "facts" / "rd.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("value: 4.22", "value: 4.23")
                     .replace("4.22%", "4.23%"), encoding="utf-8")
    archive = tmp_path / "content" / "sources" / "xjb_kuowei.txt"  # the evidence quotes it
    archive.write_text(archive.read_text(encoding="utf-8").replace("4.22%", "4.23%"), encoding="utf-8")
    return Project(tmp_path, tmp_path / "content", tmp_path / "templates")


def test_atomic_killed_builds_leave_a_whole_site(tmp_path, real_site):
    output = tmp_path / "out" / "_site"
    old = real_site.files
    write_site(old, output)
    project = _changed_project(tmp_path / "project")
    new = build_site(project).files
    assert old != new
    command = [sys.executable, "-m", "kejiquan_site", "build", "--project", str(project.root),
               "--output", str(output)]
    quick = {**os.environ, "KEJIQUAN_BROWSER": "/nonexistent"}  # no chart pictures: the site build_site gives
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=quick)
    duration = time.perf_counter() - started
    write_site(old, output)
    outcomes = {"old": 0, "new": 0}
    for point in range(KILL_POINTS):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=quick)
        time.sleep(duration * point / KILL_POINTS)
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = _snapshot(output)
        assert now in (old, new), f"kill at {duration * point / KILL_POINTS:.3f} s left a mixed or partial site"
        outcomes["old" if now == old else "new"] += 1
        if now == new:
            write_site(old, output)
    assert outcomes["old"] > 0
    write_site(new, output)  # a later build cleans up what the killed ones left
    leftovers = [p.name for p in output.parent.iterdir() if p.name not in ("_site", "._site.lock")]
    assert leftovers == []


def test_atomic_second_build_at_once_is_refused(tmp_path, make_project, capsys):
    make_project()
    output = tmp_path / "_site"
    output.mkdir()
    with output_lock(output):
        code = main(["build", "--project", str(tmp_path), "--templates", str(REPO / "templates")])
    assert code == 1
    assert f"error: another build is writing {output} right now; try again when it has finished" \
        in capsys.readouterr().err
    assert main(["build", "--project", str(tmp_path), "--templates", str(REPO / "templates")]) == 0


def _builds_across_hash_seeds(tmp_path: Path, browser: str) -> list[dict[str, bytes]]:
    """The real site built by the command line under three hash seeds, its pictures drawn with
    `browser` (cached in the repository's .cache/, as `make site` does)."""
    outputs = []
    for seed in ("0", "1", "12345"):
        target = tmp_path / f"seed-{seed}"
        subprocess.run([sys.executable, "-m", "kejiquan_site", "build", "--project", str(REPO),
                        "--output", str(target)], check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed, BROWSER_ENV: browser})
        outputs.append(_snapshot(target))
    return outputs


def test_atomic_output_is_identical_across_hash_seeds(tmp_path):
    outputs = _builds_across_hash_seeds(tmp_path, "/nonexistent")
    assert outputs[0] == outputs[1] == outputs[2]


@pytest.mark.browser
def test_atomic_output_with_chart_pictures_is_identical_across_hash_seeds(tmp_path):
    require_chromium()
    outputs = _builds_across_hash_seeds(tmp_path, str(CHROMIUM))
    assert any(path.endswith("-dark.svg") for path in outputs[0]), "the pictures were drawn"
    assert outputs[0] == outputs[1] == outputs[2]
