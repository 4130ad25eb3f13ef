"""Helpers for the browser tests: a static host on 127.0.0.1 and Debian's Chromium through
Playwright (`executable_path`; no browser download). Not a test module itself."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_chromium() -> None:
    """Skip without Chromium, except under CI=true, where a missing Chromium is a failure."""
    if CHROMIUM:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing: .ci/run installs Debian's chromium", pytrace=False)
    pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Files from the folder; for anything missing, the 404.html of the site in `not_found_site`."""

    not_found_site = ""

    def log_message(self, *args) -> None:
        pass

    def send_error(self, code, message=None, explain=None) -> None:
        page = Path(self.directory) / self.not_found_site / "404.html"
        if code != 404 or not self.not_found_site or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_folder(root: Path, not_found_site: str = "") -> Iterator[str]:
    """Serve `root` on 127.0.0.1; yields the base URL ending in '/'."""
    handler_class = type("Host", (StaticHost,), {"not_found_site": not_found_site})
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(handler_class, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()  # quick shutdown()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def launch_chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
