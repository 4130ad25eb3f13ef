"""Being found and shared: schema.org JSON-LD, sitemap.xml, robots.txt, the `_headers` file for
hosts that read one, and gzip siblings of text files for servers that send them precompressed.
"""

from __future__ import annotations

import os
from html import escape
from typing import Any

from kejiquan_site.model import urls
from kejiquan_site.read.config import SiteConfig
from kejiquan_site.read.facts import Source

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'self'")
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".csv", ".xml", ".svg", ".txt")


def _organisation(name: str) -> dict[str, str]:
    return {"@type": "Organization", "name": name}


def _based_on(sources: dict[str, Source]) -> list[dict[str, Any]]:
    based = []
    for source in sources.values():
        entry: dict[str, Any] = {"@type": "NewsArticle", "headline": source.title,
                                 "publisher": _organisation(source.publisher)}
        if source.url:
            entry["url"] = source.url
        if source.date:
            entry["datePublished"] = source.date
        based.append(entry)
    return based


def _authors(names: tuple[str, ...], publisher: str) -> list[dict[str, str]]:
    """The byline for schema.org: the publisher's own name is an Organization, others Persons."""
    return [_organisation(name) if name == publisher else {"@type": "Person", "name": name} for name in names]


def page_json_ld(kind: str, config: SiteConfig, title: str, description: str, url: str, image: str | None,
                 sources: dict[str, Source], authors: tuple[str, ...] = (), published: str = "",
                 updated: str = "") -> dict[str, Any] | None:
    """NewsArticle for a story, Dataset for the data page, None for other pages."""
    if kind == "article":
        data: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                                "description": description, "inLanguage": config.language, "url": url,
                                "mainEntityOfPage": url, "publisher": _organisation(config.publisher),
                                "isBasedOn": _based_on(sources)}
        if authors:
            data["author"] = _authors(authors, config.publisher)
        if published:
            data["datePublished"] = published
            data["dateModified"] = updated or published
        if image:
            data["image"] = [image]
        return data
    if kind == "dataset":
        return {"@context": "https://schema.org", "@type": "Dataset", "name": title, "description": description,
                "inLanguage": config.language, "url": url, "creator": _organisation(config.publisher),
                "isBasedOn": _based_on(sources),
                "distribution": [
                    {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": urls.absolute(config.base_url, urls.FACTS_CSV)},
                    {"@type": "DataDownload", "encodingFormat": "application/json",
                     "contentUrl": urls.absolute(config.base_url, urls.FACTS_JSON)}]}
    return None


def render_sitemap(config: SiteConfig, addresses: list[str]) -> bytes:
    """Every address to index, each a url from the site root."""
    entries = "".join(f"  <url><loc>{escape(urls.absolute(config.base_url, url), quote=False)}</loc></url>\n"
                      for url in sorted(addresses))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n").encode()


def render_robots(config: SiteConfig) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(config.base_url, urls.SITEMAP)}\n".encode()


def render_headers_file(config: SiteConfig) -> bytes:
    """Netlify/Cloudflare-Pages style `_headers`: the same policy as the pages' meta tag, plus
    long caching for content-hashed assets. Hosts match its paths from their root, so they
    start with the base URL's path ('/jingjinji/assets/*')."""
    base_path = config.base_path
    return (f"{urls.site_pattern(base_path)}\n  Content-Security-Policy: {CONTENT_SECURITY_POLICY}\n"
            "  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n"
            f"{urls.assets_pattern(base_path)}\n  Cache-Control: public, max-age=31536000, immutable\n").encode()


def gzip_siblings(files: dict[str, bytes]) -> dict[str, bytes]:
    """`name.gz` for every text file, byte-identical from build to build (no timestamp inside).
    zlib lets go of the interpreter while it works, so the files are compressed on every core."""
    import gzip  # only with --precompress
    from concurrent.futures import ThreadPoolExecutor

    texts = [(path, data) for path, data in files.items() if path.endswith(COMPRESSIBLE)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        packed = list(pool.map(lambda item: gzip.compress(item[1], compresslevel=9, mtime=0), texts))
    return {urls.gzip_path(path): data for (path, _), data in zip(texts, packed)}
