"""Stories that change in public: the record of what was published, the updates log, and what
readers get when a published number changes (note, marked number, log page, JSON-LD, Atom feed,
history in the downloads), in both editions."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from helpers import ENTRY, RD, change_jjj_2024, copy_real_site, replace_in, write_updates_log
from kejiquan_site.build.site import build_site
from kejiquan_site.cli import main
from kejiquan_site.diagnostics import BuildFailed, format_diagnostic
from kejiquan_site.model.story import Project

ATOM = "{http://www.w3.org/2005/Atom}"


def _today() -> str:
    """The date the messages suggest: today's, so an editor who copies it never dates a change ahead."""
    return datetime.date.today().isoformat()


@pytest.fixture(scope="module")
def published_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real story, published on 2026-11-30 (its record is in content/published.yaml), once
    for the module: building and writing it is most of what a test here would cost."""
    root = tmp_path_factory.mktemp("published")
    copy_real_site(root)
    assert main(["publish", "--project", str(root), "--date", "2026-11-30", "-o", str(root / "_site")]) == 0
    return root


@pytest.fixture
def published(published_once: Path, tmp_path: Path) -> Project:
    """A copy of the published story (content, templates, the site written and the caches) for a
    test to change."""
    shutil.copytree(published_once, tmp_path, symlinks=True, dirs_exist_ok=True)
    return Project(tmp_path, tmp_path / "content", tmp_path / "templates")


def _failure(project: Project) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build_site(project, strict=True)
    return [format_diagnostic(d, project.root) for d in failed.value.diagnostics]


def test_updates_real_story_has_an_empty_log_and_feed(real_site):
    for prefix in ("", "en/"):
        page = real_site.files[f"{prefix}updates/index.html"].decode()
        assert "update-log-empty" in page
        feed = ElementTree.fromstring(real_site.files[f"{prefix}updates.xml"])
        assert feed.tag == f"{ATOM}feed" and feed.findall(f"{ATOM}entry") == []
        home = real_site.files[f"{prefix}index.html"].decode()
        assert f'type="application/atom+xml" href="{"../" if prefix else ""}{prefix}updates.xml"' in home
        assert "update-note" not in home


def test_updates_silent_change_is_refused_at_the_value(published):
    change_jjj_2024(published.root)
    messages = _failure(published)
    assert messages == [
        "content/facts/rd.yaml:33:10: error: 'rd.jjj_2024' changed since it was published on 2026-11-30 "
        "(4.22% -> 4.3%), and content/updates.yaml has no entry for it: a published fact may not change silently\n"
        "      value: 4.3\n"
        "             ^\n"
        "  expected: an entry in content/updates.yaml such as\n"
        f"    - date: \"{_today()}\"\n"
        "      kind: update          # or correction\n"
        "      facts: [rd.jjj_2024]\n"
        "      note: 新数据\n"
        "      note_en: new data"]
    site = build_site(published)  # without --strict: a warning, so the preview keeps working
    assert [w.severity for w in site.story.warnings] == ["warning"]


def test_updates_derived_facts_need_no_entry_of_their_own(published):
    """rd.jjj_change_pp is computed from rd.jjj_2024: the entry for the input covers it."""
    change_jjj_2024(published.root)
    write_updates_log(published.root, ENTRY.format(kind="update"))
    site = build_site(published, strict=True)
    assert "rd.jjj_change_pp" in site.story.updates[0].touches


def test_updates_entry_shows_on_every_page_of_the_fact(published):
    change_jjj_2024(published.root)
    write_updates_log(published.root, ENTRY.format(kind="update"))
    site = build_site(published, strict=True)
    files, base = site.files, site.story.config.base_url  # the feed's links leave the site: absolute
    home, home_en = files["index.html"].decode(), files["en/index.html"].decode()
    assert ('<p class="update-note update-note-update" id="note-update-2027-03-02-1">更新于 2027年3月2日：'
            "京津冀地区平均研发投入强度由4.22%更新为4.3%（新数据）") in home
    assert ("Updated March 2, 2027: Average R&amp;D intensity in Beijing-Tianjin-Hebei changed from 4.22% "
            "to 4.3% (new data)") in home_en
    assert re.search(r'<a class="fact fact-number fact-update fact-link" href="data/#fact-rd.jjj_2024" '
                     r'data-fact="rd.jjj_2024">4.3%<span class="visually-hidden">（已更新）</span></a>', home)
    assert '4.3%<span class="visually-hidden"> (updated)</span>' in home_en
    assert "update-note" not in files["about/index.html"].decode()  # it shows no changed fact
    for prefix in ("", "en/"):
        log = files[f"{prefix}updates/index.html"].decode()
        assert 'id="update-2027-03-02-1"' in log and "update-log-empty" not in log
        json_ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                       files[f"{prefix}index.html"].decode()).group(1))
        assert json_ld["dateModified"] == "2027-03-02" and "correction" not in json_ld
        feed = ElementTree.fromstring(files[f"{prefix}updates.xml"])
        assert feed.find(f"{ATOM}updated").text == "2027-03-02T00:00:00Z"
        [entry] = feed.findall(f"{ATOM}entry")
        assert entry.find(f"{ATOM}link").get("href") == f"{base}{prefix}updates/#update-2027-03-02-1"
        assert "4.22%" in entry.find(f"{ATOM}content").text


def test_updates_correction_reads_as_a_correction(published):
    change_jjj_2024(published.root)
    write_updates_log(published.root, ENTRY.format(kind="correction"))
    files = build_site(published, strict=True).files
    assert "更正于 2027年3月2日：京津冀地区平均研发投入强度由4.22%更正为4.3%（新数据）" in files["index.html"].decode()
    assert "Corrected March 2, 2027:" in files["en/index.html"].decode()
    json_ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                   files["index.html"].decode()).group(1))
    assert json_ld["correction"] == [{"@type": "CorrectionComment", "datePublished": "2027-03-02",
                                      "text": "更正于 2027年3月2日：京津冀地区平均研发投入强度由4.22%更正为4.3%（新数据）"}]
    assert "（已更正）" in files["index.html"].decode()


def test_updates_publish_moves_the_record_on_and_keeps_history(published):
    change_jjj_2024(published.root)
    write_updates_log(published.root, ENTRY.format(kind="update"))
    before = build_site(published, strict=True).files
    assert main(["publish", "--project", str(published.root), "--date", "2027-03-03",
                 "-o", str(published.root / "_site")]) == 0
    record = (published.content / "published.yaml").read_text(encoding="utf-8")
    assert "published: '2027-03-03'" in record
    assert "  rd.jjj_2024:\n  - date: '2026-11-30'\n    value: 4.22\n" in record
    assert "  - date: '2027-03-02'\n    value: 4.3\n" in record  # dated by its entry
    after = build_site(published, strict=True).files
    assert _note(after["index.html"]) == _note(before["index.html"])  # the entry is now history
    facts = {f["id"]: f for f in json.loads(after["data/facts.json"])["facts"]}
    assert facts["rd.jjj_2024"]["history"] == [{"since": "2026-11-30", "value": 4.22, "display": "4.22%",
                                              "display_en": "4.22%"}]
    assert facts["rd.jjj_2014"]["history"] == []
    assert "2026-11-30: 4.22%" in after["data/facts.csv"].decode("utf-8-sig")
    assert '<span class="nobr">4.3%</span><span class="fact-was">（2026年11月30日发布为4.22%）</span>' in after["data/index.html"].decode()
    assert "<span class=\"nobr\">4.3%</span><span class=\"fact-was\"> (published as 4.22% on November 30, 2026)</span>" in \
        after["en/data/index.html"].decode()
    assert "2027年3月3日" in after["index.html"].decode()  # the footer's data version


def _note(html: bytes) -> str:
    return re.search(r'<aside class="update-notes".*?</aside>', html.decode(), re.S).group(0)


@pytest.mark.parametrize("log, message", [
    (ENTRY.format(kind="update").replace("rd.jjj_2024", "rd.jjj_2042"),
     "content/updates.yaml:3:11: error: unknown fact 'rd.jjj_2042' (did you mean 'rd.jjj_2024'?)"),
    (ENTRY.format(kind="update").replace("rd.jjj_2024", "rd.jjj_2014"),
     "content/updates.yaml:3:11: error: 'rd.jjj_2014' has not changed: it is 3.5%, as published on 2026-11-30"),
    (ENTRY.format(kind="fix"),
     "content/updates.yaml:2:9: error: 'kind' must be update (更新: new information) or correction (更正: the "
     "published value was wrong), got the text 'fix'"),
    (ENTRY.format(kind="update").replace('"2027-03-02"', '"2026-11-01"'),
     "content/updates.yaml:3:11: error: 'rd.jjj_2024' changed after the last publication (2026-11-30), but this "
     "entry is dated 2026-11-01"),
    ("date: 2027-03-02\n", "content/updates.yaml:1:1: error: updates.yaml must be a list of entries, got a block of keys"),
])
def test_updates_log_errors_are_located(published, log, message):
    change_jjj_2024(published.root)
    write_updates_log(published.root, log)
    assert any(text.startswith(message) for text in _failure(published)), _failure(published)


GOAL = "industry.world_class_goal"  # a text fact shown in one sentence of each edition
WITHDRAWAL = """- date: "2026-12-02"
  kind: correction
  facts: [industry.world_class_goal]
  note: 原文并无此说法
  note_en: the source does not say so
"""


def _take_out_goal(root: Path, new_id: str | None = None) -> None:
    """The fact deleted (or, with `new_id`, renamed), and the pages made to match."""
    path = root / "content/facts/industry.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("world_class_goal:")
    end = text.find("\n\n", start)
    body = text[start:] if end < 0 else text[start:end + 2]
    path.write_text(text.replace(body, body.replace("world_class_goal:", f"{new_id}:") if new_id else ""),
                    encoding="utf-8")
    for page, words in (("content/pages/index.md", "培育世界级产业集群"),
                        ("content/pages/en/index.md", "building world-class industry clusters")):
        replace_in(root, page, f"{{fact}}`{GOAL}`", f"{{fact}}`industry.{new_id}`" if new_id else words)


@pytest.mark.parametrize("new_id", [None, "world_goal"])
def test_updates_published_fact_deleted_or_renamed_is_refused_at_its_record(published, new_id):
    _take_out_goal(published.root, new_id)
    assert _failure(published) == [
        f"content/published.yaml:33:3: error: '{GOAL}' was published on 2026-11-30 and is no longer among the "
        "facts (deleted or renamed), and content/updates.yaml has no entry for it: a published fact may not "
        "disappear silently\n"
        f"      {GOAL}:\n"
        "      ^\n"
        "  expected: the fact back in content/facts/ (under its old id, if it was renamed), or an entry in "
        "content/updates.yaml saying it was withdrawn, such as\n"
        f'    - date: "{_today()}"\n'
        "      kind: correction      # or update\n"
        f"      facts: [{GOAL}]\n"
        "      note: 原文并无此说法\n"
        "      note_en: the source does not say so"]
    site = build_site(published)  # without --strict: a warning, so the preview keeps working
    assert [w.severity for w in site.story.warnings] == ["warning"]


def test_updates_withdrawal_entry_is_in_the_log_and_feed_and_survives_publish(published):
    _take_out_goal(published.root)
    write_updates_log(published.root, WITHDRAWAL)
    files = build_site(published, strict=True).files
    assert "更正于 2026年12月2日：撤回已发布的数据（原文并无此说法）" in files["updates/index.html"].decode()
    assert "Corrected December 2, 2026: published data withdrawn (the source does not say so)" in \
        files["en/updates/index.html"].decode()
    assert len(ElementTree.fromstring(files["updates.xml"]).findall(f"{ATOM}entry")) == 1
    assert "update-note" not in files["index.html"].decode(), "no page shows the fact any more"
    assert main(["publish", "--project", str(published.root), "--date", "2026-12-03",
                 "-o", str(published.root / "_site")]) == 0
    assert f"  {GOAL}:\n" in (published.content / "published.yaml").read_text(encoding="utf-8"), "kept as history"
    after = build_site(published, strict=True).files["updates/index.html"]
    assert _log(after) == _log(files["updates/index.html"]), "the entry stays, as history"


def _log(html: bytes) -> str:
    return re.search(r'<ol class="update-log">.*?</ol>', html.decode(), re.S).group(0)


@pytest.mark.parametrize("log, message", [
    (WITHDRAWAL.replace("2026-12-02", "2026-11-02"),
     f"content/updates.yaml:3:11: error: '{GOAL}' was last published on 2026-11-30, after this entry's date 2026-11-02"),
    (WITHDRAWAL + WITHDRAWAL.replace("2026-12-02", "2026-12-05"),
     f"content/updates.yaml:8:11: error: the withdrawal of '{GOAL}' already has an entry (line 3)"),
])
def test_updates_withdrawal_errors_are_located_and_alone(published, log, message):
    _take_out_goal(published.root)
    write_updates_log(published.root, log)
    assert [text.split("\n")[0] for text in _failure(published)] == [message]


def test_updates_entry_before_anything_was_published(tmp_path):
    project = copy_real_site(tmp_path)
    (project.content / "published.yaml").unlink()
    write_updates_log(tmp_path, ENTRY.format(kind="update"))
    assert _failure(project)[0].startswith(
        "content/updates.yaml:1:3: error: nothing has been published yet (there is no content/published.yaml), "
        "so no fact can have changed")


def test_updates_broken_record_is_located(published):
    (published.content / "published.yaml").write_text("published: yesterday\nfacts: {}\n", encoding="utf-8")
    assert _failure(published)[0].startswith(
        f"content/published.yaml:1:12: error: 'published' must be a date written as \"{_today()}\", "
        "got the text 'yesterday'")


def test_updates_publish_refuses_a_silent_change_and_writes_nothing(published, capsys):
    change_jjj_2024(published.root)
    record = (published.content / "published.yaml").read_bytes()
    assert main(["publish", "--project", str(published.root), "--date", "2027-03-03",
                 "-o", str(published.root / "_site")]) == 1
    assert "may not change silently" in capsys.readouterr().err
    assert (published.content / "published.yaml").read_bytes() == record


def test_updates_publish_date_must_be_a_date(published, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["publish", "--project", str(published.root), "--date", "3 March"])
    assert exited.value.code == 2
    assert f"'3 March' is not a date written as {_today()}" in capsys.readouterr().err


def test_updates_numbers_link_to_their_row_in_the_data_table(real_site):
    for prefix in ("", "en/"):
        home = real_site.files[f"{prefix}index.html"].decode()
        data = real_site.files[f"{prefix}data/index.html"].decode()
        links = re.findall(r'<a class="[^"]*fact-link" href="(?:\.\./en/)?data/#fact-([a-z0-9_.]+)"', home)
        assert "rd.jjj_2024" in links and len(links) > 10
        assert all(f'<tr id="fact-{fact_id}">' in data for fact_id in links)


def test_updates_build_manifest_is_stable(real_site):
    manifest = json.loads(real_site.files["data/build.json"])
    assert set(manifest) == {"facts_sha256", "published", "updates", "git_commit", "engine", "plotly.js"}
    assert manifest["published"]["facts_sha256"] == manifest["facts_sha256"]  # nothing changed since publishing
    assert manifest["plotly.js"] == real_site.plotly.version
    assert "数据版本：" in real_site.files["index.html"].decode()
    assert "Data version: " in real_site.files["en/index.html"].decode()


def test_updates_datapackage_is_a_valid_frictionless_package(real_site, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    for path in ("data/datapackage.json", "data/facts.csv"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(real_site.files[path])
    package = json.loads(real_site.files["data/datapackage.json"])
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"][0]["title"].startswith("新京报: ")
    report = frictionless.validate(str(tmp_path / "data/datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == len(real_site.story.facts)


def test_updates_a_value_its_evidence_does_not_state_is_the_only_error(published):
    """The editor typed the other number of the fact's own quote: that is the root cause, so the
    change it seems to make and the source number it leaves uncovered are not reported too."""
    replace_in(published.root, RD, "value: 4.22", "value: 3.5")
    messages = _failure(published)
    assert [message.splitlines()[0] for message in messages] == [
        "content/facts/rd.yaml:37:13: error: the evidence of 'rd.jjj_2024' gives 4.22% for its period 2024, "
        "but the value is 3.5"]
