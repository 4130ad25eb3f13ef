"""plotly.js: the npm bundle matches the plotly Python package, and every figure fits Plotly's schema."""

from __future__ import annotations

import json

import plotly
import plotly.graph_objects as go
import pytest
from plotly.offline.offline import get_plotlyjs_version

from helpers import REPO
from kejiquan_site.render.assets import BASIC_BUNDLE, bundle_version
from kejiquan_site.render.figures import figure


def test_plotly_npm_pin_matches_the_python_package():
    package = json.loads((REPO / "package.json").read_text())
    lock = json.loads((REPO / "package-lock.json").read_text())
    expected = get_plotlyjs_version()
    assert package["dependencies"]["plotly.js-basic-dist-min"] == expected
    assert lock["packages"]["node_modules/plotly.js-basic-dist-min"]["version"] == expected


def test_plotly_installed_basic_bundle_matches_the_python_package():
    bundle = REPO / BASIC_BUNDLE
    if not bundle.is_file():
        pytest.skip("npm ci has not installed plotly.js-basic-dist-min")
    assert bundle_version(bundle.read_bytes()) == get_plotlyjs_version()


def test_plotly_every_figure_validates(real_site):
    story = real_site.story
    for chart in story.charts.values():
        spec = figure(chart, story.facts)
        go.Figure(data=spec["data"], layout=spec["layout"])  # raises on anything outside the schema
    assert plotly.__version__
