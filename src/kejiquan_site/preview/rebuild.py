"""The live preview: rebuild when content or templates change, serve the last good site on
127.0.0.1 (previewserver.py), and make open browser tabs reload by themselves, or show the
diagnostics over the page when a rebuild fails (the last good pages stay served, whole).

Pages are served from memory, from the last rebuild that was built and written without error;
the output folder is written as by `build`, so it holds the same site. The reload script is
added to HTML responses by the server only; built files never contain it.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kejiquan_site.build.changes import describe_changes, previous_values
from kejiquan_site.build.output import OutputBusy, OutputRefused, WriteFailed, update_site, write_site
from kejiquan_site.build.site import build_site
from kejiquan_site.diagnostics import BuildFailed, describe_system_error, format_report
from kejiquan_site.model.story import Project, display_path
from kejiquan_site.preview.server import ServeFailed, make_server
from kejiquan_site.reuse.layer import Reuse

__all__ = ["PreviewState", "ServeFailed", "make_server", "rebuild", "serve", "watch_and_rebuild"]


@dataclass
class PreviewState:
    """The outcome of the last rebuild, shared between the watcher and the browser connections."""

    generation: int = 0
    report: str = ""  # diagnostics of a failed rebuild, '' when the last one succeeded
    changed: threading.Condition = field(default_factory=threading.Condition)
    written: dict[str, bytes] | None = None  # what the output folder holds, for incremental writes
    served: dict[str, bytes] | None = None  # the last good site, served to browsers
    reuse: Reuse = field(default_factory=Reuse)  # what the last rebuild made, reused where its inputs are unchanged
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
    `build_options` go to `build_site` (strict)."""
    collecting = gc.isenabled()
    gc.disable()  # `reuse` holds a build's worth of objects: collecting mid-build only adds pauses
    try:
        _rebuild(project, output, state, log, **build_options)
    except Exception as exc:
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
        site = build_site(project, reuse=state.reuse, **build_options)
    except BuildFailed as failed:
        state.reuse.finish(succeeded=False)
        report = format_report(failed.diagnostics, project.root)
        log(report)
        state.publish(report)
        return
    state.reuse.finish(succeeded=True)
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
    server = make_server(state, host, port)
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
            watcher.join(timeout=60)  # a rebuild being written finishes, leaving no staging folder
    finally:
        server.server_close()
