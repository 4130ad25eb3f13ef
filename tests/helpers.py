"""What several test modules share: the repository, a minimal project, writing and editing files,
and the real story copied and changed as an editor would. Fixtures stay in conftest.py; test
modules import from here, never from each other."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

from kejiquan_site.model.story import Project

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

RD = "content/facts/rd.yaml"
ARCHIVE = "content/sources/xjb_kuowei.txt"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"

ENTRY = """- date: "2027-03-02"
  kind: {kind}
  facts: [rd.jjj_2024]
  note: 新数据
  note_en: new data
"""


def write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def edit_file(path: Path, replacements: dict[str, str]) -> None:
    """Replace text in a file in one step (as editors' programs save), so the watcher never sees
    a half-written file."""
    text = path.read_text(encoding="utf-8")
    for old, new in replacements.items():
        text = text.replace(old, new)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def copy_real_site(tmp_path: Path) -> Project:
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    if (REPO / "node_modules").is_dir():
        (tmp_path / "node_modules").symlink_to(REPO / "node_modules")
    return Project(tmp_path, tmp_path / "content", tmp_path / "templates")


def replace_in(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def change_jjj_2024(root: Path) -> None:
    """4.22% becomes 4.3%, in the fact, its evidence and the archived source it is quoted from."""
    replace_in(root, RD, "value: 4.22", "value: 4.3")
    replace_in(root, RD, "2024年的4.22%", "2024年的4.3%")
    replace_in(root, ARCHIVE, "2024年的4.22%", "2024年的4.3%")


def write_updates_log(root: Path, text: str) -> None:
    (root / "content/updates.yaml").write_text(text, encoding="utf-8")
