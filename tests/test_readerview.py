"""How the output check reads numbers back from what readers get (readerview.py)."""

from __future__ import annotations

from kejiquan_site.check.readerview import number_key, numbers_in, scan_html


def _keys(text: str) -> list[str]:
    return [number_key(token) for token in numbers_in(text)]


def test_readerview_a_whole_date_is_one_number_in_every_form():
    same = {"date:2026-11-30"}
    assert set(_keys("发布于2026年11月30日")) == same
    assert set(_keys("Published November 30, 2026.")) == same
    assert set(_keys("published: 2026-11-30")) == same
    # a day or month on its own is a number of its own, not explained by a date
    assert _keys("第30期，2026-11-30") == ["30", "date:2026-11-30"]


def test_readerview_digits_inside_codes_are_not_numbers():
    assert numbers_in("数据版本 · 453c5c95 · h2 · #1f4e9c") == []
    assert _keys("1,000 与 1000 与 4.20%") == ["1000", "1000", "4.2"]


def test_readerview_a_line_break_point_does_not_split_a_number():
    texts = scan_html("<h1>达到4.<wbr>22%</h1>").texts
    assert [number_key(token) for text in texts for token in numbers_in(text)] == ["4.22"]
