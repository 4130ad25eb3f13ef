"""Reuse between builds in one object: the preview keeps a `Reuse` from build to build and hands
it to `build_site`, which alone decides what is still current. A cold build has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kejiquan_site.reuse.files import KeptFiles
from kejiquan_site.reuse.memo import Memo


@dataclass
class Reuse:
    """What one build hands the next: the files as parsed (files.py), and the results of later
    steps kept with their inputs (memo.py)."""

    files: KeptFiles = field(default_factory=KeptFiles)
    memo: Memo = field(default_factory=Memo)

    def finish(self, succeeded: bool) -> None:
        """End of a build: keep what a good build used; after a failed one keep everything."""
        self.files.finish(succeeded)
        self.memo.finish(succeeded)
