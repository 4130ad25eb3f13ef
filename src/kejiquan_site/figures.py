"""Plotly figures as plain dicts: small, stable JSON within Plotly's figure schema.

Built by hand rather than through `plotly.graph_objects` (a test validates every figure with
plotly). Lower bounds (6%以上) get an open-ended hatched extension and their qualifier in the
label, so no bound ever looks like an exact bar. No drag, no zoom: phones scroll the page.
"""

from __future__ import annotations

import math
from typing import Any

from .charts import Chart, item_name
from .facts import Fact
from .formatting import LOWER_BOUNDS
from .ui import ui

FONT = ('-apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
        '"Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif')
INK, MUTED, ACCENT, QUIET, GRID = "#1a1a1a", "#5b6270", "#1f4e9c", "#8fa7cc", "rgba(0,0,0,0.12)"
ROLE_COLOURS = ["#c0392b", "#1f4e9c", "#2e7d32", "#8e44ad"]
CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False, "showTips": False,
          "responsive": True}


def _text(value: str) -> str:
    """Text for Plotly, which reads '<b>', '<a href>' and '<br>' in labels as markup: angle
    brackets become their full-width forms, so a label can never turn into a tag or a link."""
    return value.replace("<", "＜").replace(">", "＞")


def _base_layout(chart: Chart) -> dict[str, Any]:
    return {
        "font": {"family": FONT, "size": 14, "color": INK},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "height": chart.height,
        "margin": {"l": 8, "r": 16, "t": 8, "b": 40},
        "dragmode": False,
        "hoverlabel": {"font": {"family": FONT, "size": 14}},
        "showlegend": False,
        "separators": ".,",
    }


def figure(chart: Chart, facts: dict[str, Fact], language: str = "zh") -> dict[str, Any]:
    """The Plotly figure {data, layout, config} for `chart`, its words in `language`."""
    build = _bar_figure if chart.type == "bar" else _schematic_figure
    data, layout = build(chart, facts, language)
    return {"data": data, "layout": layout, "config": CONFIG}


def _bar_figure(chart: Chart, facts: dict[str, Fact], language: str) -> tuple[list, dict]:
    shown = [facts[item.fact] for item in chart.items]
    names = [_text(item_name(item, fact)) for item, fact in zip(chart.items, shown)]
    top = max(float(fact.value) for fact in shown) or 1.0
    extension = top * 0.18
    colours = [ACCENT if item.highlight else QUIET for item in chart.items]
    colon = ": " if language == "en" else "："
    hover = [f"{name}{colon}{_text(fact.display)}" for name, fact in zip(names, shown)]
    solid = {
        "type": "bar", "orientation": "h", "y": names, "x": [fact.value for fact in shown],
        "marker": {"color": colours}, "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>",
        "name": _text(chart.axis_title or chart.title),
    }
    bounds = [fact.qualifier in LOWER_BOUNDS for fact in shown]
    open_end = {
        "type": "bar", "orientation": "h", "y": names, "x": [extension if b else 0 for b in bounds],
        "marker": {"color": "rgba(0,0,0,0)", "line": {"color": colours, "width": 0},
                   "pattern": {"shape": "/", "fgcolor": colours, "size": 8, "solidity": 0.35}},
        "text": [_text(fact.display) for fact in shown], "textposition": "outside", "cliponaxis": False,
        "textfont": {"size": 15, "color": INK},
        "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>", "name": ui("above_bound", language),
    }
    layout = _base_layout(chart)
    suffix = "%" if shown[0].unit == "percent" else ""
    layout.update({
        "barmode": "stack", "bargap": 0.35,
        "xaxis": {"range": [0, math.ceil((top + extension) * 1.3)], "fixedrange": True, "ticksuffix": suffix,
                  "gridcolor": GRID, "zeroline": True, "zerolinecolor": MUTED, "title": {"text": _text(chart.axis_title)},
                  "automargin": True},
        "yaxis": {"autorange": "reversed", "fixedrange": True, "automargin": True, "ticks": ""},
    })
    return [solid, open_end], layout


def _schematic_figure(chart: Chart, facts: dict[str, Fact], language: str) -> tuple[list, dict]:
    data: list[dict[str, Any]] = []
    for line in chart.lines:
        start, end = facts[line.start].coordinates, facts[line.end].coordinates
        data.append({"type": "scatter", "mode": "lines", "x": [start.lon, end.lon], "y": [start.lat, end.lat],
                     "line": {"color": ACCENT, "width": 7}, "opacity": 0.35, "hoverinfo": "skip",
                     "name": _text(line.label), "showlegend": False})
    roles = list(dict.fromkeys(item.role for item in chart.items))
    for index, role in enumerate(roles):
        members = [facts[item.fact] for item in chart.items if item.role == role]
        data.append({
            "type": "scatter", "mode": "markers+text", "name": _text(role or ui("place", language)),
            "x": [m.coordinates.lon for m in members], "y": [m.coordinates.lat for m in members],
            "text": [_text(m.display) for m in members], "textposition": "bottom center",
            "textfont": {"size": 15, "color": INK},
            "marker": {"size": 22 if index == 0 else 16, "color": ROLE_COLOURS[index % len(ROLE_COLOURS)],
                       "line": {"color": "#ffffff", "width": 2}},
            "customdata": [_text(ui("item_with_period", language, name=m.display, period=role)) for m in members],
            "hovertemplate": "%{customdata}<extra></extra>",
        })
    layout = _base_layout(chart)
    del layout["height"]  # the box sets it: shorter on phones, where the width is the limit
    layout["autosize"] = True
    latitudes = [facts[item.fact].coordinates.lat for item in chart.items]
    longitudes = [facts[item.fact].coordinates.lon for item in chart.items]
    mean_lat = sum(latitudes) / len(latitudes)
    hidden = {"visible": False, "fixedrange": True}
    layout.update({
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top"},
        "xaxis": {**hidden, "range": [min(longitudes) - 0.6, max(longitudes) + 0.6]},
        "yaxis": {**hidden, "range": [min(latitudes) - 0.45, max(latitudes) + 0.35],
                  "scaleanchor": "x", "scaleratio": round(1 / math.cos(math.radians(mean_lat)), 3)},
        "annotations": [{"text": ui("schematic_note", language), "xref": "paper", "yref": "paper", "x": 1, "y": 1,
                         "xanchor": "right", "yanchor": "top", "showarrow": False,
                         "font": {"size": 12, "color": MUTED}}]
        + [_line_label(line, facts) for line in chart.lines],
    })
    return data, layout


def _line_label(line: Any, facts: dict[str, Fact]) -> dict[str, Any]:
    start, end = facts[line.start].coordinates, facts[line.end].coordinates
    return {"text": _text(line.label), "x": (start.lon + end.lon) / 2, "y": (start.lat + end.lat) / 2,
            "showarrow": False, "font": {"size": 13, "color": ACCENT}, "bgcolor": "rgba(255,255,255,0.85)"}
