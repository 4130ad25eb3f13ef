"""`kejiquan new`: a starter project that builds and passes `check --strict` at once."""

from __future__ import annotations

from kejiquan_site.cli import main


def test_new_project_passes_strict_check_and_builds(tmp_path, capsys):
    target = tmp_path / "story"
    assert main(["new", str(target)]) == 0
    assert (target / "content" / "site.yaml").is_file() and (target / "templates" / "page.html").is_file()
    assert main(["check", "--strict", "--project", str(target)]) == 0
    assert main(["build", "--strict", "--project", str(target)]) == 0
    html = (target / "_site" / "index.html").read_text(encoding="utf-8")
    assert "120个" in html and "150个" in html and "25%" in html and "超过40%" in html
    assert "warning" not in capsys.readouterr().err


def test_new_refuses_a_folder_with_files(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("x")
    assert main(["new", str(tmp_path)]) == 1
    assert "already exists and is not an empty folder" in capsys.readouterr().err
