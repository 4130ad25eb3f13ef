"""The 公众号 edition of a story page: the article of the rendered page rewritten for copy and
paste into the WeChat editor, which keeps inline styles and drops scripts, stylesheets and
classes. Charts become their PNG at an absolute address; links become plain text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

INK, MUTED, ACCENT, RULE, WASH = "#1a1a1a", "#5b6270", "#1f4e9c", "#d9dee7", "#f4f6fa"
BODY = f"font-size:16px;line-height:1.75;color:{INK};"
# The look of each class, inline (the first class of an element that has one here wins).
CLASS_STYLES = {
    "kicker": f"font-size:14px;color:{ACCENT};margin:0 0 6px;",
    "standfirst": f"font-size:16px;color:{MUTED};margin:0 0 12px;line-height:1.7;",
    "byline": f"font-size:13px;color:{MUTED};margin:0 0 16px;",
    "cards": "list-style:none;padding:0;margin:16px 0;",
    "byline-authors": "margin-right:10px;",
    "byline-date": "margin-right:10px;",
    "card": f"border:1px solid {RULE};border-radius:6px;background:{WASH};padding:10px 12px;margin:0 0 10px;",
    "card-value": f"font-size:24px;font-weight:700;color:{ACCENT};margin:0;line-height:1.3;",
    "card-label": "font-size:15px;margin:4px 0 0;line-height:1.5;",
    "card-meta": f"font-size:12px;color:{MUTED};margin:4px 0 0;",
    "card-arrow": f"color:{MUTED};margin:0 4px;",
    "lists": "margin:16px 0;",
    "list-box": f"border-left:3px solid {ACCENT};padding:2px 0 2px 12px;margin:0 0 14px;",
    "timeline": f"list-style:none;padding:0 0 0 12px;margin:16px 0;border-left:2px solid {RULE};",
    "timeline-when": f"font-weight:700;color:{ACCENT};",
    "chart": "margin:24px 0;",
    "chart-head": "display:block;margin:0 0 8px;",
    "chart-title": "display:block;font-weight:700;font-size:17px;line-height:1.5;",
    "chart-caption": f"display:block;color:{MUTED};font-size:14px;line-height:1.6;margin-top:4px;",
    "chart-source": f"font-size:13px;color:{MUTED};margin:6px 0 0;",
    "update-notes": f"border-left:4px solid #d97706;background:{WASH};padding:8px 12px;margin:0 0 16px;font-size:15px;",
}
TAG_STYLES = {
    "h1": f"font-size:22px;line-height:1.4;margin:0 0 10px;color:{INK};",
    "h2": f"font-size:19px;line-height:1.45;margin:28px 0 10px;color:{INK};",
    "h3": f"font-size:17px;line-height:1.5;margin:20px 0 8px;color:{INK};",
    "p": f"margin:0 0 14px;{BODY}",
    "ul": "margin:0 0 14px;padding-left:20px;",
    "ol": "margin:0 0 14px;padding-left:20px;",
    "li": f"margin:0 0 6px;{BODY}",
    "table": "border-collapse:collapse;width:100%;font-size:14px;margin:8px 0;",
    "th": f"text-align:left;padding:6px 8px 6px 0;border-bottom:1px solid {RULE};",
    "td": f"text-align:left;padding:6px 8px 6px 0;border-bottom:1px solid {RULE};",
}
SKIPPED_CLASSES = {"visually-hidden", "print-only", "chart-actions", "chart-fallback", "skip-link"}
SKIPPED_TAGS = {"script", "style", "button", "textarea", "template", "noscript", "summary"}
DROPPED_TAGS = {"a", "wbr", "details", "picture", "source", "time", "abbr"}  # their text stays
VOID = {"br", "img", "hr", "wbr", "source", "input", "meta", "link"}


class _Rewriter(HTMLParser):
    """The article with inline styles only: no scripts, classes, ids or links."""

    def __init__(self, pictures: dict[str, str]):
        super().__init__(convert_charrefs=True)
        self.pictures = pictures  # chart id -> absolute address of its PNG
        self.out: list[str] = []
        self.skipping = 0  # depth inside an element left out
        self.stack: list[str] = []
        self.chart = ""  # the id of the chart figure being rewritten

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if self.skipping:
            if tag not in VOID:
                self.skipping += 1
            return
        if tag == "figure" and "chart" in classes:
            self.chart = attributes.get("id") or ""
        left_out = tag in SKIPPED_TAGS or ("chart-title" in classes and self.chart in self.pictures)  # the PNG has it or SKIPPED_CLASSES.intersection(classes)
        if "chart-box" in classes:
            chart_id = (attributes.get("id") or "").removeprefix("chart-")
            if chart_id in self.pictures:
                self.out.append(f'<p style="margin:0;"><img src="{html.escape(self.pictures[chart_id])}" alt="" '
                                'style="display:block;width:100%;height:auto;"></p>')
            left_out = True
        if "chart-data" in classes and self.chart in self.pictures:
            left_out = True  # the picture carries the numbers; without one the table stays
        if left_out:
            if tag not in VOID:
                self.skipping = 1
            return
        if tag in DROPPED_TAGS or (tag in ("article", "header", "div", "figure", "figcaption", "span") and not classes):
            if tag not in VOID:
                self.stack.append("")
            return
        style = next((CLASS_STYLES[name] for name in classes if name in CLASS_STYLES), TAG_STYLES.get(tag, ""))
        name = {"article": "section", "header": "section", "figure": "section", "figcaption": "p",
                "div": "section"}.get(tag, tag)
        if tag == "span" and "chart-" in " ".join(classes):
            name = "span"
        if tag == "img":
            self.out.append(f'<img src="{html.escape(attributes.get("src") or "")}" alt="{html.escape(attributes.get("alt") or "")}" '
                            'style="display:block;width:100%;height:auto;">')
            return
        self.out.append(f'<{name} style="{style}">' if style else f"<{name}>")
        if tag not in VOID:
            self.stack.append(name)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        if tag in VOID or not self.stack:
            return
        name = self.stack.pop()
        if name:
            self.out.append(f"</{name}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(html.escape(data, quote=False))


def render_wechat(page_html: str, pictures: dict[str, str], canonical: str, source_line: str, language: str) -> str:
    """The 公众号 page of a rendered story page. `pictures`: chart id -> absolute PNG address of
    the charts that have one (a chart without keeps its data table)."""
    start, end = page_html.find('<article class="story">'), page_html.find("</article>")
    rewriter = _Rewriter(pictures)
    rewriter.feed(page_html[start:end + len("</article>")] if start >= 0 and end > start else "")
    rewriter.close()
    body = "".join(rewriter.out)
    zh = language != "en"
    help_text = ("公众号版：全选下方虚线框内的内容，复制，粘贴到公众号编辑器；图表是图片，"
                 "发布前把“阅读原文”设为本文网址。" if zh else
                 "WeChat edition: select everything inside the dashed frame, copy it and paste it into the "
                 "WeChat editor; charts are pictures. Set “Read more” to the story's address before publishing.")
    full = "阅读全文：" if zh else "Read the full story: "
    title = page_html[page_html.find("<title>") + 7:page_html.find("</title>")] if "<title>" in page_html else ""
    found = re.search(r'<meta name="description" content="[^"]*">', page_html)
    description = found.group(0) + "\n" if found else ""
    lang = re.search(r'<html lang="([^"]+)"', page_html)
    language = lang.group(1) if lang else language
    return (f'<!doctype html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="robots" content="noindex">\n'
            f'<title>{title}</title>\n{description}<link rel="canonical" href="{html.escape(canonical)}">\n</head>\n'
            f'<body style="margin:0;padding:16px;background:#ffffff;color:{INK};font-family:-apple-system,\'PingFang SC\','
            '\'Microsoft YaHei\',\'Noto Sans CJK SC\',sans-serif;">\n'
            f'<p style="font-size:14px;color:{MUTED};max-width:640px;margin:0 auto 12px;">{html.escape(help_text)}</p>\n'
            f'<section style="max-width:640px;margin:0 auto;padding:12px;border:1px dashed {RULE};">\n{body}\n'
            f'<p style="font-size:13px;color:{MUTED};margin:20px 0 0;">{html.escape(source_line)}</p>\n'
            f'<p style="font-size:13px;color:{MUTED};margin:4px 0 0;">{full}{html.escape(canonical)}</p>\n'
            "</section>\n</body>\n</html>\n")
