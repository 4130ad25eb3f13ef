"""The caches the command line keeps between runs (compiled templates, share images): the site is
byte for byte what a build without them makes, when they are empty, warm, stale, corrupt or
cannot be written."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import REPO, edit_file
from kejiquan_site.build.site import build_site
from kejiquan_site.cli import main
from kejiquan_site.model.story import Project
from kejiquan_site.render import shareimage
from kejiquan_site.render.shareimage import CACHE_FOLDER as SHARE
from kejiquan_site.render.shareimage import is_whole_png
from kejiquan_site.render.templatecache import CACHE_FOLDER as JINJA


def _entries(cache: Path) -> dict[str, tuple[int, int]]:
    """{entry: (inode, mtime in ns)} of every file in the cache: what a build wrote again."""
    return {path.relative_to(cache).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in sorted(cache.rglob("*")) if path.is_file()}


def test_build_caches_give_the_files_of_a_build_without_them(make_project, tmp_path):
    project = make_project()
    cache = tmp_path / "cache"
    cold = build_site(project).files
    assert build_site(project, cache=cache).files == cold
    kept = _entries(cache)
    assert any(name.startswith(f"{JINJA}/") for name in kept)
    assert [name for name in kept if name.startswith(f"{SHARE}/")] == [
        f"{SHARE}/{path.name}" for path in sorted((cache / SHARE).glob("*.png"))] != []
    assert build_site(project, cache=cache).files == cold
    assert _entries(cache) == kept  # warm: nothing compiled or drawn again


def test_build_caches_follow_edits_of_templates_and_pages(make_project, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    project = make_project(templates=templates)
    cache = tmp_path / "cache"
    build_site(project, cache=cache)
    [base] = [path for path in templates.rglob("*.html") if "<footer" in path.read_text(encoding="utf-8")]
    edit_file(base, {"<footer": "<footer data-edited"})
    edit_file(project.content / "pages/index.md", {"title: 测试首页": "title: 改过的首页"})
    cached = build_site(project, cache=cache).files
    assert cached == build_site(project).files
    assert any(b"data-edited" in data for data in cached.values())


def test_build_caches_redraw_and_recompile_corrupt_entries(make_project, tmp_path):
    project = make_project()
    cache = tmp_path / "cache"
    cold = build_site(project, cache=cache).files
    share = sorted((cache / SHARE).glob("*.png"))
    templates = sorted((cache / JINJA).rglob("*.cache"))
    good = {path: path.read_bytes() for path in share + templates}
    share[0].write_bytes(good[share[0]][:-20])  # cut short
    flipped = bytearray(good[templates[0]])
    flipped[-10] ^= 0xFF
    templates[0].write_bytes(bytes(flipped))  # one byte changed
    templates[-1].write_bytes(b"")
    assert build_site(project, cache=cache).files == cold
    assert all(path.read_bytes() == data for path, data in good.items())  # each entry made again


def test_build_caches_that_cannot_be_written_are_skipped(make_project, tmp_path):
    project = make_project()
    cache = tmp_path / "cache"
    cache.write_text("a file where the cache folder would be", encoding="utf-8")
    assert build_site(project, cache=cache).files == build_site(project).files


def test_build_caches_whole_png_refuses_cut_and_altered_files(make_project, tmp_path):
    project = make_project()
    site = build_site(project, cache=tmp_path / "cache")
    png = next(data for path, data in site.files.items() if path.startswith("assets/share-"))
    assert is_whole_png(png)
    altered = bytearray(png)
    altered[len(png) // 2] ^= 1
    assert not any(is_whole_png(data) for data in (png[:-1], bytes(altered), png + b"x", b"", png[8:]))


def _build_args(project: Project) -> list[str]:
    return ["--project", str(project.root), "--templates", str(project.templates)]


def test_build_caches_draw_share_images_once_a_cjk_font_is_installed(make_project, tmp_path, monkeypatch, capsys):
    """A build without a CJK font has no share images; the next `make site` after installing
    fonts-noto-cjk draws them, though its build cache kept the pages of the build before."""
    project = make_project()
    installed = shareimage.FONT_CANDIDATES
    monkeypatch.setattr(shareimage, "FONT_CANDIDATES", ())
    monkeypatch.setattr(shareimage, "FONTCONFIG", str(tmp_path / "no-fc-match"))
    assert main(["build", *_build_args(project)]) == 0
    assert "no CJK font found" in capsys.readouterr().out
    assert list((tmp_path / "_site/assets").glob("share-*.png")) == []
    monkeypatch.setattr(shareimage, "FONT_CANDIDATES", installed)  # fonts-noto-cjk installed
    assert main(["build", *_build_args(project)]) == 0
    assert "no CJK font" not in capsys.readouterr().out
    drawn = {f"assets/{path.name}" for path in (tmp_path / "_site/assets").glob("share-*.png")}
    assert drawn == {path for path in build_site(project).files if path.startswith("assets/share-")} != set()
    assert "assets/share-" in (tmp_path / "_site/index.html").read_text(encoding="utf-8")


def _fake_fc_list(folder: Path, listed: str) -> str:
    """A stand-in for fontconfig's fc-list that lists `listed` whatever it is asked."""
    script = folder / "fc-list"
    script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{listed}EOF\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_build_caches_share_image_font_is_one_fontconfig_says_covers_chinese(tmp_path):
    """fc-match names a Latin font when no font covers Chinese (the image would show boxes);
    the fonts fc-list gives for zh-cn are used, a regular sans first, and none means none."""
    listed = ("/fonts/NotoSerifCJK-Bold.ttc: \n/fonts/NotoSansCJK-Bold.ttc: \n/fonts/NotoSansCJK-Regular.ttc: \n"
              "/fonts/fonts.dir: \n")
    assert shareimage._fontconfig_cjk_font(_fake_fc_list(tmp_path, listed)) == "/fonts/NotoSansCJK-Regular.ttc"
    (tmp_path / "none").mkdir()
    assert shareimage._fontconfig_cjk_font(_fake_fc_list(tmp_path / "none", "")) is None


def _tree(root: Path) -> dict[str, tuple[int, int, int]]:
    """{path: (mode, size, mtime in ns)} of everything below `root`, folders and hidden files too."""
    return {path.relative_to(root).as_posix(): (path.lstat().st_mode, path.lstat().st_size, path.lstat().st_mtime_ns)
            for path in sorted(root.rglob("*"))}


def test_build_caches_check_writes_nothing_into_the_project(make_project, tmp_path):
    """`kejiquan check` compiles templates and draws share images without keeping them, and uses
    the caches a build left without writing to them."""
    project = make_project()
    untouched = _tree(tmp_path)
    assert main(["check", "--strict", *_build_args(project)]) == 0
    assert _tree(tmp_path) == untouched  # no .cache/: no compiled templates, no share images
    assert main(["build", "--strict", *_build_args(project)]) == 0
    warm = _tree(tmp_path)
    assert any(name.startswith(f".cache/kejiquan/{SHARE}/") for name in warm)
    assert main(["check", "--strict", *_build_args(project)]) == 0
    assert _tree(tmp_path) == warm
