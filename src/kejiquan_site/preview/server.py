"""The preview's web server: the last good site from memory, the live-reload script and event
stream, for this machine only.

It answers only requests addressed to this machine by name (`Host`: the listen address,
localhost, 127.0.0.1, [::1]), so a web page that points its own name at 127.0.0.1 (DNS
rebinding) cannot read an unpublished story; the event stream, which quotes the content in its
reports, only pages of its own (`Origin`). Slow, malformed and too many clients are bounded.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import mimetypes
import socket
import sys
import threading
import time
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from kejiquan_site.diagnostics import describe_system_error
from kejiquan_site.model import urls

if TYPE_CHECKING:
    from kejiquan_site.preview.rebuild import PreviewState

PREFIX = "/__kejiquan/"
LIVE_SCRIPT = '<script src="' + PREFIX + 'live.js" data-generation="{generation}" defer></script>'
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
WAITING_PAGE = ("<!doctype html><html><head><meta charset=utf-8><title>kejiquan preview</title></head>"
                "<body><p>Nothing built yet: fix the errors shown in the terminal.</p></body></html>")


class ServeFailed(Exception):
    """The preview cannot start (the port is taken, the address is not this machine's)."""


def _host_name(value: str) -> str:
    """'localhost' from 'localhost:8000', '[::1]' from '[::1]:8000', lower-cased."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1] if "]" in value else value
    name, colon, port = value.rpartition(":")
    return name if colon and port.isdigit() else value


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def allowed_host(name: str, listening_on: str) -> bool:
    """Whether a request for host `name` (no port) may be answered. A name other than localhost
    could be pointed at this machine by anyone (DNS rebinding); an address cannot. On a wildcard
    address (0.0.0.0, ::), the machine's addresses are not known, so any address is accepted."""
    own = f"[{listening_on}]" if ":" in listening_on else listening_on
    if name in LOCAL_NAMES or name == own.lower():
        return True
    return listening_on in ("", "0.0.0.0", "::") and _is_address(name)


class PreviewHandler(BaseHTTPRequestHandler):
    """The last good site from memory, plus the event stream and script of the live reload."""

    timeout = 10  # seconds a client may take to send its request (and to take each write)
    server_version = "kejiquan-preview"

    def __init__(self, *args, state: PreviewState, host: str, **kwargs) -> None:
        self.state = state
        self.listening_on = host
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal is for build reports
        pass

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        if not allowed_host(_host_name(self.headers.get("Host", "")), self.listening_on):
            return self.send_error(HTTPStatus.FORBIDDEN, "this preview answers only to localhost")
        path = self._request_path()
        if path is None:
            return self.send_error(HTTPStatus.BAD_REQUEST)
        if path == PREFIX + "events":
            return self._events(head)
        if path == PREFIX + "live.js":
            return self._send(HTTPStatus.OK, resources.files("kejiquan_site").joinpath("live", "live.js").read_bytes(),
                              "text/javascript; charset=utf-8", head)
        self._send_file(path, head)

    def _request_path(self) -> str | None:
        """The decoded path of the request, or None when it is malformed (bad escapes, NUL)."""
        try:
            path = unquote(urlsplit(self.path).path, errors="strict")
        except (UnicodeDecodeError, ValueError):
            return None
        if "\x00" in path or not path.startswith("/"):
            return None
        return path

    def _send_file(self, path: str, head: bool) -> None:
        files = self.state.served
        if files is None:
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._with_script(WAITING_PAGE.encode()),
                              "text/html; charset=utf-8", head)
        parts = [part for part in path.split("/") if part not in ("", ".")]
        if ".." in parts:
            return self.send_error(HTTPStatus.NOT_FOUND)
        relative = "/".join(parts)
        if not relative or path.endswith("/"):
            relative = urls.file_for_url(relative + "/" if relative else "")
        if relative not in files and urls.file_for_url(relative + "/") in files:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        status = HTTPStatus.OK
        if relative not in files:
            status, relative = HTTPStatus.NOT_FOUND, urls.NOT_FOUND
            if relative not in files:
                return self.send_error(HTTPStatus.NOT_FOUND)
        body = files[relative]
        content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        if relative.endswith(".html"):
            body = self._with_script(body)
        self._send(status, body, content_type, head)

    def _with_script(self, html: bytes) -> bytes:
        script = LIVE_SCRIPT.format(generation=self.state.generation).encode()
        return html.replace(b"</head>", script + b"\n</head>", 1)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self, head: bool) -> None:
        """Server-sent events: 'state' now, then one per rebuild (reload, or the diagnostics).
        Only for pages of this preview: the reports quote the content."""
        origin = self.headers.get("Origin")
        if origin is not None and not allowed_host(_host_name(urlsplit(origin).netloc), self.listening_on):
            return self.send_error(HTTPStatus.FORBIDDEN, "this preview answers only to its own pages")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if head:
            return
        state = self.state
        seen = state.generation
        try:
            self._event("state", state.report, seen)
            while True:
                with state.changed:  # never held while writing: a slow tab must not hold up the others
                    state.changed.wait_for(lambda: state.generation != seen, timeout=15)
                    current, report = state.generation, state.report
                if current == seen:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                seen = current
                self._event("failed" if report else "reload", report, seen)
        except OSError:  # the tab was closed, or stopped reading
            return

    def _event(self, name: str, report: str, generation: int) -> None:
        data = json.dumps({"report": report, "generation": generation})
        self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode())
        self.wfile.flush()


class PreviewServer(ThreadingHTTPServer):
    """A threaded server with limits: a long listen queue (a page loads many files at once), at
    most `max_threads` connections at a time (more wait in the queue, then get 503), and a pause
    instead of a busy loop when the process runs out of file descriptors."""

    daemon_threads = True
    request_queue_size = 128
    max_threads = 128

    def __init__(self, *args, **kwargs) -> None:
        self._slots = threading.BoundedSemaphore(self.max_threads)
        super().__init__(*args, **kwargs)

    def get_request(self):
        try:
            return super().get_request()
        except OSError as exc:
            if exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                time.sleep(0.1)  # the connection stays queued: retrying at once would spin
            raise

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(timeout=5):
            try:
                request.settimeout(1)
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        """One line instead of a traceback: a broken connection is no news for the terminal."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            print(f"preview: internal error answering a request: {type(exc).__name__}: {exc}", file=sys.stderr)


class PreviewServer6(PreviewServer):
    address_family = socket.AF_INET6


def make_server(state: PreviewState, host: str, port: int) -> PreviewServer:
    """Listen on `host`:`port` (the port must be free: nothing is built before), or raise
    ServeFailed saying why not."""
    address = host.strip("[]")
    handler = partial(PreviewHandler, state=state, host=address)
    kind = PreviewServer6 if ":" in address else PreviewServer
    try:
        return kind((address, port), handler)
    except OverflowError:
        raise ServeFailed(f"the port must be a number from 0 to 65535, got {port}") from None
    except socket.gaierror:
        raise ServeFailed(f"cannot listen on '{host}': no such name or address "
                          "(use --host 127.0.0.1, or this machine's own address)") from None
    except OSError as exc:
        raise ServeFailed(_bind_problem(exc, host, port)) from None


def _bind_problem(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (f"port {port} on {host} is already in use (another preview?): stop it, "
                f"or choose another port with --port {port + 1}")
    if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
        return f"cannot listen on '{host}': this machine has no such address (use --host 127.0.0.1)"
    if exc.errno == errno.EACCES:
        return f"port {port} is reserved for the system administrator: choose a port from 1024 up, such as 8000"
    return f"cannot listen on {host} port {port}: {describe_system_error(exc, 'listening', '')}"
