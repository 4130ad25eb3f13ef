"""Reuse from disk, for `kejiquan build` (`make site`): what the reuse layer knew at the end of the
last build (files as parsed, results with their inputs, the files written) kept in
`.cache/kejiquan/build.pickle` and handed to the next build.

Never trusted blindly: a cache written by another engine or Python version, copied from another
folder (a clone), or that cannot be read is set aside with one note and the build starts cold;
two builds never use it at once (a lock next to it). Only this engine writes it, into the
project's own ignored folder, and it is read only after its header says it was written here.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import json
import os
import pickle
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from kejiquan_site import __version__
from kejiquan_site.reuse.layer import Reuse

CACHE_FOLDER = Path(".cache/kejiquan")
CACHE_FILE = "build.pickle"
LOCK_FILE = "build.lock"
_MAGIC = b"kejiquan build cache\n"
_WHAT = {"engine": "engine version", "python": "Python", "code": "engine code", "folder": "folder (a copy or a clone)"}


def engine_key() -> dict[str, object]:
    """What a cache must have been written by: this engine's version and code (its files' sizes
    and times: an engine changed without a new version number must not reuse results made by the
    old code), and this Python."""
    package = Path(__file__).resolve().parent.parent
    code = sorted((os.fspath(path.relative_to(package)), path.stat().st_size, path.stat().st_mtime_ns)
                  for path in package.rglob("*.py"))
    return {"engine": __version__, "python": sys.version,
            "code": hashlib.sha256(repr(code).encode("utf-8")).hexdigest()}


@dataclass
class DiskCache:
    """The reuse layer a build starts from (`reuse`), the files the last build wrote into the
    output folder (`written`: their bytes and what the folder said of each afterwards), and the
    notes to show (a cache set aside)."""

    folder: Path
    reuse: Reuse = field(default_factory=Reuse)
    written: dict[str, bytes] = field(default_factory=dict)
    written_stats: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    output: str = ""  # the output folder the files were written into
    notes: list[str] = field(default_factory=list)
    held: bool = True  # False when another build holds the lock: then nothing is saved


    def save(self, succeeded: bool) -> None:
        """End of a build: keep what it knew for the next one (see Reuse.finish). A cache that
        cannot be written is removed, with a note: the next build starts cold."""
        self.reuse.finish(succeeded)
        if not self.held:
            return
        path = self.folder / CACHE_FILE
        temporary = path.with_name(f".{CACHE_FILE}.new")
        try:
            if path.is_dir() and not path.is_symlink():  # in the way of the cache, in its own folder
                shutil.rmtree(path)
            header = json.dumps({**engine_key(), "folder": _identity(self.folder)}).encode("utf-8")
            with open(temporary, "wb") as out:
                out.write(_MAGIC + header + b"\n")
                pickle.dump((self.reuse.files, self.reuse.memo, self.written, self.written_stats, self.output), out,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError) as exc:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
                path.unlink(missing_ok=True)
            self.notes.append(f"the build cache could not be written ({type(exc).__name__}: {exc}); "
                              "the next build starts from scratch")


@contextmanager
def disk_cache(project_root: Path, enabled: bool = True) -> Iterator[DiskCache | None]:
    """The cache of the project at `project_root` while this build holds its lock; None (and no
    cache kept) when `enabled` is False (`--no-cache`, which removes it) or another build holds
    the lock or the folder cannot be made (the build then runs cold)."""
    folder = project_root / CACHE_FOLDER
    if not enabled:
        (folder / CACHE_FILE).unlink(missing_ok=True)
        yield None
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / LOCK_FILE, "a+b")  # noqa: SIM115 (held for the whole build)
    except OSError:
        yield None
        return
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield DiskCache(folder, notes=["another build is using the build cache: this one builds from scratch"],
                            held=False)
            return
        try:
            yield _load(folder)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _identity(folder: Path) -> list[int]:
    """Which folder this is: a copy or a clone of the project has another one."""
    info = os.stat(folder)
    return [info.st_dev, info.st_ino]


def _unpickled(stored: BinaryIO) -> Any:
    """The stored objects, without garbage collection passes over them as they are made."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(stored)  # written by this engine into this folder (see the header)
    finally:
        if collecting:
            gc.enable()


def _load(folder: Path) -> DiskCache:
    """The cache in `folder`, or an empty one with a note saying why the stored one was set aside."""
    path = folder / CACHE_FILE
    cache = DiskCache(folder)
    try:
        with open(path, "rb") as stored:
            if stored.read(len(_MAGIC)) != _MAGIC:
                raise ValueError("not a build cache")
            header = json.loads(stored.readline())
            expected = {**engine_key(), "folder": _identity(folder)}
            if header != expected:
                different = [_WHAT[key] for key in expected if header.get(key) != expected[key]]
                cache.notes.append(f"the build cache was written by another {' and '.join(different)}: "
                                   "building from scratch")
                return cache
            files, memo, written, stats, output = _unpickled(stored)
    except FileNotFoundError:
        return cache
    except Exception as exc:  # a damaged cache must never stop a build
        cache.notes.append(f"the build cache cannot be read ({type(exc).__name__}): building from scratch")
        return cache
    cache.reuse = Reuse(files, memo)
    cache.written, cache.written_stats, cache.output = written, stats, output
    return cache
