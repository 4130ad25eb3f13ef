"""Every output path of a build, and the address that links to it, decided here and nowhere
else: pages and their editions, 公众号 pages, embeds, downloads, chart pictures, feeds, share
images, assets, page images, the files for machines and the output folder's stamp.

A *path* is a file in the output folder ('en/about/index.html', no leading slash); a *url* is
what a link says, relative to the site root ('en/about/': a page's folder, not its index.html).
A link from a page is its `root_from` plus a url; an absolute one is `absolute(base_url, url)`.
"""

from __future__ import annotations

import hashlib
import posixpath

MAIN_LANGUAGE = "zh"  # the edition at the site root; every other one lives in a folder of its name
INDEX = "index.html"  # the file a folder's address serves
NOT_FOUND = "404.html"
ASSETS = "assets"
EMBED = "embed"
DATA = "data"
WECHAT = "wechat"
FACTS_CSV = f"{DATA}/facts.csv"
FACTS_JSON = f"{DATA}/facts.json"
BUILD_JSON = f"{DATA}/build.json"
DATAPACKAGE_JSON = f"{DATA}/datapackage.json"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
HEADERS = "_headers"
FEED = "updates.xml"
STAMP = ".kejiquan-site"  # marks an output folder this tool wrote (build/output.py)
IMAGES = "images"  # page images, inside assets/
GZIP_SUFFIX = ".gz"


def edition_folder(language: str) -> str:
    """The folder of an edition ('en'); '' for the main one, at the site root."""
    return "" if language == MAIN_LANGUAGE else language


def edition_prefix(language: str) -> str:
    """Where an edition's files start: '' for the main (Chinese) edition, 'en/' for English."""
    folder = edition_folder(language)
    return f"{folder}/" if folder else ""


def page_url(name: str, language: str = MAIN_LANGUAGE) -> str:
    """A page's address: '' for the home page, '404.html', else 'NAME/' (pretty URLs)."""
    own = "" if name == "index" else (NOT_FOUND if name == "404" else f"{name}/")
    return edition_prefix(language) + own


def page_path(name: str, language: str = MAIN_LANGUAGE) -> str:
    """The file of a page: 'index.html', '404.html' or 'NAME/index.html', in its edition."""
    return file_for_url(page_url(name, language))


def has_wechat_edition(name: str) -> bool:
    """Whether a page (with a chart) gets a 公众号 edition: every page but the 404 page, which has
    no folder to hold one, is served at whatever address was missing, and is no article to post
    (Hugo, likewise, renders its 404 page in HTML only)."""
    return name != "404"


def wechat_path(name: str, language: str = MAIN_LANGUAGE) -> str:
    """The 公众号 edition of a page: `wechat/` inside the page's folder."""
    if not has_wechat_edition(name):
        raise ValueError(f"the {name} page has no 公众号 edition")
    return f"{page_url(name, language)}{WECHAT}/{INDEX}"


def page_files(name: str, language: str = MAIN_LANGUAGE) -> tuple[str, ...]:
    """The files a page can make: its own and, when it has one, its 公众号 edition's."""
    own = page_path(name, language)
    return (own, wechat_path(name, language)) if has_wechat_edition(name) else (own,)


def embed_url(chart_id: str, language: str = MAIN_LANGUAGE) -> str:
    """The address of a chart's embed page, for <iframe src>: 'embed/CHART/'."""
    return f"{edition_prefix(language)}{EMBED}/{chart_id}/"


def embed_path(chart_id: str, language: str = MAIN_LANGUAGE) -> str:
    return file_for_url(embed_url(chart_id, language))


def chart_csv(chart_id: str, language: str = MAIN_LANGUAGE) -> str:
    """A chart's data table as its edition shows it: 'data/charts/CHART.csv'."""
    return f"{edition_prefix(language)}{DATA}/charts/{chart_id}.csv"


def _chart_picture(chart_id: str, language: str, name: str) -> str:
    """A chart's pictures lie next to its CSV: 'data/charts/CHART-NAME'."""
    return f"{edition_prefix(language)}{DATA}/charts/{chart_id}-{name}"


def chart_svg(chart_id: str, language: str, width: int, dark: bool = False) -> str:
    """The chart drawn `width` px wide: 'data/charts/CHART-WIDTH.svg', '-dark.svg' in dark colours."""
    return _chart_picture(chart_id, language, f"{width}{'-dark' if dark else ''}.svg")


def chart_png(chart_id: str, language: str = MAIN_LANGUAGE) -> str:
    """The chart with its title and credit, for newsrooms: 'data/charts/CHART-chart.png'."""
    return _chart_picture(chart_id, language, "chart.png")


def in_data_package(path: str) -> str:
    """A download as data/datapackage.json refers to it: relative to the package's folder."""
    return posixpath.relpath(path, posixpath.dirname(DATAPACKAGE_JSON))


def feed_path(language: str = MAIN_LANGUAGE) -> str:
    """The Atom feed of the updates log: 'updates.xml', 'en/updates.xml'."""
    return edition_prefix(language) + FEED


def hashed_name(stem: str, suffix: str, content: bytes) -> str:
    """assets/STEM.HASH.SUFFIX: a name that changes whenever the content does, so the file can
    be cached for ever."""
    digest = hashlib.sha256(content).hexdigest()[:10]
    return f"{ASSETS}/{stem}.{digest}{suffix}"


def asset_path(name: str, content: bytes) -> str:
    """A static file ('site.css', 'img/logo.png') under its content-hashed name."""
    stem, dot, suffix = name.rpartition(".")
    return hashed_name(stem, dot + suffix, content)


def plotly_path(bundle: str, version: str, content: bytes) -> str:
    """The plotly.js bundle: 'assets/plotly-basic-4.1.1.min.HASH.js'."""
    return hashed_name(f"{bundle}-{version}.min", ".js", content)


def page_image_path(file_name: str, content: bytes) -> str:
    """A page image from content/images/: 'assets/images/NAME.HASH.png' (suffix in lower case)."""
    stem, suffix = posixpath.splitext(file_name)
    return hashed_name(f"{IMAGES}/{stem}", suffix.lower(), content)


def share_image_path(page_name: str, language: str, content: bytes) -> str:
    """A page's 1200x630 share image: 'assets/share-NAME.HASH.png', 'assets/share-en-NAME...'."""
    folder = edition_folder(language)
    return hashed_name(f"share-{folder + '-' if folder else ''}{page_name}", ".png", content)


def gzip_path(path: str) -> str:
    """The precompressed copy of a text file, for servers that send it as it is."""
    return path + GZIP_SUFFIX


def site_pattern(base_path: str) -> str:
    """Every file of the site as a host's `_headers` file names it: from the host's root, under
    the path of the base URL ('/jingjinji/*' for https://kejiquan.cn/jingjinji/)."""
    return f"{base_path}*"


def assets_pattern(base_path: str) -> str:
    """The assets folder as the `_headers` file names it: '/jingjinji/assets/*'."""
    return f"{base_path}{ASSETS}/*"


def file_for_url(url: str) -> str:
    """The output file a url (relative to the site root) leads to: a folder's address serves
    its index.html ('' -> 'index.html', 'about/' -> 'about/index.html')."""
    return url + INDEX if url == "" or url.endswith("/") else url


def root_from(path: str) -> str:
    """The way from an output file back to the site root: '' for 'index.html', '../' for
    'about/index.html'."""
    return "../" * path.count("/")


def absolute(base_url: str, url: str) -> str:
    """The address on the web: the site's base URL (ending in '/') and a url from the root."""
    return base_url + url


# What a build writes at the top of the output folder besides page folders (each holding only
# index.html): an output folder of an earlier release, written before the stamp, has only these.
TOP_LEVEL = frozenset({INDEX, NOT_FOUND, SITEMAP, ROBOTS, HEADERS, FEED, STAMP, ASSETS, DATA, EMBED, edition_folder("en")})
PAGE_FOLDER_FILES = frozenset({INDEX, gzip_path(INDEX)})
SITE_MARKERS = frozenset({INDEX, SITEMAP, ROBOTS})  # a folder without these is no built site
