"""model/urls.py: every kind of output path and address in both editions, and the rest of the
engine and the templates leaving those decisions to it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from helpers import REPO
from kejiquan_site.build.site import Site, build_site
from kejiquan_site.model import urls

PACKAGE = REPO / "src" / "kejiquan_site"


@pytest.mark.parametrize("language, prefix", [("zh", ""), ("en", "en/")])
def test_urls_pages_in_each_edition(language, prefix):
    assert urls.edition_prefix(language) == prefix
    assert (urls.page_path("index", language), urls.page_url("index", language)) == (prefix + "index.html", prefix)
    assert (urls.page_path("404", language), urls.page_url("404", language)) == (prefix + "404.html", prefix + "404.html")
    assert (urls.page_path("data", language), urls.page_url("data", language)) == (prefix + "data/index.html",
                                                                                     prefix + "data/")
    assert urls.wechat_path("layout", language) == prefix + "layout/wechat/index.html"
    assert urls.wechat_path("index", language) == prefix + "wechat/index.html"
    assert urls.has_wechat_edition("layout") and not urls.has_wechat_edition("404")
    with pytest.raises(ValueError, match="the 404 page has no 公众号 edition"):
        urls.wechat_path("404", language)


@pytest.mark.parametrize("language, prefix", [("zh", ""), ("en", "en/")])
def test_urls_charts_and_feeds_in_each_edition(language, prefix):
    assert urls.embed_url("rd", language) == prefix + "embed/rd/"
    assert urls.embed_path("rd", language) == prefix + "embed/rd/index.html"
    assert urls.chart_csv("rd", language) == prefix + "data/charts/rd.csv"
    assert urls.chart_svg("rd", language, 343) == prefix + "data/charts/rd-343.svg"
    assert urls.chart_svg("rd", language, 343, dark=True) == prefix + "data/charts/rd-343-dark.svg"
    assert urls.chart_png("rd", language) == prefix + "data/charts/rd-chart.png"
    assert urls.feed_path(language) == prefix + "updates.xml"


def test_urls_site_wide_files_are_shared_by_the_editions():
    assert (urls.FACTS_CSV, urls.FACTS_JSON) == ("data/facts.csv", "data/facts.json")
    assert (urls.BUILD_JSON, urls.DATAPACKAGE_JSON) == ("data/build.json", "data/datapackage.json")
    assert urls.in_data_package(urls.FACTS_CSV) == "facts.csv"  # next to datapackage.json
    assert (urls.SITEMAP, urls.ROBOTS, urls.HEADERS, urls.STAMP) == ("sitemap.xml", "robots.txt", "_headers",
                                                                     ".kejiquan-site")
    assert urls.gzip_path("data/facts.csv") == "data/facts.csv.gz"
    assert (urls.site_pattern("/"), urls.assets_pattern("/")) == ("/*", "/assets/*")
    assert (urls.site_pattern("/jingjinji/"), urls.assets_pattern("/jingjinji/")) == ("/jingjinji/*",
                                                                                    "/jingjinji/assets/*")


def test_urls_hashed_names_change_with_the_content():
    css = urls.asset_path("site.css", b"body{}")
    assert re.fullmatch(r"assets/site\.[0-9a-f]{10}\.css", css)
    assert urls.asset_path("site.css", b"body{ }") != css
    assert re.fullmatch(r"assets/img/logo\.[0-9a-f]{10}\.png", urls.asset_path("img/logo.png", b"png"))
    assert re.fullmatch(r"assets/plotly-basic-4\.1\.1\.min\.[0-9a-f]{10}\.js", urls.plotly_path("plotly-basic", "4.1.1", b"js"))
    assert re.fullmatch(r"assets/images/Map\.[0-9a-f]{10}\.png", urls.page_image_path("Map.PNG", b"png"))
    assert re.fullmatch(r"assets/share-index\.[0-9a-f]{10}\.png", urls.share_image_path("index", "zh", b"png"))
    assert re.fullmatch(r"assets/share-en-layout\.[0-9a-f]{10}\.png", urls.share_image_path("layout", "en", b"png"))


@pytest.mark.parametrize("name", ["2026-q1", "a-", "2026-京津冀_数据.v2", "a b", "%20"])
def test_urls_page_names_with_unusual_characters_are_kept_as_they_are(name):
    """The name is the file name of the page (checked when read); the path neither escapes nor
    drops any of it, and the address leads back to the file."""
    for language, prefix in (("zh", ""), ("en", "en/")):
        assert urls.page_path(name, language) == f"{prefix}{name}/index.html"
        assert urls.file_for_url(urls.page_url(name, language)) == urls.page_path(name, language)
        assert urls.root_from(urls.page_path(name, language)) == "../" * (2 if prefix else 1)


def test_urls_addresses_and_the_way_back_to_the_root():
    assert [urls.file_for_url(url) for url in ("", "en/", "about/", "404.html", "data/facts.csv")] == \
        ["index.html", "en/index.html", "about/index.html", "404.html", "data/facts.csv"]
    assert [urls.root_from(path) for path in ("index.html", "en/index.html", "en/embed/rd/index.html")] == \
        ["", "../", "../../../"]
    assert urls.absolute("https://example.org/sub/path/", urls.embed_url("rd", "en")) == \
        "https://example.org/sub/path/en/embed/rd/"


def _hashed(path: str, content: bytes) -> bool:
    """Whether `path` is assets/STEM.HASH.SUFFIX with the hash of `content`."""
    found = re.fullmatch(r"assets/(.+)\.[0-9a-f]{10}(\.[^./]+)", path)
    return found is not None and urls.hashed_name(found.group(1), found.group(2), content) == path


def test_urls_the_real_site_writes_exactly_the_paths_urls_decides(real_site: Site):
    """Every file of the real site is a path urls.py names for its pages, charts and editions
    (assets by their hash), and every path it names for them is written."""
    story = real_site.story
    expected = {urls.page_path(page.name, page.language) for page in story.pages}
    expected |= {urls.wechat_path(page.name, page.language) for page in story.pages
                 if page.chart_ids and urls.has_wechat_edition(page.name)}
    for language in story.config.editions:
        expected |= {urls.embed_path(chart_id, language) for chart_id in story.charts}
        expected |= {urls.chart_csv(chart_id, language) for chart_id in story.charts}
        expected.add(urls.feed_path(language))
    expected |= {urls.FACTS_CSV, urls.FACTS_JSON, urls.BUILD_JSON, urls.DATAPACKAGE_JSON, urls.SITEMAP,
                 urls.ROBOTS, urls.HEADERS}
    written = set(real_site.files)
    assert written - expected == {path for path in written if _hashed(path, real_site.files[path])}
    assert expected <= written
    top = {path.split("/", 1)[0] for path in written}
    # build/output.py takes a folder holding only index.html for a page's (the home page's 公众号 edition)
    page_folders = {folder for folder in top if {path for path in written if path.startswith(f"{folder}/")}
                    == {f"{folder}/index.html"}}
    assert top - {page.name for page in story.pages} - page_folders <= urls.TOP_LEVEL


def test_urls_a_404_page_with_a_chart_gets_no_wechat_edition(make_project):
    """The not-found page is served at any missing address and is no article to post: it shows
    its chart on the web, and the build writes no 公众号 page for it (once '404.htmlwechat/')."""
    chart = "\n\n```{chart} rd_bars\n```\n"
    project = make_project({"pages/404.md": "---\ntitle: 找不到这个页面\ndescription: 页面不存在。\n---\n\n页面不存在。" + chart})
    files = build_site(project).files
    assert 'id="chart-rd_bars"' in files["404.html"].decode("utf-8")
    assert sorted(path for path in files if "wechat" in path or path.startswith("404")) == [
        "404.html", "wechat/index.html"]


# Output names and folders as the engine writes them: only model/urls.py may spell them. Strings
# with whitespace are messages and help for editors, which name paths to explain them; `images/`
# is how pages write a page image (content/images/), not where the build puts it.
OUTPUT_NAME = re.compile(r"(?:^|[^\w.-])(?:index\.html|404\.html|sitemap\.xml|robots\.txt|_headers|updates\.xml"
                         r"|\.kejiquan-site|facts\.(?:csv|json)|build\.json|datapackage\.json|chart\.png|-dark\.svg)"
                         r"|(?:^|[^\w.-])(?:data|embed|wechat|assets|en|charts)/|^\.gz$")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _hand_made_paths(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and not re.search(r"\s", node.value) and OUTPUT_NAME.search(node.value)]


def test_urls_the_scan_finds_a_path_made_by_hand():
    """The scan below would catch the ways output paths were written before urls.py owned them."""
    source = ('"""data/facts.csv in a docstring is fine."""\n'
              'CSV = "data/facts.csv"\n'
              'def embed(chart_id, prefix):\n'
              '    return f"{prefix}embed/{chart_id}/index.html"\n'
              'def gz(path):\n'
              '    return f"{path}.gz"\n'
              'MESSAGE = "a link such as [数据](data/) in a page"\n')
    assert sorted(line for line, _ in _hand_made_paths(source)) == [2, 4, 4, 6]


def test_urls_no_module_but_urls_makes_an_output_path():
    found = [f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
             for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / "model" / "urls.py"
             for line, text in _hand_made_paths(path.read_text(encoding="utf-8"))]
    assert found == [], "output paths belong in model/urls.py:\n" + "\n".join(found)


def _template_links(text: str) -> list[str]:
    """What an href, src or srcset of a template says besides its {{ expressions }}, when that
    is a path (not a #fragment, a mailto: or data: address, or nothing)."""
    found = []
    for value in re.findall(r'\b(?:href|src|srcset)="([^"]*)"', text):
        rest = re.sub(r"{{.*?}}|{%.*?%}", "", value)
        if rest and not re.fullmatch(r"#[\w-]*|mailto:|data:,", rest):
            found.append(value)
    return found


def test_urls_templates_link_through_the_context():
    """Templates get every link from the render context (root, page_href, asset, csv_href...),
    never by spelling a page or file."""
    assert _template_links('<a href="{{ home }}data/">') == ['{{ home }}data/']
    folders = [REPO / "templates", PACKAGE / "theme", PACKAGE / "starter" / "templates", REPO / "tests" / "golden" / "site"]
    found = [f"{path}: {link}" for folder in folders for path in sorted(Path(folder).rglob("*.html"))
             for link in _template_links(path.read_text(encoding="utf-8"))]
    assert found == []
