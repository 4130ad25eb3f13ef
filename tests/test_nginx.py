"""The nginx block of docs/publishing.md served by a real nginx, as readers get it: under the
story's sub-path (/jingjinji/) and, adapted as the doc says, at a host's root. Only what running
unprivileged needs is changed: a free local port without TLS, the built folder, files in tmp_path.
Skipped when nginx is missing, except under CI=true (`.ci/run` installs Debian's nginx)."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import REPO, copy_real_site
from kejiquan_site.cli import main
from kejiquan_site.render.discovery import CONTENT_SECURITY_POLICY

NGINX = shutil.which("nginx")
MIME_TYPES = Path("/etc/nginx/mime.types")  # what Debian's nginx.conf includes in its http block
NO_NGINX = "nginx is not installed (Debian: apt-get install nginx)"
pytestmark = pytest.mark.skipif(NGINX is None and os.environ.get("CI") != "true", reason=NO_NGINX)

SUB_PATH = ("https://kejiquan.cn/jingjinji/", "/jingjinji/")  # content/site.yaml's base_url
HOST_ROOT = ("https://kejiquan.cn/", "/")
YEAR = "public, max-age=31536000, immutable"


def doc_block() -> str:
    text = (REPO / "docs/publishing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```nginx\n(.*?)^```", text, re.S | re.M)
    assert len(blocks) == 1, "docs/publishing.md should hold one ```nginx block"
    return blocks[0]


def at_host_root(block: str) -> str:
    """The doc's adaptation for a site at the host's root: `/` for `/jingjinji/`, no redirect."""
    lines = [line for line in block.splitlines(keepends=True) if "location = /jingjinji " not in line]
    assert len(lines) == len(block.splitlines()) - 1
    return "".join(lines).replace("/jingjinji/", "/")


def _swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the nginx block of docs/publishing.md no longer has {old!r} once"
    return text.replace(old, new)


def runnable_config(block: str, site: Path, prefix: Path, port: int) -> str:
    block = _swap(block, "listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    block = _swap(block, "/srv/kejiquan/_site", str(site))
    temp = "\n".join(f"    {kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                          "uwsgi", "scgi"))
    # As root, the workers would become 'nobody', who cannot read pytest's 0700 tmp_path.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return (f"{user}daemon off;\npid {prefix}/nginx.pid;\nevents {{ worker_connections 64; }}\n"
            f"http {{\n    include {MIME_TYPES};\n    default_type application/octet-stream;\n"
            f"    access_log {prefix}/access.log;\n{temp}\n\n{block}}}\n")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Served:
    site: Path
    base_path: str
    port: int

    def get(self, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        """The site's `url` (relative to base_url), as `fetch` gives it."""
        return self.fetch(self.base_path + url, **headers)

    def fetch(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body of the host's `path`, redirects not followed."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _serve(config: str, prefix: Path, port: int) -> subprocess.Popen[bytes]:
    (prefix / "mime.types").symlink_to(MIME_TYPES)  # `include mime.types;` is read beside the config
    (prefix / "nginx.conf").write_text(config, encoding="utf-8")
    error_log = prefix / "error.log"
    assert NGINX is not None
    server = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(error_log)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"nginx stopped (exit {server.returncode}):\n{error_log.read_text()}\n{config}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    pytest.fail(f"nginx did not listen on port {port} within 15 s:\n{error_log.read_text()}")


@pytest.fixture(scope="module", params=[SUB_PATH, HOST_ROOT], ids=["sub-path", "host-root"])
def served(request, tmp_path_factory):
    """The real story built with --precompress for the address, served by the doc's block."""
    if NGINX is None:
        pytest.fail(NO_NGINX)
    if not MIME_TYPES.is_file():
        pytest.skip(f"{MIME_TYPES} is missing: this nginx is not Debian's")
    base_url, base_path = request.param
    root = tmp_path_factory.mktemp("nginx")
    copy_real_site(root)
    site = root / "_site"
    assert main(["build", "--project", str(root), "--precompress", "--output", str(site),
                 "--base-url", base_url]) == 0
    block = doc_block() if base_path == "/jingjinji/" else at_host_root(doc_block())
    prefix = root / "nginx"
    prefix.mkdir()
    port = _free_port()
    server = _serve(runnable_config(block, site, prefix, port), prefix, port)
    yield Served(site, base_path, port)
    server.terminate()
    server.wait(timeout=15)


def _assert_site_headers(headers: dict[str, str], cache: str) -> None:
    assert headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert headers.get("Cache-Control") == cache


@pytest.mark.parametrize("url", ["", "about/", "en/", "data/"])
def test_nginx_serves_pages_as_utf8_html_with_the_policy_and_no_cache(served, url):
    status, headers, body = served.get(url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    _assert_site_headers(headers, "no-cache")
    assert body == (served.site / url / "index.html").read_bytes()


@pytest.mark.parametrize("pattern, content_type", [("site.*.css", "text/css; charset=utf-8"),
                                                    ("charts.*.js", "application/javascript; charset=utf-8"),
                                                    ("favicon.*.svg", "image/svg+xml; charset=utf-8"),
                                                    ("share-index.*.png", "image/png")])
def test_nginx_caches_hashed_assets_for_a_year(served, pattern, content_type):
    [asset] = (served.site / "assets").glob(pattern)
    status, headers, body = served.get(f"assets/{asset.name}")
    assert status == 200
    assert headers["Content-Type"] == content_type
    _assert_site_headers(headers, YEAR)
    assert body == asset.read_bytes()


@pytest.mark.parametrize("url", ["data/facts.csv", "data/charts/rd_intensity.csv"])
def test_nginx_serves_csv_as_text_csv(served, url):
    status, headers, body = served.get(url)
    assert status == 200
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    _assert_site_headers(headers, "no-cache")
    assert body == (served.site / url).read_bytes()


@pytest.mark.parametrize("url", ["no/such/page/", "assets/site.0000000000.css", "about/index.htm"])
def test_nginx_answers_a_missing_address_with_the_sites_404_page(served, url):
    status, headers, body = served.get(url)
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    _assert_site_headers(headers, "no-cache")  # not a year, even at an asset's address
    assert body == (served.site / "404.html").read_bytes()
    assert f'href="{served.base_path}assets/site.' in body.decode("utf-8")  # its links work at any depth


def test_nginx_answers_a_missing_english_address_with_the_english_404_page(served):
    status, headers, body = served.get("en/no/such/page/")
    assert status == 404
    _assert_site_headers(headers, "no-cache")
    assert body == (served.site / "en" / "404.html").read_bytes()


@pytest.mark.parametrize("url", ["", "about/", "data/facts.csv"])
def test_nginx_sends_the_precompressed_copy_to_readers_who_accept_gzip(served, url):
    status, headers, body = served.get(url, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert headers.get("Vary") == "Accept-Encoding"  # so a cache in between keeps both
    _assert_site_headers(headers, "no-cache")
    file = served.site / url / "index.html" if url.endswith("/") or not url else served.site / url
    assert body == file.with_name(file.name + ".gz").read_bytes()  # the build's own copy (gzip_static)


def test_nginx_sends_the_sub_path_without_its_slash_to_the_story(served):
    if served.base_path == "/":
        pytest.skip("at the host's root there is no sub-path")
    status, headers, _ = served.fetch("/jingjinji")
    assert status == 301
    assert headers["Location"] == f"http://127.0.0.1:{served.port}/jingjinji/"
