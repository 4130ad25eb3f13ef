"""What a reader of a built file sees and follows, read back from its bytes: visible text
(text, alt and title text, descriptions, chart labels and hover text in the figure JSON,
JSON-LD), the numbers in it, the links and image sources it holds, and the element ids it
defines. The checks of the output (outputcheck.py) work on these scans.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_HIDDEN = re.compile(r"<(style|code|pre|textarea)\b[^>]*>.*?</\1\s*>", re.S | re.I)  # not read as figures
_ATTRIBUTE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:.-]*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+)")
_SHOWN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
_SHOWN_META = ("description", "og:title", "og:description", "og:image:alt", "twitter:title", "twitter:description")
_LINK_ATTRIBUTES = ("href", "src", "srcset", "poster", "data-plotly")
# Figure JSON: the keys whose strings reach readers (labels, hover text, legend, titles)
_FIGURE_SHOWN = frozenset({"text", "customdata", "name", "title", "ticktext", "hovertext", "x", "y"})
_JSON_LD_HIDDEN = frozenset({"@context", "@type", "@id", "url", "image", "contentUrl", "encodingFormat",
                             "inLanguage", "license", "sameAs"})

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CHINESE = r"[二两三四五六七八九十百千]{1,8}"  # not 一 alone: 一个地区 is "a region" (as handtyped.py)
_MEASURES = "个项家位名人所座条次元件篇种类大倍批"
# Digits glued to Latin letters or after % or # are codes, not quantities: %0A, h2, mp4, #1f4e9c.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
# A whole date is one token, so a date the content supplies explains itself, not every day and
# month number elsewhere on the site: 2026-11-30, 2026年11月30日, November 30, 2026.
_DATE = (r"(?<![0-9])\d{4}-\d{1,2}-\d{1,2}(?![0-9])|(?<![0-9])\d{4}年\d{1,2}月\d{1,2}日"
         rf"|(?:{'|'.join(_MONTHS)}) \d{{1,2}}, \d{{4}}(?![0-9])")
_DATE_PARTS = re.compile(r"(\d{4})[-年](\d{1,2})[-月](\d{1,2})|([A-Z][a-z]+) (\d{1,2}), (\d{4})")
# Every alternative starts with one of these characters; testing for them first, at each position,
# spares trying the seven alternatives (and three look-behinds) where none can start: 3.4x faster.
_STARTS = rf"[\d{''.join(sorted({month[0] for month in _MONTHS}))}第{_CHINESE[1:_CHINESE.index(']')]}]"
NUMBER = re.compile(rf"(?={_STARTS})(?:{_DATE}|(?<![0-9.A-Za-z%#&])(?:{_DIGITS})(?![0-9A-Za-z])|第[一{_CHINESE[1:]}"
                    rf"|{_CHINESE}[{_MEASURES}]|百分之[一{_CHINESE[1:]})")


def number_key(token: str) -> str:
    """How numbers compare: 1,000 and 1000 alike, 03 and 3 alike, a date in any of its forms
    alike; numbers in words as written."""
    date = _DATE_PARTS.fullmatch(token.removesuffix("日"))
    if date:
        year, month, day = (date.group(1), date.group(2), date.group(3)) if date.group(1) else \
            (date.group(6), str(_MONTHS.index(date.group(4)) + 1), date.group(5))
        return f"date:{int(year):04d}-{int(month):02d}-{int(day):02d}"
    if token[0].isdigit():
        plain = token.replace(",", "")
        whole, dot, fraction = plain.partition(".")
        fraction = fraction.rstrip("0")
        return (whole.lstrip("0") or "0") + (dot + fraction if fraction else "")
    return token


def numbers_in(text: str) -> list[str]:
    return NUMBER.findall(text)


@dataclass(frozen=True)
class Scan:
    """One built HTML file as a reader gets it."""

    texts: tuple[str, ...]  # every piece of visible text, in order
    links: tuple[str, ...]  # href, src and srcset targets as written
    ids: frozenset[str]  # element ids, the targets of #anchors
    images_without_alt: tuple[str, ...]  # src of each <img> with no alt attribute


_ANY_TAG = re.compile(r"<[A-Za-z/!][^>]*>")
_ID = re.compile(r"\sid=\"([^\"]*)\"")
_LINK = re.compile(r"\s(?:href|src|srcset|poster|data-plotly)=\"([^\"]*)\"")
_SHOWN_ATTRIBUTE = re.compile(r"\s(?:alt|title|aria-label|placeholder)=\"([^\"]*)\"")
_META = re.compile(r"<meta\b[^>]*>", re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.I)


def scan_html(page: str) -> Scan:
    """The scan of one file. Regular expressions over the whole text, not a parse tag by tag:
    the data page of a large site is megabytes, and the preview scans it after every edit."""
    texts: list[str] = []
    if "<!--" in page:
        page = _COMMENT.sub("", page)
    for match in _SCRIPT.finditer(page):
        kind = _attributes(match.group(1)).get("type", "")
        if kind in ("application/json", "application/ld+json"):
            try:
                data = json.loads(match.group(2))
            except ValueError:
                continue
            hidden = _JSON_LD_HIDDEN if kind == "application/ld+json" else None
            texts += _json_texts(data, hidden, shown=hidden is not None)
    ids = frozenset(html.unescape(value) for value in _ID.findall(page))  # links and ids everywhere
    links = tuple(html.unescape(value) for value in _LINK.findall(page))
    images = tuple(_attributes(tag).get("src", "") for tag in _IMG.findall(page) if not _ALT.search(tag))
    page = page.replace("<wbr>", "")  # a place a line may break, inside a phrase: not a new text
    visible = _HIDDEN.sub(" ", _SCRIPT.sub(" ", page)) if "<" in page else page
    texts += [html.unescape(value) for value in _SHOWN_ATTRIBUTE.findall(visible)]
    for tag in _META.findall(visible):
        attributes = _attributes(tag)
        if (attributes.get("name") or attributes.get("property")) in _SHOWN_META:
            texts.append(attributes.get("content", ""))
    texts.append(html.unescape(_ANY_TAG.sub("\n", visible)))
    return Scan(tuple(text for text in texts if text.strip()), links, ids, images)


_ALT = re.compile(r"\salt=")


def _attributes(text: str) -> dict[str, str]:
    return {match.group(1).lower(): html.unescape(match.group(2).strip("\"'")) for match in _ATTRIBUTE.finditer(text)}


def _json_texts(data: object, hidden: frozenset[str] | None, shown: bool) -> list[str]:
    """Strings a reader sees in figure JSON (under _FIGURE_SHOWN keys) or JSON-LD (all but `hidden`)."""
    if isinstance(data, str):
        return [data] if shown else []
    if isinstance(data, list):
        return [text for item in data for text in _json_texts(item, hidden, shown)]
    if isinstance(data, dict):
        found = []
        for key, value in data.items():
            if hidden is not None:
                found += [] if key in hidden else _json_texts(value, hidden, True)
            else:
                found += _json_texts(value, None, shown or key in _FIGURE_SHOWN)
        return found
    return []
