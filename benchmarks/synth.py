"""Synthetic content trees for the benchmark: N story pages, each with about 600 Chinese
characters of prose holding three fact references, a 10x3 Markdown table and one bar chart of
its ten facts; plus site-wide pages that grow with N (home page links, the all-facts table,
the list of sources). The content passes `kejiquan check --strict`.

Everything is deterministic: the same N gives byte-identical files.
"""

from __future__ import annotations

import os
from pathlib import Path

FACTS_PER_PAGE = 10
PROSE_FACTS = 3  # facts referenced in each page's prose; the chart shows all ten
PAGES_PER_SOURCE = 10

# Sentences without digits, numerals or measure words, so no hand-typed number is found.
SENTENCES = (
    "区域创新体系的建设需要长期投入，也需要稳定的制度安排。",
    "研究机构、高校与企业之间的合作正在变得更加紧密。",
    "从实验室到生产线的距离，决定了科研成果能否真正落地。",
    "不少城市把科技服务业看作产业升级的重要抓手。",
    "人才的流动让知识在不同地区之间传播得更快。",
    "政策的连续性比一时的力度更能稳定创新主体的预期。",
    "基础研究的回报周期长，更需要公共财政的持续支持。",
    "企业是技术创新的主体，也是成果转化的关键环节。",
    "开放共享的科研设施降低了中小企业进入前沿领域的门槛。",
    "数据的可得性与可比性，是衡量区域创新水平的前提。",
    "协同发展意味着分工，而不是简单地把项目平均分配。",
    "交通网络的完善缩短了城市之间的通勤时间。",
    "产业链上下游的配套能力决定了集群能否持续成长。",
    "金融工具的创新为早期科技企业提供了更多融资渠道。",
    "知识产权保护的加强提高了企业投入研发的意愿。",
    "国际合作让本地的研究团队能够接触到更前沿的问题。",
    "统计口径的差异提醒读者在比较数字时要格外谨慎。",
    "地方政府在招商之外，也越来越重视营商环境的改善。",
    "创新成果的评价正在从论文数量转向实际贡献。",
    "青年科研人员的成长需要更宽松的考核环境。",
    "跨地区的园区合作探索出了利益共享的新机制。",
    "公共服务的均衡配置有助于吸引人才长期留下。",
    "绿色低碳转型为新技术提供了广阔的应用场景。",
    "数字化改造让传统制造业焕发出新的活力。",
)
STEMS = "甲乙丙丁戊己庚辛壬癸"
SENTENCES_PER_PAGE = 24


def page_name(index: int) -> str:
    return f"p{index:04d}"


def fact_value(page: int, item: int) -> float:
    """A percentage with one non-zero decimal, so it reads the same in the evidence."""
    whole = 1 + (page * 7 + item * 13) % 60
    tenth = 1 + (page * 3 + item) % 9
    return float(f"{whole}.{tenth}")


def render_fact(page: int, item: int, value: float) -> str:
    key = f"k{item:02d}"
    source = f"src_{(page - 1) // PAGES_PER_SOURCE:04d}"
    return (f"{key}:\n"
            f"  label: 样本页{page_name(page)}的指标{key}\n"
            f"  value: {value}\n"
            f"  unit: percent\n"
            f"  period: 2024\n"
            f"  source: {source}\n"
            f"  evidence: 该指标占比为{value}%\n")


def fact_file(page: int, edited: dict[int, float] | None = None) -> str:
    """The page's ten facts; `edited` ({item: value}) replaces some values."""
    edited = edited or {}
    return "\n".join(render_fact(page, item, edited.get(item, fact_value(page, item)))
                     for item in range(1, FACTS_PER_PAGE + 1))


def chart_file(page: int) -> str:
    name = page_name(page)
    bars = "".join(f"  - fact: {name}.k{item:02d}\n    label: 指标k{item:02d}\n"
                   for item in range(1, FACTS_PER_PAGE + 1))
    return (f"type: bar\ntitle: 样本页{name}的全部指标\n"
            f"caption: 合成的基准测试数据，每根条形对应一条事实。\n"
            f"axis_title: 占比\n"
            f"bars:\n{bars}")


def _prose(page: int) -> list[str]:
    """About 600 characters: rotated sentences, three of which carry a fact reference."""
    name = page_name(page)
    chosen = [SENTENCES[(page + step) % len(SENTENCES)] for step in range(SENTENCES_PER_PAGE)]
    for item in range(1, PROSE_FACTS + 1):
        position = item * SENTENCES_PER_PAGE // (PROSE_FACTS + 1)
        chosen[position] += f"指标{STEMS[item]}的最新数值为{{fact}}`{name}.k{item:02d}`。"
    paragraphs = [chosen[start:start + 6] for start in range(0, len(chosen), 6)]
    return ["".join(sentences) for sentences in paragraphs]


def _table(page: int) -> str:
    rows = ["| 地区 | 年份 | 说明 |", "|---|---|---|"]
    for row in range(10):
        rows.append(f"| 地区{STEMS[row]} | {2015 + row} | {SENTENCES[(page + row) % len(SENTENCES)][:12]} |")
    return "\n".join(rows)


def story_page(page: int) -> str:
    name = page_name(page)
    prose = _prose(page)
    return (f"---\ntitle: 样本报道{name}：区域创新观察\n"
            f"description: 合成的基准测试页面，含正文、表格和一张图表。\n"
            f"kicker: 基准测试\n---\n\n"
            f"## 概况\n\n{prose[0]}\n\n{prose[1]}\n\n"
            f"```{{chart}} {name}\n```\n\n"
            f"## 明细\n\n{prose[2]}\n\n{_table(page)}\n\n{prose[3]}\n")


def index_page(count: int) -> str:
    links = "\n".join(f"- [样本报道{page_name(page)}]({page_name(page)}/)" for page in range(1, count + 1))
    return (f"---\ntitle: 基准测试站\ndescription: 合成的内容，用来测量构建的速度。\nnav: 报道\norder: 1\n---\n\n"
            f"{SENTENCES[0]}{SENTENCES[1]}\n\n## 全部报道\n\n{links}\n")


SITE_PAGES = {
    "data.md": "---\ntitle: 数据\ndescription: 本站全部事实与来源。\nnav: 数据\norder: 3\n---\n\n"
               "```{downloads}\n```\n\n```{facttable}\n```\n",
    "about.md": "---\ntitle: 关于\ndescription: 本站的来源。\nnav: 关于\norder: 4\n---\n\n"
                f"{SENTENCES[2]}\n\n```{{sources}}\n```\n",
    "404.md": "---\ntitle: 找不到这个页面\ndescription: 你要找的页面不存在。\n---\n\n可以从[首页](./)重新开始。\n",
}
SITE_YAML = ("title: 基准测试站\ndescription: 合成的内容，用来测量构建的速度。\nlanguage: zh-CN\n"
             "base_url: https://example.org/bench/\npublisher: 基准测试编辑部\n")


def sources_file(count: int) -> str:
    blocks = []
    for number in range((count - 1) // PAGES_PER_SOURCE + 1):
        blocks.append(f"src_{number:04d}:\n  title: 合成来源{number:04d}\n  publisher: 基准测试报\n"
                      f"  date: \"2026-03-18\"\n  archive: sources/src_{number:04d}.txt\n")
    return "\n".join(blocks)


def archive_file(source: int, pages: list[int], edited: dict[int, dict[int, float]] | None = None) -> str:
    """The archived text of one source: a sentence quoting each fact of its pages, so every
    evidence fragment is in it and every number of it is a fact."""
    edited = edited or {}
    return "合成来源\n" + "".join(f"该指标占比为{edited.get(page, {}).get(item, fact_value(page, item))}%。\n"
                                  for page in pages for item in range(1, FACTS_PER_PAGE + 1))


def _source_pages(count: int, source: int) -> list[int]:
    return list(range(source * PAGES_PER_SOURCE + 1, min(count, (source + 1) * PAGES_PER_SOURCE) + 1))


def content_files(count: int) -> dict[str, str]:
    """{path inside content/: text} for a site of `count` story pages."""
    files = {"site.yaml": SITE_YAML, "sources.yaml": sources_file(count), "pages/index.md": index_page(count)}
    files.update({f"pages/{name}": text for name, text in SITE_PAGES.items()})
    for source in range((count - 1) // PAGES_PER_SOURCE + 1):
        files[f"sources/src_{source:04d}.txt"] = archive_file(source, _source_pages(count, source))
    for page in range(1, count + 1):
        name = page_name(page)
        files[f"facts/{name}.yaml"] = fact_file(page)
        files[f"charts/{name}.yaml"] = chart_file(page)
        files[f"pages/{name}.md"] = story_page(page)
    return files


def write_project(root: Path, count: int, node_modules: Path | None) -> Path:
    """A project folder with content/ for `count` pages. `node_modules` (linked in when given)
    lets the build use the same small plotly.js bundle as the real site."""
    for relative, text in content_files(count).items():
        path = root / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if node_modules is not None and node_modules.is_dir() and not (root / "node_modules").exists():
        os.symlink(node_modules, root / "node_modules")
    return root


def edit_fact(root: Path, page: int, item: int, value: float) -> None:
    """Give one fact a new value (and evidence), as an editor's save would: the file replaced at once."""
    path = root / "content" / "facts" / f"{page_name(page)}.yaml"
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(fact_file(page, {item: value}), encoding="utf-8")
    source = (page - 1) // PAGES_PER_SOURCE
    count = len(list((root / "content" / "facts").glob("p*.yaml")))
    archive = root / "content" / "sources" / f"src_{source:04d}.txt"
    archive_staging = archive.with_name(f".{archive.name}.tmp")
    archive_staging.write_text(archive_file(source, _source_pages(count, source), {page: {item: value}}),
                               encoding="utf-8")
    os.replace(archive_staging, archive)  # the evidence changes with the source it quotes
    os.replace(staging, path)
