"""Reading content files as text: UTF-8 with or without a byte-order mark, any line ending.

Binary files, invalid UTF-8 and links leading outside the content folder are reported with a
location instead of raising.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Diagnostic, error

MAX_FILE_BYTES = 2_000_000


def display_path(path: Path, project_root: Path) -> str:
    """The path as editors know it: relative to the project folder when it is inside it."""
    try:
        return path.resolve().relative_to(project_root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, shown_as: str, allowed_root: Path) -> tuple[str | None, list[Diagnostic]]:
    """Decoded text with '\\n' line endings, or None and the reason it cannot be used."""
    if not path.resolve().is_relative_to(allowed_root.resolve()):
        return None, [error(shown_as, 0, 0, "this file links to a place outside the content folder",
                            "a regular file inside the content folder")]
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [error(shown_as, 1, 1, f"file is too large ({size:,} bytes)",
                                f"a content file under {MAX_FILE_BYTES:,} bytes")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(shown_as, 0, 0, f"cannot read the file: {exc.strerror}")]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [error(shown_as, line, 1, "this is not a text file (it contains NUL bytes)",
                            "a UTF-8 text file")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [error(shown_as, line, column, "the file is not valid UTF-8 text",
                            "save the file as UTF-8")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []
