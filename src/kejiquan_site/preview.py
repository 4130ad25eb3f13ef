"""The live preview: serve the last good site on 127.0.0.1, rebuild when content or templates
change, and make open browser tabs reload by themselves, or show the diagnostics over the page
when a rebuild fails (the last good pages stay served, whole).

Pages are served from memory, from the last rebuild that was built and written without error;
the output folder is written as by `build`, so it holds the same site. The reload script is
added to HTML responses by the server only; built files never contain it.

The server answers only requests addressed to this machine by name (`Host`: the listen address,
localhost, 127.0.0.1, [::1]), so a web page that points its own name at 127.0.0.1 (DNS
rebinding) cannot read an unpublished story.
"""

from __future__ import annotations

import errno
import gc
import ipaddress
import json
import mimetypes
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from .build import build_site
from .changes import describe_changes, previous_values
from .content import Project
from .diagnostics import BuildFailed, describe_system_error, format_report
from .memo import Memo
from .output import OutputBusy, OutputRefused, WriteFailed, update_site, write_site
from .textfiles import display_path

PREFIX = "/__kejiquan/"
LIVE_SCRIPT = '<script src="' + PREFIX + 'live.js" data-generation="{generation}" defer></script>'
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
WAITING_PAGE = ("<!doctype html><html><head><meta charset=utf-8><title>kejiquan preview</title></head>"
                "<body><p>Nothing built yet: fix the errors shown in the terminal.</p></body></html>")


class ServeFailed(Exception):
    """The preview cannot start (the port is taken, the address is not this machine's)."""


@dataclass
class PreviewState:
    """The outcome of the last rebuild, shared between the watcher and the browser connections."""

    generation: int = 0
    report: str = ""  # diagnostics of a failed rebuild, '' when the last one succeeded
    changed: threading.Condition = field(default_factory=threading.Condition)
    written: dict[str, bytes] | None = None  # what the output folder holds, for incremental writes
    served: dict[str, bytes] | None = None  # the last good site, served to browsers
    memo: Memo = field(default_factory=Memo)  # what the last rebuild made, reused where its inputs are unchanged
    facts: dict[str, Any] | None = None  # the facts of the last good rebuild, for "what changed"

    def publish(self, report: str, served: dict[str, bytes] | None = None) -> None:
        with self.changed:
            self.generation += 1
            self.report = report
            if served is not None:
                self.served = served
            self.changed.notify_all()


def rebuild(project: Project, output: Path, state: PreviewState, log: Callable[[str], None],
            **build_options: Any) -> None:
    """Build and write the site; on any error keep serving the last good site and publish the
    report. Never raises: the watcher must live through every mistake, and rebuild the next edit.
    `build_options` go to `build_site` (strict, source_texts)."""
    collecting = gc.isenabled()
    gc.disable()  # the memo holds a build's worth of objects: collecting mid-build only adds pauses
    try:
        _rebuild(project, output, state, log, **build_options)
    except Exception as exc:  # noqa: BLE001 - an engine bug: said, and the preview goes on
        report = f"internal error: {type(exc).__name__}: {exc} (run 'kejiquan --debug build' for the traceback)"
        log(report)
        state.publish(report)
    finally:
        if collecting:
            gc.enable()


def _rebuild(project: Project, output: Path, state: PreviewState, log: Callable[[str], None],
             **build_options: Any) -> None:
    started = time.perf_counter()
    try:
        site = build_site(project, memo=state.memo, **build_options)
    except BuildFailed as failed:
        state.memo.finish(succeeded=False)
        report = format_report(failed.diagnostics, project.root)
        log(report)
        state.publish(report)
        return
    state.memo.finish(succeeded=True)
    changes = describe_changes(state.facts if state.facts is not None else previous_values(output), site.story)
    try:
        count = _write(site.files, output, state)
    except (OutputBusy, OutputRefused, WriteFailed) as exc:
        state.written = None  # the folder may hold part of this build: the next write is whole
        report = "error: " + (describe_system_error(exc.error, "writing", display_path(exc.path, project.root))
                              if isinstance(exc, WriteFailed) else str(exc))
        report += "; the preview keeps showing the last good site"
        log(report)
        state.publish(report)
        return
    state.facts = site.story.facts
    elapsed = (time.perf_counter() - started) * 1000
    if site.story.warnings:
        log(format_report(list(site.story.warnings), project.root, failed=False))
    log(f"rebuilt in {elapsed:.0f} ms, {count} of {len(site.files)} files written"
        + "".join(f"\n  {line}" for line in changes))
    state.publish("", site.files)


def _write(files: dict[str, bytes], output: Path, state: PreviewState) -> int:
    """Write the site: only what changed when the folder holds the last preview build, else all
    of it, atomically. Returns how many files were written."""
    if state.written is not None and output.is_dir():
        count = update_site(files, output, state.written)
    else:
        write_site(files, output)
        count = len(files)
    state.written = files
    return count


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
            relative = relative + "/index.html" if relative else "index.html"
        if relative not in files and f"{relative}/index.html" in files:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        status = HTTPStatus.OK
        if relative not in files:
            status, relative = HTTPStatus.NOT_FOUND, "404.html"
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
                with state.changed:
                    state.changed.wait_for(lambda: state.generation != seen, timeout=15)
                    if state.generation == seen:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                        continue
                    seen, report = state.generation, state.report
                self._event("failed" if report else "reload", report, seen)
        except OSError:  # the tab was closed, or stopped reading
            return

    def _event(self, name: str, report: str, generation: int) -> None:
        data = json.dumps({"report": report, "generation": generation})
        self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode("utf-8"))
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


def make_server(project: Project, output: Path, state: PreviewState, host: str, port: int) -> PreviewServer:
    """Listen on `host`:`port` (the port must be free: nothing is built before), or raise
    ServeFailed saying why not."""
    handler = partial(PreviewHandler, state=state, host=host)
    kind = PreviewServer6 if ":" in host else PreviewServer
    try:
        return kind((host.strip("[]"), port), handler)
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


def watch_and_rebuild(project: Project, output: Path, state: PreviewState, stop: threading.Event,
                      log: Callable[[str], None], **build_options: Any) -> None:
    """Rebuild after every batch of changes in the content or templates folder."""
    from watchfiles import watch

    for _changes in watch(project.content, project.templates, stop_event=stop, debounce=50, step=20,
                          raise_interrupt=False):
        rebuild(project, output, state, log, **build_options)


def serve(project: Project, output: Path, host: str, port: int, log: Callable[[str], None],
          **build_options: Any) -> None:
    """Listen, build, serve and watch until interrupted (Ctrl-C). Raises ServeFailed when the
    preview cannot listen; nothing is built or written then."""
    state = PreviewState()
    server = make_server(project, output, state, host, port)
    try:
        rebuild(project, output, state, log, **build_options)
        if state.served is None:
            log("nothing to serve yet: fix the errors above, the preview keeps watching")
        stop = threading.Event()
        watcher = threading.Thread(target=watch_and_rebuild, args=(project, output, state, stop, log),
                                   kwargs=build_options, daemon=True)
        watcher.start()
        shown = f"[{host}]" if ":" in host else host
        log(f"preview at http://{shown}:{server.server_address[1]}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            log("preview stopped")
        finally:
            stop.set()
    finally:
        server.server_close()
