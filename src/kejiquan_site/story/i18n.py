"""Editions: the Chinese site at the root and, when site.yaml has an 'english:' block, the
English one under en/, both from one set of facts. Here: the story as one edition shows it (the
warnings for missing translations are check/translations.py's).
"""

from __future__ import annotations

import dataclasses

from kejiquan_site.model.story import Story
from kejiquan_site.reuse.memo import Operation, done

LANGUAGE_TAGS = {"zh": "zh-CN", "en": "en"}

TRANSLATED = Operation("translated fact or chart")  # by (kind, language, id)


def edition(story: Story, language: str) -> Story:
    """The story as the edition in `language` shows it: its pages, and every fact, source, chart
    and site text in its language. In the preview, an unchanged fact or chart stays the same
    object from build to build."""
    if language == "zh":  # the facts, charts and texts are written in Chinese
        return dataclasses.replace(story, pages=tuple(page for page in story.pages if page.language == language))

    def translated(kind: str, key: str, item):
        return done(TRANSLATED((kind, language, key), item, lambda: item.in_language(language)))

    return dataclasses.replace(
        story,
        config=story.config.in_language(language),
        sources={key: source.in_language(language) for key, source in story.sources.items()},
        facts={key: translated("fact", key, fact) for key, fact in story.facts.items()},
        charts={key: translated("chart", key, chart) for key, chart in story.charts.items()},
        pages=tuple(page for page in story.pages if page.language == language),
    )


def twin_urls(story: Story) -> dict[str, list[tuple[str, str]]]:
    """{page name: (language tag, url) of the page in every edition that has it}, for hreflang
    and the language switcher."""
    urls: dict[str, list[tuple[str, str]]] = {}
    for page in story.pages:
        urls.setdefault(page.name, []).append((LANGUAGE_TAGS[page.language], page.url))
    return urls
