"""The editors' guide's first edit, followed literally: the code blocks of "Your first edit, step by
step" (docs/editors-guide.md) typed into a copy of the real story, which must then build with
--strict and show readers the new figure with its qualifier and the dated note. The blocks come
from the guide itself, so the guide and this test cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from helpers import REPO, copy_real_site
from kejiquan_site.cli import main

GUIDE = (REPO / "docs" / "editors-guide.md").read_text(encoding="utf-8")
FENCED = re.compile(r"^( *)```(\w*)\n(.*?)^\1```$", re.M | re.S)

# Where each block of the walkthrough goes, in the guide's order: the file (which the guide's
# words before the block must name) and how the block is typed into it.
STEPS = (
    ("content/sources/bjkw_rd.txt", "new file"),
    ("content/sources.yaml", "at the end"),
    ("content/facts/rd.yaml", "lines of beijing_intensity"),
    ("content/sources/xjb_kuowei.setaside.yaml", "at the end"),
    ("content/updates.yaml", "instead of []"),
)


def _walkthrough() -> str:
    start = GUIDE.index("## Your first edit, step by step\n")
    return GUIDE[start:GUIDE.index("\n## ", start + 1)]


def _blocks() -> list[tuple[str, str]]:
    """(the words before it, the block as typed) for each code block of the walkthrough."""
    section, found, after = _walkthrough(), [], 0
    for match in FENCED.finditer(section):
        indent = len(match.group(1))  # of the fence: the list item's, not the block's own
        block = "".join(line[indent:] for line in match.group(3).splitlines(keepends=True))
        found.append((section[after:match.start()], block))
        after = match.end()
    return found


def _type_block(root: Path, relative: str, how: str, block: str) -> None:
    path = root / relative
    if how == "new file":
        assert not path.exists(), f"{relative} already exists"
        path.write_text(block, encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    if how == "at the end":
        text = text.rstrip("\n") + "\n\n" + block
    elif how == "instead of []":
        assert text.count("\n[]\n") == 1, f"{relative} does not hold '[]' on a line of its own"
        text = text.replace("\n[]\n", "\n" + block)
    else:  # the lines of the block of one fact whose keys the snippet gives
        fact = how.split()[-1]
        start = text.index(f"\n{fact}:\n") + 1
        end = text.find("\n\n", start)
        end = len(text) if end < 0 else end
        lines = text[start:end].split("\n")
        for line in block.rstrip("\n").split("\n"):
            key = line.split(":")[0]
            assert any(old.split(":")[0] == key for old in lines), f"'{key}' is not in {fact}"
            lines = [line if old.split(":")[0] == key else old for old in lines]
        text = text[:start] + "\n".join(lines) + text[end:]
    path.write_text(text, encoding="utf-8")


def test_first_edit_guide_names_each_file_before_its_block():
    blocks = _blocks()
    assert len(blocks) == len(STEPS), [code for _, code in blocks]
    for (words, _), (relative, _) in zip(blocks, STEPS):
        assert f"`{relative}`" in words, f"the guide does not say that the next block goes into {relative}"


def test_first_edit_followed_literally_builds_and_shows_the_new_figure(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KEJIQUAN_BROWSER", "/nonexistent")  # no chart pictures
    project = copy_real_site(tmp_path)
    assert (project.content / "published.yaml").exists()  # so the guide's step on publication applies
    assert main(["build", "--strict", "--project", str(tmp_path)]) == 0  # the story before the edit
    for (_, block), (relative, how) in zip(_blocks(), STEPS):
        _type_block(tmp_path, relative, how, block)
    capsys.readouterr()
    code = main(["build", "--strict", "--project", str(tmp_path)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    changed = "rd.beijing_intensity: 6%以上 -> 6.2%以上 (shown in "
    assert changed in printed.out and changed + "…)" in GUIDE
    entry = yaml.safe_load(_blocks()[-1][1])[0]
    year, month, day = (int(part) for part in entry["date"].split("-"))
    note = f"更新于 {year}年{month}月{day}日：北京全社会研发投入强度由6%以上更新为6.2%以上（新数据）"
    assert note in GUIDE.replace("\n", "")  # what the guide promises readers see
    home = (tmp_path / "_site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'class="card-value">\s*<a [^>]*>6\.2%以上<', home)  # the card
    assert re.search(r"研发投入强度保持在<a [^>]*>6\.2%以上<", home)  # the prose
    assert note in home
    english = (tmp_path / "_site" / "en" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<a [^>]*>at least 6\.2%<", english)


def test_first_edit_quick_start_summary_is_what_check_prints(tmp_path, capsys):
    copy_real_site(tmp_path)
    assert main(["check", "--strict", "--project", str(tmp_path)]) == 0
    printed = capsys.readouterr()
    summary = re.search(r"`(checked \d+ pages, \d+ charts, \d+ facts)`", GUIDE)
    assert summary and summary.group(1) in printed.out + printed.err
