"""What both seams of reuse keep: the entries of the build under way and those of the last good
build, and how a finished build turns one into the other."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any


class Generations:
    """Entries by key: `_used` by the build under way, `_kept` from the last one. Only what the
    latest successful build used is kept, so no more than about one build is ever held."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[Any, Any]] = {}
        self._used: dict[Hashable, tuple[Any, Any]] = {}

    def _entry(self, key: Hashable) -> tuple[Any, Any] | None:
        """The entry for `key`: this build's if it has one, else the last build's."""
        return self._used.get(key) or self._kept.get(key)

    def finish(self, succeeded: bool) -> None:
        """End of a build: keep what a good build used; after a failed one keep everything, so
        fixing the mistake costs no more than making it."""
        if succeeded:
            self._kept = self._used
        else:
            self._kept.update(self._used)
        self._used = {}
