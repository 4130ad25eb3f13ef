"""The live preview: served pages get the reload script, edits rebuild and reload, a broken edit
shows its diagnostics while the last good site stays served."""

from __future__ import annotations

import json
import re
import os
import time
import urllib.error
import urllib.request
from pathlib import Path



def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def _wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def _edit(path: Path, replacements: dict[str, str]) -> None:
    """Replace text in a file in one step (as editors' programs save), so the watcher never sees
    a half-written file."""
    text = path.read_text(encoding="utf-8")
    for old, new in replacements.items():
        text = text.replace(old, new)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


RAISE_BEIJING = {"value: 6\n": "value: 7\n", "保持在6%以上": "保持在7%以上"}


def test_preview_injects_the_live_script_only_when_serving(preview):
    status, html = _get(preview["url"])
    assert status == 200 and '<script src="/__kejiquan/live.js" data-generation="1" defer></script>' in html
    assert "live.js" not in (preview["output"] / "index.html").read_text(encoding="utf-8")
    assert _get(preview["url"] + "__kejiquan/live.js")[0] == 200


def test_preview_lists_no_folders_and_stays_inside_the_output(preview):
    assert _get(preview["url"] + "assets/")[0] == 404
    assert _get(preview["url"] + "../../../../etc/passwd")[0] == 404
    assert _get(preview["url"] + "%2e%2e/%2e%2e/etc/passwd")[0] == 404


def test_preview_rebuilds_on_an_edit_and_reports_what_changed(preview):
    generation = preview["state"].generation
    untouched = [preview["output"] / "robots.txt", preview["output"] / "sitemap.xml",
                 *sorted((preview["output"] / "assets").glob("*.css"))]
    before = [path.stat().st_mtime_ns for path in untouched]
    _edit(preview["project"].content / "facts" / "rd.yaml", RAISE_BEIJING)
    _wait_for(lambda: preview["state"].generation > generation and "7%以上" in _get(preview["url"])[1])
    assert any("rd.beijing: 6%以上 -> 7%以上 (shown in" in line for line in preview["logs"])
    rebuilt = [line for line in preview["logs"] if line.startswith("rebuilt in ")]
    written, total = map(int, re.search(r"(\d+) of (\d+) files written", rebuilt[-1]).groups())
    assert 0 < written < total, rebuilt[-1]  # only the files that show the fact, not the whole site
    assert [path.stat().st_mtime_ns for path in untouched] == before


def test_preview_keeps_the_last_good_site_and_publishes_the_errors(preview):
    def page() -> str:
        return re.sub(r'data-generation="\d+"', "", _get(preview["url"])[1])

    before = page()
    _edit(preview["project"].content / "facts" / "rd.yaml", {"unit: percent\n": "unit: percnt\n"})
    _wait_for(lambda: preview["state"].report != "")
    assert "content/facts/rd.yaml:4:9: error: 'unit' must be one of" in preview["state"].report
    assert page() == before


def test_preview_event_stream_sends_state_then_reload(preview):
    url = preview["url"] + "__kejiquan/events"
    with urllib.request.urlopen(url, timeout=10) as stream:
        assert stream.readline() == b"event: state\n"
        assert json.loads(stream.readline().decode()[len("data: "):]) == {"report": "", "generation": 1}
        stream.readline()
        _edit(preview["project"].content / "facts" / "rd.yaml", RAISE_BEIJING)
        assert stream.readline() == b"event: reload\n"


def test_preview_overlay_shows_the_root_cause_first(preview):
    """One full-width colon: the browser overlay names it first, and nothing it causes."""
    _edit(preview["project"].content / "facts" / "rd.yaml", {"value: 4.22\n": "value：4.22\n"})
    _wait_for(lambda: preview["state"].report != "")
    report = preview["state"].report
    assert report.startswith("content/facts/rd.yaml:17:8: error: a full-width colon '：' after 'value'; "
                             "YAML needs an ASCII colon"), report
    assert "unknown fact" not in report and report.endswith("1 error; nothing was written, the previous site is unchanged")
