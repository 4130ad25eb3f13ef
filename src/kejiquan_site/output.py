"""Writing the finished site: the only code that touches the output folder.

Files go into a fresh folder next to the output; when it is complete the two folders swap places
in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames). A build killed at
any moment leaves the previous site whole. A lock next to the output keeps two builds from
writing at once; the operating system releases it even when a build is killed.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class OutputBusy(Exception):
    """Another build is writing the same output folder."""


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


def write_site(files: dict[str, bytes], output: Path) -> None:
    """Write `files` ({relative path: bytes}) as the new content of `output`, all or nothing."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(output):
        _remove_leftovers(output)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
        try:
            _write_files(files, staging)
            staging.chmod(0o755)
            _swap_in(staging, output)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _write_files(files: dict[str, bytes], folder: Path) -> None:
    """Every file below `folder`, which is new and empty: each sub-folder made once, plain
    system calls for the files (thousands of them, so per-file overhead counts)."""
    base = os.fspath(folder)
    for relative in sorted({os.path.dirname(relative) for relative in files} - {""}):
        os.makedirs(os.path.join(base, relative), exist_ok=True)
    for relative, content in files.items():
        descriptor = os.open(os.path.join(base, relative), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(descriptor, view):]
        finally:
            os.close(descriptor)


def update_site(files: dict[str, bytes], output: Path, previous: dict[str, bytes]) -> int:
    """For the live preview only: write the files whose bytes differ from `previous` (what the
    last preview build wrote) and delete the ones that are gone; returns how many were written.
    Not atomic, but a one-fact edit rewrites a handful of files instead of the whole site."""
    output = output.resolve()
    written = 0
    with output_lock(output):
        for relative, content in files.items():
            if previous.get(relative) is not content and previous.get(relative) != content:
                target = output / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
                written += 1
        for relative in sorted(set(previous) - set(files)):
            (output / relative).unlink(missing_ok=True)
    return written


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
