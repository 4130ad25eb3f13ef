"""Diagnostics: one problem found in the content, where it is, and how it is shown.

Library code collects `Diagnostic` values and raises `BuildFailed` with all of them; only the
CLI prints them, through `format_diagnostic`, the one place that decides how an error reads.
"""

from __future__ import annotations

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


def _source_line(path: str, line: int, project_root: Path | None) -> str | None:
    if line <= 0:
        return None
    candidate = Path(path) if project_root is None else project_root / path
    try:
        lines = candidate.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if line > len(lines):
        return None
    return lines[line - 1]


def format_diagnostic(diagnostic: Diagnostic, project_root: Path | None = None) -> str:
    """GCC-style text: `path:line:col: error: message`, the source line, a caret, the expectation."""
    where = diagnostic.location
    position = where.path
    if where.line:
        position += f":{where.line}"
        if where.column:
            position += f":{where.column}"
    text = [f"{position}: {diagnostic.severity}: {diagnostic.message}"]
    source = _source_line(where.path, where.line, project_root)
    if source is not None and len(source) <= 300:
        text.append(f"    {source}")
        if where.column:
            # Wide (CJK) characters take two terminal cells; keep the caret under the value.
            cells = sum(2 if ord(ch) > 0x2E7F else 1 for ch in source[: where.column - 1])
            text.append("    " + " " * cells + "^")
    if diagnostic.expected:
        text.append(f"  expected: {diagnostic.expected}")
    return "\n".join(text)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def format_report(diagnostics: list[Diagnostic], project_root: Path | None = None, *, failed: bool = True) -> str:
    """All diagnostics in file order, then the counts and (when the build failed) the promise
    that nothing was written."""
    ordered = sorted(diagnostics, key=lambda d: d.sort_key)
    errors = sum(1 for d in ordered if d.severity == "error")
    warnings = len(ordered) - errors
    body = [format_diagnostic(d, project_root) for d in ordered]
    counts = [_count(errors, "error")] if errors or failed else []
    counts += [_count(warnings, "warning")] if warnings else []
    ending = "; nothing was written, the previous site is unchanged" if failed else ""
    body.append(", ".join(counts) + ending)
    return "\n".join(body)


def did_you_mean(name: str, candidates: list[str] | set[str]) -> str:
    """' (did you mean 'x'?)' for the closest candidate, or '' when nothing is close."""
    import difflib

    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
