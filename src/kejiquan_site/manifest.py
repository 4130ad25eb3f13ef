"""What a build was made from, for anyone reproducing it: `data/build.json` (the fingerprint of
the facts and of what was last published, the git commit of the project when there is one, the
engine's and plotly.js's versions). No clock time: the same input gives the same bytes.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from . import __version__
from .content import Story
from .published import facts_hash

BUILD_PATH = "data/build.json"


def git_commit(root: Path) -> str | None:
    """The commit checked out in the project folder, when the project itself is a git repository
    (its own `.git`, not one of a folder above it), else None."""
    if not (root / ".git").exists():
        return None
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None


def render_build_manifest(story: Story, commit: str | None, plotly_version: str) -> bytes:
    record = story.record
    document = {
        "facts_sha256": facts_hash(story.facts),
        "published": None if record is None else {
            "date": record.date,
            "facts_sha256": facts_hash({key: versions[-1] for key, versions in record.facts.items()}),
        },
        "updates": len(story.updates),
        "git_commit": commit,
        "engine": {"name": "kejiquan_site", "version": __version__},
        "plotly.js": plotly_version,
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
