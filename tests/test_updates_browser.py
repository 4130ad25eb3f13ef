"""A changed number in Chromium: the link to its row without JavaScript, and with it the popover
(keyboard, accessible names, no layout shift, axe clean) in both editions."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from browser import launch_chromium, require_chromium, serve_folder
from helpers import AXE, ENTRY, change_jjj_2024, copy_real_site, write_updates_log
from kejiquan_site.build.output import write_site
from kejiquan_site.build.site import build_site
from kejiquan_site.cli import main

pytestmark = pytest.mark.browser

SHOWN = {"": ("4.3% （已更新）", "京津冀地区平均研发投入强度：出处", "2026年11月30日 · 4.22%"),
         "en/": ("4.3% (updated)", "Average R&D intensity in Beijing-Tianjin-Hebei: where it comes from",
                 "November 30, 2026 · 4.22%")}


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory):
    """The real story published on 2026-11-30, then rd.jjj_2024 updated with an entry; served
    under a sub-path."""
    root = tmp_path_factory.mktemp("changed")
    project = copy_real_site(root)
    config = project.content / "site.yaml"
    config.write_text(re.sub(r"(?m)^base_url: .*$", "base_url: https://example.org/kejiquan/",
                             config.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["publish", "--project", str(root), "--date", "2026-11-30", "-o", str(root / "_site")]) == 0
    change_jjj_2024(root)
    write_updates_log(root, ENTRY.format(kind="update"))
    served = root / "served"
    write_site(build_site(project, strict=True).files, served / "kejiquan")
    with serve_folder(served, not_found_site="kejiquan") as base:
        yield base + "kejiquan/"


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    with launch_chromium() as browser:
        yield browser


# Where the text blocks of the page are (charts draw themselves meanwhile and are left out).
LAYOUT = ("Array.from(document.querySelectorAll('main p, main li, .card, main h2'))"
          ".filter(e => !e.closest('.fact-popover, figure'))"
          ".map(e => { const r = e.getBoundingClientRect(); return [r.x + scrollX, r.y + scrollY, r.width, r.height]; })")


@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("width", [375, 1280])
def test_updates_browser_popover_by_keyboard(browser, changed_site, prefix, width):
    number, title, history = SHOWN[prefix]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(changed_site + prefix)
    opener = page.get_by_role("button", name=number).first
    assert opener.get_attribute("aria-expanded") == "false"
    opener.scroll_into_view_if_needed()
    before = page.evaluate(LAYOUT)
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=title)
    assert dialog.is_visible()
    assert opener.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.id") == "fact-popover"
    text = dialog.inner_text()
    assert "2024年的4.3%" in text and history in text
    assert page.evaluate(LAYOUT) == before, "opening the popover moved the page"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    if AXE.is_file():
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: "
                               "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
        assert [v["id"] for v in result["violations"]] == []
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").count() == 0
    assert page.evaluate("document.activeElement.getAttribute('data-fact')") == "rd.jjj_2024"
    page.keyboard.press(" ")  # a button opens on Space as well
    assert page.get_by_role("dialog", name=title).is_visible()
    page.get_by_role("button", name="关闭" if not prefix else "Close").click()
    assert page.get_by_role("dialog").count() == 0
    assert errors == []
    context.close()


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_updates_browser_without_javascript_the_number_leads_to_its_row(browser, changed_site, prefix):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(changed_site + prefix)
    page.locator('a.fact-link[data-fact="rd.jjj_2024"]').first.click()
    assert page.url == f"{changed_site}{prefix}data/#fact-rd.jjj_2024"
    assert page.locator("#fact-rd\\.jjj_2024").is_visible()
    context.close()


def test_updates_browser_screenshots(browser, changed_site):
    """Pictures of the changed pages for a person to look at (not compared), only on request:
    KEJIQUAN_SHOTS=/tmp/shots17 .venv/bin/pytest tests/test_updates_browser.py"""
    if not os.environ.get("KEJIQUAN_SHOTS"):
        pytest.skip("set KEJIQUAN_SHOTS to a folder to take screenshots")
    folder = Path(os.environ["KEJIQUAN_SHOTS"])
    folder.mkdir(exist_ok=True)
    for prefix in ("", "en/"):
        for width in (375, 1280):
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
                page = context.new_page()
                name = f"{prefix.strip('/') or 'zh'}-{width}-{scheme}"
                page.goto(changed_site + prefix)
                page.screenshot(path=str(folder / f"{name}-top.png"))
                page.get_by_role("button", name=SHOWN[prefix][0]).first.click()
                page.locator("#fact-popover").scroll_into_view_if_needed()
                page.screenshot(path=str(folder / f"{name}-popover.png"))
                page.goto(changed_site + prefix + "updates/")
                page.screenshot(path=str(folder / f"{name}-log.png"), full_page=True)
                page.goto(changed_site + prefix + "data/#fact-rd.jjj_2024")
                page.screenshot(path=str(folder / f"{name}-data.png"))
                context.close()
