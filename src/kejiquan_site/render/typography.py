"""Line breaks between words in Chinese: BudouX (Google's phrase segmenter) splits headlines,
card labels and chart captions into phrases at build time, and `<wbr>` marks the only places a
line may break (with CSS `word-break: keep-all`). A one-character phrase joins its neighbour, so
no line can end or start with a lone character, and words the site lists in `keep_together`
(such as 京津冀) are never split.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from markupsafe import Markup, escape

_NUMBER = re.compile(r"[0-9０-９][0-9０-９.,．，%％]*")


@functools.cache
def _parser():
    import budoux  # loaded once, on first use: its model takes a moment to read

    return budoux.load_default_simplified_chinese_parser()


def _wide(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in ("W", "F") for c in text)


def _letters(chunk: str) -> int:
    """The characters of a phrase that count for its length: not punctuation or spaces."""
    return sum(1 for c in chunk if not unicodedata.category(c).startswith(("P", "Z")))


def phrases(text: str, keep_together: tuple[str, ...] = ()) -> list[str]:
    """`text` cut into phrases where a line may break; no phrase of a single character."""
    if not _wide(text):
        return [text]
    chunks = _parser().parse(text)
    cuts, position = set(), 0
    for chunk in chunks[:-1]:
        position += len(chunk)
        cuts.add(position)
    for number in _NUMBER.finditer(text):  # nor inside a number: 4.22%, 1,000
        cuts -= set(range(number.start() + 1, number.end()))
    for word in keep_together:  # no cut inside a word that must stay whole
        start = text.find(word)
        while start >= 0:
            cuts -= set(range(start + 1, start + len(word)))
            start = text.find(word, start + 1)
    pieces, last = [], 0
    for cut in sorted(cuts) + [len(text)]:
        pieces.append(text[last:cut])
        last = cut
    merged: list[str] = []
    for piece in pieces:
        if merged and (_letters(piece) < 2 or _letters(merged[-1]) < 2):
            merged[-1] += piece  # a lone character stays with its neighbour
        else:
            merged.append(piece)
    return merged


def with_break_points(text: str, keep_together: tuple[str, ...] = ()) -> Markup:
    """The text escaped, with `<wbr>` between its phrases."""
    return Markup("<wbr>").join(escape(piece) for piece in phrases(text, keep_together))


# A number with what belongs to it: 超过15%, 6%以上, 2024年, 2025年底, 第4, 3个, 1.5万亿元;
# more than 15%, at least 6%, No. 4, 0.72 percentage points (the qualifiers of formatting.py).
_NUMBER_WITH_WORDS = re.compile(
    r"(?:不超过|超过|不到|约|逾|近|第|(?:at least|more than|at most|less than|about|No\.) )?"
    r"[0-9０-９][0-9０-９.,．%％]*"
    r"(?:[万亿]+元?|元)?(?:个百分点|年底|年末|年初|[年月日个倍位名家项%％]| percentage points?)?(?:以上|以下|左右)?")


def numbers_kept_whole(text: str) -> Markup:
    """The text escaped, each number in a no-break span with its qualifier and unit, so that a
    narrow column never leaves 6%以 on one line and 上 on the next, or 2014 apart from 年."""
    pieces, last = [], 0
    for number in _NUMBER_WITH_WORDS.finditer(text):
        pieces.append(escape(text[last:number.start()]))
        pieces.append(Markup('<span class="nobr">{}</span>').format(number.group()))
        last = number.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)
