"""YAML that cannot be read, said in an editor's words at the place they got wrong: characters
YAML refuses or would read as a line break, punctuation a Chinese input method types where YAML
needs the ASCII form, tabs, and the layout slips of `yamlslips`; else PyYAML's own message at
its mark. Used by the reader (`yamlread.parse_yaml`).
"""

from __future__ import annotations

import re

import yaml

from kejiquan_site.diagnostics import Diagnostic, error
from kejiquan_site.read.yamlslips import explain_syntax_error

_NOT_ALLOWED = yaml.reader.Reader.NON_PRINTABLE  # what PyYAML's reader refuses
_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")  # line breaks to YAML, invisible in editors


def unreadable_character(text: str, path: str, first_line: int) -> Diagnostic | None:
    """A located error for the first character YAML refuses or would silently read as a line
    break; PyYAML itself reports the former only by character offset, the latter not at all."""
    found = _NOT_ALLOWED.search(text) or _LINE_SEPARATORS.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start())
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    code = f"U+{ord(found.group()):04X}"
    if _LINE_SEPARATORS.fullmatch(found.group()):
        return error(path, line + first_line, column, f"the invisible line separator {code} would be read by "
                     "YAML as a line break", "an ordinary line break, or nothing: delete the character")
    return error(path, line + first_line, column, f"the control character {code} is not allowed in YAML",
                 "plain text: delete the character (most editors do not show it)")


# Characters a Chinese input method types where YAML needs their ASCII forms, in the places
# where they break the structure: after a key, between the items of [ ], as indentation.
_FULL_WIDTH_COLON = re.compile(r"^[ \u3000]*(?:-[ \u3000]+)?([A-Za-z_][A-Za-z0-9_]*)[ \u3000]*(：)")
_FULL_WIDTH_COMMA = re.compile(r"^[^#]*?:[ \u3000]+\[[^\]\n]*?(，)")
_IDEOGRAPHIC_AFTER_COLON = re.compile(r"^ *(?:- +)*([A-Za-z_][A-Za-z0-9_]*): *(\u3000)")
_IDEOGRAPHIC_INDENT = re.compile(r"^ *(\u3000)[ \u3000]*(?:[A-Za-z_][A-Za-z0-9_]*[ \u3000]*[:：]|-[ \u3000])")


def full_width_syntax(text: str, path: str, first_line: int) -> list[Diagnostic]:
    """A located error for each full-width colon after a key, full-width comma between list
    items and ideographic space (U+3000) used as indentation or after a key's colon, saying what
    to type instead."""
    problems: list[Diagnostic] = []
    for number, line in enumerate(text.split("\n")):
        where = number + first_line
        indent = _IDEOGRAPHIC_INDENT.match(line)
        if indent:
            problems.append(error(path, where, indent.start(1) + 1, "a full-width space (U+3000) is used for "
                                  "indentation; YAML allows only ASCII spaces",
                                  "ASCII spaces: switch the input method to English (half-width) mode"))
        colon = _FULL_WIDTH_COLON.match(line)
        if colon:
            key = colon.group(1)
            problems.append(error(path, where, colon.start(2) + 1, f"a full-width colon '：' after '{key}'; "
                                  "YAML needs an ASCII colon", f"'{key}: ' (an ASCII colon and a space)"))
        after_colon = _IDEOGRAPHIC_AFTER_COLON.match(line)
        if after_colon:
            key, spaced = after_colon.group(1), line[after_colon.start(2) - 1] == " "
            said = (f"at the start of the value of '{key}'; YAML keeps it as part of the text" if spaced
                    else f"after '{key}:'; YAML needs an ASCII space after the colon")
            corrected = re.sub(r":[ \u3000]+", ": ", line[after_colon.start(1):], count=1)
            problems.append(error(path, where, after_colon.start(2) + 1, f"a full-width space (U+3000) {said}",
                                  f"one ASCII space after the colon: {corrected.rstrip()}"))
        comma = _FULL_WIDTH_COMMA.match(line)
        if comma and not colon:
            problems.append(error(path, where, comma.start(1) + 1, "a full-width comma '，' between the items "
                                  "of [ ]; YAML would read them as one item", "ASCII commas: [甲, 乙]"))
    return problems


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str, first_line: int) -> Diagnostic:
    """The error for text YAML cannot parse: a tab, else a slip editors make (at the line they got
    wrong, in their words), else PyYAML's own message at its mark."""
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line + first_line) if mark else first_line
    column = (mark.column + 1) if mark else 1
    lines = text.splitlines()
    if mark and mark.line < len(lines) and "\t" in lines[mark.line]:
        return error(path, line, lines[mark.line].index("\t") + 1,
                     "a tab character is used for indentation; YAML allows only spaces", "indent with spaces, never tabs")
    slip = explain_syntax_error(exc, text)
    if slip is not None:
        return error(path, slip.line + first_line, slip.column + 1, slip.message, slip.expected)
    message = f"YAML syntax error: {exc.problem or 'invalid YAML'}"
    if exc.context:
        message += f" ({exc.context})"
    return error(path, line, column, message, "valid YAML: 'key: value' pairs, indented with spaces")
