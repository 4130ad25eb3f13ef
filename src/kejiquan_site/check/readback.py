"""Checks of what readers get, on the built files themselves: every number shown comes from a
fact (its display, or a year or date it supplies); no role or directive markup is left; every
internal link, image and #anchor resolves to a file (and element) the build writes. Problems are
located in the file that produced them: the page's Markdown, a chart, or a template.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kejiquan_site.check.readerview import NUMBER, number_key, numbers_in, scan_html
from kejiquan_site.diagnostics import Diagnostic, Location
from kejiquan_site.markdown.extensions import DIRECTIVES
from kejiquan_site.markdown.references import ROLES
from kejiquan_site.model import urls
from kejiquan_site.reuse.memo import Operation, done

MOST_PER_FILE = 20  # unexplained numbers reported per file: the first ones show what is wrong
_MARKUP = re.compile(r"[{｛]\s*(" + "|".join(ROLES + DIRECTIVES) + r")\s*[}｝]")


@dataclass(frozen=True)
class Producer:
    """A file whose text can end up in an output file, as it is shown in messages."""

    shown: str
    text: str


@dataclass(frozen=True)
class OutputReport:
    problems: list[Diagnostic]
    numbers: int  # how many numbers were verified
    links: int  # how many internal links were followed


def allowed_numbers(texts: Iterable[str]) -> frozenset[str]:
    """The numbers that facts and sources supply, as number_key gives them."""
    return frozenset(number_key(token) for text in texts for token in numbers_in(text))


@dataclass(frozen=True)
class _Read:
    """What the checks need of one built HTML file (handed back by the preview with its bytes)."""

    numbers: int  # how many numbers it shows
    distinct: tuple[tuple[str, str], ...]  # (number, its key), once each
    texts: tuple[str, ...]  # the visible texts (only when asked for: an excerpt around a number from no fact)
    markup: tuple[str, ...]  # role or directive markup left in its text
    targets: tuple[tuple[str, str, str], ...]  # (link as written, output file, anchor) of internal links
    ids: frozenset[str]
    images_without_alt: tuple[str, ...]


BLOCK_ROWS = 64  # a large page (the table of all facts) is read back in blocks of this many rows
READER_VIEW = Operation("output file as readers get it")  # by output path
READER_BLOCK = Operation("block of a large output file as readers get it")  # by (output path, number)


def _read(path: str, data: bytes, base_path: str) -> _Read:
    """One file read back, without its visible texts (a site's worth of them is as large as the
    site); a large one in blocks of table rows, each a piece of READER_BLOCK, so a one-fact edit
    reads one block of the data page again, not megabytes."""
    text = data.decode("utf-8")
    if len(text) < 200_000:
        return _read_text(path, text, base_path)
    # Cut before table rows (str.split: a regular expression takes longer than the rest). "<tr"
    # only ever starts a tag: in text, scripts and JSON a '<' is escaped.
    rows = text.split("<tr")
    blocks = ["<tr".join(rows[start:start + BLOCK_ROWS]) for start in range(0, len(rows), BLOCK_ROWS)]
    blocks = blocks[:1] + ["<tr" + block for block in blocks[1:]]
    parts = [done(READER_BLOCK((path, index), (block, base_path), functools.partial(_read_text, path, block, base_path)))
             for index, block in enumerate(blocks)]
    distinct = {number[0]: number for part in reversed(parts) for number in part.distinct}
    return _Read(sum(part.numbers for part in parts), tuple(distinct.values()),
                 tuple(shown for part in parts for shown in part.texts),
                 tuple(markup for part in parts for markup in part.markup),
                 tuple(target for part in parts for target in part.targets),
                 frozenset().union(*(part.ids for part in parts)),
                 tuple(image for part in parts for image in part.images_without_alt))


def _read_text(path: str, text: str, base_path: str, keep_texts: bool = False) -> _Read:
    scan = scan_html(text)
    tokens = [token for shown in scan.texts for token in numbers_in(shown)]
    distinct = tuple((token, number_key(token)) for token in dict.fromkeys(tokens))
    markup = tuple(match.group() for shown in scan.texts for match in _MARKUP.finditer(shown))
    targets = []
    for link in scan.links:
        for target in _targets(link):
            resolved = _resolve(path, target, base_path)
            if resolved is not None:
                targets.append((target, *resolved))
    return _Read(len(tokens), distinct, scan.texts if keep_texts else (), markup, tuple(targets), scan.ids,
                 scan.images_without_alt)


def check_output(files: dict[str, bytes], allowed: frozenset[str], producers: Callable[[str], list[Producer]],
                 base_path: str = "/", allowed_in: dict[str, frozenset[str]] | None = None) -> OutputReport:
    """Numbers, leftover markup and links of every HTML file. `allowed_in` adds numbers allowed in
    one file only (the counts the build computes for a page). `producers(path)` gives the files
    that made an output file (page Markdown, charts, templates), searched in that order for a
    number's or link's origin; it is called only for files with problems. `base_path` is where
    the site lives on its host (links from /base/ on, as the 404 page writes them)."""
    problems: list[Diagnostic] = []
    reported: set[tuple[Location, str]] = set()  # a number typed once shows on a page and its 公众号 edition
    reads = {path: done(READER_VIEW(path, (data, base_path), functools.partial(_read, path, data, base_path)))
             for path, data in files.items() if path.endswith(".html")}
    for path, read in reads.items():
        origin = _Lazy(functools.partial(producers, path))
        here = (allowed_in or {}).get(path, frozenset())
        unexplained = [token for token, key in read.distinct if key not in allowed and key not in here]
        texts = _read_text(path, files[path].decode("utf-8"), base_path, keep_texts=True).texts if unexplained else ()
        for token in unexplained[:MOST_PER_FILE]:
            where = _origin(origin, token, path)
            if (where, token) in reported:
                continue
            reported.add((where, token))
            problems.append(Diagnostic(where,
                                       f"the number '{_short(token)}' is shown to readers (in '{_excerpt(texts, token)}') "
                                       "but comes from no fact",
                                       "a number from a fact: {fact}`id` in pages, or a fact's field in templates"))
        for markup in dict.fromkeys(read.markup):
            problems.append(Diagnostic(_origin(origin, markup, path), f"the markup '{markup}' reaches readers as text",
                                       "a role or directive the parser reads, such as {fact}`rd.jjj_2024`"))
        problems += _check_links(path, read, reads, files, origin)
    return OutputReport(_once(problems), sum(read.numbers for read in reads.values()),
                        sum(len(read.targets) for read in reads.values()))


def _check_links(path: str, read: _Read, reads: dict[str, _Read], files: dict[str, bytes],
                 origin: Iterable[Producer]) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for target, file, anchor in read.targets:
        if file not in files:
            needle = re.sub(r"^(?:\.\.?/)+", "", target.split("#")[0]) or target
            where = _origin(origin, needle, path)
            if not where.line and "/" in needle.rstrip("/"):  # a link of an edition: en/data/ from [data](data/)
                where = _origin(origin, needle.split("/", 1)[1], path)
            problems.append(Diagnostic(where,
                                       f"the link '{target}' leads to {file}, which the build does not write",
                                       "a page written from the site root, such as [数据](data/), or an image "
                                       "in content/images/"))
        elif anchor and file in reads and anchor not in reads[file].ids:
            problems.append(Diagnostic(_origin(origin, "#" + anchor, path),
                                       f"the link '{target}' leads to no element with id '{anchor}' in {file}",
                                       "the id of an element on that page, such as #main"))
    for image in read.images_without_alt:
        problems.append(Diagnostic(_origin(origin, image, path), f"the image '{image}' has no alt text",
                                   "![what the image shows](images/NAME.png)"))
    return problems


def _targets(link: str) -> list[str]:
    """The URLs in an attribute value (srcset holds several, each with a width)."""
    if "," in link and re.search(r"\s\d+[wx](,|$)", link):
        return [part.strip().split()[0] for part in link.split(",") if part.strip()]
    return [link.strip()]


def _resolve(page: str, target: str, base_path: str = "/") -> tuple[str, str] | None:
    """(output file, anchor) an internal link leads to from `page`; None for other sites,
    mailto:, and addresses on the host outside the site's `base_path`."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    base = posixpath.dirname(page)
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith(base_path):
            return None
        path = "/" + path[len(base_path):]
    if not path:
        return page, parts.fragment
    joined = posixpath.normpath(posixpath.join("/" + base if not path.startswith("/") else "", path)).lstrip("/")
    if path.endswith("/") or joined in ("", "."):
        joined = urls.file_for_url("" if joined in ("", ".") else joined + "/")
    return joined, parts.fragment


class _Lazy:
    """The producers of one output file, read when first needed."""

    def __init__(self, make: Callable[[], list[Producer]]) -> None:
        self._make, self._value = make, None

    def __iter__(self):
        if self._value is None:
            self._value = self._make()
        return iter(self._value)


def _origin(producers: Iterable[Producer], needle: str, output: str) -> Location:
    """Where `needle` is written in the first producer that holds it, or the output file."""
    if needle[:1].isdigit():
        pattern = re.compile(r"(?<![0-9A-Za-z.])" + re.escape(needle) + r"(?![0-9.])")
    elif needle[:1] in "{｛":  # leftover markup, not a role the parser read
        pattern = re.compile(re.escape(needle) + r"(?![`｀])")
    else:
        pattern = re.compile(re.escape(needle))
    for producer in producers:
        found = pattern.search(producer.text)
        if found:
            line = producer.text.count("\n", 0, found.start()) + 1
            column = found.start() - (producer.text.rfind("\n", 0, found.start()) + 1) + 1
            return Location(producer.shown, line, column)
    return Location(output)


def _short(text: str, most: int = 24) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _excerpt(texts: tuple[str, ...], token: str) -> str:
    """The text around the first showing of a number, within its element (tags became line
    breaks in the scan)."""
    text, at = next((text, match.start()) for text in texts for match in NUMBER.finditer(text)
                     if match.group() == token)
    start = max(text.rfind("\n", 0, at) + 1, at - 24)
    end = text.find("\n", at)
    end = min(len(text) if end < 0 else end, at + min(len(token), 24) + 24)
    return _short(" ".join(text[start:end].split()), 60)


def _once(problems: list[Diagnostic]) -> list[Diagnostic]:
    """One message per place and text: a template's number shows on every page it makes."""
    return list({(problem.location, problem.message): problem for problem in problems}.values())


def read_producer(path: Path, shown: str) -> Producer:
    try:
        return Producer(shown, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return Producer(shown, "")
