"""The live preview: served pages get the reload script, edits rebuild and reload, a broken edit
shows its diagnostics while the last good site stays served."""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.request

from helpers import REPO, edit_file


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
    edit_file(preview["project"].content / "facts" / "rd.yaml", RAISE_BEIJING)
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
    edit_file(preview["project"].content / "facts" / "rd.yaml", {"unit: percent\n": "unit: percnt\n"})
    _wait_for(lambda: preview["state"].report != "")
    assert "content/facts/rd.yaml:4:9: error: 'unit' must be one of" in preview["state"].report
    assert page() == before


def test_preview_event_stream_sends_state_then_reload(preview):
    url = preview["url"] + "__kejiquan/events"
    with urllib.request.urlopen(url, timeout=10) as stream:
        assert stream.readline() == b"event: state\n"
        assert json.loads(stream.readline().decode()[len("data: "):]) == {"report": "", "generation": 1}
        stream.readline()
        edit_file(preview["project"].content / "facts" / "rd.yaml", RAISE_BEIJING)
        assert stream.readline() == b"event: reload\n"


def test_preview_overlay_shows_the_root_cause_first(preview):
    """One full-width colon: the browser overlay names it first, and nothing it causes."""
    edit_file(preview["project"].content / "facts" / "rd.yaml", {"value: 4.22\n": "value：4.22\n"})
    _wait_for(lambda: preview["state"].report != "")
    report = preview["state"].report
    assert report.startswith("content/facts/rd.yaml:17:8: error: a full-width colon '：' after 'value'; "
                             "YAML needs an ASCII colon"), report
    assert "unknown fact" not in report and report.endswith("1 error; nothing was written, the previous site is unchanged")


# --- hostile visitors and broken disks ---------------------------------------------------------

def _request(url: str, path: str, method: str = "GET", headers: dict[str, str] | None = None
             ) -> tuple[int, dict[str, str], bytes]:
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=headers is not None and "Host" in headers)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _raw(url: str, data: bytes) -> bytes:
    import socket
    from urllib.parse import urlsplit

    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(data)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def test_preview_answers_only_to_local_names(preview):
    """DNS rebinding: a page whose own name now points at 127.0.0.1 sends its name as Host."""
    port = preview["url"].rsplit(":", 1)[1].rstrip("/")
    for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1.nip.io", "localhost.attacker.example"):
        status, _, body = _request(preview["url"], "/", headers={"Host": host})
        assert status == 403 and "测试首页" not in body.decode("utf-8", "replace"), host
        assert _request(preview["url"], "/__kejiquan/events", headers={"Host": host})[0] == 403
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", "[::1]", "LOCALHOST"):
        assert _request(preview["url"], "/", headers={"Host": host})[0] == 200, host


def test_preview_event_stream_refuses_foreign_pages(preview):
    status, _, body = _request(preview["url"], "/__kejiquan/events", headers={
        "Host": "127.0.0.1", "Origin": "https://attacker.example"})
    assert status == 403 and b"report" not in body


def test_preview_refuses_malformed_requests_cleanly(preview):
    assert _request(preview["url"], "/%00")[0] == 400
    assert _request(preview["url"], "/index.html%00.png")[0] == 400
    assert _request(preview["url"], "/%ff%fe")[0] == 400
    assert _raw(preview["url"], b"GET /\x00 HTTP/1.1\r\nHost: localhost\r\n\r\n").startswith(b"HTTP/1.0 400")
    assert b"400" in _raw(preview["url"], b"GARBAGE\r\n\r\n")  # no version: answered as HTTP/0.9
    assert _request(preview["url"], "/")[0] == 200  # and it goes on serving


def test_preview_head_has_the_headers_of_get(preview):
    for path in ("/", "/__kejiquan/live.js", "/robots.txt", "/nothing-here/"):
        got, head = _request(preview["url"], path), _request(preview["url"], path, method="HEAD")
        assert head[0] == got[0] and head[2] == b"", path
        assert {key: value for key, value in head[1].items() if key != "Date"} == \
               {key: value for key, value in got[1].items() if key != "Date"}, path


def test_preview_answers_unknown_paths_with_404(preview):
    status, _, _body = _request(preview["url"], "/no-such-page/")
    assert status == 404
    assert _request(preview["url"], "/../../etc/passwd")[0] == 404


def test_preview_survives_a_failed_write_and_rebuilds_the_next_edit(preview, monkeypatch):
    """A full disk during a rebuild: the error in the terminal and the overlay, the last good site
    still served whole, and the next edit (once there is room) rebuilt and shown."""
    import errno

    import kejiquan_site.build.output as output_module

    before = _get(preview["url"])[1]
    real_replace = os.replace

    def full_disk(source, target):
        if str(preview["output"]) in str(target):
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(output_module.os, "replace", full_disk)
    edit_file(preview["project"].content / "facts" / "rd.yaml", RAISE_BEIJING)
    _wait_for(lambda: "no space left" in preview["state"].report)
    assert re.match(r"error: no space left on the device while writing _site/\S+; the preview keeps showing "
                    r"the last good site", preview["state"].report), preview["state"].report
    assert any(line.startswith("error: no space left") for line in preview["logs"])
    assert _get(preview["url"])[1].replace('data-generation="2"', 'data-generation="1"') == before
    monkeypatch.undo()
    edit_file(preview["project"].content / "facts" / "rd.yaml", {"保持在7%以上": "保持在7%以上。"})
    _wait_for(lambda: preview["state"].report == "" and "7%以上" in _get(preview["url"])[1])
    assert "7%以上" in (preview["output"] / "index.html").read_text(encoding="utf-8")


def test_preview_drops_clients_that_never_finish_their_request(preview, monkeypatch):
    import socket
    from urllib.parse import urlsplit

    from kejiquan_site.preview.server import PreviewHandler

    monkeypatch.setattr(PreviewHandler, "timeout", 0.5)
    address = urlsplit(preview["url"])
    with socket.create_connection((address.hostname, address.port), timeout=10) as slow:
        slow.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")  # and never the blank line
        assert _get(preview["url"])[0] == 200  # others are served meanwhile
        assert slow.recv(100) == b""  # closed by the server, not by the test's timeout


def test_preview_serves_many_requests_at_once(preview):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(lambda _: _get(preview["url"] + "robots.txt")[0], range(200)))
    assert statuses == [200] * 200


def _serve_command(tmp_path, *options: str) -> tuple[int, str]:
    import subprocess
    import sys


    done = subprocess.run([sys.executable, "-m", "kejiquan_site", "serve", "--project", str(tmp_path),
                           "--templates", str(REPO / "templates"), *options],
                          capture_output=True, text=True, timeout=60)
    return done.returncode, done.stderr


def test_preview_on_a_busy_port_or_a_strange_host_says_one_line(make_project, tmp_path):
    import socket

    make_project()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = _serve_command(tmp_path, "--port", str(port))
    assert code == 2 and err.startswith(f"error: port {port} on 127.0.0.1 is already in use") \
        and err.count("\n") == 1, err
    code, err = _serve_command(tmp_path, "--host", "no-such-host.invalid")
    assert code == 2 and err.startswith("error: cannot listen on 'no-such-host.invalid'") and err.count("\n") == 1, err
    code, err = _serve_command(tmp_path, "--host", "192.0.2.1")  # a documentation address, never this machine's
    assert code == 2 and "this machine has no such address" in err and err.count("\n") == 1, err
    assert not (tmp_path / "_site").exists()  # nothing built before the port was known to be free


def test_preview_survives_an_engine_bug_in_a_rebuild(preview, monkeypatch):
    import kejiquan_site.preview.rebuild as preview_module

    real_build = preview_module.build_site
    calls = []

    def broken_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("something the engine did not expect")
        return real_build(*args, **kwargs)

    monkeypatch.setattr(preview_module, "build_site", broken_once)
    edit_file(preview["project"].content / "facts" / "rd.yaml", RAISE_BEIJING)
    _wait_for(lambda: "internal error: RuntimeError: something the engine did not expect" in preview["state"].report)
    assert "6%以上" in _get(preview["url"])[1]  # the last good site
    edit_file(preview["project"].content / "facts" / "rd.yaml", {"保持在7%以上": "保持在7%以上。"})
    _wait_for(lambda: preview["state"].report == "" and "7%以上" in _get(preview["url"])[1])
