"""`kejiquan new DIR`: a small new project (site config, one source, facts with a derived one,
a chart, a page, templates) that builds and passes `check --strict` at once."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

STARTER = resources.files("kejiquan_site") / "starter"


def _files(folder, prefix: str = "") -> list[tuple[str, bytes]]:
    found = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            found += _files(entry, name + "/")
        elif not entry.name.startswith("."):
            found.append((name, entry.read_bytes()))
    return found


def create_project(target: Path) -> list[str]:
    """Write the starter project into `target` (which must be missing or empty); returns its files."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(f"'{target}' already exists and is not an empty folder")
    files = _files(STARTER)
    for name, content in files:
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return [name for name, _ in files]
