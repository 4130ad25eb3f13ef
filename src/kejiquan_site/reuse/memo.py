"""The second seam of reuse: the stages name their reusable work (`Operation`: the check of one
page, a run of the downloads, each output rendered with what it read recorded) and have each
piece `done()`. They never see how: `build_site` alone decides, with `reusing()`, whether this
build does everything now (`NO_MEMO`, a cold build) or hands back what the preview's `Memo` kept
from the last build while its inputs are equal, so a one-fact edit re-renders only what shows it.

This is Lektor's build context (`get_ctx()`), which also lives beside the stages rather than in
their parameters: a stage that runs outside a build simply does its work now.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from kejiquan_site.reuse.generations import Generations

T = TypeVar("T")


@dataclass(frozen=True)
class Operation:
    """A kind of reusable work, named once where its stage defines it:
    `CHART_CSV = Operation("chart CSV")`. Each piece of it is told apart by a key (a language
    and a chart id): `CHART_CSV((language, chart.id), inputs, do)`. Results of an operation
    `in_process_only` hold functions (the Markdown parser, the Jinja environment), so the build
    cache on disk leaves them out (disk.py)."""

    name: str
    in_process_only: bool = False

    def __call__(self, key: Hashable, inputs: Any, do: Callable[[], T],
                 current: Callable[[T], bool] | None = None) -> Work[T]:
        return Work(self, key, inputs, do, current)


@dataclass(frozen=True)
class Work(Generic[T]):
    """One piece of an operation whose result depends only on `inputs`, so a build that keeps
    results may hand back an earlier one made from equal inputs. `inputs` None: it depends on
    more than can be named, and is always done; `current`, for results that record what they
    read: is a kept result still true?"""

    operation: Operation
    key: Hashable
    inputs: Any
    do: Callable[[], T]
    current: Callable[[T], bool] | None = None


class Results(Protocol):
    """How a build has its `Work` done: now (`NO_MEMO`, a cold build), or handed back from the
    last build while its inputs are equal (the preview's `Memo`)."""

    def result(self, work: Work[T]) -> T: ...


class Memo(Generations):
    """Results by operation and key, each with its inputs, compared with `is` and then `==`.
    Facts, charts and pages compare by identity (an unchanged file gives back the same objects),
    everything else by value. Only what the latest successful build used is kept, so the memo
    never holds more than about one build."""

    def __init__(self) -> None:
        super().__init__()
        self._process_only: set[Hashable] = set()

    def __getstate__(self) -> dict[str, Any]:
        """What the build cache on disk keeps (disk.py): the results of the last build, but those
        that live in this process only."""
        kept = {key: entry for key, entry in self._kept.items() if key not in self._process_only}
        return {"_kept": kept, "_used": {}, "_process_only": set()}

    def result(self, work: Work[T]) -> T:
        """What `work` gives: done now, or kept from a build with equal inputs (and, for results
        that record what they read, still `current`)."""
        if work.inputs is None:
            return work.do()
        key = (work.operation.name, work.key)
        if work.operation.in_process_only:
            self._process_only.add(key)
        entry = self._entry(key)
        if (entry is not None and (entry[0] is work.inputs or entry[0] == work.inputs)
                and (work.current is None or work.current(entry[1]))):
            value = entry[1]
        else:
            value = work.do()
        self._used[key] = (work.inputs, value)
        return value


class NoMemo(Memo):
    """Does everything now, keeps nothing: cold builds, `check`, and work done outside a build."""

    def result(self, work: Work[T]) -> T:
        return work.do()

    def finish(self, succeeded: bool) -> None:
        pass


NO_MEMO = NoMemo()

_RESULTS: ContextVar[Results] = ContextVar("kejiquan_results", default=NO_MEMO)


def done(work: Work[T]) -> T:
    """What `work` gives, by the reuse of the build under way (`reusing`); outside one, done now."""
    return _RESULTS.get().result(work)


@contextmanager
def reusing(results: Results) -> Iterator[None]:
    """Within this block, `done()` goes through `results`: what `build_site` alone decides."""
    token = _RESULTS.set(results)
    try:
        yield
    finally:
        _RESULTS.reset(token)


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
