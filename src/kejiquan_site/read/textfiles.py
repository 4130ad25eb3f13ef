"""Reading content files as text: UTF-8 with or without a byte-order mark, any line ending.

Binary files, invalid UTF-8, links leading outside the content folder (or in a loop), pipes and
devices, and invisible direction controls are reported with a location instead of raising.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from kejiquan_site.diagnostics import Diagnostic, Location, error
from kejiquan_site.model.story import resolved, resolved_folder

MAX_FILE_BYTES = 2_000_000
# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder the text after them
# up to the end of the paragraph, numbers included, while the file looks innocent ("Trojan
# Source"). A Chinese story never needs them: they are warned about (errors with --strict, which
# `make site` uses). The one-character marks (U+200E, U+200F) cannot reorder a run and pass.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BIDI_NAMES = {0x202A: "LEFT-TO-RIGHT EMBEDDING", 0x202B: "RIGHT-TO-LEFT EMBEDDING",
               0x202C: "POP DIRECTIONAL FORMATTING", 0x202D: "LEFT-TO-RIGHT OVERRIDE",
               0x202E: "RIGHT-TO-LEFT OVERRIDE", 0x2066: "LEFT-TO-RIGHT ISOLATE",
               0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE", 0x2069: "POP DIRECTIONAL ISOLATE"}


def check_file(path: Path, shown_as: str, allowed_root: Path, folder: str = "content") -> list[Diagnostic]:
    """Why a file may not be read at all: a link out of `folder` (or in a loop), or something that
    is not a regular file. Folders pass when they stay inside."""
    target, root = resolved(path), resolved_folder(allowed_root)
    if target is None:
        return [error(shown_as, 0, 0, "this file is a link that leads back to itself (a loop of links)",
                      f"a regular file inside the {folder} folder")]
    if root is None or not target.is_relative_to(root):
        return [error(shown_as, 0, 0, f"this file links to a place outside the {folder} folder",
                      f"a regular file inside the {folder} folder")]
    try:
        status = target.stat()
    except OSError as exc:
        return [error(shown_as, 0, 0, f"cannot read the file: {exc.strerror}")]
    if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
        return [error(shown_as, 0, 0, "this is not a regular file (a folder, pipe, socket or device)",
                      "a regular text file")]
    if stat.S_ISREG(status.st_mode) and status.st_nlink > 1:
        return [hard_link_problem(shown_as, status.st_nlink, folder)]
    return []


def hard_link_problem(shown_as: str, names: int, folder: str) -> Diagnostic:
    """A hard link is the same file under several names, one of which may be anywhere on the
    disk (a system file, another project's draft): it is never read."""
    return error(shown_as, 0, 0, f"this file is a hard link (the same file has {names} names, "
                 f"perhaps outside the {folder} folder)", "a file of its own: copy it instead of linking it")


def read_text(path: Path, shown_as: str, allowed_root: Path,
              folder: str = "content") -> tuple[str | None, list[Diagnostic]]:
    """Decoded text with '\\n' line endings, or None and the reason it cannot be used. Text comes
    back with warnings about characters that mislead readers."""
    problems = check_file(path, shown_as, allowed_root, folder)
    if problems:
        return None, problems
    raw, problems = _read_regular_file(path, shown_as)
    if raw is None:
        return None, problems
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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, _bidi_controls(text, shown_as)


def _read_regular_file(path: Path, shown_as: str) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of a regular file of acceptable size. Opened without blocking and checked on the
    open handle, so a named pipe or a device never hangs the build and cannot be swapped in."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return None, [error(shown_as, 0, 0, f"cannot read the file: {exc.strerror}")]
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            return None, [error(shown_as, 0, 0, "this is not a regular file (a folder, pipe, socket or device)",
                                "a regular text file")]
        if status.st_nlink > 1:  # made a hard link since check_file looked
            return None, [hard_link_problem(shown_as, status.st_nlink, "content")]
        if status.st_size > MAX_FILE_BYTES:
            return None, [error(shown_as, 1, 1, f"file is too large ({status.st_size:,} bytes)",
                                f"a content file under {MAX_FILE_BYTES:,} bytes")]
        with os.fdopen(os.dup(handle), "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [error(shown_as, 0, 0, f"cannot read the file: {exc.strerror}")]
    finally:
        os.close(handle)
    if len(raw) > MAX_FILE_BYTES:  # it grew while being read
        return None, [error(shown_as, 1, 1, "file is too large", f"a content file under {MAX_FILE_BYTES:,} bytes")]
    return raw, []


def _bidi_controls(text: str, shown_as: str) -> list[Diagnostic]:
    """A warning (an error with --strict) at the first direction control in the file, counting
    the others. Escaped into HTML they stay inert text, but they still reorder what a reader
    sees. In ids and file names they are errors anyway: ids allow only a-z, 0-9 and '_'."""
    found = list(BIDI_CONTROLS.finditer(text))
    if not found:
        return []
    first = found[0].start()
    line = text.count("\n", 0, first) + 1
    column = first - (text.rfind("\n", 0, first) + 1) + 1
    code = ord(found[0].group())
    more = f" (and {len(found) - 1} more in this file)" if len(found) > 1 else ""
    return [Diagnostic(Location(shown_as, line, column),
                       f"the invisible direction control U+{code:04X} ({_BIDI_NAMES[code]}) makes the text "
                       f"after it display in a different order from what it says{more}",
                       "nothing: delete it (a Chinese text never needs it, and most editors do not show it)",
                       "warning")]
