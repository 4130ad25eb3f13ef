"""The slips YAML reads without complaint but not as the editor meant: a stray " in a text left
unquoted, a '#' that turns a value into a comment, a name indented into the block above. Each is
found on the composed nodes and told at the character the editor got wrong.
"""

from __future__ import annotations

import re

import yaml

from kejiquan_site.read.yamlslips import Slip

_COMMENTED_VALUE = re.compile(r":[ ]+(#(?P<meant>\S.*?))\s*$")  # 'value: #6', never 'value: # a note'
_MIN_REPEATS = 2  # keys of the block above a name must repeat below it before it is read as a name


def stray_quote(node: yaml.ScalarNode, owner: str, lines: list[str]) -> Slip | None:
    """An ASCII " left in a text not in quotes (`label: 北京研发投入强度"`): YAML keeps it, so readers
    would see it. Quotes in pairs (`the "new quality" forces`) are left alone."""
    text = node.value
    count = text.count('"')
    if count % 2 == 0:
        return None
    line, column = node.start_mark.line, node.start_mark.column
    if node.end_mark.line != line or line >= len(lines):  # a text folded over lines: at its start
        return Slip(line, column, f"{owner} holds an ASCII \" without its partner: the text is not in "
                    "quotes, so readers would see it", _QUOTE_FIX, "")
    at = column + text.rindex('"')
    if count > 1:
        return Slip(line, at, f"{owner} holds {count} ASCII quotes (\"), one without its partner: "
                    "the text is not in quotes, so readers would see them", _QUOTE_FIX, "")
    where = "at the end of" if at == column + len(text) - 1 else "in"
    corrected = lines[line][:at] + lines[line][at + 1:]
    return Slip(line, at, f"a stray \" {where} {owner}: the text is not in quotes, so readers would "
                "see the quote", f"no quote: {corrected.strip()} ({_QUOTE_FIX})", corrected)


_QUOTE_FIX = "quote marks in a text come in pairs, “ ” in Chinese; to keep a lone \", put the whole text in '…'"


def commented_value(key: yaml.ScalarNode, value: yaml.Node, lines: list[str]) -> Slip | None:
    """`value: #6`: '#' after the colon and its space starts a comment, so the key is left empty."""
    if not isinstance(value, yaml.ScalarNode) or value.value or value.style or key.start_mark.line >= len(lines):
        return None
    line = lines[key.start_mark.line]
    after_key = key.start_mark.column + len(key.value)
    found = _COMMENTED_VALUE.match(line, after_key)
    if found is None:
        return None
    meant = found.group("meant")
    shown = line[:found.start(1)] + meant
    return Slip(key.start_mark.line, found.start(1), f"'#' starts a YAML comment, so '{key.value}' is empty: "
                f"YAML reads '#{meant}' as a note to editors, not as the value",
                f"{shown.strip()}, without the '#'; or, if the '#' belongs to the text, the text in quotes: "
                f"{key.value}: \"#{meant}\"", shown)


def indented_names(pairs: list[tuple[yaml.Node, yaml.Node]], parent: str,
                   parent_column: int) -> tuple[list[Slip], set[int]]:
    """`  basic_research_share:` indented under the block above: YAML reads it as a key of that
    block, and the keys below it either as that block's keys given twice (when they line up with
    the name) or as its own block inside (when indented further). The slips, and the positions
    (in `pairs`) of the repeats they explain."""
    slips: list[Slip] = []
    explained: set[int] = set()
    names = [key.value if isinstance(key, yaml.ScalarNode) else None for key, _ in pairs]
    for index, (key, value) in enumerate(pairs):
        if names[index] is None or names[index] in names[:index]:
            continue
        before = set(names[:index])
        repeats = [later for later in range(index + 1, len(pairs)) if names[later] in before]
        if _empty(value) and len(repeats) >= _MIN_REPEATS and repeats[0] not in explained:
            explained.update(repeats)
            told = f"and the keys below it as keys of '{parent}' given twice"
        elif isinstance(value, yaml.MappingNode) and len(before & _key_names(value)) >= _MIN_REPEATS:
            told = "with its block inside it"
        else:
            continue
        spaces = key.start_mark.column
        wanted = "at the left edge" if parent_column == 0 else f"indented {parent_column} spaces"
        corrected = " " * parent_column + f"{names[index]}:"
        block = "" if _empty(value) else f", and its keys {spaces - parent_column} spaces less"
        slips.append(Slip(key.start_mark.line, spaces, f"the name '{names[index]}:' is indented {spaces} spaces, "
                          f"so YAML reads it as a key of '{parent}' above it, {told}",
                          f"'{corrected}' ({wanted}, like '{parent}:'){block}", corrected))
    return slips, explained


def _key_names(block: yaml.MappingNode) -> set[str]:
    return {key.value for key, _ in block.value if isinstance(key, yaml.ScalarNode)}


def _empty(value: yaml.Node) -> bool:
    return isinstance(value, yaml.ScalarNode) and not value.value and not value.style
