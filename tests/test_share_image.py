"""The share image's text layout: lines broken where a reader expects, and the real story's key
numbers shown whole in both editions (English labels ran off their cards, cut with '…')."""

from __future__ import annotations

import pytest

from kejiquan_site.build.site import key_numbers
from kejiquan_site.render.shareimage import lay_out_cards, wrap
from kejiquan_site.story.i18n import edition


def _chars(text: str) -> float:
    return len(text)  # a font whose every character is one unit wide


@pytest.mark.parametrize("text, width, lines, expected", [
    ("R&D intensity, regional average", 24, 2, ["R&D intensity, regional", "average"]),
    ("北京全社会研发投入强度", 6, 2, ["北京全社会研", "发投入强度"]),
    ("北京国际科创中心，扩围", 8, 2, ["北京国际科创中心，", "扩围"]),  # a comma never starts a line
    ("one two three four five six", 9, 2, ["one two", "three…"]),
    ("Supercalifragilistic", 8, 3, ["Supercal", "ifragili", "stic"]),
    ("short", 20, 1, ["short"]),
])
def test_share_image_wrap_breaks_between_words_and_characters(text, width, lines, expected):
    assert wrap(text, width, _chars, lines) == expected


@pytest.mark.parametrize("language", ["zh", "en"])
def test_share_image_cards_show_every_key_number_whole(real_site, language):
    from PIL import ImageFont

    from kejiquan_site.render.shareimage import find_cjk_font

    font = find_cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk): the build draws no share image")

    def measure(text: str, size: int) -> float:
        return ImageFont.truetype(font.path, size).getlength(text)

    story = edition(real_site.story, language)
    pages = [page for page in story.pages if page.first_cards]
    assert pages
    for page in pages:
        for card in lay_out_cards(key_numbers(page.first_cards, story), measure):
            shown = [(card.value, card.value_size)] + [(line, 22) for line in card.label_lines]
            assert not any(text.endswith("…") for text, _ in shown), (page.name, card)
            assert all(measure(text, size) <= card.width - 40 for text, size in shown), (page.name, card)
