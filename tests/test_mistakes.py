"""The corpus of issue 12: each mistake an editor made on a fresh clone that used to publish a
wrong, missing or broken number, made on a copy of a small two-edition project. Each must be
refused: exit 1, `file:line:col` of the edited file with the message, and the previous _site/
left exactly as it was.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import MINIMAL, REPO, write_files
from kejiquan_site.cli import main

SITE_EN = MINIMAL["site.yaml"] + """
        english:
          title: Test site
          description: A small site for tests.
          publisher: Test desk
"""
RD_EN = (MINIMAL["facts/rd.yaml"]
         .replace("label: 北京研发投入强度\n", "label: 北京研发投入强度\n          label_en: Beijing R&D intensity\n")
         .replace("label: 京津冀研发投入强度\n", "label: 京津冀研发投入强度\n          label_en: R&D intensity\n")
         .replace("label: 十年提高\n", "label: 十年提高\n          label_en: Rise in ten years\n"))
SOURCES_EN = MINIMAL["sources.yaml"].replace("publisher: 测试报\n", "publisher: 测试报\n          title_en: Test report\n"
                                             "          publisher_en: Test paper\n")
CHART_EN = MINIMAL["charts/rd_bars.yaml"].replace(" title: 研发投入强度\n", " title: 研发投入强度\n        title_en: R&D\n", 1) \
    .replace("axis_title: 研发投入强度\n", "axis_title: 研发投入强度\n        axis_title_en: R&D\n") \
    .replace("label: 京津冀\n", "label: 京津冀\n            label_en: Region\n") \
    .replace("label: 北京\n", "label: 北京\n            label_en: Beijing\n")
INDEX = """---
title: 测试首页
description: 测试首页的描述。
nav: 首页
---

北京的研发投入强度{fact}`rd.beijing`，京津冀提高了{fact}`rd.change`。

从2014年的{fact}`rd.jjj_2014`提高到2024年的{fact}`rd.jjj_2024`，见[关于](about/)。

```{cards}
- rd.beijing
- rd.jjj_2014 -> rd.jjj_2024 | 京津冀
```

```{chart} rd_bars
```
"""
INDEX_EN = INDEX.replace("测试首页的描述。", "The home page.").replace("测试首页", "Home").replace("首页", "Home") \
    .replace("[关于](about/)", "[about](about/)")
ABOUT = "---\ntitle: 关于\ndescription: 关于本站。\nnav: 关于\n---\n\n本站的数字来自测试报道。\n"
ABOUT_EN = "---\ntitle: About\ndescription: About this site.\nnav: About\n---\n\nThe figures come from a test report.\n"

PROJECT = {**MINIMAL, "site.yaml": SITE_EN, "facts/rd.yaml": RD_EN, "sources.yaml": SOURCES_EN,
           "charts/rd_bars.yaml": CHART_EN, "pages/index.md": INDEX, "pages/en/index.md": INDEX_EN,
           "pages/about.md": ABOUT, "pages/en/about.md": ABOUT_EN}


@dataclass(frozen=True)
class Mistake:
    edit: dict[str, str | tuple[str, ...] | None]  # file in content/ (or ../templates/...) -> (old, new) pairs joined, see _apply
    expected: tuple[str, ...]  # lines (or parts of lines) the report must hold
    strict: bool = True
    absent: tuple[str, ...] = ()  # follow-on messages that must not appear
    errors: int | None = None  # how many errors the report must count, when it matters


# PyYAML's own words, and the follow-on errors of a fact file that cannot be read
_NOT_YAML_JARGON = ("YAML syntax error", "unknown fact")


_JJJ_2014 = ("jjj_2014:\n  label: 京津冀研发投入强度\n  label_en: R&D intensity\n  value: 3.5\n  unit: percent\n"
             "  period: 2014\n  source: demo\n  evidence: 从2014年的3.5%跃升\n")


def _swap(old: str, new: str, path: str = "pages/index.md") -> dict[str, tuple[str, str]]:
    return {path: (old, new)}


# rd.beijing's value changed with evidence its archived source does not hold: the root cause
_UNQUOTED_BEIJING: dict[str, tuple[str, ...]] = {
    "facts/rd.yaml": ("value: 6\n  unit: percent\n  qualifier: at_least\n  source: demo\n  evidence: 研发投入强度保持在6%以上",
                      "value: 6.2\n  unit: percent\n  qualifier: at_least\n  source: demo\n"
                      "  evidence: 研发投入强度保持在6.2%以上")}
_UNQUOTED_BEIJING_ERROR = ("content/facts/rd.yaml:8:13: error: the evidence of 'rd.beijing' does not occur in the "
                           "archived text of source 'demo'")
_OTHER_SOURCE = ("other:\n  title: 另一篇报道\n  title_en: Another report\n  publisher: 测试报\n"
                 "  publisher_en: Test paper\n  date: \"2026-03-19\"\n  archive: sources/other.txt\n")
# what readers saw: rd.beijing as it is before the edit, rd.jjj_2024 at 4.2 (4.22 today)
_PUBLISHED = ("published: '2026-11-30'\nfacts:\n  rd.beijing:\n  - date: '2026-11-30'\n    value: 6\n"
              "    qualifier: at_least\n    source: demo\n  rd.jjj_2024:\n  - date: '2026-11-30'\n    value: 4.2\n"
              "    period: '2024'\n    source: demo\n")


MISTAKES: dict[str, Mistake] = {
    # 1. one parser for references: near-misses are located errors with the fix
    "space after the role": Mistake(
        _swap("{fact}`rd.jjj_2024`", "{fact} `rd.jjj_2024`"),
        ("content/pages/index.md:9:36: error: a space between '{fact}' and its id: the role is not read, readers "
         "would see the markup", "expected: nothing between the role and the backtick: {fact}`rd.jjj_2024`")),
    "full-width braces": Mistake(
        _swap("{fact}`rd.jjj_2024`", "｛fact｝`rd.jjj_2024`"),
        ("content/pages/index.md:9:36: error: full-width braces in '｛fact｝': the role is not read, readers would "
         "see the markup", "expected: ASCII braces, as typed with the input method in English mode")),
    "full-width backticks": Mistake(
        _swap("{fact}`rd.jjj_2024`", "{fact}｀rd.jjj_2024｀"),
        ("content/pages/index.md:9:36: error: full-width backticks after '{fact}': the role is not read",)),
    "misspelt role": Mistake(
        _swap("{fact}`rd.jjj_2024`", "{fcat}`rd.jjj_2024`"),
        ("content/pages/index.md:9:36: error: unknown role '{fcat}' (did you mean '{fact}'?): readers would see "
         "the markup",)),
    "role in a code span": Mistake(
        _swap("{fact}`rd.jjj_2024`", "``{fact}`rd.jjj_2024` ``"),
        ("content/pages/index.md:9:38: error: a role inside a code span is shown as code, not as the value",)),
    "a backtick missing": Mistake(
        _swap("{fact}`rd.jjj_2024`", "{fact}`rd.jjj_2024"),
        ("content/pages/index.md:9:36: error: the id after '{fact}' has no closing backtick",),
        errors=1),
    "unclosed fence at the end": Mistake(
        {"pages/index.md": ("```{chart} rd_bars\n```\n", "```{chart} rd_bars\n")},
        ("content/pages/index.md:16:1: error: the fence opened at line 16 is never closed",), errors=1),
    "unclosed fence before another": Mistake(
        _swap("- rd.jjj_2014 -> rd.jjj_2024 | 京津冀\n```\n", "- rd.jjj_2014 -> rd.jjj_2024 | 京津冀\n"),
        ("content/pages/index.md:11:1: error: the fence opened at line 11 is never closed: it runs on to the fence "
         "at line 15",), absent=("unknown fact",), errors=1),
    "directive in full-width braces": Mistake(
        _swap("```{cards}", "```｛cards｝"),
        ("content/pages/index.md:11:4: error: full-width braces in '｛cards｝': the block is not read as a directive",)),
    # 2. a value is the one its evidence states
    "value of the other year": Mistake(
        {"facts/rd.yaml": ("value: 4.22\n", "value: 3.5\n"),
         "../content/facts/rd.yaml": ("evidence: 跃升至2024年的4.22%", "evidence: 从2014年的3.5%跃升至2024年的4.22%")},
        ("content/facts/rd.yaml:24:13: error: the evidence of 'rd.jjj_2024' gives 4.22% for its period 2024, but "
         "the value is 3.5", "expected: 'value: 4.22', or the 'period:' the value is for")),
    "two numbers, no period": Mistake(
        {"facts/rd.yaml": ("evidence: 跃升至2024年的4.22%", "evidence: 从2014年的3.5%跃升至2024年的4.22%"),
         "../content/facts/rd.yaml": ("  period: 2024\n", "")},
        ("content/facts/rd.yaml:23:13: error: the evidence of 'rd.jjj_2024' holds 2 numbers (3.5%, 4.22%); it "
         "does not say which is the value",)),
    "marker on the wrong number": Mistake(
        {"facts/rd.yaml": ("evidence: 跃升至2024年的4.22%", "evidence: \"从2014年的[[3.5%]]跃升至2024年的4.22%\"")},
        ("content/facts/rd.yaml:24:13: error: the part marked [[3.5%]] in the evidence of 'rd.jjj_2024' is not "
         "its value (looked for '4.22%')",)),
    # 3. numbers readers see come from facts
    "a number typed in a template": Mistake(
        {"../templates/page.html": ("</article>", "<p>第7期</p></article>")},
        ("templates/page.html:", ": error: the number '7' is shown to readers (in '第7期') but comes from no fact"),
        strict=False),
    "a number typed in a chart caption": Mistake(
        {"charts/rd_bars.yaml": ("axis_title: 研发投入强度\n", "axis_title: 研发投入强度\ncaption: 共计9项。\n"
                                 "caption_en: Nine items.\n")},
        ("content/charts/rd_bars.yaml:5:12: error: the number '9' is shown to readers (in '共计9项。') but comes from "
         "no fact",), strict=False),
    "a year no fact supplies": Mistake(
        _swap("见[关于](about/)。", "见[关于](about/)。1999年起步。"),
        ("content/pages/index.md:9:", "error: the number '1999' is shown to readers",), strict=False,
        errors=1),  # once, at the page: not again for its 公众号 edition (wechat/index.html)
    # 4. every link resolves; images
    "link to a page that does not exist": Mistake(
        _swap("[关于](about/)", "[布局](layuot/)"),
        ("content/pages/index.md:9:62: error: the link 'layuot/' leads to layuot/index.html, which the build does "
         "not write",)),
    "link to a page that does not exist, in English": Mistake(
        _swap("[about](about/)", "[about](abuot/)", "pages/en/index.md"),
        ("content/pages/en/index.md:9:", "error: the link '../en/abuot/' leads to en/abuot/index.html, which the "
         "build does not write")),
    "link to an anchor that does not exist": Mistake(
        _swap("[关于](about/)", "[关于](about/#methods)"),
        ("content/pages/index.md:9:", "error: the link 'about/#methods' leads to no element with id 'methods' in "
         "about/index.html")),
    "missing image": Mistake(
        _swap("见[关于](about/)。", "见[关于](about/)。\n\n![京津冀示意图](images/map.png)"),
        ("content/pages/index.md:11:", "error: unknown image 'images/map.png'")),
    "image put in templates/assets": Mistake(
        _swap("见[关于](about/)。", "见[关于](about/)。\n\n![京津冀示意图](assets/map.png)"),
        ("content/pages/index.md:11:", "error: the image 'assets/map.png' is not in content/images/")),
    "image without alt text": Mistake(
        _swap("见[关于](about/)。", "见[关于](about/)。\n\n![](images/map.png)"),
        ("content/pages/index.md:11:5: error: the image 'images/map.png' has no alt text",)),
    # 5. twins show the same numbers
    "a number on one twin only": Mistake(
        {"pages/about.md": ("本站的数字来自测试报道。", "本站的数字来自测试报道，如{fact}`rd.beijing`。")},
        ("content/pages/about.md:7:21: error: 'rd.beijing' (6%以上) is shown here but not on the English twin "
         "content/pages/en/about.md",)),
    # 6. archived sources belong to the project
    "a made-up evidence fragment": Mistake(
        {"facts/rd.yaml": ("evidence: 跃升至2024年的4.22%", "evidence: 增长到2024年的4.22%")},
        ("content/facts/rd.yaml:24:13: error: the evidence of 'rd.jjj_2024' does not occur in the archived text "
         "of source 'demo' (content/sources/demo.txt)",)),
    "archive missing": Mistake(
        {"sources/demo.txt": None},
        ("content/sources.yaml:7:12: error: the archived text 'sources/demo.txt' of source 'demo' cannot be used: "
         "there is no such file",)),
    # 7. root cause first, all at once
    "full-width colon": Mistake(
        {"facts/rd.yaml": ("value: 4.22\n", "value：4.22\n")},
        ("content/facts/rd.yaml:20:8: error: a full-width colon '：' after 'value'; YAML needs an ASCII colon",
         "expected: 'value: ' (an ASCII colon and a space)"), absent=("unknown fact",), errors=1),
    "full-width space as indentation": Mistake(
        {"facts/rd.yaml": ("  unit: percent\n  period: 2024", "  unit: percent\n\u3000 period: 2024")},
        ("content/facts/rd.yaml:22:1: error: a full-width space (U+3000) is used for indentation; YAML allows only "
         "ASCII spaces",), absent=("unknown fact",), errors=1),
    "full-width comma in a list": Mistake(
        {"facts/extra.yaml": "fields:\n  label: 领域\n  label_en: Fields\n  value: [甲，乙]\n  value_en: [A, B]\n"
                             "  unit: list\n  source: demo\n  evidence: 甲、乙\n"},
        ("content/facts/extra.yaml:4:12: error: a full-width comma '，' between the items of [ ]; YAML would read "
         "them as one item",)),
    "a fact deleted that a chart and pages use": Mistake(
        {"facts/rd.yaml": ("\njjj_2014:\n", "\njjj_2014_old:\n")},
        ("content/charts/rd_bars.yaml:7:11: error: unknown fact 'rd.jjj_2014' in chart 'rd_bars'",
         "content/facts/rd.yaml:28:12: error: unknown fact 'rd.jjj_2014' in the formula",
         "content/pages/index.md:9:15: error: unknown fact 'rd.jjj_2014'",
         "content/pages/en/index.md:9:15: error: unknown fact 'rd.jjj_2014'"), absent=("rd.change'",)),
    # 8. the published address, written the way it is said
    "base_url without its last slash": Mistake(
        {"site.yaml": ("base_url: https://example.org/demo/", "base_url: https://example.org/京津冀")},
        ("content/site.yaml:4:11: error: 'base_url' must be",
         "got 'https://example.org/京津冀', which does not end in '/': write https://example.org/京津冀/")),
    "base_url without https://": Mistake(
        {"site.yaml": ("base_url: https://example.org/demo/", "base_url: example.org/demo")},
        ("content/site.yaml:4:11: error: 'base_url' must be",
         "got 'example.org/demo', which has no https:// in front: write https://example.org/demo/")),
    # 9. YAML layout, in an editor's words: at the line they got wrong, with the corrected line
    "a key indented deeper than its neighbours": Mistake(
        {"facts/rd.yaml": ("  value: 6\n", "    value: 6\n")},
        ("content/facts/rd.yaml:4:5: error: 'value:' is indented 4 spaces, deeper than 'label_en:' above it "
         "(2 spaces): the keys of one block line up", "expected: '  value: 6' (2 spaces, like 'label_en:')"),
        absent=_NOT_YAML_JARGON, errors=1),
    "a key at the left edge inside a fact": Mistake(
        {"facts/rd.yaml": ("  value: 6\n", "value: 6\n")},
        ("content/facts/rd.yaml:4:1: error: 'value:' starts at the left edge, but 'label_en:' above it is "
         "indented 2 spaces: the keys of one block line up", "expected: '  value: 6' (2 spaces, like 'label_en:')"),
        absent=_NOT_YAML_JARGON, errors=1),
    "the first key of a fact at the left edge": Mistake(
        {"facts/rd.yaml": ("  label: 京津冀研发投入强度\n  label_en: R&D intensity\n  value: 4.22",
                           "label: 京津冀研发投入强度\n  label_en: R&D intensity\n  value: 4.22")},
        ("content/facts/rd.yaml:18:1: error: 'label:' starts at the left edge, but 'label_en:' below it is "
         "indented 2 spaces",), absent=_NOT_YAML_JARGON, errors=1),
    "a quote never closed": Mistake(  # YAML reads on to the next quote, eight lines below
        {"facts/rd.yaml": ("label_en: Beijing R&D intensity\n", "label_en: \"Beijing R&D intensity\n"),
         "../content/facts/rd.yaml": ("label_en: R&D intensity\n", "label_en: \"R&D intensity\"\n")},
        ("content/facts/rd.yaml:3:13: error: the quote opened here is never closed on its line, so YAML reads the "
         "lines below as part of the text",
         "expected: a closing \" at the end of the text: label_en: \"Beijing R&D intensity\""),
        absent=_NOT_YAML_JARGON, errors=1),
    "text after the closing quote": Mistake(
        {"facts/rd.yaml": ("label: 北京研发投入强度\n", "label: \"北京\"研发投入强度\n")},
        ("content/facts/rd.yaml:2:13: error: the text of 'label' ends at this quote, but more follows it: "
         "'研发投入强度'", "expected: one pair of quotes around the whole text: label: \"北京研发投入强度\""),
        absent=_NOT_YAML_JARGON, errors=1),
    "a stray quote before a key": Mistake(
        {"facts/rd.yaml": ("  value: 6\n", "  \"value: 6\n")},
        ("content/facts/rd.yaml:4:3: error: a stray \" before 'value: 6': YAML reads all that follows, to the next "
         "quote, as one text", "expected: no quote: '  value: 6'"), absent=_NOT_YAML_JARGON, errors=1),
    "a key without its colon": Mistake(
        {"facts/rd.yaml": ("  value: 6\n", "  value 6\n")},
        ("content/facts/rd.yaml:4:8: error: the key 'value' has no colon after it",
         "expected: a colon after the key: value: 6"), absent=_NOT_YAML_JARGON, errors=1),
    "a key without the space after its colon": Mistake(
        {"facts/rd.yaml": ("  value: 6\n", "  value:6\n")},
        ("content/facts/rd.yaml:4:9: error: the key 'value' has no space after its colon",
         "expected: a space after the colon: value: 6"), absent=_NOT_YAML_JARGON, errors=1),
    "a fact name without its colon": Mistake(
        {"facts/rd.yaml": ("\njjj_2014:\n", "\njjj_2014\n")},
        ("content/facts/rd.yaml:9:9: error: the key 'jjj_2014' has no colon after it",
         "expected: a colon after the key: jjj_2014:"), absent=_NOT_YAML_JARGON, errors=1),
    "a colon and a space inside a text": Mistake(
        {"facts/rd.yaml": ("label: 北京研发投入强度\n", "label: 注意: 北京研发投入强度\n")},
        ("content/facts/rd.yaml:2:12: error: the text of 'label' holds a colon and a space, which YAML reads as "
         "the start of another key", "expected: the text in quotes: label: \"注意: 北京研发投入强度\""),
        absent=_NOT_YAML_JARGON, errors=1),
    "a colon and a space inside a page title": Mistake(
        _swap("title: 测试首页\n", "title: 注意: 测试首页\n"),
        ("content/pages/index.md:2:10: error: the text of 'title' holds a colon and a space",
         "expected: the text in quotes: title: \"注意: 测试首页\""), absent=_NOT_YAML_JARGON, errors=1),
    "a [ never closed": Mistake(
        {"facts/extra.yaml": "fields:\n  label: 领域\n  label_en: Fields\n  value: [甲, 乙\n  value_en: [A, B]\n"
                             "  unit: list\n  source: demo\n  evidence: 甲、乙\n"},
        ("content/facts/extra.yaml:4:10: error: the '[' opened here is never closed on its line, so YAML reads the "
         "lines below as part of the list", "expected: ']' at the end of the list: value: [甲, 乙]"),
        absent=_NOT_YAML_JARGON, errors=1),
    "a list item indented deeper than the one above": Mistake(
        {"charts/rd_bars.yaml": ("  - fact: rd.beijing\n", "    - fact: rd.beijing\n")},
        ("content/charts/rd_bars.yaml:10:5: error: the list item '- fact: rd.beijing' is indented 4 spaces, deeper "
         "than the item above it (2 spaces): the items of one list line up",
         "expected: '  - fact: rd.beijing' (2 spaces, like the item above it)"),
        absent=_NOT_YAML_JARGON + ("unknown chart",), errors=1),
    "a key of a list item out of line": Mistake(
        {"charts/rd_bars.yaml": ("    label: 北京\n", "     label: 北京\n")},
        ("content/charts/rd_bars.yaml:11:6: error: 'label:' is indented 5 spaces, deeper than 'fact:' above it "
         "(4 spaces): the keys of one block line up",), absent=_NOT_YAML_JARGON + ("unknown chart",), errors=1),
    "a dash without its space": Mistake(
        {"charts/rd_bars.yaml": ("  - fact: rd.beijing\n", "  -fact: rd.beijing\n")},
        ("content/charts/rd_bars.yaml:10:3: error: '-fact: rd.beijing' has no space after the dash, so YAML does "
         "not read it as a list item", "expected: a space after the dash: - fact: rd.beijing"),
        absent=_NOT_YAML_JARGON + ("unknown chart",), errors=1),
    # 10. a changed figure, root cause first
    "a published figure changed with evidence the archived source does not hold": Mistake(
        {"published.yaml": "published: '2026-11-30'\nfacts:\n  rd.beijing:\n  - date: '2026-11-30'\n    value: 6\n"
                           "    qualifier: at_least\n    source: demo\n",
         "facts/rd.yaml": ("value: 6\n  unit: percent\n  qualifier: at_least\n  source: demo\n  evidence: 研发投入强度保持在6%以上",
                           "value: 6.2\n  unit: percent\n  qualifier: at_least\n  source: demo\n"
                           "  evidence: 研发投入强度保持在6.2%以上")},
        ("content/facts/rd.yaml:8:13: error: the evidence of 'rd.beijing' does not occur in the archived text of "
         "source 'demo' (content/sources/demo.txt)",
         "a figure from a newer article needs that article as a source of its own"),
        absent=("changed since it was published", "neither a fact nor set aside"), errors=1),
    # 11. all at once: an unusable fact hides only its own follow-ons
    "an unquoted fact and a number of another source left uncovered": Mistake(
        {**_UNQUOTED_BEIJING,
         "sources.yaml": ("archive: sources/demo.txt\n", "archive: sources/demo.txt\n" + _OTHER_SOURCE),
         "sources/other.txt": "另一篇报道\n天津研发投入强度为3.6%。\n"},
        (_UNQUOTED_BEIJING_ERROR,
         "content/sources/other.txt:2:10: error: the number '3.6%' of source 'other' is neither a fact nor set aside"),
        absent=("of source 'demo' is neither a fact nor set aside",), errors=2),
    "an unquoted published fact and another published fact changed silently": Mistake(
        {**_UNQUOTED_BEIJING, "published.yaml": _PUBLISHED},
        (_UNQUOTED_BEIJING_ERROR,
         "content/facts/rd.yaml:20:10: error: 'rd.jjj_2024' changed since it was published on 2026-11-30 "
         "(4.2% -> 4.22%)"),
        absent=("'rd.beijing' changed", "neither a fact nor set aside"), errors=2),
    "a published fact's block with an error and another published fact changed silently": Mistake(
        {"facts/rd.yaml": ("value: 6\n", "value: 6%以上\n"), "published.yaml": _PUBLISHED},
        ("content/facts/rd.yaml:4:10: error: 'value' must be a number",
         "content/facts/rd.yaml:20:10: error: 'rd.jjj_2024' changed since it was published"),
        absent=("'rd.beijing' was published on", "unknown fact", "unknown chart"), errors=2),
    "an unquoted fact and a fact never shown": Mistake(
        {**_UNQUOTED_BEIJING,
         "facts/more.yaml": "copy:\n  label: 京津冀研发投入强度\n  label_en: R&D intensity\n  value: 4.22\n"
                            "  unit: percent\n  period: 2024\n  source: demo\n  evidence: 跃升至2024年的4.22%\n"},
        (_UNQUOTED_BEIJING_ERROR, "content/facts/more.yaml:1:1: error: fact 'more.copy' is never shown"),
        absent=("unknown fact", "neither a fact nor set aside"), errors=2),
    "an unquoted fact and a label without its translation": Mistake(
        {"facts/rd.yaml": _UNQUOTED_BEIJING["facts/rd.yaml"] + ("  label_en: Rise in ten years\n", "")},
        (_UNQUOTED_BEIJING_ERROR, "error: the label of 'rd.change' has no English translation"),
        absent=("unknown fact", "neither a fact nor set aside"), errors=2),
    "an unquoted fact and a number on one twin only": Mistake(
        {**_UNQUOTED_BEIJING,
         "pages/about.md": ("本站的数字来自测试报道。", "本站的数字来自测试报道，如{fact}`rd.jjj_2024`。")},
        (_UNQUOTED_BEIJING_ERROR,
         "content/pages/about.md:7:21: error: 'rd.jjj_2024' (4.22%) is shown here but not on the English twin"),
        absent=("unknown fact", "neither a fact nor set aside"), errors=2),
    # 12. valid YAML, wrong story: read without a syntax error, but not as the editor meant
    "a stray closing quote in a Chinese text": Mistake(
        {"facts/rd.yaml": ("label: 北京研发投入强度\n", "label: 北京研发投入强度\"\n")},
        ("content/facts/rd.yaml:2:18: error: a stray \" at the end of the text of 'label': the text is not in "
         "quotes, so readers would see the quote", "expected: no quote: label: 北京研发投入强度 ("), errors=1),
    "a stray closing quote in an English text": Mistake(
        {"facts/rd.yaml": ("label_en: Beijing R&D intensity\n", "label_en: Beijing R&D intensity\"\n")},
        ("content/facts/rd.yaml:3:34: error: a stray \" at the end of the text of 'label_en'",
         "expected: no quote: label_en: Beijing R&D intensity ("), errors=1),
    "a fact name indented under the fact above": Mistake(
        {"facts/rd.yaml": ("\njjj_2014:\n", "\n  jjj_2014:\n")},
        ("content/facts/rd.yaml:9:3: error: the name 'jjj_2014:' is indented 2 spaces, so YAML reads it as a key "
         "of 'beijing' above it, and the keys below it as keys of 'beijing' given twice",
         "expected: 'jjj_2014:' (at the left edge, like 'beijing:')"), absent=("duplicate key",), errors=1),
    "a fact indented whole under the fact above": Mistake(  # name and keys 2 spaces deeper
        {"facts/rd.yaml": (_JJJ_2014, textwrap.indent(_JJJ_2014, "  "))},
        ("content/facts/rd.yaml:9:3: error: the name 'jjj_2014:' is indented 2 spaces, so YAML reads it as a key "
         "of 'beijing' above it, with its block inside it",
         "expected: 'jjj_2014:' (at the left edge, like 'beijing:'), and its keys 2 spaces less"),
        absent=("unknown key", "unknown fact"), errors=1),
    "a '#' before a value": Mistake(
        {"facts/rd.yaml": ("  value: 6\n", "  value: #6\n")},
        ("content/facts/rd.yaml:4:10: error: '#' starts a YAML comment, so 'value' is empty: YAML reads '#6' as a "
         "note to editors, not as the value", "expected: value: 6, without the '#'; or, if the '#' belongs to the "
         "text, the text in quotes: value: \"#6\""), absent=("got nothing",), errors=1),
    "a '#' before a page title": Mistake(
        _swap("title: 测试首页\n", "title: #1 测试首页\n"),
        ("content/pages/index.md:2:8: error: '#' starts a YAML comment, so 'title' is empty",
         "expected: title: 1 测试首页, without the '#'"), absent=("got nothing", "missing the required"), errors=1),
    "a full-width space after the colon": Mistake(
        {"facts/rd.yaml": ("  value: 6\n", "  value:\u30006\n")},
        ("content/facts/rd.yaml:4:9: error: a full-width space (U+3000) after 'value:'; YAML needs an ASCII space "
         "after the colon", "expected: one ASCII space after the colon: value: 6"),
        absent=_NOT_YAML_JARGON, errors=1),
    # 13. the source's words where a keyword goes, and spaces no one can see
    "the qualifier's word instead of its keyword": Mistake(
        {"facts/rd.yaml": ("  qualifier: at_least\n", "  qualifier: 以上\n")},
        ("content/facts/rd.yaml:6:14: error: 'qualifier' must be one of exact, at_least, more_than, about, at_most, "
         "less_than, got the text '以上': write 'qualifier: at_least', which writes the number as …以上",), errors=1),
    "a full-width space after the value": Mistake(
        {"facts/rd.yaml": ("  value: 6\n", "  value: 6\u3000\n")},
        ("content/facts/rd.yaml:4:10: error: 'value' must be a number for unit 'percent', got the text '6\u3000' "
         "(with a full-width space, U+3000, in it)",), errors=1),
}


def _apply(root: Path, edit: dict) -> None:
    for relative, change in edit.items():
        path = root / "content" / relative
        if change is None:
            path.unlink()
        elif isinstance(change, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(change, encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
            for old, new in zip(change[::2], change[1::2], strict=True):
                assert old in text, f"{relative} does not contain {old!r}"
                text = text.replace(old, new, 1)
            path.write_text(text, encoding="utf-8")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def good_project(tmp_path_factory):
    """The small project, built once: each mistake starts from a copy of it and its _site/."""
    import shutil

    root = tmp_path_factory.mktemp("good")
    files = {relative: textwrap.dedent(text).lstrip("\n") for relative, text in PROJECT.items()}
    write_files(root / "content", files)
    shutil.copytree(REPO / "templates", root / "templates")
    assert main(["build", "--strict", "--project", str(root)]) == 0
    return root


@pytest.mark.parametrize("name", list(MISTAKES))
def test_mistakes_are_refused_at_their_place(name, good_project, tmp_path, capsys):
    import shutil

    mistake = MISTAKES[name]
    shutil.copytree(good_project, tmp_path / "p", symlinks=True)
    root = tmp_path / "p"
    before = _snapshot(root / "_site")
    _apply(root, mistake.edit)
    capsys.readouterr()
    code = main(["build", "--project", str(root)] + (["--strict"] if mistake.strict else []))
    err = capsys.readouterr().err
    assert code == 1, err
    for expected in mistake.expected:
        assert expected in err, f"{name}: {expected!r} not in\n{err}"
    for follow_on in mistake.absent:
        assert follow_on not in err, f"{name}: a follow-on error was reported:\n{err}"
    if mistake.errors is not None:
        assert f"{mistake.errors} error{'s' if mistake.errors > 1 else ''};" in err, err
    assert "Traceback" not in err
    assert _snapshot(root / "_site") == before


def test_mistakes_corpus_covers_the_issue():
    assert len(MISTAKES) >= 25
