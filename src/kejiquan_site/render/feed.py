"""The updates log for machines: an Atom 1.0 feed per edition (`updates.xml`, `en/updates.xml`)
and the JSON-LD a page gets when a fact it shows changed (`dateModified`, `correction`). Dates
come from the log, never from the clock, so builds stay byte-identical.
"""

from __future__ import annotations

from typing import Any

from kejiquan_site.model import urls
from kejiquan_site.model.formatting import format_date
from kejiquan_site.model.ui import ui
from kejiquan_site.read.config import SiteConfig
from kejiquan_site.read.updates import Update


def update_sentence(update: Update, language: str, date_text: str) -> str:
    """'更新于 2027年3月2日：京津冀平均研发投入强度由4.22%更新为4.3%（新数据）', as plain text."""
    index = 1 if language == "en" else 0
    changes = ui("list_separator", language).join(
        [ui(f"{update.kind}_from_to", language, label=change.label[index], before=change.before[index],
            after=change.after[index]) for change in update.changes] + [ui("withdrawn", language)] * bool(update.withdrawn))
    note = update.note_en if language == "en" else update.note
    return ui(f"{update.kind}_on", language, date=date_text) + changes + ui("note_in_brackets", language, note=note)


def update_sentences(updates: tuple[Update, ...], language: str) -> dict[str, str]:
    """{anchor: the sentence readers see} for every update, in `language`."""
    return {update.anchor: update_sentence(update, language, format_date(update.date, language)) for update in updates}


def with_updates(data: dict[str, Any] | None, updates: list[Update], language: str,
                 sentences: dict[str, str]) -> dict[str, Any] | None:
    """The page's JSON-LD with `dateModified` (the latest update touching it) and, for
    corrections, schema.org `correction` (CorrectionComment)."""
    if data is None or not updates:
        return data
    data = dict(data)
    data["dateModified"] = max(update.date for update in updates)
    corrections = [{"@type": "CorrectionComment", "datePublished": update.date, "text": sentences[update.anchor]}
                   for update in updates if update.kind == "correction"]
    if corrections:
        data["correction"] = corrections
    return data


def escape(text: str) -> str:
    """&, < and > as entities, as xml.sax.saxutils.escape writes them (that module imports
    urllib.request, and with it http, ssl and email: a tenth of a cold start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """An attribute value escaped and quoted, as xml.sax.saxutils.quoteattr writes it."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace('"', "&quot;") + '"'


def _feed_id(config: SiteConfig, path: str) -> str:
    """An IRI that never changes: the address when base_url is absolute, else a name-based UUID."""
    if config.base_url.startswith(("http://", "https://")):
        return urls.absolute(config.base_url, path)
    import uuid  # only for a relative base_url (uuid imports platform)

    return uuid.uuid5(uuid.NAMESPACE_URL, f"{config.title}/{path}").urn


def render_feed(config: SiteConfig, updates: tuple[Update, ...], language: str, log_url: str,
                sentences: dict[str, str], fallback_date: str) -> bytes:
    """Atom 1.0: the feed's id, title, updated (the newest entry, else `fallback_date`), author,
    links to itself and to the log page, and one entry per update with id, title, updated, link
    and content. `log_url` is the log page's path from the site root."""
    newest = updates[0].date if updates else fallback_date
    title = config.title + ui("feed_title", language)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>',
             f"  <id>{escape(_feed_id(config, urls.feed_path(language)))}</id>",
             f"  <title>{escape(title)}</title>",
             f"  <updated>{newest}T00:00:00Z</updated>",
             f"  <author><name>{escape(config.publisher)}</name></author>",
             f'  <link rel="self" type="application/atom+xml" href={quoteattr(urls.absolute(config.base_url, urls.feed_path(language)))}/>',
             f'  <link rel="alternate" type="text/html" href={quoteattr(urls.absolute(config.base_url, log_url))}/>']
    for update in updates:
        link = urls.absolute(config.base_url, f"{log_url}#{update.anchor}")
        sentence = sentences[update.anchor]
        lines += ["  <entry>",
                  f"    <id>{escape(_feed_id(config, log_url + '#' + update.anchor))}</id>",
                  f"    <title>{escape(sentence)}</title>",
                  f"    <updated>{update.date}T00:00:00Z</updated>",
                  f'    <link rel="alternate" type="text/html" href={quoteattr(link)}/>',
                  f'    <category term="{update.kind}"/>',
                  f'    <content type="text">{escape(sentence)}</content>',
                  "  </entry>"]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")
