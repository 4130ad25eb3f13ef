"""Where each fact is shown: in which page's prose, cards, lists or timeline, and in which chart
(and on which pages that chart appears). Used to warn about facts never shown and to report what
a changed value touches.
"""

from __future__ import annotations

from collections import defaultdict

from kejiquan_site.read.charts import Chart
from kejiquan_site.read.pages import Page

# Directives that show every fact, so a fact "shown" only there is not really used by the story.
WHOLE_BOOK_DIRECTIVES = {"{facttable}"}


def fact_uses(pages: tuple[Page, ...] | list[Page], charts: dict[str, Chart],
              only: set[str] | None = None) -> dict[str, list[str]]:
    """fact id -> sorted descriptions of where it is shown, e.g. 'index.html {cards}' (for the
    facts in `only`, when given)."""
    uses: dict[str, set[str]] = defaultdict(set)
    charts_shown = charts if only is None else {key: chart for key, chart in charts.items()
                                                if not only.isdisjoint(chart.fact_ids)}
    chart_pages: dict[str, set[str]] = defaultdict(set)
    for page in pages:
        if only is not None and only.isdisjoint(page.fact_ids) and charts_shown.keys().isdisjoint(page.chart_ids):
            continue
        for reference in page.references:
            if only is not None and reference.kind == "fact" and reference.id not in only:
                continue
            if reference.kind == "fact" and reference.context not in WHOLE_BOOK_DIRECTIVES:
                uses[reference.id].add(f"{page.output_path} {reference.context}")
            elif reference.kind == "chart":
                chart_pages[reference.id].add(page.output_path)
    for chart in charts_shown.values():
        where = ", ".join(sorted(chart_pages[chart.id])) or "no page"
        for fact_id in chart.fact_ids:
            if only is None or fact_id in only:
                uses[fact_id].add(f"chart {chart.id} (on {where})")
    return {fact_id: sorted(places) for fact_id, places in uses.items()}
