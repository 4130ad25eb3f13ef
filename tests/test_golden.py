"""A small fixture site built and compared file by file with its expected output.

Regenerate on purpose with `KEJIQUAN_UPDATE_GOLDEN=1 pytest tests/test_golden.py`, never in CI.
Missing expected output is generated (outside CI) and the test fails so the change is looked at.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from kejiquan_site.build.site import build_site
from kejiquan_site.model.story import Project

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = GOLDEN / "expected"


def _built() -> dict[str, bytes]:
    site = GOLDEN / "site"
    files = build_site(Project(site, site / "content", site / "templates")).files
    # Left out: the 4.8 MB plotly bundle, gzip copies (zlib's bytes may differ between machines)
    # and share images (drawn with whatever CJK font the machine has).
    return {path: data for path, data in files.items()
            if "plotly" not in path and not path.endswith((".gz", ".png"))}


def test_golden_site_matches_expected_output():
    built = _built()
    if os.environ.get("KEJIQUAN_UPDATE_GOLDEN") or (not EXPECTED.exists() and os.environ.get("CI") != "true"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for path, data in built.items():
            (EXPECTED / path).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / path).write_bytes(data)
        pytest.fail("golden output written to tests/golden/expected: review it and commit it")
    expected = {p.relative_to(EXPECTED).as_posix(): p.read_bytes() for p in EXPECTED.rglob("*") if p.is_file()}
    assert sorted(built) == sorted(expected)
    for path in sorted(built):
        if built[path] != expected[path]:
            diff = difflib.unified_diff(expected[path].decode("utf-8", "replace").splitlines(),
                                        built[path].decode("utf-8", "replace").splitlines(),
                                        f"expected/{path}", f"built/{path}", lineterm="")
            pytest.fail("\n".join(list(diff)[:80]))
