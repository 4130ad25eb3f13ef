"""The second seam of reuse: named `Work` (a check of one page, a run of the downloads, each
output rendered with what it read recorded) done through `Results`. A cold build's `NO_MEMO`
does it now and keeps nothing; the preview's `Memo` keeps each result with the inputs it was made
from and hands it back while they are equal, so a one-fact edit re-renders only what shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from kejiquan_site.reuse.generations import Generations

T = TypeVar("T")


@dataclass(frozen=True)
class Work(Generic[T]):
    """A named piece of work (a check of one page, the coverage of one source) whose result
    depends only on `inputs`, so a build that keeps results may hand back an earlier one made
    from equal inputs. `inputs` None: it depends on more than can be named, and is always done."""

    name: Hashable
    inputs: Any
    do: Callable[[], T]
    current: Callable[[T], bool] | None = None  # for results that record what they read: still true?


class Results(Protocol):
    """How a stage has its `Work` done: now (`NO_MEMO`, a cold build), or handed back from the
    last build while its inputs are equal (the preview's `Memo`). The stages see only this."""

    def result(self, work: Work[T]) -> T: ...


class Memo(Generations):
    """Results by key, each with its inputs, compared with `is` and then `==`. Facts, charts and
    pages compare by identity (an unchanged file gives back the same objects), everything else
    by value. Only what the latest successful build used is kept, so the memo never holds more
    than about one build."""

    def __init__(self) -> None:
        super().__init__()
        self._process_only: set[Hashable] = set()

    def __getstate__(self) -> dict[str, Any]:
        """What the build cache on disk keeps (disk.py): the results of the last build, but those
        that live in this process only."""
        kept = {key: entry for key, entry in self._kept.items() if key not in self._process_only}
        return {"_kept": kept, "_used": {}, "_process_only": set()}

    def get(self, key: Hashable, inputs: Any, compute: Callable[[], T],
            still_valid: Callable[[T], bool] | None = None, *, this_process_only: bool = False) -> T:
        """`compute()`, or its earlier result for `key` if made from equal `inputs` (and
        `still_valid(result)` agrees, for results that record what they read). Results kept
        `this_process_only` (they hold functions: the Markdown parser, the Jinja environment)
        are left out of the build cache on disk (disk.py)."""
        if this_process_only:
            self._process_only.add(key)
        entry = self._entry(key)
        if (entry is not None and (entry[0] is inputs or entry[0] == inputs)
                and (still_valid is None or still_valid(entry[1]))):
            value = entry[1]
        else:
            value = compute()
        self._used[key] = (inputs, value)
        return value

    def result(self, work: Work[T]) -> T:
        """What `work` gives: done now, or kept from a build with equal inputs."""
        return work.do() if work.inputs is None else self.get(work.name, work.inputs, work.do, work.current)


class NoMemo(Memo):
    """Computes everything, keeps nothing: cold builds and `check`."""

    def get(self, key: Hashable, inputs: Any, compute: Callable[[], T],
            still_valid: Callable[[T], bool] | None = None, *, this_process_only: bool = False) -> T:
        return compute()

    def result(self, work: Work[T]) -> T:
        return work.do()

    def finish(self, succeeded: bool) -> None:
        pass


NO_MEMO = NoMemo()


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
