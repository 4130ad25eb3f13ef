"""Static pictures of the charts, drawn at build time from the same Plotly figure by Plotly's own
exporter (Kaleido, driving a Chromium): an SVG per width band and colour scheme that the page
shows before (or without) JavaScript, and a PNG for newsrooms with title, source and site drawn in.

Pictures are cached by a hash of what draws them (figure, size, Kaleido and plotly.js versions) in
`.cache/kejiquan/pictures/`, so an unchanged chart costs nothing. Without a browser the build goes
on without pictures and says so once.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kejiquan_site.model import urls
from kejiquan_site.render.figures import LIGHT, schematic_box
from kejiquan_site.render.labelplace import text_size

# (picture width, widest viewport it is for): the chart box is the viewport less 2rem of padding,
# up to 800 px. The picture is drawn for the narrowest box of its band and never scaled by more
# than the band's room, so its text stays the size the live chart's is.
WIDTHS = ((288, 359), (343, 599), (560, 831), (800, None))
# CSS pixels, drawn at 2x: 800 pixels. A 公众号 article shows images about 340 px wide on a phone,
# so the chart's words keep 85% of their size there (a 640 px picture would shrink them to half).
PNG_WIDTH = 400
PNG_SCALE = 2
BROWSER_ENV = "KEJIQUAN_BROWSER"
DEFAULT_BROWSER = "/usr/bin/chromium"
CACHE_FOLDER = Path(".cache/kejiquan/pictures")
DRAWING_VERSION = "1"  # bump when the way pictures are made changes
NOTE_SIZE, NOTE_LINE = 12, 16  # a note drawn under an SVG picture: font size and line height (px)
CREDIT_SEPARATOR = " · "  # between the parts of a PNG's source line (build/site.py joins them)


@dataclass(frozen=True)
class ChartPictures:
    """The output paths of one chart's pictures in one edition."""

    sources: tuple[tuple[str, str, str], ...]  # (media query, light SVG, dark SVG), narrowest first
    svg: str  # the widest light SVG: the download and the <img> fallback
    png: str
    width: int
    height: int


@dataclass(frozen=True)
class Request:
    """One picture to draw: a figure (data and layout) and Kaleido's options."""

    figure: dict[str, Any]
    options: dict[str, Any]

    def key(self, versions: str) -> str:
        text = json.dumps([self.figure, self.options, versions, DRAWING_VERSION], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _recolour(value: Any, colours: dict[str, str]) -> Any:
    """The figure in the dark palette (as static/charts.js does it in the browser)."""
    if isinstance(value, str):
        return colours.get(value, value)
    if isinstance(value, list):
        return [_recolour(item, colours) for item in value]
    if isinstance(value, dict):
        return {key: _recolour(item, colours) for key, item in value.items()}
    return value


def _variant(figure: dict[str, Any], width: float) -> dict[str, Any] | None:
    """The label placement the page takes for this width: the widest not above it."""
    chosen = None
    for variant in figure.get("variants", []):
        if chosen is None or variant["width"] <= width:
            chosen = variant
    return chosen


def _at_width(figure: dict[str, Any], width: int) -> tuple[dict[str, Any], int]:
    layout = copy.deepcopy(figure["layout"])
    variant = _variant(figure, width)
    if variant:
        layout["annotations"] = copy.deepcopy(variant["annotations"])
    height = int(layout.get("height") or schematic_box(width)[1])
    layout.update(width=width, height=height, autosize=False)
    # Plotly names each trace's group by its uid, random unless given: fixed, for stable bytes.
    data = [{**copy.deepcopy(trace), "uid": f"t{index}"} for index, trace in enumerate(figure["data"])]
    return {"data": data, "layout": layout}, height


def _with_note(drawn: dict[str, Any], height: int, width: int, note: str) -> int:
    """`note` in a strip of its own under the chart (the plot keeps its size, so the labels placed
    for it stay put); the picture's new height."""
    if not note:
        return height
    layout = drawn["layout"]
    lines = _wrap(note, NOTE_SIZE, width)
    strip = 6 + NOTE_LINE * len(lines) + 4
    below = layout["margin"].get("b", 0)
    layout["margin"] = {**layout["margin"], "b": below + strip}
    layout["annotations"] = list(layout.get("annotations", [])) + [{
        "text": "<br>".join(_escape(line) for line in lines), "xref": "paper", "yref": "paper",
        "x": 0, "y": 0, "xanchor": "left", "yanchor": "top", "align": "left", "yshift": -(below + 6),
        "showarrow": False, "font": {"family": layout["font"]["family"], "size": NOTE_SIZE, "color": LIGHT["muted"]}}]
    layout["height"] = height + strip
    return height + strip


def svg_request(figure: dict[str, Any], width: int, dark: bool, note: str = "") -> Request:
    """The chart at `width`, with `note` (a schematic's 'positions are approximate') under it:
    the picture is downloaded and shared on its own, away from the page's caption."""
    drawn, height = _at_width(figure, width)
    height = _with_note(drawn, height, width, note)
    if dark:
        drawn = _recolour(drawn, figure["dark"])
    return Request(drawn, {"format": "svg", "width": width, "height": height})


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of `text` no wider than `width` (by labelplace's estimate), broken between words
    where there are spaces and anywhere in Chinese."""
    lines, line = [], ""
    words = re.findall(r"\S+\s*", text) if " " in text else list(text)
    for word in words:
        if line and text_size(line + word.rstrip(), size)[0] > width:
            lines.append(line.rstrip())
            line = ""
        line += word
    return lines + [line.rstrip()] if line.strip() else lines


def credit_lines(credit: str, size: float, width: float) -> list[str]:
    """The source line in lines no wider than `width`, broken between its parts (joined by
    CREDIT_SEPARATOR) and never inside one that fits a line: where a line breaks, the break itself
    separates the parts, so no line ends or starts with a dangling '·'."""
    lines: list[str] = []
    for part in credit.split(CREDIT_SEPARATOR):
        joined = f"{lines[-1]}{CREDIT_SEPARATOR}{part}" if lines else part
        if lines and text_size(joined, size)[0] <= width:
            lines[-1] = joined
        else:
            lines += _wrap(part, size, width)
    return lines


def _escape(text: str) -> str:
    return text.replace("<", "＜").replace(">", "＞")


def png_request(figure: dict[str, Any], title: str, credit: str, note: str = "") -> Request:
    """The chart on white with its title above and `note` (if any), the source line and site name
    below."""
    inner = PNG_WIDTH - 32
    drawn, height = _at_width(figure, inner)
    layout = drawn["layout"]
    title_lines = _wrap(title, 20, inner)
    credits = (_wrap(note, 13, inner) if note else []) + credit_lines(credit, 13, inner)
    top, bottom = 18 + 28 * len(title_lines) + 12, 18 + 19 * len(credits) + 12
    margin = dict(layout.get("margin", {}))
    margin.update(l=margin.get("l", 0) + 16, r=margin.get("r", 0) + 16, t=margin.get("t", 0) + top,
                  b=margin.get("b", 0) + bottom)
    plot_height = height - layout["margin"].get("t", 0) - layout["margin"].get("b", 0)
    total = plot_height + margin["t"] + margin["b"]
    font = layout["font"]["family"]
    words = [{"text": "<br>".join(f"<b>{_escape(line)}</b>" for line in title_lines), "xref": "paper",
              "yref": "paper", "x": 0, "y": 1, "xanchor": "left", "yanchor": "bottom", "align": "left",
              "yshift": margin["t"] - top + 12, "showarrow": False,
              "font": {"family": font, "size": 20, "color": LIGHT["ink"]}},
             {"text": "<br>".join(_escape(line) for line in credits), "xref": "paper", "yref": "paper",
              "x": 0, "y": 0, "xanchor": "left", "yanchor": "top", "align": "left",
              "yshift": -(margin["b"] - bottom + 18), "showarrow": False,
              "font": {"family": font, "size": 13, "color": LIGHT["muted"]}}]
    layout.update(width=PNG_WIDTH, height=total, margin=margin, paper_bgcolor="#ffffff",
                  annotations=list(layout.get("annotations", [])) + words)
    return Request(drawn, {"format": "png", "width": PNG_WIDTH, "height": total, "scale": PNG_SCALE})


_UID = re.compile(rb'id="defs-([0-9a-f]+)"')


def normalise_svg(svg: bytes, name: str) -> bytes:
    """Kaleido's SVG with Plotly's random id (of clip paths and defs) replaced by a stable one,
    so the same figure gives the same bytes."""
    found = _UID.search(svg)
    if found:
        svg = svg.replace(found.group(1), name.encode("ascii"))
    return svg


def browser_path() -> str:
    """KEJIQUAN_BROWSER, else the Chromium (or Chrome) on the PATH, else Debian's path."""
    found = (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))
    return os.environ.get(BROWSER_ENV) or next((path for path in found if path), DEFAULT_BROWSER)


class KaleidoPainter:
    """Draws pictures with Kaleido in the browser at `browser`, keeping them in `cache`."""

    def __init__(self, cache: Path, browser: str | None = None):
        self.cache, self.browser = cache, browser or browser_path()
        self.plotly_js, self.versions = b"", ""

    def paint(self, requests: dict[str, Request], plotly_js: bytes, plotly_version: str
              ) -> tuple[dict[str, bytes], str | None]:
        """{name: picture bytes} for every request, drawn with this plotly.js, or ({}, a note)
        when they cannot be drawn."""
        self.plotly_js, self.versions = plotly_js, f"kaleido {_kaleido_version()} plotly.js {plotly_version}"
        keys = {name: request.key(self.versions) for name, request in requests.items()}
        found = {name: self._cached(key, request) for name, (key, request) in
                 ((name, (keys[name], requests[name])) for name in requests)}
        missing = {name: requests[name] for name, picture in found.items() if picture is None}
        if not missing:
            return _drawn(found), None
        if not (os.path.isfile(self.browser) and os.access(self.browser, os.X_OK)):
            return {}, (f"no browser at {self.browser} (install chromium, or set {BROWSER_ENV}): charts have "
                        "no pictures or PNG downloads; pages draw them with plotly.js as before")
        import asyncio  # only when something is drawn: a build with every picture cached needs no event loop

        try:
            drawn = _in_own_thread(lambda: asyncio.run(self._draw(missing)))
        except Exception as exc:  # Kaleido or the browser failed: the site is still whole without pictures
            return {}, f"the chart pictures could not be drawn ({type(exc).__name__}: {exc}); pages draw charts with plotly.js"
        for name, picture in drawn.items():
            path = self._path(keys[name], requests[name])
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(picture)
            temporary.replace(path)
            found[name] = picture
        return _drawn(found), None

    def _path(self, key: str, request: Request) -> Path:
        return self.cache / f"{key}.{request.options['format']}"

    def _cached(self, key: str, request: Request) -> bytes | None:
        path = self._path(key, request)
        return path.read_bytes() if path.is_file() else None

    async def _draw(self, requests: dict[str, Request]) -> dict[str, bytes]:
        import kaleido

        script = self.cache / f"plotly-{hashlib.sha256(self.plotly_js).hexdigest()[:12]}.js"
        if not script.is_file():
            script.parent.mkdir(parents=True, exist_ok=True)
            script.write_bytes(self.plotly_js)
        drawn: dict[str, bytes] = {}
        async with kaleido.Kaleido(n=1, plotlyjs=str(script), mathjax=False, path=self.browser) as painter:
            for name, request in requests.items():
                picture = await painter.calc_fig(request.figure, opts=request.options)
                if request.options["format"] == "svg":
                    picture = normalise_svg(picture, request.key(self.versions)[:8])
                drawn[name] = picture
        return drawn


def _in_own_thread(work: Callable[[], Any]) -> Any:
    """`work()` in a thread of its own, so Kaleido's event loop never meets a caller's (a build
    called from asyncio code or from Playwright's sync API, which runs one)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _kaleido_version() -> str:
    try:
        from importlib.metadata import version

        return version("kaleido")
    except Exception:  # not installed: no pictures are drawn anyway
        return "none"


def chart_pictures(chart_id: str, language: str, figure: dict[str, Any], title: str, credit: str,
                   note: str = "") -> tuple[dict[str, Request], ChartPictures]:
    """Every picture of one chart in one edition ({output path: request}) and where they go
    (model/urls.py: next to the chart's CSV); `note` is drawn into every one of them."""
    requests: dict[str, Request] = {}
    sources = []
    for width, up_to in WIDTHS:
        light, dark = urls.chart_svg(chart_id, language, width), urls.chart_svg(chart_id, language, width, dark=True)
        requests[light], requests[dark] = svg_request(figure, width, False, note), svg_request(figure, width, True, note)
        sources.append((f"(max-width: {up_to}px)" if up_to else "", light, dark))
    png = urls.chart_png(chart_id, language)
    requests[png] = png_request(figure, title, credit, note)
    widest = requests[sources[-1][1]].options
    return requests, ChartPictures(tuple(sources), sources[-1][1], png, widest["width"], widest["height"])


def _drawn(found: dict[str, bytes | None]) -> dict[str, bytes]:
    """The pictures of `found` (every entry is one by the time paint returns)."""
    return {name: picture for name, picture in found.items() if picture is not None}
