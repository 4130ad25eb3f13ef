"""The preview's reuse (reuse/): a rebuild that reuses the last one gives exactly what a cold
build gives, after every kind of edit, and re-renders only the files an edit touches."""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers import copy_real_site
from kejiquan_site.build.site import Site, build_site
from kejiquan_site.cli import main
from kejiquan_site.diagnostics import BuildFailed
from kejiquan_site.model.story import Project
from kejiquan_site.model.urls import STAMP
from kejiquan_site.reuse import disk as disk_module
from kejiquan_site.reuse import files as files_module
from kejiquan_site.reuse.disk import CACHE_FILE, CACHE_FOLDER, LOCK_FILE
from kejiquan_site.reuse.layer import Reuse

EN_EXTRA = "---\ntitle: Extra\ndescription: An extra page.\nnav: Extra\n---\n\nExtra words.\n"
ZH_EXTRA = "---\ntitle: 附加页\ndescription: 附加的一页。\nnav: 附加\n---\n\n附加的文字。\n"

ARCHIVE = "content/sources/xjb_kuowei.txt"
SET_ASIDE = "content/sources/xjb_kuowei.setaside.yaml"
# (what, file or files, old text, new text); None as the old text writes the whole file, None as
# the new deletes it. A value and its evidence change with the archived source they are quoted from.
EDITS = [
    ("a fact's value", ("content/facts/rd.yaml", ARCHIVE), "3.5", "3.6"),
    ("an entry in the updates log", "content/updates.yaml", "[]\n",
     '- date: "2027-01-05"\n  kind: correction\n  facts: [rd.jjj_2014]\n  note: 原数据有误\n  note_en: a typo\n'),
    ("an entry's note", "content/updates.yaml", "note_en: a typo", "note_en: the figure was mistyped"),
    ("the record of what was published", "content/published.yaml", "published: '2026-11-30'",
     "published: '2026-12-01'"),
    ("the archived source", ARCHIVE, None, "\n补记一句。\n"),
    ("a new figure in the archived source", ARCHIVE, None, "\n另有7项成果。\n"),
    ("a set-aside reason", SET_ASIDE, "一部分，不是数据", "一部分，并非数据"),
    ("the set-aside list deleted", SET_ASIDE, None, None),
    ("the set-aside list written anew", SET_ASIDE, None, "- number: 7项\n  fragment: 另有7项\n  reason: 测试\n"),
    ("a whole number written as a decimal", "content/facts/rd.yaml", "value: 6\n", "value: 6.0\n"),
    ("a fact's English label", "content/facts/industry.yaml", "Beijing’s trillion-yuan industry clusters",
     "Beijing’s trillion-yuan clusters"),
    ("a source's publisher", "content/sources.yaml", "publisher: 新京报", "publisher: 新京报社"),
    ("a chart's title", "content/charts/rd_intensity.yaml", "title: 研发投入强度：", "title: 研发强度："),
    ("a page's prose", "content/pages/about.md", None, "\n\n又一段说明文字。\n"),
    ("a menu entry", "content/pages/layout.md", "nav: 空间布局", "nav: 布局"),
    ("a template", "templates/page.html", "</article>", "</article><!-- edited -->"),
    ("the stylesheet", "templates/assets/site.css", None, "\n.edited { color: inherit; }\n"),
    ("the site description", "content/site.yaml", "布局的数据解读。", "布局的解读。"),
    ("a new page", "content/pages/extra.md", None, ZH_EXTRA),
    ("its English twin", "content/pages/en/extra.md", None, EN_EXTRA),
    ("a deleted page", "content/pages/extra.md", None, None),
]


def _apply(root: Path, relative: str | tuple[str, ...], old: str | None, new: str | None) -> None:
    if isinstance(relative, tuple):
        for one in relative:
            _apply(root, one, old, new)
        return
    path = root / relative
    if new is None:
        path.unlink()
    elif old is None:
        appended = path.read_text(encoding="utf-8") + new if path.exists() and not new.startswith("---") else new
        path.write_text(appended, encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{relative} no longer contains {old!r}: update the test's edits"
        path.write_text(text.replace(old, new), encoding="utf-8")


def _build(project: Project, reuse: Reuse | None = None) -> Site:
    return build_site(project, reuse=reuse) if reuse else build_site(project)


def _assert_same_files(reused: Site, cold: Site, what: str) -> None:
    assert sorted(reused.files) == sorted(cold.files), what
    different = [path for path in cold.files if reused.files[path] != cold.files[path]]
    assert different == [], f"after {what}, the reusing build differs from a cold one in {different}"


def test_memo_rebuild_matches_a_cold_build_after_every_kind_of_edit(tmp_path):
    project = copy_real_site(tmp_path)
    reuse = Reuse()
    _build(project, reuse)
    reuse.finish(succeeded=True)
    for what, relative, old, new in EDITS:
        _apply(tmp_path, relative, old, new)
        reused = _build(project, reuse)
        reuse.finish(succeeded=True)
        _assert_same_files(reused, _build(project), what)


def _clock_at(monkeypatch, now: int) -> None:
    """The clock as file signatures see it (reuse/files.py): files younger than two seconds are
    compared byte for byte, so a slow first build (a busy machine) would otherwise see the copied
    files change form between two builds."""
    monkeypatch.setattr(files_module, "time", SimpleNamespace(time_ns=lambda: now))


def test_memo_rebuild_renders_only_the_files_that_show_the_edited_fact(tmp_path, monkeypatch):
    project = copy_real_site(tmp_path)
    _clock_at(monkeypatch, time.time_ns() + 3_600 * 10**9)  # every file long saved
    reuse = Reuse()
    before = _build(project, reuse)
    reuse.finish(succeeded=True)
    _apply(tmp_path, "content/facts/layout.yaml", "network covering the whole region", "network across the region")
    after = _build(project, reuse)
    made = [path for path in after.files if path.endswith((".html", ".csv", ".json"))]
    rendered = sorted(path for path in made if after.files[path] is not before.files.get(path))
    changed = sorted(path for path in made if after.files[path] != before.files.get(path))
    assert changed == ["data/facts.csv", "data/facts.json", "en/data/index.html", "en/index.html",
                       "en/layout/index.html", "en/layout/wechat/index.html", "en/wechat/index.html"]
    # Every file that reads a fact of the edited file is rendered again (the file's facts are
    # parsed anew); files that read none of them are not.
    assert set(changed) <= set(rendered)
    assert not {"about/index.html", "en/about/index.html", "404.html", "embed/rd_intensity/index.html",
                "data/charts/rd_intensity.csv"} & set(rendered)


def test_memo_rebuild_after_a_failed_build_matches_a_cold_build(tmp_path):
    project = copy_real_site(tmp_path)
    reuse = Reuse()
    _build(project, reuse)
    reuse.finish(succeeded=True)
    facts = tmp_path / "content/facts/rd.yaml"
    good = facts.read_text(encoding="utf-8")
    facts.write_text(good.replace("unit: percent", "unit: percnt", 1), encoding="utf-8")
    with pytest.raises(BuildFailed):
        _build(project, reuse)
    reuse.finish(succeeded=False)
    facts.write_text(good.replace("3.5", "3.7"), encoding="utf-8")
    _apply(tmp_path, ARCHIVE, "3.5", "3.7")
    reused = _build(project, reuse)
    _assert_same_files(reused, _build(project), "fixing a broken fact file")


def test_memo_sees_same_size_saves_that_file_times_cannot_tell_apart(tmp_path, monkeypatch):
    """File times tick in steps of a few milliseconds: two same-size saves in one step leave
    inode, size and times alike. Here every save of rd.yaml is given the same times, and the
    memo's clock stands at that moment, as when saves and builds all fall within one step
    (however long the builds take on a busy machine)."""
    project = copy_real_site(tmp_path)
    facts = tmp_path / "content/facts/rd.yaml"
    real_lstat, saved_at = os.lstat, time.time_ns()

    def coarse_lstat(path, *args, **kwargs):
        info = real_lstat(path, *args, **kwargs)
        if Path(path) != facts:
            return info
        return SimpleNamespace(st_mode=info.st_mode, st_ino=info.st_ino, st_size=info.st_size,
                               st_mtime_ns=saved_at, st_ctime_ns=saved_at)

    monkeypatch.setattr(files_module.os, "lstat", coarse_lstat)
    _clock_at(monkeypatch, saved_at + 10**6)  # every save within the same two seconds, however slow the builds
    reuse = Reuse()
    text = facts.read_text(encoding="utf-8")
    archive = tmp_path / ARCHIVE
    archived = archive.read_text(encoding="utf-8")
    for value in ("3.6", "3.7", "3.8"):
        facts.write_text(text.replace("3.5", value), encoding="utf-8")
        archive.write_text(archived.replace("3.5", value), encoding="utf-8")
        site = _build(project, reuse)
        reuse.finish(succeeded=True)
        assert site.story.facts["rd.jjj_2014"].value == float(value)


def _diagnostics(project: Project, reuse: Reuse | None = None) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        _build(project, reuse)
    return sorted(str(problem) for problem in failed.value.diagnostics)


def test_memo_sees_a_template_link_pointed_elsewhere(tmp_path):
    project = copy_real_site(tmp_path)
    templates = tmp_path / "templates"
    page = (templates / "page.html").read_text(encoding="utf-8")
    for name in ("first", "second"):
        (templates / f"{name}.html").write_text(page.replace("</article>", f"</article><!-- {name} -->"),
                                                encoding="utf-8")
    (templates / "linked.html").symlink_to("first.html")
    about = tmp_path / "content/pages/about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("---\n", "---\ntemplate: linked.html\n", 1),
                     encoding="utf-8")
    reuse = Reuse()
    _build(project, reuse)
    reuse.finish(succeeded=True)
    (templates / "linked.html").unlink()
    (templates / "linked.html").symlink_to("second.html")
    reused = _build(project, reuse)
    assert b"<!-- second -->" in reused.files["about/index.html"]
    _assert_same_files(reused, _build(project), "pointing a template link elsewhere")


def test_memo_sees_a_content_folder_moved_out_and_linked_back(tmp_path):
    project = copy_real_site(tmp_path)
    reuse = Reuse()
    _build(project, reuse)
    reuse.finish(succeeded=True)
    facts, elsewhere = tmp_path / "content/facts", tmp_path / "elsewhere"
    elsewhere.mkdir()
    facts.rename(elsewhere / "facts")
    facts.symlink_to(elsewhere / "facts")
    shown = _diagnostics(project, reuse)
    assert any("links to a place outside the content folder" in line for line in shown)
    assert shown == _diagnostics(project)


def test_memo_sees_the_content_folder_replaced_by_a_link(tmp_path):
    project = copy_real_site(tmp_path)
    reuse = Reuse()
    _build(project, reuse)
    reuse.finish(succeeded=True)
    (tmp_path / "content").rename(tmp_path / "content-v2")
    (tmp_path / "content").symlink_to(tmp_path / "content-v2")
    _apply(tmp_path, ("content/facts/rd.yaml", ARCHIVE), "3.5", "3.6")
    _assert_same_files(_build(project, reuse), _build(project), "replacing the content folder by a link")


def test_memo_sees_an_edit_to_the_archived_source(tmp_path):
    project = copy_real_site(tmp_path)
    reuse = Reuse()
    _build(project, reuse)
    reuse.finish(succeeded=True)
    _apply(tmp_path, ARCHIVE, "4.22%", "4.2%")
    shown = _diagnostics(project, reuse)
    assert any("the evidence of 'rd.jjj_2024' does not occur in the archived text" in line for line in shown)
    assert shown == _diagnostics(project)
    reuse.finish(succeeded=False)
    _apply(tmp_path, ARCHIVE, "4.2%", "4.22%")
    _assert_same_files(_build(project, reuse), _build(project), "restoring the archived source")


def test_memo_sees_a_page_image_added_and_changed(tmp_path):
    from PIL import Image as Picture

    project = copy_real_site(tmp_path)
    reuse = Reuse()
    _build(project, reuse)
    reuse.finish(succeeded=True)
    images = tmp_path / "content" / "images"
    images.mkdir()
    Picture.new("RGB", (40, 20), "white").save(images / "map.png")
    _apply(tmp_path, "content/pages/about.md", None, "\n\n![示意图](images/map.png)\n")
    reused = _build(project, reuse)
    reuse.finish(succeeded=True)
    assert b'width="40" height="20"' in reused.files["about/index.html"]
    _assert_same_files(reused, _build(project), "adding a page image")
    Picture.new("RGB", (60, 20), "white").save(images / "map.png")
    reused = _build(project, reuse)
    assert b'width="60" height="20"' in reused.files["about/index.html"]
    _assert_same_files(reused, _build(project), "changing a page image")


# The build cache on disk (reuse/disk.py): `kejiquan build` run again, in a fresh process each time
# as `make site` is, gives the files a cold build gives.

def _cli_build(project: Project, monkeypatch, *extra: str) -> tuple[int, str]:
    monkeypatch.setenv("KEJIQUAN_BROWSER", "/nonexistent")  # no chart pictures: the site build_site gives
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["build", "--project", str(project.root), "--templates", str(project.templates), *extra])
    return code, printed.getvalue()


def _written(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in sorted(output.rglob("*"))
            if path.is_file() and path.name != STAMP}


def _assert_written_as_cold(project: Project, what: str) -> None:
    cold = build_site(project).files
    written = _written(project.root / "_site")
    assert sorted(written) == sorted(cold), what
    different = [path for path in cold if written[path] != cold[path]]
    assert different == [], f"after {what}, the cached build wrote what a cold one does not in {different}"


def test_cached_cli_build_matches_a_cold_build_after_every_kind_of_edit(tmp_path, monkeypatch):
    project = copy_real_site(tmp_path)
    assert _cli_build(project, monkeypatch)[0] == 0
    assert (tmp_path / CACHE_FOLDER / CACHE_FILE).is_file()
    for what, relative, old, new in EDITS:
        _apply(tmp_path, relative, old, new)
        code, printed = _cli_build(project, monkeypatch)
        assert code == 0, what
        assert "build cache" not in printed, printed
        _assert_written_as_cold(project, what)


def test_cached_cli_build_renders_and_writes_only_what_the_edited_fact_touches(tmp_path, monkeypatch):
    project = copy_real_site(tmp_path)
    assert _cli_build(project, monkeypatch)[0] == 0
    output = tmp_path / "_site"
    before = {path: path.stat().st_ino for path in output.rglob("*") if path.is_file()}
    _apply(tmp_path, "content/facts/layout.yaml", "network covering the whole region", "network across the region")
    assert _cli_build(project, monkeypatch)[0] == 0
    rewritten = sorted(path.relative_to(output).as_posix() for path in output.rglob("*")
                       if path.is_file() and before.get(path) != path.stat().st_ino)
    assert rewritten == ["data/facts.csv", "data/facts.json", "en/data/index.html",
                         "en/index.html", "en/layout/index.html", "en/layout/wechat/index.html",
                         "en/wechat/index.html"]
    _assert_written_as_cold(project, "a fact's English label")


def test_cached_cli_build_after_a_failed_build_matches_a_cold_build(tmp_path, monkeypatch):
    project = copy_real_site(tmp_path)
    assert _cli_build(project, monkeypatch)[0] == 0
    _apply(tmp_path, "content/facts/rd.yaml", "unit: percent", "unit: percnt")
    assert _cli_build(project, monkeypatch)[0] == 1
    _apply(tmp_path, "content/facts/rd.yaml", "unit: percnt", "unit: percent")
    _apply(tmp_path, ("content/facts/rd.yaml", ARCHIVE), "3.5", "3.7")
    assert _cli_build(project, monkeypatch)[0] == 0
    _assert_written_as_cold(project, "fixing a broken fact file")


def test_cached_cli_build_ignores_a_cache_from_another_version_with_one_note(tmp_path, monkeypatch):
    project = copy_real_site(tmp_path)
    assert _cli_build(project, monkeypatch)[0] == 0
    monkeypatch.setattr(disk_module, "__version__", "0.0.1-other")
    _apply(tmp_path, ("content/facts/rd.yaml", ARCHIVE), "3.5", "3.6")
    code, printed = _cli_build(project, monkeypatch)
    assert code == 0
    assert printed.count("note: the build cache") == 1
    assert "note: the build cache was written by another engine version: building from scratch" in printed
    _assert_written_as_cold(project, "a cache from another version")
    assert "note: the build cache" not in _cli_build(project, monkeypatch)[1]  # the next one is this version's


@pytest.mark.parametrize("damage", ["truncated", "garbage", "unreadable"])
def test_cached_cli_build_ignores_a_damaged_cache_with_one_note(tmp_path, monkeypatch, damage):
    project = copy_real_site(tmp_path)
    assert _cli_build(project, monkeypatch)[0] == 0
    cache = tmp_path / CACHE_FOLDER / CACHE_FILE
    if damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:len(cache.read_bytes()) // 2])
    elif damage == "garbage":
        cache.write_bytes(b"\x80\x05garbage" * 100)
    else:
        cache.unlink()
        cache.mkdir()  # a folder where the file should be: reading it fails
    _apply(tmp_path, ("content/facts/rd.yaml", ARCHIVE), "3.5", "3.6")
    code, printed = _cli_build(project, monkeypatch)
    assert code == 0, printed
    assert printed.count("note: the build cache") == 1, printed
    _assert_written_as_cold(project, f"a {damage} cache")


def test_cached_cli_build_rewrites_an_output_folder_changed_by_hand(tmp_path, monkeypatch):
    project = copy_real_site(tmp_path)
    assert _cli_build(project, monkeypatch)[0] == 0
    (tmp_path / "_site/about/index.html").write_text("edited by hand", encoding="utf-8")
    (tmp_path / "_site/index.html").unlink()
    assert _cli_build(project, monkeypatch)[0] == 0
    _assert_written_as_cold(project, "an output folder changed by hand")


def test_no_cache_builds_from_scratch_and_removes_the_cache(tmp_path, monkeypatch):
    project = copy_real_site(tmp_path)
    assert _cli_build(project, monkeypatch)[0] == 0
    cache = tmp_path / CACHE_FOLDER / CACHE_FILE
    assert cache.is_file()
    _apply(tmp_path, ("content/facts/rd.yaml", ARCHIVE), "3.5", "3.6")
    assert _cli_build(project, monkeypatch, "--no-cache")[0] == 0
    assert not cache.exists()
    _assert_written_as_cold(project, "--no-cache")


def test_cached_cli_build_leaves_the_cache_to_one_build_at_a_time(tmp_path, monkeypatch):
    project = copy_real_site(tmp_path)
    assert _cli_build(project, monkeypatch)[0] == 0
    folder = tmp_path / CACHE_FOLDER
    with open(folder / LOCK_FILE, "a+b") as held:  # another build holds the cache
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        stored = (folder / CACHE_FILE).read_bytes()
        _apply(tmp_path, ("content/facts/rd.yaml", ARCHIVE), "3.5", "3.6")
        code, printed = _cli_build(project, monkeypatch)
        assert code == 0
        assert "note: another build is using the build cache: this one builds from scratch" in printed
        assert (folder / CACHE_FILE).read_bytes() == stored  # not touched while the other build holds it
    _assert_written_as_cold(project, "a cache held by another build")
