"""The engine's own words, in Chinese and English: labels of the default components, chart data
tables and descriptions. Story words never live here; they live in content/ and templates/.
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # key: (Chinese, English)
    "view_data": ("查看数据", "View the data"),
    "source": ("来源：", "Source: "),
    "download_csv": ("下载数据（CSV）", "Download the data (CSV)"),
    "download_png": ("图片（PNG）", "Picture (PNG)"),
    "download_svg": ("矢量图（SVG）", "Vector (SVG)"),
    "embed": ("嵌入此图表", "Embed this chart"),
    "embed_help": ("复制下面的代码，粘贴到你的网页中：", "Copy this code into your page:"),
    "copy_code": ("复制代码", "Copy the code"),
    "copied": ("已复制到剪贴板", "Copied to the clipboard"),
    "rose_to": ("升至", "rose to"),
    "all_facts": ("全部事实", "All facts"),
    "col_fact": ("事实", "Fact"),
    "col_value": ("数值", "Value"),
    "col_qualifier": ("限定", "Qualifier"),
    "col_period": ("时期", "Period"),
    "col_source": ("来源", "Source"),
    "col_basis": ("依据", "Basis"),
    "col_evidence": ("原文摘录或计算公式", "Quoted evidence or formula"),
    "computed": ("计算：", "Computed: "),
    "other_facts": ("其他事实", "Other facts"),
    "sources_heading": ("来源", "Sources"),
    "source_number": ("来源{number}", "source {number}"),
    "download_all_csv": ("下载全部事实（CSV，可用电子表格打开）", "Download all facts (CSV, for spreadsheets)"),
    "download_all_json": ("下载全部事实（JSON，供程序使用）", "Download all facts (JSON, for programs)"),
    "read_original": ("阅读原文", "Read the original"),
    "republished_by": ("，经{via}转载", ", republished by {via}"),
    "via_short": ("（经{via}）", " (via {via})"),
    "col_item": ("项目", "Item"),
    "col_name": ("名称", "Name"),
    "col_role": ("角色", "Role"),
    "col_position": ("位置", "Position"),
    "position": ("东经{lon}°，北纬{lat}°", "{lat}°N, {lon}°E"),
    "approximate": ("（近似）", " (approximate)"),
    "link": ("连线", "Link"),
    "place": ("地点", "Place"),
    "bar_chart": ("条形图，{title}：", "Bar chart, {title}: "),
    "schematic": ("示意图，{title}。", "Schematic, {title}. "),
    "schematic_note": ("示意图，各点位置为近似", "Schematic; positions are approximate"),
    "list_separator": ("；", "; "),
    "sentence_end": ("。", "."),
    "joins": ("{line}连接{start}与{end}", "{line} joins {start} and {end}"),
    "role_members": ("{role}：{names}", "{role}: {names}"),
    "item_with_period": ("{name}（{period}）", "{name} ({period})"),
    # The updates log (updates.py, feed.py): notes on pages, the log, the feed, marked numbers.
    "update_on": ("更新于 {date}：", "Updated {date}: "),
    "correction_on": ("更正于 {date}：", "Corrected {date}: "),
    "update_from_to": ("{label}由{before}更新为{after}", "{label} changed from {before} to {after}"),
    "correction_from_to": ("{label}由{before}更正为{after}", "{label} corrected from {before} to {after}"),
    "note_in_brackets": ("（{note}）", " ({note})"),
    "withdrawn": ("撤回已发布的数据", "published data withdrawn"),
    "feed_title": ("：更正与更新", ": corrections and updates"),
    "update_mark": ("（已更新）", " (updated)"),
    "correction_mark": ("（已更正）", " (corrected)"),
    "update": ("更新", "Update"),
    "correction": ("更正", "Correction"),
    "no_updates": ("目前没有更正或更新。", "No corrections or updates so far."),
    "shown_on": ("涉及页面：", "On: "),
    "all_updates": ("全部更正与更新", "All corrections and updates"),
    "fact_details": ("{label}：出处", "{label}: where it comes from"),
    "history": ("此前发布的数值：", "Published before:"),
    "period_label": ("时期：", "Period: "),
    "qualifier_label": ("限定：", "Qualifier: "),
    "see_in_table": ("在数据表中查看", "See it in the data table"),
    "close": ("关闭", "Close"),
    "published_as": ("（{date}发布为{value}）", " (published as {value} on {date})"),
    "coverage": ("来源 {source}（{publisher}）：原文中的{numbers}个数字，{facts}个是事实，{set_aside}个有意略去并注明理由",
                 "Source {source} ({publisher}): {numbers} numbers in the text, {facts} facts, {set_aside} set aside "
                 "on purpose, each with a reason"),
    "coverage_open": ("，{count}个尚待处理", ", {count} not yet accounted for"),
}


def ui(key: str, language: str = "zh", **values: str) -> str:
    """The engine's text for `key` in `language` ('zh' or 'en'), with `values` filled in."""
    chinese, english = STRINGS[key]
    return (english if language == "en" else chinese).format(**values)
