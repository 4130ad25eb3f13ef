"""Publishing: an absolute base URL for every address that leaves the site (or `--base-url`), a
real corrections address or none, and a dated, signed story."""

from __future__ import annotations

import fnmatch
import json
import re

import pytest

from helpers import MINIMAL, REPO
from kejiquan_site.build.site import build_site
from kejiquan_site.cli import main

RELATIVE = MINIMAL["site.yaml"].replace("base_url: https://example.org/demo/", "base_url: /demo/")


def _args(command: str, tmp_path, *extra: str) -> list[str]:
    return [command, "--project", str(tmp_path), "--templates", str(REPO / "templates"), *extra]


def test_publishing_relative_base_url_is_an_error_in_a_strict_build_that_says_why(tmp_path, make_project, capsys):
    make_project({"site.yaml": RELATIVE})
    assert main(_args("check", tmp_path)) == 0  # a warning: the preview and drafts may stay relative
    assert main(_args("build", tmp_path, "--strict")) == 1
    err = capsys.readouterr().err
    assert ("content/site.yaml:4:11: error: base_url '/demo/' is a path, not an address: canonical and hreflang "
            "links, og:url and og:image, the sitemap, robots.txt, the JSON-LD and the embed code leave the site "
            "and only work with the full address") in err
    assert "expected: an absolute address ending in '/', such as https://example.org/kejiquan/, in site.yaml " \
           "or given with 'kejiquan build --base-url URL'" in err
    assert not (tmp_path / "_site").exists()


def test_publishing_base_url_option_overrides_site_yaml_everywhere(tmp_path, make_project, capsys):
    make_project({"site.yaml": RELATIVE})
    staging = "https://staging.example.net/story/"
    assert main(_args("build", tmp_path, "--strict", "--base-url", staging)) == 0
    site = tmp_path / "_site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{staging}">' in home
    assert f'<meta property="og:url" content="{staging}">' in home
    assert re.search(rf'hreflang="[^"]+" href="{re.escape(staging)}', home) or "hreflang" not in home
    assert f"Sitemap: {staging}sitemap.xml" in (site / "robots.txt").read_text()
    assert f"<loc>{staging}</loc>" in (site / "sitemap.xml").read_text()
    assert f'&lt;iframe src="{staging}embed/rd_bars/"' in home
    assert "/demo/" not in home.replace('href="../', "")


@pytest.mark.parametrize("base_url, root", [("https://example.org/demo/", "/demo/"), ("https://example.org/", "/")])
def test_publishing_headers_file_names_the_site_under_the_base_url_path(tmp_path, make_project, base_url, root):
    """Hosts match `_headers` against the path from the host's root: under a sub-path of the base
    URL, the policy covers the site's pages and the year of caching its hashed assets."""
    make_project()
    assert main(_args("build", tmp_path, "--strict", "--base-url", base_url)) == 0
    site = tmp_path / "_site"
    headers = (site / "_headers").read_text(encoding="utf-8")
    patterns = [line for line in headers.splitlines() if line and not line[0].isspace()]
    assert patterns == [f"{root}*", f"{root}assets/*"]
    assert "Cache-Control: public, max-age=31536000, immutable" in headers.split(patterns[1], 1)[1]
    css = re.search(r'href="(assets/site\.[0-9a-f]+\.css)"', (site / "index.html").read_text(encoding="utf-8"))
    assert css is not None and fnmatch.fnmatchcase(root + css.group(1), patterns[1])  # where readers fetch it


@pytest.mark.parametrize("written", ["--base-url", "site.yaml"])
def test_publishing_chinese_base_url_is_published_as_browsers_send_it(tmp_path, make_project, written):
    """A Chinese host or path in the base URL: the sitemap needs it escaped, and hosts match
    `_headers` against the escaped path browsers send."""
    chinese, sent = "https://例子.cn/京津冀/", "https://xn--fsqu00a.cn/%E4%BA%AC%E6%B4%A5%E5%86%80/"
    if written == "site.yaml":
        make_project({"site.yaml": MINIMAL["site.yaml"].replace("https://example.org/demo/", chinese)})
        assert main(_args("build", tmp_path, "--strict")) == 0
    else:
        make_project()
        assert main(_args("build", tmp_path, "--strict", "--base-url", chinese)) == 0
    site = tmp_path / "_site"
    assert f"<loc>{sent}</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{sent}">' in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "_headers").read_text(encoding="utf-8").startswith("/%E4%BA%AC%E6%B4%A5%E5%86%80/*\n")


@pytest.mark.parametrize("value, message", [
    ("/x/", "--base-url: '/x/' is not an http:// or https:// address"),
    ("https://example.org/x", "--base-url: 'https://example.org/x' does not end in '/'"),
])
def test_publishing_base_url_option_must_be_an_address(tmp_path, make_project, capsys, value, message):
    make_project()
    with pytest.raises(SystemExit):
        main(_args("build", tmp_path, "--base-url", value))
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("contact, message", [
    ('""', "'contact' is empty: the footer would ask readers to write to nobody"),
    ("corrections@kejiquan.example", "'contact' is a placeholder address ('corrections@kejiquan.example'): "
                                     "mail sent there reaches nobody"),
    ("desk@example.com", "'contact' is a placeholder address ('desk@example.com'): mail sent there reaches nobody"),
    ("write to us", "'contact' is not an e-mail address, got 'write to us'"),
])
def test_publishing_placeholder_contact_is_an_error_in_a_strict_build(tmp_path, make_project, capsys, contact, message):
    make_project({"site.yaml": MINIMAL["site.yaml"].rstrip() + f"\n        contact: {contact}\n"})
    assert main(_args("check", tmp_path, "--strict")) == 1
    err = capsys.readouterr().err
    assert f"content/site.yaml:6:10: error: {message}" in err
    assert "expected: a real e-mail address for corrections, or no 'contact:' line at all" in err


def test_publishing_real_contact_is_shown_and_no_contact_leaves_the_line_out(tmp_path, make_project):
    project = make_project({"site.yaml": MINIMAL["site.yaml"].rstrip() + "\n        contact: desk@kejiquan.cn\n"})
    home = build_site(project, strict=True).files["index.html"].decode()
    assert '<a href="mailto:desk@kejiquan.cn">desk@kejiquan.cn</a>' in home
    real = build_site(type(project)(REPO, REPO / "content", REPO / "templates"), strict=True).files
    assert "mailto:" not in real["index.html"].decode()


def test_publishing_real_site_addresses_are_absolute(real_pages, real_site):
    files = real_site.files
    base = real_site.story.config.base_url
    assert base.startswith("https://")
    for path in ("index.html", "en/index.html", "layout/index.html", "data/index.html"):
        html = real_pages[path]
        for pattern in (r'rel="canonical" href="([^"]+)"', r'property="og:url" content="([^"]+)"',
                        r'hreflang="[^"]+" href="([^"]+)"', r'property="og:image" content="([^"]+)"'):
            for url in re.findall(pattern, html):
                assert url.startswith(base), (path, pattern, url)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            data = json.loads(block)
            assert data["url"].startswith(base)
    assert files["robots.txt"].decode().endswith(f"Sitemap: {base}sitemap.xml\n")
    assert all(loc.startswith(base) for loc in re.findall(r"<loc>([^<]+)</loc>", files["sitemap.xml"].decode()))


def test_publishing_story_is_dated_and_signed_under_its_headline_and_in_json_ld(real_pages):
    for path, byline, published in (("index.html", "文｜科技圈数据新闻", "2026年11月26日"),
                                     ("en/index.html", "By Kejiquan Data Desk", "November 26, 2026")):
        html = real_pages[path]
        header = re.search(r'<header class="story-header">(.*?)</header>', html, re.S).group(1)
        assert byline in header and f'<time datetime="2026-11-26">{published}</time>' in header
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        assert data["author"][0]["name"] in byline and data["author"][0]["@type"] == "Organization"
        assert data["datePublished"] == "2026-11-26" and data["dateModified"] >= data["datePublished"]


STORY = "---\ntitle: t\ndescription: d\nschema: article\n{extra}---\n\n{{fact}}`rd.beijing` {{fact}}`rd.change` " \
        "{{fact}}`rd.jjj_2024`\n\n```{{chart}} rd_bars\n```\n"


def test_publishing_story_without_byline_is_an_error_in_a_strict_build(tmp_path, make_project, capsys):
    make_project({"pages/index.md": STORY.format(extra="")})
    assert main(_args("check", tmp_path)) == 0
    assert main(_args("check", tmp_path, "--strict")) == 1
    assert ("content/pages/index.md:4:9: error: a story (schema: article) needs 'authors' and 'published': readers "
            "and search engines look for who wrote it and when") in capsys.readouterr().err


def test_publishing_update_before_publication_is_an_error(tmp_path, make_project, capsys):
    make_project({"pages/index.md": STORY.format(extra="authors: [张三]\npublished: 2026-03-20\nupdated: 2026-03-18\n")})
    assert main(_args("check", tmp_path)) == 1
    assert "content/pages/index.md:7:10: error: 'updated' (2026-03-18) is before 'published' (2026-03-20)" \
        in capsys.readouterr().err
