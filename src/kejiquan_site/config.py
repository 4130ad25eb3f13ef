"""The site configuration, `content/site.yaml`: title, language, base URL, publisher."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from .diagnostics import Diagnostic
from .fields import FieldSpec, check_fields, describe, not_optional_text, not_text
from .yamlread import YamlDoc


def _not_base_url(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(("https://", "http://", "/")) or not value.endswith("/"):
        return f"got {describe(value)}"
    return ""


SITE_FIELDS = {
    "title": FieldSpec(not_text, "the site's name", required=True),
    "description": FieldSpec(not_text, "one sentence on what the site is about", required=True),
    "language": FieldSpec(not_text, "a language tag such as zh-CN", required=True),
    "base_url": FieldSpec(_not_base_url, "the published address ending in '/', such as https://example.org/kejiquan/",
                          required=True),
    "publisher": FieldSpec(not_text, "who publishes the site", required=True),
    "contact": FieldSpec(not_optional_text, "an e-mail address readers can write to about errors"),
    "copyright": FieldSpec(not_optional_text, "the copyright line for the footer"),
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

    @property
    def editions(self) -> tuple[str, ...]:
        """'zh' (the site root) and, when site.yaml has an 'english:' block, 'en' (under en/)."""
        return ("zh", "en") if self.english else ("zh",)

    def in_language(self, language: str) -> "SiteConfig":
        if language != "en":
            return self
        return dataclasses.replace(self, language="en", **dict(self.english))

    @property
    def base_path(self) -> str:
        """The path part of the base URL, e.g. '/kejiquan/' (used only by the 404 page)."""
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
    return SiteConfig(data["title"].strip(), data["description"].strip(), data["language"].strip(),
                      data["base_url"], data["publisher"].strip(), (data.get("contact") or "").strip(),
                      (data.get("copyright") or "").strip(), english, data.get("data_license", "")), []
