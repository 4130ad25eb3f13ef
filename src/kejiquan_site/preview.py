"""The live preview: serve the output folder on 127.0.0.1, rebuild when content or templates
change, and make open browser tabs reload by themselves, or show the diagnostics over the page
when a rebuild fails (the last good pages stay served).

The reload script is added to HTML responses by the server only; built files never contain it.
"""

from __future__ import annotations

import gc
import json
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from .build import build_site
from .changes import describe_changes, previous_values
from .content import Project
from .diagnostics import BuildFailed, format_report
from .memo import Memo
from .output import OutputBusy, update_site, write_site

PREFIX = "/__kejiquan/"
LIVE_SCRIPT = '<script src="' + PREFIX + 'live.js" data-generation="{generation}" defer></script>'


@dataclass
class PreviewState:
    """The outcome of the last rebuild, shared between the watcher and the browser connections."""

    generation: int = 0
    report: str = ""  # diagnostics of a failed rebuild, '' when the last one succeeded
    changed: threading.Condition = field(default_factory=threading.Condition)
    written: dict[str, bytes] | None = None  # what the last good rebuild wrote, for incremental writes
    memo: Memo = field(default_factory=Memo)  # what the last rebuild made, reused where its inputs are unchanged
    facts: dict[str, Any] | None = None  # the facts of the last good rebuild, for "what changed"

    def publish(self, report: str) -> None:
        with self.changed:
            self.generation += 1
            self.report = report
            self.changed.notify_all()


def rebuild(project: Project, output: Path, state: PreviewState, log: Callable[[str], None],
            **build_options: Any) -> None:
    """Build and write the site; on errors keep the last good site and publish the diagnostics.
    `build_options` go to `build_site` (strict)."""
    collecting = gc.isenabled()
    gc.disable()  # the memo holds a build's worth of objects: collecting mid-build only adds pauses
    try:
        _rebuild(project, output, state, log, **build_options)
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
    state.facts = site.story.facts
    try:
        if state.written is not None and output.is_dir():
            count = update_site(site.files, output, state.written)
        else:
            write_site(site.files, output)
            count = len(site.files)
    except OutputBusy as busy:
        log(f"error: {busy}")
        return
    state.written = site.files
    elapsed = (time.perf_counter() - started) * 1000
    if site.story.warnings:
        log(format_report(list(site.story.warnings), project.root, failed=False))
    log(f"rebuilt in {elapsed:.0f} ms, {count} of {len(site.files)} files written"
        + "".join(f"\n  {line}" for line in changes))
    state.publish("")


class PreviewHandler(SimpleHTTPRequestHandler):
    """Files of the output folder, plus the event stream and script of the live reload."""

    state: PreviewState

    def __init__(self, *args, state: PreviewState, **kwargs) -> None:
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal is for build reports
        pass

    def list_directory(self, path):  # never list folders
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def do_GET(self) -> None:
        if self.path == PREFIX + "events":
            return self._events()
        if self.path == PREFIX + "live.js":
            return self._send(resources.files("kejiquan_site").joinpath("live", "live.js").read_bytes(),
                              "text/javascript; charset=utf-8")
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            html = path.read_text(encoding="utf-8")
            script = LIVE_SCRIPT.format(generation=self.state.generation)
            return self._send(html.replace("</head>", script + "\n</head>", 1).encode("utf-8"),
                              "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: 'state' now, then one per rebuild (reload, or the diagnostics)."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
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
        except (BrokenPipeError, ConnectionResetError):
            return

    def _event(self, name: str, report: str, generation: int) -> None:
        data = json.dumps({"report": report, "generation": generation})
        self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode("utf-8"))
        self.wfile.flush()


def make_server(project: Project, output: Path, state: PreviewState, host: str, port: int) -> ThreadingHTTPServer:
    handler = partial(PreviewHandler, directory=str(output), state=state)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def watch_and_rebuild(project: Project, output: Path, state: PreviewState, stop: threading.Event,
                      log: Callable[[str], None], **build_options: Any) -> None:
    """Rebuild after every batch of changes in the content or templates folder."""
    from watchfiles import watch

    for _changes in watch(project.content, project.templates, stop_event=stop, debounce=50, step=20,
                          raise_interrupt=False):
        rebuild(project, output, state, log, **build_options)


def serve(project: Project, output: Path, host: str, port: int, log: Callable[[str], None],
          **build_options: Any) -> None:
    """Build, serve and watch until interrupted (Ctrl-C)."""
    state = PreviewState()
    rebuild(project, output, state, log, **build_options)
    if not output.is_dir():
        log("nothing to serve yet: fix the errors above, the preview keeps watching")
        output.mkdir(parents=True)
    server = make_server(project, output, state, host, port)
    stop = threading.Event()
    watcher = threading.Thread(target=watch_and_rebuild, args=(project, output, state, stop, log),
                               kwargs=build_options, daemon=True)
    watcher.start()
    log(f"preview at http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
