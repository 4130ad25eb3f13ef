"""Writing the finished site: the only code that touches the output folder.

Files go into a fresh folder next to the output; when it is complete the two folders swap places
in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames). A build killed at
any moment leaves the previous site whole. A lock next to the output keeps two builds from
writing at once; the operating system releases it even when a build is killed.

Only a folder this tool wrote is ever replaced (it carries the stamp file `.kejiquan-site`), and
never one the build reads from: see `check_output_folder`. Files are 0644 and folders 0755
whatever the umask, so a web server running as another user can read them.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kejiquan_site.model import urls

STAMP_TEXT = b"This folder was written by kejiquan_site; every build replaces all of it.\n"


class OutputBusy(Exception):
    """Another build is writing the same output folder."""


class OutputRefused(Exception):
    """Writing this output folder could destroy something that is not a built site."""


class WriteFailed(Exception):
    """The system refused a write (full disk, read-only folder...): `error` says why, `path`
    where. The previous site is unchanged."""

    def __init__(self, error: OSError, path: Path) -> None:
        super().__init__(f"{error.strerror}: {path}")
        self.error = error
        self.path = path


def check_output_folder(output: Path, reads: dict[str, Path]) -> None:
    """Raise OutputRefused when `output` is or contains a folder the build reads (`reads`: name ->
    folder, such as 'project', 'content', 'templates'), lies inside one other than the project
    folder, or is something other than a folder this tool wrote (see `check_replaceable`)."""
    output = Path(os.path.realpath(output))
    for name, folder in reads.items():
        folder = Path(os.path.realpath(folder))
        if output == folder:
            raise OutputRefused(f"the output folder {output} is the {name} folder: building would delete it; "
                                "choose a folder of its own, such as --output _site")
        if folder.is_relative_to(output):
            raise OutputRefused(f"the output folder {output} contains the {name} folder {folder}: "
                                "building would delete it; choose a folder of its own, such as --output _site")
        if name != "project" and output.is_relative_to(folder):
            raise OutputRefused(f"the output folder {output} is inside the {name} folder {folder}: "
                                "the build would read its own output; choose a folder outside it, such as --output _site")
    check_replaceable(output)


def check_replaceable(output: Path) -> None:
    """Raise OutputRefused unless `output` is missing, an empty folder, or a site this tool wrote:
    a folder with the stamp file, or one that holds only what a build writes (an earlier
    release's output, from before the stamp)."""
    try:
        status = output.stat()
        if not stat.S_ISDIR(status.st_mode):
            raise OutputRefused(f"the output {output} is an existing file, not a folder: "
                                "choose a folder name such as _site")
        names = set(os.listdir(output))
        if not names or urls.STAMP in names:
            return
        foreign = _not_built(output, names)
        if not foreign:
            return
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputRefused(f"the output folder {output} cannot be looked into ({(exc.strerror or str(exc)).lower()})") from exc
    shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
    raise OutputRefused(f"the output folder {output} holds files that no build wrote ({shown}): "
                        "choose a new or empty folder, or move those files out of it")


def _not_built(folder: Path, names: set[str]) -> list[str]:
    """What, in a folder without the stamp, a build would not have written (all of it, unless
    the folder has a build's home page, sitemap and robots.txt)."""
    if not names >= urls.SITE_MARKERS:
        return sorted(names)
    foreign = []
    for name in sorted(names):
        path = folder / name
        if name in urls.TOP_LEVEL or name.removesuffix(urls.GZIP_SUFFIX) in urls.TOP_LEVEL:
            continue
        if path.is_symlink() or not path.is_dir() or not set(os.listdir(path)) <= urls.PAGE_FOLDER_FILES:
            foreign.append(name)
    return foreign


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    lock_path = output.parent / f".{output.name}.lock"
    with open(lock_path, "a+b") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OutputBusy(f"another build is writing {output} right now; try again when it has finished") from exc
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


@contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done (swapping folders, cleaning up), so an
    interrupted build never leaves a half-removed folder behind."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_site(files: dict[str, bytes], output: Path) -> None:
    """Write `files` ({relative path: bytes}) as the new content of `output`, all or nothing.
    Raises OutputRefused for a folder this tool did not write, WriteFailed when the system
    refuses a write; the previous site is then unchanged."""
    output = Path(os.path.realpath(output))
    staging: Path | None = None
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(output):
            check_replaceable(output)
            try:
                with signals_held():
                    _remove_leftovers(output)
                    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
                _write_files({**files, urls.STAMP: STAMP_TEXT}, staging)
                with signals_held():
                    staging.chmod(_folder_mode(output))
                    _swap_in(staging, output)
            finally:
                with signals_held():
                    if staging is not None:
                        shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise WriteFailed(exc, _shown_target(exc, staging, output)) from exc


def _folder_mode(output: Path) -> int:
    """The output folder's own mode when it exists (a shared group folder stays 2775), else 0755."""
    try:
        return stat.S_IMODE(output.stat().st_mode)
    except OSError:
        return 0o755


def _shown_target(exc: OSError, staging: Path | None, output: Path) -> Path:
    """Where a failed write was going: a file in the staging folder is named as in the output;
    the lock, the staging folder itself and the folders around are named by the output."""
    name = exc.filename if isinstance(exc.filename, str) else None
    if staging is not None and name is not None and Path(name).is_relative_to(staging) and Path(name) != staging:
        return output / Path(name).relative_to(staging)
    return output


def _write_files(files: dict[str, bytes], folder: Path) -> None:
    """Every file below `folder`, which is new and empty: each sub-folder made once, plain
    system calls for the files (thousands of them, so per-file overhead counts). Modes are set
    explicitly: the umask must not make the site unreadable to the web server."""
    base = os.fspath(folder)
    folders: set[str] = set()
    for relative in files:
        parent = os.path.dirname(relative)
        while parent and parent not in folders:
            folders.add(parent)
            parent = os.path.dirname(parent)
    for relative in sorted(folders, key=lambda name: (name.count("/"), name)):
        _make_folder(os.path.join(base, relative))
    for relative, content in files.items():
        descriptor = os.open(os.path.join(base, relative), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.fchmod(descriptor, 0o644)
            view = memoryview(content)
            while view:
                view = view[os.write(descriptor, view):]
        except OSError as exc:
            exc.filename = os.path.join(base, relative)
            raise
        finally:
            os.close(descriptor)


def _make_folder(path: str) -> None:
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o755)


def update_site(files: dict[str, bytes], output: Path, previous: dict[str, bytes]) -> int:
    """For the live preview only: write the files whose bytes differ from `previous` (what the
    last preview build wrote) and delete the ones that are gone; returns how many were written.
    Not atomic as a whole, but each file is replaced in one step (never seen half-written), and
    a one-fact edit rewrites a handful of files instead of the whole site. Raises WriteFailed."""
    output = Path(os.path.realpath(output))
    written = 0
    try:
        with output_lock(output):
            for relative, content in files.items():
                if previous.get(relative) is not content and previous.get(relative) != content:
                    _replace_file(output, relative, content)
                    written += 1
            for relative in sorted(set(previous) - set(files)):
                (output / relative).unlink(missing_ok=True)
    except OSError as exc:
        raise WriteFailed(exc, Path(exc.filename) if isinstance(exc.filename, str) else output) from exc
    return written


FileStats = dict[str, tuple[int, int, int]]  # relative path -> (inode, size, mtime) as written


def written_stats(output: Path, paths: Iterable[str]) -> FileStats:
    """What the output folder says of each written file, to tell later whether it is still as written."""
    stats: FileStats = {}
    for relative in paths:
        info = os.lstat(output / relative)
        stats[relative] = (info.st_ino, info.st_size, info.st_mtime_ns)
    return stats


def update_written_site(files: dict[str, bytes], output: Path, previous: dict[str, bytes],
                        stats: FileStats) -> tuple[int, FileStats] | None:
    """For `kejiquan build` with its cache: write only the files whose bytes differ from
    `previous` (what the last build wrote into `output`), delete those gone, and return how many
    were written and the new stats. None, writing nothing, unless `output` still holds exactly
    what was written (every file with the inode, size and time `stats` recorded): then the
    caller writes the whole site afresh. Every changed file is written beside its place first
    and all are renamed into place only when all were written, so a refused write (a full
    disk) leaves the previous site unchanged. Raises WriteFailed."""
    output = Path(os.path.realpath(output))
    try:
        with output_lock(output):
            if not _as_written(output, previous, stats):
                return None
            changed = {relative: content for relative, content in files.items()
                       if previous.get(relative) is not content and previous.get(relative) != content}
            staged = _stage(output, changed)
            with signals_held():
                for relative in changed:
                    os.replace(staged[relative], output / relative)
                stats = {**stats, **written_stats(output, changed)}
                for relative in sorted(set(previous) - set(files)):
                    (output / relative).unlink(missing_ok=True)
                    del stats[relative]
                    _remove_empty_parents(output, relative)
    except OSError as exc:
        raise WriteFailed(exc, Path(exc.filename) if isinstance(exc.filename, str) else output) from exc
    return len(changed), stats


def _as_written(output: Path, previous: dict[str, bytes], stats: FileStats) -> bool:
    """Whether `output` holds exactly the files the last build wrote, each as it was written."""
    if not (output / urls.STAMP).is_file() or set(stats) != set(previous):
        return False
    for relative, recorded in stats.items():
        try:
            info = os.lstat(output / relative)
        except OSError:
            return False
        if (info.st_ino, info.st_size, info.st_mtime_ns) != recorded or not stat.S_ISREG(info.st_mode):
            return False
    return True


def _stage(output: Path, changed: dict[str, bytes]) -> dict[str, Path]:
    """Each changed file written as `.NAME.new` next to its place (new folders made as needed);
    on any refusal, everything staged and every folder made is removed again, and it raises."""
    staged: dict[str, Path] = {}
    made: list[Path] = []
    try:
        for relative, content in changed.items():
            target = output / relative
            for parent in reversed(Path(relative).parents[:-1]):
                if not (output / parent).is_dir():
                    _make_folder(os.fspath(output / parent))
                    made.append(output / parent)
            staged[relative] = target.with_name(f".{target.name}.new")
            staged[relative].unlink(missing_ok=True)  # left by a build that was killed
            try:
                _write_files({staged[relative].name: content}, target.parent)
            except OSError as exc:
                exc.filename = os.fspath(target)
                raise
    except OSError:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return staged


def _remove_empty_parents(output: Path, relative: str) -> None:
    """The folders of a deleted page, once empty: a cold build would not make them."""
    for parent in Path(relative).parents[:-1]:
        try:
            (output / parent).rmdir()
        except OSError:
            return


def _replace_file(output: Path, relative: str, content: bytes) -> None:
    target = output / relative
    for parent in reversed(target.relative_to(output).parents[:-1]):
        if not (output / parent).is_dir():
            _make_folder(os.fspath(output / parent))
    temporary = target.with_name(f".{target.name}.new")
    try:
        temporary.write_bytes(content)
        temporary.chmod(0o644)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        exc.filename = os.fspath(target)
        raise


def _remove_leftovers(output: Path) -> None:
    """Staging folders of builds that were killed (safe: we hold the lock)."""
    for leftover in output.parent.glob(f".{output.name}.new-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in output.parent.glob(f".{output.name}.old-*"):
        if output.exists():
            shutil.rmtree(leftover, ignore_errors=True)
        else:  # killed between the two renames of the fallback: put the old site back
            os.rename(leftover, output)


def _swap_in(staging: Path, output: Path) -> None:
    """Afterwards `output` holds the new site and `staging` the old one (or nothing)."""
    if not output.exists():
        os.rename(staging, output)
    elif not _exchange(staging, output):
        retired = staging.with_name(staging.name.replace(".new-", ".old-"))
        os.rename(output, retired)
        os.rename(staging, output)
        shutil.rmtree(retired, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))
