"""The site configuration, `content/site.yaml`: title, language, base URL, publisher, and the
checks a site must pass to be published (an absolute base URL, a real corrections address)."""

from __future__ import annotations

import contextlib
import dataclasses
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from kejiquan_site.diagnostics import Diagnostic, Location
from kejiquan_site.read.fields import FieldSpec, check_fields, describe, not_optional_text, not_text, not_text_list
from kejiquan_site.read.yamlread import YamlDoc


def _not_base_url(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        return f"got {describe(value)}"
    addressed = value.startswith(("https://", "http://", "/"))
    if addressed and value.endswith("/"):
        return ""
    written = value if addressed else "https://" + value.lstrip(":/")
    written = written if written.endswith("/") else written + "/"
    why = "does not end in '/'" if addressed else "has no https:// in front"
    return f"got '{value}', which {why}: write {written}"


SITE_FIELDS = {
    "title": FieldSpec(not_text, "the site's name", required=True),
    "description": FieldSpec(not_text, "one sentence on what the site is about", required=True),
    "language": FieldSpec(not_text, "a language tag such as zh-CN", required=True),
    "base_url": FieldSpec(_not_base_url, "the published address ending in '/', such as https://example.org/kejiquan/",
                          required=True),
    "publisher": FieldSpec(not_text, "who publishes the site", required=True),
    "contact": FieldSpec(not_optional_text, "a real e-mail address readers can write to about errors (or no 'contact:' line)"),
    "copyright": FieldSpec(not_optional_text, "the copyright line for the footer"),
    "keep_together": FieldSpec(not_text_list, "a list of words a headline, card label or caption must never "
                               "break inside, such as [京津冀, 中关村]"),
    "data_license": FieldSpec(lambda v: "" if isinstance(v, str) and re.fullmatch(r"[A-Za-z0-9.+-]+", v)
                              else f"got {describe(v)}",
                              "the licence of the data downloads as an SPDX id, such as CC-BY-4.0"),
    "english": FieldSpec(lambda v: "" if isinstance(v, dict) else f"got {describe(v)}",
                         "a block with title, description, publisher (and copyright) in English; "
                         "its presence builds the English edition under en/"),
}
ENGLISH_FIELDS = {
    "title": FieldSpec(not_text, "the site's name in English", required=True),
    "description": FieldSpec(not_text, "one sentence on the site, in English", required=True),
    "publisher": FieldSpec(not_text, "who publishes the site, in English", required=True),
    "copyright": FieldSpec(not_optional_text, "the copyright line in English"),
}


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str
    language: str
    base_url: str
    publisher: str
    contact: str
    copyright: str
    english: tuple[tuple[str, str], ...] = ()
    data_license: str = ""  # SPDX id, for data/datapackage.json
    locations: tuple[tuple[str, Location], ...] = ()  # where base_url and contact were written
    keep_together: tuple[str, ...] = ()

    @property
    def editions(self) -> tuple[str, ...]:
        """'zh' (the site root) and, when site.yaml has an 'english:' block, 'en' (under en/)."""
        return ("zh", "en") if self.english else ("zh",)

    def in_language(self, language: str) -> SiteConfig:
        if language != "en":
            return self
        changes: dict[str, Any] = dict(self.english)
        return dataclasses.replace(self, language="en", **changes)

    @property
    def base_path(self) -> str:
        """The path part of the base URL, e.g. '/kejiquan/': where the site starts on its host (the
        404 page's links, the paths of `_headers`)."""
        rest = self.base_url.split("://", 1)[-1]
        return "/" + rest.split("/", 1)[1] if "://" in self.base_url else self.base_url


def parse_config(doc: YamlDoc) -> tuple[SiteConfig | None, list[Diagnostic]]:
    problems = check_fields(doc, (), doc.data, SITE_FIELDS, "site.yaml")
    if not problems and "english" in doc.data:
        problems = check_fields(doc, ("english",), doc.data["english"], ENGLISH_FIELDS, "the 'english' block")
    if problems:
        return None, problems
    data = doc.data
    english = tuple((key, str(value).strip()) for key, value in (data.get("english") or {}).items() if value)
    locations = tuple((key, Location(doc.path, *doc.value_at(key))) for key in ("base_url", "contact") if key in data)
    config = SiteConfig(data["title"].strip(), data["description"].strip(), data["language"].strip(),
                        sent_address(data["base_url"]), data["publisher"].strip(), (data.get("contact") or "").strip(),
                        (data.get("copyright") or "").strip(), english, data.get("data_license", ""), locations,
                        tuple(word.strip() for word in data.get("keep_together", [])))
    return config, _check_contact(config, "contact" in data)


# Domains reserved for examples and tests (RFC 2606, RFC 6761): nobody reads mail sent there.
_PLACEHOLDER_DOMAIN = re.compile(r"(^|\.)(example|invalid|test|localhost)$|(^|\.)example\.(com|net|org)$", re.I)
_EMAIL = re.compile(r"[^@\s]+@([^@\s]+\.[^@\s.]+)")


def _check_contact(config: SiteConfig, given: bool) -> list[Diagnostic]:
    """A warning (an error with --strict) for a corrections address that is empty or a placeholder."""
    where = dict(config.locations).get("contact")
    if not given or where is None:
        return []
    expected = ("a real e-mail address for corrections, or no 'contact:' line at all "
                "(the footer then leaves the corrections line out)")
    match = _EMAIL.fullmatch(config.contact)
    if not config.contact:
        return [Diagnostic(where, "'contact' is empty: the footer would ask readers to write to nobody",
                           expected, "warning")]
    if match is None:
        return [Diagnostic(where, f"'contact' is not an e-mail address, got '{config.contact}'", expected, "warning")]
    if _PLACEHOLDER_DOMAIN.search(match.group(1)):
        return [Diagnostic(where, f"'contact' is a placeholder address ('{config.contact}'): mail sent there "
                           "reaches nobody", expected, "warning")]
    return []


def base_url_problem(value: str) -> str:
    """Why `value` cannot be the address a site is published at ('' when it can)."""
    if not value.startswith(("https://", "http://")) or len(value.split("://", 1)[1].split("/", 1)[0]) == 0:
        return f"'{value}' is not an http:// or https:// address"
    if not value.endswith("/"):
        return f"'{value}' does not end in '/'"
    return ""


def with_base_url(config: SiteConfig, base_url: str) -> SiteConfig:
    """The configuration with `base_url` given on the command line (`--base-url`) instead."""
    locations = tuple((key, where) for key, where in config.locations if key != "base_url")
    return dataclasses.replace(config, base_url=sent_address(base_url), locations=locations)


# What a path may hold unescaped (RFC 3986 pchar and '/'); '%' keeps an address already escaped.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def sent_address(base_url: str) -> str:
    """The base URL as browsers send it, which sitemaps, `_headers` and share cards need: a
    Chinese host name in IDNA ('例子.cn' -> 'xn--fsqu00a.cn'), a Chinese or spaced path
    percent-encoded ('/京津冀/' -> '/%E4%BA%AC%E6%B4%A5%E5%86%80/'). An ASCII address is unchanged."""
    parts = urlsplit(base_url)
    host = parts.netloc
    if not host.isascii():
        with contextlib.suppress(UnicodeError):  # not a host name IDNA can write: kept as written
            host = host.encode("idna").decode("ascii")
    return urlunsplit(parts._replace(netloc=host, path=quote(parts.path, safe=_PATH_SAFE)))


def check_publishing(config: SiteConfig) -> list[Diagnostic]:
    """A warning (an error with --strict) when the base URL is a path: addresses that leave the
    site (canonical, hreflang, og:url and og:image, sitemap, robots.txt, JSON-LD, the embed
    code) only work with the full address."""
    where = dict(config.locations).get("base_url")
    if where is None or config.base_url.startswith(("https://", "http://")):
        return []
    return [Diagnostic(where, f"base_url '{config.base_url}' is a path, not an address: canonical and hreflang "
                       "links, og:url and og:image, the sitemap, robots.txt, the JSON-LD and the embed code leave "
                       "the site and only work with the full address",
                       "an absolute address ending in '/', such as https://example.org/kejiquan/, in site.yaml "
                       "or given with 'kejiquan build --base-url URL'", "warning")]
