"""Reuse between builds, for the live preview: a step's result is kept with the inputs it was made
from and handed back while they are equal, so a one-fact edit re-reads one file and re-renders
only the pages that show that fact. A cold build uses `NO_MEMO`, which keeps nothing.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """Results by key, each with its inputs, compared with `is` and then `==`. Facts, charts and
    pages compare by identity (an unchanged file gives back the same objects), everything else
    by value. Only what the latest successful build used is kept, so the memo never holds more
    than about one build."""

    keeps = True

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[Any, Any]] = {}
        self._used: dict[Hashable, tuple[Any, Any]] = {}

    def get(self, key: Hashable, inputs: Any, compute: Callable[[], T],
            still_valid: Callable[[T], bool] | None = None) -> T:
        """`compute()`, or its earlier result for `key` if made from equal `inputs` (and
        `still_valid(result)` agrees, for results that record what they read)."""
        entry = self._used.get(key) or self._kept.get(key)
        if (entry is not None and (entry[0] is inputs or entry[0] == inputs)
                and (still_valid is None or still_valid(entry[1]))):
            value = entry[1]
        else:
            value = compute()
        self._used[key] = (inputs, value)
        return value

    def finish(self, succeeded: bool) -> None:
        """End of a build: keep what a good build used; after a failed one keep everything, so
        fixing the mistake costs no more than making it."""
        if succeeded:
            self._kept = self._used
        else:
            self._kept.update(self._used)
        self._used = {}


class NoMemo(Memo):
    """Computes everything, keeps nothing: cold builds and `check`."""

    keeps = False

    def get(self, key: Hashable, inputs: Any, compute: Callable[[], T],
            still_valid: Callable[[T], bool] | None = None) -> T:
        return compute()

    def finish(self, succeeded: bool) -> None:
        pass


NO_MEMO = NoMemo()


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


class RecordingMap(Mapping):
    """A read-only view of a dict that notes each key looked up, so that a page rendered with it
    can be reused while those entries stay equal. Going through all entries (a table of every
    fact, a count) makes the page depend on all of them."""

    def __init__(self, data: dict[Any, Any]) -> None:
        self._data = data
        self.read: dict[Any, Any] = {}
        self.everything = False

    def __getitem__(self, key: Any) -> Any:
        value = self._data[key]
        self.read[key] = value
        return value

    def __contains__(self, key: object) -> bool:
        self.read[key] = self._data.get(key)
        return key in self._data

    def get(self, key: Any, default: Any = None) -> Any:
        value = self.read[key] = self._data.get(key)
        return default if value is None else value

    def __iter__(self) -> Iterator[Any]:
        self.everything = True
        return iter(self._data)

    def __len__(self) -> int:
        self.everything = True
        return len(self._data)

    def values(self):
        self.everything = True
        return self._data.values()

    def items(self):
        self.everything = True
        return self._data.items()



@dataclass(frozen=True)
class Reads:
    """What a render read from some dicts (whose values are never None), by their place in the
    list: dicts read whole (kept as they were), and the keys read from the others with the
    values found (None for a missing key)."""

    whole: tuple[tuple[int, dict[Any, Any]], ...]
    parts: tuple[tuple[int, tuple[Any, ...]], ...]
    values: tuple[Any, ...]

    @staticmethod
    def combined(*maps: RecordingMap) -> Reads:
        return Reads(tuple((index, m._data) for index, m in enumerate(maps) if m.everything),
                     tuple((index, tuple(m.read)) for index, m in enumerate(maps) if m.read and not m.everything),
                     tuple(value for m in maps if not m.everything for value in m.read.values()))

    def unchanged_in(self, *data: dict[Any, Any]) -> bool:
        """Whether `data` (the same dicts, in order, as they are now) still hold what was read."""
        for index, before in self.whole:
            if before != data[index]:
                return False
        if len(self.parts) == 1:
            index, keys = self.parts[0]
            return tuple(map(data[index].get, keys)) == self.values  # identity first, item by item
        values: list[Any] = []
        for index, keys in self.parts:
            values += map(data[index].get, keys)
        return tuple(values) == self.values


def chunks(items: list[T], size: int = 64) -> list[list[T]]:
    """`items` in runs of `size`: the unit in which long lists (the table of all facts, the
    downloads) are reused, so one changed fact re-renders one run."""
    return [items[start:start + size] for start in range(0, len(items), size)]
