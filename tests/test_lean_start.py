"""A lean cold start: the command line imports what a command needs when it needs it. Each
command runs in a fresh interpreter, which then reports the modules it imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import REPO

# Run the command line's main() with the arguments given, then write the names of every module
# imported into the file named by the first argument.
RUN = """
import json, sys
from kejiquan_site.cli import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
with open(sys.argv[1], "w") as out:
    json.dump(sorted(sys.modules), out)
"""
# Never needed to check content: the picture drawing, the preview, the test tools, and what
# xml.sax.saxutils and asyncio would drag in.
NOT_FOR_CHECK = ("kaleido", "choreographer", "asyncio", "plotly", "watchfiles", "http.server",
                 "kejiquan_site.preview", "frictionless", "urllib.request", "http.client", "ssl", "email",
                 "concurrent.futures", "gzip", "uuid")
# `--help` needs no engine at all.
NOT_FOR_HELP = NOT_FOR_CHECK + ("PIL", "jinja2", "yaml", "markdown_it", "budoux", "kejiquan_site.read",
                                "kejiquan_site.build", "kejiquan_site.story")


def _imported(arguments: list[str], tmp_path: Path) -> set[str]:
    report = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", RUN, str(report), *arguments], capture_output=True, text=True,
                          env={"KEJIQUAN_BROWSER": "/nonexistent", "PATH": "/usr/bin:/bin"}, timeout=300)
    assert report.is_file(), done.stderr
    return set(json.loads(report.read_text(encoding="utf-8")))


def _among(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(name for name in names if name in modules or any(m.startswith(name + ".") for m in modules))


def test_lean_start_help_imports_no_engine(tmp_path):
    modules = _imported(["--help"], tmp_path)
    assert "kejiquan_site.cli" in modules
    assert _among(modules, NOT_FOR_HELP) == []


def test_lean_start_check_imports_pillow_only_to_draw(make_project, tmp_path):
    project = make_project()
    where = ["--project", str(project.root), "--templates", str(REPO / "templates")]
    first = _imported(["check", "--strict", *where], tmp_path)  # draws the share images, keeps nothing
    assert "kejiquan_site.build.site" in first and "PIL" in first
    assert _among(first, NOT_FOR_CHECK) == []
    _imported(["build", *where], tmp_path)  # keeps them in .cache/
    again = _imported(["check", "--strict", *where], tmp_path)  # reads them there
    assert _among(again, NOT_FOR_CHECK + ("PIL",)) == []
