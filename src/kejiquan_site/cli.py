"""The command line: `kejiquan build`, `check`, `serve`, `publish` and `new`. The only place that
prints diagnostics and chooses exit codes (0 built, 1 content or system errors, 2 usage errors, 130
interrupted by Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine is imported once Ctrl-C and SIGTERM are handled (see main)
    from kejiquan_site.build.site import Site
    from kejiquan_site.model.story import Project
    from kejiquan_site.render.pictures import KaleidoPainter
    from kejiquan_site.reuse.disk import DiskCache


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kejiquan", description="Build a data-journalism microsite.")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks for internal errors")
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="create a small new project that builds at once")
    new.add_argument("directory", type=Path, help="the folder to create")
    facts = commands.add_parser("facts", help="work on the facts of an archived source")
    propose = facts.add_subparsers(dest="facts_command", required=True).add_parser(
        "propose", help="print a fact to review and paste for each number of the source that is neither a fact "
                        "nor set aside (writes nothing)")
    propose.add_argument("source_id", help="the id of a source in sources.yaml that has an 'archive:'")
    _project_arguments(propose)
    for name, text in (("build", "check the content and build the site"),
                       ("check", "check the content without writing anything"),
                       ("serve", "build, serve on 127.0.0.1, rebuild and reload on every change"),
                       ("publish", "build strictly, then record every fact as published (content/published.yaml)")):
        command = commands.add_parser(name, help=text)
        _project_arguments(command)
        command.add_argument("--strict", action="store_true", help="treat warnings as errors")
        if name in ("build", "serve", "publish"):
            command.add_argument("--output", "-o", type=Path, help="output folder (default: PROJECT/_site)")
        if name in ("build", "check"):
            command.add_argument("--base-url", metavar="URL", default="",
                                 help="the address to publish at (http:// or https://, ending in '/'), "
                                      "instead of base_url in site.yaml: for a staging copy")
        if name == "build":
            command.add_argument("--precompress", action="store_true",
                                 help="also write NAME.gz next to every text file, for nginx's gzip_static")
            command.add_argument("--no-cache", action="store_true",
                                 help="build from scratch, without the cache of the last build in "
                                      ".cache/kejiquan/ (and remove it)")
        if name == "publish":
            command.add_argument("--date", type=_publish_date, default=None,
                                 help="the publication date, YYYY-MM-DD (default: today)")
        if name == "serve":
            command.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
            command.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def _publish_date(text: str) -> str:
    import datetime
    import re

    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"'{text}' is not a date written as {datetime.date.today().isoformat()}")


def _publish(project: Project, output: Path, date: str | None) -> tuple[Site, str]:
    """Build strictly, record the facts as published on `date`, then build again with the new
    record (so the footer names this publication) and write the site. Returns the site and a line
    saying what was recorded. Nothing is written when the first build fails."""
    import datetime

    from kejiquan_site.build.output import write_site
    from kejiquan_site.build.site import CACHE_ROOT, build_site
    from kejiquan_site.read.published import RECORD_FILE, next_record, render_record, write_record
    from kejiquan_site.read.updates import entry_dates

    date = date or datetime.date.today().isoformat()
    cache = project.root / CACHE_ROOT
    site = build_site(project, strict=True, processes=_usable_cores(), painter=_painter(project), cache=cache)
    story = site.story
    record = next_record(story.facts, story.record, date, entry_dates(story.updates))
    changed = sum(1 for key, versions in record.facts.items()
                  if story.record is None or versions != story.record.facts.get(key))
    write_record(project.content / RECORD_FILE, render_record(record))
    site = build_site(project, strict=True, processes=_usable_cores(), painter=_painter(project), cache=cache)
    write_site(site.files, output)
    return site, (f"published {len(story.facts)} facts on {date} ({changed} new or changed) in "
                  f"{project.shown(project.content / RECORD_FILE)}")


def _project_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--project", type=Path, default=Path("."), help="project folder (default: .)")
    command.add_argument("--content", type=Path, help="content folder (default: PROJECT/content)")
    command.add_argument("--templates", type=Path, help="templates folder (default: PROJECT/templates)")


def _propose(project: Project, source_id: str) -> int:
    """`kejiquan facts propose SOURCE_ID`: the proposals on stdout; problems on stderr."""
    from kejiquan_site.build.site import load_story
    from kejiquan_site.check.propose import propose_facts
    from kejiquan_site.diagnostics import did_you_mean
    from kejiquan_site.markdown.extensions import make_markdown

    story = load_story(project, make_markdown())
    coverage = {c.source: c for c in story.coverage}
    if source_id not in story.sources:
        print(f"error: unknown source '{source_id}'{did_you_mean(source_id, list(story.sources))}", file=sys.stderr)
        return 1
    if source_id not in coverage:
        print(f"error: source '{source_id}' has no archived text to read numbers from\n"
              f"  expected: 'archive: sources/{source_id}.txt' in sources.yaml", file=sys.stderr)
        return 1
    print(propose_facts(story.sources[source_id], story.archives[source_id][1], coverage[source_id]), end="")
    return 0


def _new(directory: Path) -> int:
    from kejiquan_site.starter_project import create_project

    try:
        files = create_project(directory)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"created {len(files)} files in {directory}/\n"
          f"next: kejiquan serve --project {directory}   (or kejiquan build --project {directory})")
    return 0


def _usable_cores(most: int = 8) -> int:
    """The cores this process may run on (a container may allow fewer than the machine has), at
    most `most`: beyond that, starting and feeding processes costs more than they save."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, most))


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM ends a build the way Ctrl-C does: cleaned up, one line


def _interrupt_again(unraisable) -> None:
    """sys.unraisablehook: an interrupt that comes while Python runs a weak reference's callback or
    a __del__ (importlib runs one at the end of many imports) cannot be raised there; Python would
    print it with a traceback and the build would go on. It is sent again to the main thread a
    moment later, out of the callback, where it ends the build as usual; while the site is being
    swapped in, signals are held and it waits for the swap to finish."""
    if not issubclass(unraisable.exc_type, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)
        return
    import threading

    resend = threading.Timer(0.001, signal.pthread_kill, (threading.main_thread().ident, signal.SIGTERM))
    resend.daemon = True
    resend.start()


def _painter(project: Project) -> KaleidoPainter:
    """The charts' static pictures, cached in the project's .cache/ (see pictures.py)."""
    from kejiquan_site.render.pictures import CACHE_FOLDER, KaleidoPainter

    return KaleidoPainter(project.root / CACHE_FOLDER)


def main(argv: list[str] | None = None) -> int:
    """Run one command; Ctrl-C and SIGTERM at any moment end it with one line (exit 130), the
    previous site whole and no staging folder left behind."""
    previous_handler = signal.signal(signal.SIGTERM, _terminated)
    previous_hook, sys.unraisablehook = sys.unraisablehook, _interrupt_again
    try:
        return _interruptible(argv)
    finally:
        held = {signal.SIGINT, signal.SIGTERM}
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        signal.signal(signal.SIGTERM, previous_handler)
        sys.unraisablehook = previous_hook
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _interruptible(argv: list[str] | None) -> int:
    finished = {"written": False}
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})  # held by __main__.start
        return _run(argv, finished)
    except KeyboardInterrupt:
        outcome = ("the new site was written" if finished["written"]
                   else "nothing was written, the previous site is unchanged")
        print(f"interrupted: {outcome}", file=sys.stderr)
        return 130


def _run(argv: list[str] | None, finished: dict[str, bool]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)  # before the engine is imported: `--help` and usage errors need none of it
    if args.command == "new":
        return _new(args.directory)
    from kejiquan_site.build.output import OutputRefused, check_output_folder
    from kejiquan_site.model.story import Project
    from kejiquan_site.read.config import base_url_problem

    # A build allocates many small objects that live until it ends: collecting them over and over
    # cost a quarter of a 1,000-page build (measured with benchmarks/). Collect far less often.
    gc.set_threshold(50_000, 20, 1000)
    root = args.project.resolve()
    base_url = getattr(args, "base_url", "")
    if base_url and base_url_problem(base_url):
        parser.error(f"--base-url: {base_url_problem(base_url)}; give the published address, such as "
                     "https://example.org/kejiquan/")
    project = Project(root, (args.content or root / "content").resolve(),
                      (args.templates or root / "templates").resolve(), base_url)
    output = (args.output or root / "_site").resolve() if args.command in ("build", "serve", "publish") else None
    try:
        if output is not None:
            check_output_folder(output, {"project": root, "content": project.content,
                                         "templates": project.templates})
        if args.command == "serve":
            assert output is not None
            return _serve(project, output, args)
        return _build(project, output, args, finished)
    except OutputRefused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2


def _serve(project: Project, output: Path, args: argparse.Namespace) -> int:
    from kejiquan_site.preview.rebuild import ServeFailed, serve

    try:
        serve(project, output, args.host, args.port, lambda text: print(text, flush=True), strict=args.strict)
    except ServeFailed as failed:
        print(f"error: {failed}", file=sys.stderr)
        return 2
    return 0


def _build(project: Project, output: Path | None, args: argparse.Namespace, finished: dict[str, bool]) -> int:
    """`build`, `publish`, `check` (output None), and `facts propose`, which reads the story as
    they do."""
    from kejiquan_site.build.output import OutputBusy, WriteFailed
    from kejiquan_site.build.site import CACHE_ROOT, build_site
    from kejiquan_site.diagnostics import BuildFailed, describe_system_error, format_report
    from kejiquan_site.model.story import display_path

    root = project.root
    try:
        if args.command == "facts":
            return _propose(project, args.source_id)
        changes: list[str] = []
        if args.command == "build":
            assert output is not None
            site, changes = _build_cached(project, output, args)
            finished["written"] = True
        elif args.command != "publish":
            site = build_site(project, strict=args.strict, processes=_usable_cores(), cache=root / CACHE_ROOT,
                              cache_read_only=True)  # a check uses the caches a build left, writes nothing
        if args.command == "publish":
            assert output is not None  # publish writes the site: main() chose the folder
            site, recorded = _publish(project, output, args.date)
            changes = [recorded]
            finished["written"] = True
    except BuildFailed as failed:
        print(format_report(failed.diagnostics, root), file=sys.stderr)
        return 1
    except OutputBusy as busy:
        print(f"error: {busy}", file=sys.stderr)
        return 1
    except WriteFailed as failed:
        shown = display_path(failed.path, root)
        print(f"error: {describe_system_error(failed.error, 'writing', shown)}: the previous site is unchanged",
              file=sys.stderr)
        return 1
    except OSError as exc:  # the system refused something outside the content (a folder, a device)
        action = 'reading' if exc.filename else 'building'
        print(f"error: {describe_system_error(exc, action, exc.filename or '')}", file=sys.stderr)
        return 1
    except Exception as exc:  # an engine bug, not an editor's mistake
        if args.debug:
            traceback.print_exc()
        else:
            print(f"internal error: {type(exc).__name__}: {exc}\n(run with --debug for the traceback)",
                  file=sys.stderr)
        return 1
    _report(site, output, changes, args.command, root)
    return 0


def _build_cached(project: Project, output: Path, args: argparse.Namespace) -> tuple[Site, list[str]]:
    """`build`: the site built from the cache of the last build (reuse/disk.py) unless
    --no-cache, and written: only the files that changed while the output folder is as the
    last build left it, else all of it at once. Returns the site and the changes to report."""
    from kejiquan_site.build.changes import describe_changes, previous_values
    from kejiquan_site.build.site import CACHE_ROOT, build_site
    from kejiquan_site.diagnostics import BuildFailed
    from kejiquan_site.reuse.disk import disk_cache

    with disk_cache(project.root, enabled=not args.no_cache) as cache:
        for note in cache.notes if cache is not None else ():
            print(f"note: {note}")
        if cache is not None:
            cache.notes.clear()
            gc.freeze()  # the cache's millions of objects live to the end: no collection need scan them
        try:
            try:
                site = build_site(project, strict=args.strict, painter=_painter(project),
                                  precompress=args.precompress, processes=_usable_cores(),
                                  reuse=cache.reuse if cache is not None else None,
                                  cache=None if args.no_cache else project.root / CACHE_ROOT)
            except BuildFailed:
                if cache is not None:
                    cache.save(succeeded=False)
                raise
            changes = describe_changes(previous_values(output), site.story)
            _write(site.files, output, cache)
            if cache is not None:
                cache.save(succeeded=True)
                for note in cache.notes:
                    print(f"note: {note}")
        finally:
            gc.unfreeze()  # for callers in the same process (tests)
    return site, changes


def _write(files: dict[str, bytes], output: Path, cache: DiskCache | None) -> None:
    """Only what changed since the build the cache knows, when the output folder is still as it
    wrote it; else the whole site, atomically."""
    from kejiquan_site.build.output import update_written_site, write_site, written_stats

    real = Path(os.path.realpath(output))
    updated = None
    if cache is not None and cache.output == os.fspath(real) and cache.written:
        updated = update_written_site(files, real, cache.written, cache.written_stats)
    if updated is None:
        write_site(files, output)
    if cache is not None:
        cache.written, cache.output = files, os.fspath(real)
        cache.written_stats = updated[1] if updated is not None else written_stats(real, list(files))


def _report(site: Site, output: Path | None, changes: list[str], command: str, root: Path) -> None:
    from kejiquan_site.diagnostics import format_report

    pages = sum(1 for path in site.files if path.endswith(".html"))
    story = site.story
    if story.warnings:
        print(format_report(list(story.warnings), root, failed=False), file=sys.stderr)
    print(f"plotly.js: {site.plotly.origin}")
    for note in site.notes:
        print(f"note: {note}")
    for coverage in story.coverage:
        print(f"coverage: {coverage.summary}")
    verb = "checked" if command == "check" else "built"
    where = f" into {output}" if output is not None else ""
    print(f"{verb} {pages} pages, {len(story.charts)} charts, {len(story.facts)} facts{where}")
    print(f"read back: {site.verified[0]} numbers shown, each from a fact; {site.verified[1]} internal links, "
          "each to a file the build writes")
    if command == "publish":
        print(changes[0])
    elif changes:
        print("changed since the last build:\n  " + "\n  ".join(changes))


def run() -> None:
    """The `kejiquan` program. A signal that comes as the command ends is not taken any more
    (the interpreter's own clean-up would print a traceback for it)."""
    signal.signal(signal.SIGTERM, _terminated)
    sys.unraisablehook = _interrupt_again
    try:
        code = _interruptible(None)
    except KeyboardInterrupt:  # between the command's last step and here: its work is done
        code = 130
    finally:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    sys.exit(code)


if __name__ == "__main__":
    from kejiquan_site.__main__ import start

    start()
