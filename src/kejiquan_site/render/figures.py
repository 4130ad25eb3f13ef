"""Plotly figures as plain dicts: small, stable JSON within Plotly's figure schema.

Built by hand rather than through `plotly.graph_objects` (a test validates every figure with
plotly). Bars are labelled directly: the name above each bar, the value (with its qualifier) at
its end, and a lower bound (6%以上) ends in an arrow from the bound instead of a box that would
suggest a value. Schematic labels are placed for several design widths (labelplace.py); the page
picks the one for its width. Colours are the light palette; `dark` maps each to its dark twin.
No drag, no zoom: phones scroll the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from kejiquan_site.model.formatting import LOWER_BOUNDS
from kejiquan_site.read.charts import Chart, item_name
from kejiquan_site.read.facts import Fact
from kejiquan_site.render.labelplace import (
    LINE_SPACING,
    Box,
    Label,
    Spot,
    place_labels,
    point_box,
    segment_boxes,
    spots_around,
    text_forms,
    text_size,
    wrap_in_two,
)

CJK_FONT = ('-apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
            '"Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif')
LATIN_FONT = ('-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", '
              '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif')

# Every mark is at least 3:1 against its background (WCAG 1.4.11) in both schemes, and the
# emphasis (accent) is the strongest mark in both: 8.0:1 light, 10.6:1 dark, against 3.3 and 3.5
# for the quiet bars. Tested in tests/test_browser.py.
LIGHT = {"ink": "#1a1a1a", "muted": "#5b6270", "accent": "#1f4e9c", "quiet": "#7d8fb0",
         "grid": "rgba(0,0,0,0.12)", "paper": "#ffffff", "warm": "#c0392b", "corridor": "#8a7550",
         "context": "#6b7280"}
DARK = {"ink": "#e8e8e8", "muted": "#a8b0bd", "accent": "#a9c7ff", "quiet": "#5f6d86",
        "grid": "rgba(255,255,255,0.16)", "paper": "#14161a", "warm": "#f28b82", "corridor": "#9c8a66",
        "context": "#8f97a5"}
assert len(set(LIGHT.values())) == len(LIGHT), "each light colour must map to one dark colour"
DARK_COLOURS = {LIGHT[key]: DARK[key] for key in LIGHT}

CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False, "showTips": False,
          "responsive": True}
LABEL_SIZE = 14
VALUE_SIZE = 15
ARROW = 26  # length in pixels of the arrow that opens a lower bound
# Widths (px) the schematic's labels are placed for; the page takes the widest not above its own.
DESIGN_WIDTHS = (280, 330, 400, 520, 700)
# Height / width of the schematic box, at most SCHEMATIC_MAX_HEIGHT: the map is about square, and
# the legend's row above it takes about an eighth of the narrowest box, with room to spare
# for the context labels at the map's edges.
SCHEMATIC_ASPECT = 1.15
SCHEMATIC_MAX_HEIGHT = 480
# The schematic's legend, a horizontal row above the map: its font, and Plotly's room for the
# symbol before each entry's text, between entries, per row and around the row (pixels).
LEGEND_SIZE = 13
LEGEND_SYMBOL, LEGEND_GAP, LEGEND_ROW, LEGEND_PAD = 40, 10, 22, 14


def _text(value: str) -> str:
    """Text for Plotly, which reads '<b>', '<a href>' and '<br>' in labels as markup: angle
    brackets become their full-width forms, so a label can never turn into a tag or a link."""
    return value.replace("<", "＜").replace(">", "＞")


def font_family(language: str) -> str:
    return LATIN_FONT if language == "en" else CJK_FONT


def _base_layout(chart: Chart, language: str) -> dict[str, Any]:
    family = font_family(language)
    return {
        "font": {"family": family, "size": LABEL_SIZE, "color": LIGHT["ink"]},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "height": chart.height,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "dragmode": False,
        "hoverlabel": {"font": {"family": family, "size": 14}},
        "showlegend": False,
        "separators": ".,",
    }


def figure(chart: Chart, facts: Mapping[str, Fact], language: str = "zh") -> dict[str, Any]:
    """The Plotly figure {data, layout, config} for `chart`, its words in `language`, with
    `dark` (light colour -> dark colour) and, for schematics, `variants` of the labels by width."""
    if chart.type == "bar":
        data, layout = _bar_figure(chart, facts, language)
        return {"data": data, "layout": layout, "config": CONFIG, "dark": DARK_COLOURS}
    data, layout, variants = _schematic_figure(chart, facts, language)
    return {"data": data, "layout": layout, "config": CONFIG, "dark": DARK_COLOURS, "variants": variants}


def _bar_figure(chart: Chart, facts: Mapping[str, Fact], language: str) -> tuple[list, dict]:
    shown = [facts[item.fact] for item in chart.items]
    names = [_text(item_name(item, fact)) for item, fact in zip(chart.items, shown)]
    values = [float(fact.value) for fact in shown]
    top = max(values) or 1.0
    bounds = [fact.qualifier in LOWER_BOUNDS for fact in shown]
    colours = [LIGHT["accent"] if item.highlight else LIGHT["quiet"] for item in chart.items]
    colon = ": " if language == "en" else "："
    hover = [f"{name}{colon}{_text(fact.display)}" for name, fact in zip(names, shown)]
    top_margin, bottom_margin = 12, 28
    band = (chart.height - top_margin - bottom_margin) / len(shown)
    thickness = max(10.0, min(30.0, band - LABEL_SIZE * LINE_SPACING - 14))
    value_room = max(text_size(_text(fact.display), VALUE_SIZE)[0] + (ARROW + 4 if bound else 0)
                     for fact, bound in zip(shown, bounds))
    bars = {
        "type": "bar", "orientation": "h", "y": names, "x": [fact.value for fact in shown],
        "marker": {"color": colours, "line": {"width": 0}}, "customdata": hover,
        "hovertemplate": "%{customdata}<extra></extra>", "name": _text(chart.axis_title or chart.title),
    }
    annotations = []
    for item, name, fact, value, bound, colour in zip(chart.items, names, shown, values, bounds, colours):
        weight = (lambda text: f"<b>{text}</b>") if item.highlight else (lambda text: text)
        annotations.append({"text": weight(name), "x": 0, "y": name, "xanchor": "left", "yanchor": "bottom",
                            "yshift": thickness / 2 + 2, "showarrow": False,
                            "font": {"size": LABEL_SIZE, "color": LIGHT["ink"]}})
        if bound:  # an arrow from the bound onwards: "at least", not "up to here"
            annotations.append({"text": "", "x": value, "y": name, "xshift": ARROW, "ax": -ARROW + 2, "ay": 0,
                                "showarrow": True, "arrowhead": 2, "arrowsize": 1, "arrowwidth": 2.5,
                                "arrowcolor": colour, "standoff": 0, "startstandoff": 0})
        annotations.append({"text": weight(_text(fact.display)), "x": value, "y": name, "xanchor": "left",
                            "yanchor": "middle", "xshift": 4 + (ARROW + 2 if bound else 0), "showarrow": False,
                            "font": {"size": VALUE_SIZE, "color": LIGHT["ink"]}})
    layout = _base_layout(chart, language)
    suffix = "%" if shown[0].unit == "percent" else ""
    layout.update({
        "margin": {"l": 14, "r": math.ceil(value_room) + 12, "t": top_margin, "b": bottom_margin},
        "bargap": round(1 - thickness / band, 3),
        "xaxis": {"range": [0, top * 1.001], "fixedrange": True, "ticksuffix": suffix, "gridcolor": LIGHT["grid"],
                  "zeroline": True, "zerolinecolor": LIGHT["muted"], "zerolinewidth": 1.5, "nticks": 5,
                  "tickfont": {"size": 12, "color": LIGHT["muted"]}},
        "yaxis": {"autorange": "reversed", "fixedrange": True, "showticklabels": False, "ticks": ""},
        "annotations": annotations,
    })
    return [bars], layout



def box_style(chart: Chart) -> str:
    """The chart box's CSS size: fixed for bars, the placement's aspect for schematics."""
    if chart.type == "bar":
        return f"height: {chart.height}px"
    return f"aspect-ratio: 1 / {SCHEMATIC_ASPECT}; max-height: {SCHEMATIC_MAX_HEIGHT}px"


def schematic_box(width: float) -> tuple[float, float]:
    """The schematic's box at a given width (the page's CSS gives it the same aspect)."""
    return width, min(SCHEMATIC_MAX_HEIGHT, width * SCHEMATIC_ASPECT)


class _Projection:
    """Degrees to pixels as Plotly draws an axis pair locked by `scaleanchor`: the scale that fits
    both ranges, the spare room split evenly around the centre."""

    def __init__(self, xrange: list[float], yrange: list[float], ratio: float, width: float, height: float):
        self.ratio, self.width, self.height = ratio, width, height
        self.xc, self.yc = sum(xrange) / 2, sum(yrange) / 2
        self.scale = min(width / (xrange[1] - xrange[0]), height / ((yrange[1] - yrange[0]) * ratio))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.width / 2 + (lon - self.xc) * self.scale,
                self.height / 2 - (lat - self.yc) * self.scale * self.ratio)


def _schematic_figure(chart: Chart, facts: Mapping[str, Fact], language: str) -> tuple[list, dict, list]:
    data: list[dict[str, Any]] = []
    for line in chart.lines:
        start, end = facts[line.start].place, facts[line.end].place
        data.append({"type": "scatter", "mode": "lines", "x": [start.lon, end.lon], "y": [start.lat, end.lat],
                     "line": {"color": LIGHT["corridor"], "width": 5}, "hoverinfo": "skip",
                     "name": _text(line.label), "showlegend": False})
    roles = list(dict.fromkeys(item.role for item in chart.items))
    sizes = {role: 20 if index == 0 else 14 for index, role in enumerate(roles)}
    for index, role in enumerate(roles):
        members = [facts[item.fact] for item in chart.items if item.role == role]
        data.append({
            "type": "scatter", "mode": "markers", "name": _text(role or chart.title),
            "x": [m.place.lon for m in members], "y": [m.place.lat for m in members],
            "marker": {"size": sizes[role], "color": LIGHT["warm"] if index == 0 else LIGHT["accent"],
                       "line": {"color": LIGHT["paper"], "width": 2}},
            "customdata": [_text(f"{m.display} · {role}" if role else m.display) for m in members],
            "hovertemplate": "%{customdata}<extra></extra>",
        })
    lons = [facts[i.fact].place.lon for i in chart.items] + [c.lon for c in chart.context]
    lats = [facts[i.fact].place.lat for i in chart.items] + [c.lat for c in chart.context]
    ratio = round(1 / math.cos(math.radians(sum(lats) / len(lats))), 3)
    xrange = [round(min(lons) - 0.12, 3), round(max(lons) + 0.12, 3)]
    yrange = [round(min(lats) - 0.12, 3), round(max(lats) + 0.12, 3)]
    layout = _base_layout(chart, language)
    del layout["height"]  # the box sets it, from its width (see schematic_box)
    hidden = {"visible": False, "fixedrange": True}
    # The legend is a key above the map, in a row of its own: inside the map, level with the
    # southernmost place, that place read like one more legend entry, and below the map it stood
    # right under that place's dot.
    legend_room = _legend_height(roles) if len(roles) > 1 else 0
    layout.update({
        "autosize": True, "showlegend": len(roles) > 1,
        "margin": {"l": 0, "r": 0, "t": legend_room, "b": 0},
        "legend": {"orientation": "h", "x": 0, "y": 1, "xanchor": "left", "yanchor": "bottom",
                   "bgcolor": "rgba(0,0,0,0)", "font": {"size": LEGEND_SIZE, "color": LIGHT["ink"]},
                   "itemclick": False, "itemdoubleclick": False},
        "xaxis": {**hidden, "range": xrange},
        "yaxis": {**hidden, "range": yrange, "scaleanchor": "x", "scaleratio": ratio},
    })
    variants = []
    for width in DESIGN_WIDTHS:
        box_width, box_height = schematic_box(width)
        at = _Projection(xrange, yrange, ratio, box_width, box_height - legend_room)  # the map above the legend
        variants.append({"width": width, "annotations": _schematic_labels(chart, facts, sizes, at)})
    layout["annotations"] = variants[0]["annotations"]
    return data, layout, variants


def _legend_height(roles: list[str]) -> int:
    """The room above the map for the legend: as many rows as its entries need at the narrowest
    design width (Plotly wraps a horizontal legend), estimated generously."""
    rows, used = 1, 0.0
    for role in roles:
        entry = LEGEND_SYMBOL + text_size(_text(role), LEGEND_SIZE)[0] + LEGEND_GAP
        if used and used + entry > DESIGN_WIDTHS[0]:
            rows, used = rows + 1, 0.0
        used += entry
    return rows * LEGEND_ROW + LEGEND_PAD


def _schematic_labels(chart: Chart, facts: Mapping[str, Fact], sizes: dict[str, int],
                      at: _Projection) -> list[dict[str, Any]]:
    """The labels placed within the map (the projection's width and height, the legend's row
    excluded), clear of the marks and of each other."""
    width, height = at.width, at.height
    sizes_of = _label_sizes(width)
    obstacles: list[Box] = []
    for item in chart.items:
        spot = facts[item.fact].place
        obstacles.append(point_box(*at(spot.lon, spot.lat), sizes[item.role] / 2 + 2))
    for line in chart.lines:
        start, end = facts[line.start].place, facts[line.end].place
        obstacles += segment_boxes(at(start.lon, start.lat), at(end.lon, end.lat), 3)
    labels = []
    for item in chart.items:
        fact = facts[item.fact]
        text = _text(fact.display)
        labels.append(Label(f"place:{item.fact}", *at(fact.place.lon, fact.place.lat),
                            tuple(dict.fromkeys((text, wrap_in_two(text)))), sizes_of["place"],
                            tuple(spots_around(sizes[item.role] / 2 + 3))))
    for number, line in enumerate(chart.lines):
        start, end = facts[line.start].place, facts[line.end].place
        text = _text(line.label)
        for share in (0.5, 0.35, 0.65):
            labels.append(Label(f"line:{number}:{share}", *at(start.lon + (end.lon - start.lon) * share,
                                                               start.lat + (end.lat - start.lat) * share),
                                text_forms(text), sizes_of["line"], tuple(spots_around(5))))
    context = [Label(f"context:{n}", *at(c.lon, c.lat), (_text(c.label),), sizes_of["context"],
                     (Spot("center", "middle", 0, 0), Spot("center", "middle", 0, 24), Spot("center", "middle", 0, -24),
                      Spot("center", "middle", 30, 0), Spot("center", "middle", -30, 0)))
               for n, c in enumerate(chart.context)]
    # A corridor's name keeps well away from the other corridors, so it cannot be read as theirs.
    near_lines = {number: [box for other, line in enumerate(chart.lines) if other != number
                           for box in segment_boxes(at(facts[line.start].place.lon, facts[line.start].place.lat),
                                                    at(facts[line.end].place.lon, facts[line.end].place.lat), 22)]
                  for number in range(len(chart.lines))}
    placed = _place_lines_once(labels, obstacles, Box(0, 0, width, height), near_lines)
    taken = obstacles + [p.box for p in placed]
    placed += [p for p in place_labels(context, taken, Box(0, 0, width, height)) if p.clear]
    return [_annotation(p, at, sizes_of) for p in placed]


def _label_sizes(width: float) -> dict[str, int]:
    """Font sizes of the schematic's labels: a little larger where the chart is wide."""
    if width >= 520:
        return {"place": 16, "line": 14, "context": 19}
    return {"place": LABEL_SIZE, "line": 13, "context": 16}


def _place_lines_once(labels: list[Label], obstacles: list[Box], frame: Box, near_lines: dict[int, list[Box]]) -> list:
    """Place labels; each line's label goes at the first of its three anchors that is clear."""
    placed: list = []
    done_lines: set[str] = set()
    for label in labels:
        line_key = label.key.rsplit(":", 1)[0] if label.key.startswith("line:") else None
        if line_key in done_lines:
            continue
        extra = near_lines[int(label.key.split(":")[1])] if line_key else []
        [choice] = place_labels([label], obstacles + extra + [p.box for p in placed], frame)
        last_try = line_key is not None and label.key.endswith(":0.65")
        if line_key is None or choice.clear or last_try:
            placed.append(choice)
            if line_key:
                done_lines.add(line_key)
    return placed


def _annotation(placed: Any, at: _Projection, sizes: dict[str, int]) -> dict[str, Any]:
    kind = placed.key.split(":")[0]
    centre = ((placed.box.x0 + placed.box.x1) / 2, (placed.box.y0 + placed.box.y1) / 2)
    lon = at.xc + (centre[0] - at.width / 2) / at.scale
    lat = at.yc - (centre[1] - at.height / 2) / (at.scale * at.ratio)
    colours = {"place": LIGHT["ink"], "line": LIGHT["muted"], "context": LIGHT["context"]}
    font = {"size": sizes[kind], "color": colours[kind]}
    # Anchored at the label's centre in data units: the same spot whatever the box's real width.
    return {"text": placed.text, "x": round(lon, 4), "y": round(lat, 4), "xanchor": "center", "yanchor": "middle",
            "showarrow": False, "font": font, "align": "center"}
