"""Diagnostics: one problem found in the content, where it is, and how it is shown.

Library code collects `Diagnostic` values and raises `BuildFailed` with all of them; only the
CLI prints them, through `format_diagnostic`, the one place that decides how an error reads.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column count from 1 (0 means "the whole file")."""

    path: str
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where, what, and what was expected instead."""

    location: Location
    message: str
    expected: str = ""
    severity: str = "error"

    @property
    def sort_key(self) -> tuple:
        return (self.location, self.message)


@dataclass
class BuildFailed(Exception):
    """Raised when the content has errors; carries every problem found, not just the first."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.diagnostics)} error(s) in the content"


def error(path: str | Path, line: int, column: int, message: str, expected: str = "") -> Diagnostic:
    return Diagnostic(Location(str(path), line, column), message, expected)


_MAX_SHOWN_FILE = 2_000_000
# Shown as <U+202E> in messages and source lines: a direction override printed raw would reorder
# the terminal's text, and control characters would move the cursor or ring the bell.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _visible(text: str) -> str:
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def _file_lines(path: str, project_root: Path | None) -> list[str]:
    """The lines of a file as the content reader counts them (LF, CRLF or CR ends a line); nothing
    for pipes, devices, huge files, text that is not UTF-8, links out of the project and hard
    links (which may be a system file under another name)."""
    candidate = Path(path) if project_root is None else project_root / path
    try:
        if project_root is not None:
            lexically_inside = Path(os.path.abspath(candidate)).is_relative_to(os.path.abspath(project_root))
            if lexically_inside and not candidate.resolve().is_relative_to(project_root.resolve()):
                return []
        status = candidate.stat()
        if not stat.S_ISREG(status.st_mode) or status.st_size > _MAX_SHOWN_FILE or status.st_nlink > 1:
            return []
        text = candidate.read_bytes().decode("utf-8-sig")
    except (OSError, RuntimeError, UnicodeDecodeError):
        return []
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def format_diagnostic(diagnostic: Diagnostic, project_root: Path | None = None,
                      files: dict[str, list[str]] | None = None) -> str:
    """GCC-style text: `path:line:col: error: message`, the source line, a caret, the expectation.
    `files` caches the lines of each file across the diagnostics of one report."""
    where = diagnostic.location
    position = where.path
    if where.line:
        position += f":{where.line}"
        if where.column:
            position += f":{where.column}"
    text = [f"{_visible(position)}: {diagnostic.severity}: {_visible(diagnostic.message)}"]
    files = {} if files is None else files
    if where.line > 0 and where.path not in files:
        files[where.path] = _file_lines(where.path, project_root)
    lines = files.get(where.path, [])
    source = lines[where.line - 1] if 0 < where.line <= len(lines) else None
    if source is not None and len(source) <= 300:
        text.append(f"    {_visible(source)}")
        if where.column:
            # Wide (CJK) characters take two terminal cells; keep the caret under the value.
            cells = sum(2 if ord(ch) > 0x2E7F else 1 for ch in _visible(source[: where.column - 1]))
            text.append("    " + " " * cells + "^")
    if diagnostic.expected:
        text.append(f"  expected: {_visible(diagnostic.expected)}")
    return "\n".join(text)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def format_report(diagnostics: list[Diagnostic], project_root: Path | None = None, *, failed: bool = True) -> str:
    """All diagnostics in file order, then the counts and (when the build failed) the promise
    that nothing was written."""
    ordered = sorted(diagnostics, key=lambda d: d.sort_key)
    errors = sum(1 for d in ordered if d.severity == "error")
    warnings = len(ordered) - errors
    files: dict[str, list[str]] = {}
    body = [format_diagnostic(d, project_root, files) for d in ordered]
    counts = [_count(errors, "error")] if errors or failed else []
    counts += [_count(warnings, "warning")] if warnings else []
    ending = "; nothing was written, the previous site is unchanged" if failed else ""
    body.append(", ".join(counts) + ending)
    return "\n".join(body)


def did_you_mean(name: str, candidates: Collection[str]) -> str:
    """' (did you mean 'x'?)' for the closest candidate, or '' when nothing is close."""
    import difflib

    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# What the system said, in words an editor acts on (strerror's are terse and sometimes odd).
_SYSTEM_ERRORS = {"ENOSPC": "no space left on the device", "EDQUOT": "the disk quota is used up",
                  "EROFS": "the device is read-only", "EACCES": "permission denied",
                  "EPERM": "the operation is not permitted", "EMFILE": "too many open files",
                  "ENAMETOOLONG": "a file name is too long", "EIO": "the device reported an input/output error"}


def describe_system_error(exc: OSError, action: str, path: str) -> str:
    """'no space left on the device while writing _site/index.html'."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    what = _SYSTEM_ERRORS.get(name) or (exc.strerror or str(exc)).lower()
    return f"{what} while {action} {_visible(str(path))}" if path else f"{what} while {action}"
