"""The first seam of reuse: what each content file gave when it was parsed, kept with the file's
signature and handed back while the file is unchanged, and folder listings kept while the folder
is. The read stage is given a `KeptFiles` in the preview (and parses everything in a cold build).
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from kejiquan_site.reuse.generations import Generations

T = TypeVar("T")


class KeptFiles(Generations):
    """Parsed files by (operation, path), each with the file's signature and the inputs it was
    parsed with. Only what the latest successful build read is kept (see finish)."""

    def __init__(self) -> None:
        super().__init__()
        self._paths: dict[str, dict[str, Path]] = {}  # one Path object per file, by folder

    def parsed(self, operation: Hashable, path: Path, inputs: Any, parse: Callable[[], T]) -> T:
        """`parse()`, or what it gave last time while the file and `inputs` are unchanged. Links,
        pipes and folders have no signature: they are parsed (and reported) every time."""
        signature = file_signature(path)
        if signature is None:
            return parse()
        key, stamp = (operation, os.fspath(path)), (signature, inputs)
        entry = self._entry(key)
        value = entry[1] if entry is not None and entry[0] == stamp else parse()
        self._used[key] = (stamp, value)
        return value

    def listing(self, folder: Path, suffix: str, names: Callable[[], list[str]]) -> list[Path]:
        """The files `names()` lists in `folder`, kept while the folder is unchanged (adding,
        removing or renaming a file changes it)."""
        signature = listing_signature(folder)
        key = ("listing", os.fspath(folder), suffix)
        entry = self._entry(key)
        if signature is not None and entry is not None and entry[0] == signature:
            found = entry[1]
        else:
            known = self._paths.setdefault(os.fspath(folder), {})
            found = [known.get(name) or known.setdefault(name, folder / name) for name in names()]
        if signature is not None:
            self._used[key] = (signature, found)
        return found


RECENT_NS = 2_000_000_000  # file times are only as fine as the kernel's clock tick (about 4 ms)


def file_signature(path: Path) -> tuple[Any, ...] | None:
    """What changes whenever a regular file is written or replaced: (inode, size, mtime, ctime),
    plus its bytes when it changed in the last two seconds, since two same-size saves within one
    clock tick leave the times alike (git's "racy clean" problem). None for anything else (links,
    folders, missing files), which is never reused: their checks must run every time."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    signature = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) < RECENT_NS:
        try:
            return signature + (Path(path).read_bytes(),)
        except OSError:
            return None
    return signature


def folder_signature(folder: Path) -> tuple[tuple[str, str | None, Any], ...]:
    """The signature of every file below `folder`, links followed (templates: one changed file
    renders all pages, and so does a link pointed elsewhere)."""
    entries: list[tuple[str, str | None, Any]] = []
    seen: set[tuple[int, int]] = set()
    for base, folders, names in os.walk(folder, followlinks=True):
        try:
            info = os.stat(base)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:  # a loop of links: walked once
            folders.clear()
            continue
        seen.add((info.st_dev, info.st_ino))
        for name in folders + names:
            path = os.path.join(base, name)
            target = os.path.realpath(path) if os.path.islink(path) else None
            entries.append((path, target, file_signature(Path(target or path)) if name in names else None))
    return tuple(sorted(entries))


def listing_signature(folder: Path) -> tuple[int, ...] | None:
    """What changes when a file is added to, removed from or renamed in `folder`; None when the
    folder is missing or changed too recently to tell (see file_signature)."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) < RECENT_NS:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_ctime_ns
