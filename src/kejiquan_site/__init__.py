"""kejiquan_site: static data-journalism microsites from YAML facts, Markdown, Jinja and Plotly."""

__version__ = "0.1.0"
