"""Fixtures: the real site built once, and throwaway projects built from small dicts of file texts."""

from __future__ import annotations

import textwrap
import threading
import time
from pathlib import Path

import pytest

from kejiquan_site.build import Site, build_site
from kejiquan_site.content import Project
from kejiquan_site.preview import PreviewState, make_server, rebuild, watch_and_rebuild

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seed" / "000_e59f27834136ac4b.txt"

MINIMAL = {
    "site.yaml": """
        title: 测试站
        description: 用来测试的小站。
        language: zh-CN
        base_url: https://example.org/demo/
        publisher: 测试编辑部
    """,
    "sources.yaml": """
        demo:
          title: 测试报道
          publisher: 测试报
          date: "2026-03-18"
          archive: sources/demo.txt
    """,
    "sources/demo.txt": """
        测试报道
        北京研发投入强度保持在6%以上。京津冀从2014年的3.5%跃升至2024年的4.22%。
        重点领域有甲、乙,共9项,增长4%。明年研发投入强度保持在7%以上。
    """,
    "sources/demo.setaside.yaml": """
        - number: 9项
          fragment: 共9项
          reason: 测试用，不是事实
        - number: 4%
          fragment: 增长4%
          reason: 测试用，不是事实
        - number: 明年
          fragment: 明年研发投入强度
          reason: 测试用，不是事实
        - number: 7%
          fragment: 保持在7%以上
          reason: 测试用，不是事实
    """,
    "facts/rd.yaml": """
        beijing:
          label: 北京研发投入强度
          value: 6
          unit: percent
          qualifier: at_least
          source: demo
          evidence: 研发投入强度保持在6%以上
        jjj_2014:
          label: 京津冀研发投入强度
          value: 3.5
          unit: percent
          period: 2014
          source: demo
          evidence: 从2014年的3.5%跃升
        jjj_2024:
          label: 京津冀研发投入强度
          value: 4.22
          unit: percent
          period: 2024
          source: demo
          evidence: 跃升至2024年的4.22%
        change:
          label: 十年提高
          formula: rd.jjj_2024 - rd.jjj_2014
          unit: percentage_point
    """,
    "charts/rd_bars.yaml": """
        type: bar
        title: 研发投入强度
        axis_title: 研发投入强度
        bars:
          - fact: rd.jjj_2014
            label: 京津冀
          - fact: rd.beijing
            label: 北京
    """,
    "pages/index.md": """
        ---
        title: 测试首页
        description: 测试首页的描述。
        nav: 首页
        ---

        北京的研发投入强度{fact}`rd.beijing`，京津冀提高了{fact}`rd.change`。

        ```{cards}
        - rd.beijing
        - rd.jjj_2014 -> rd.jjj_2024 | 京津冀
        ```

        ```{chart} rd_bars
        ```
    """,
}


def write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def make_project(tmp_path: Path):
    """A project in tmp_path: MINIMAL content with `changes` applied (None deletes a file),
    and the real templates."""

    def make(changes: dict[str, str | None] | None = None, templates: Path | None = None) -> Project:
        files = dict(MINIMAL)
        for relative, text in (changes or {}).items():
            if text is None:
                files.pop(relative, None)
            else:
                files[relative] = text
        write_files(tmp_path / "content", files)
        return Project(tmp_path, tmp_path / "content", templates or REPO / "templates")

    return make


@pytest.fixture(scope="session")
def real_site() -> Site:
    return build_site(Project(REPO, REPO / "content", REPO / "templates"))


@pytest.fixture(scope="session")
def real_pages(real_site: Site) -> dict[str, str]:
    return {path: data.decode("utf-8") for path, data in real_site.files.items() if path.endswith(".html")}


@pytest.fixture
def preview(make_project, tmp_path):
    project = make_project()
    output = tmp_path / "_site"
    state = PreviewState()
    logs: list[str] = []
    rebuild(project, output, state, logs.append)
    server = make_server(state, "127.0.0.1", 0)
    stop = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=watch_and_rebuild, args=(project, output, state, stop, logs.append), daemon=True).start()
    time.sleep(0.3)  # let the watcher start
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/", "project": project, "output": output,
           "state": state, "logs": logs}
    stop.set()
    server.shutdown()
    server.server_close()
