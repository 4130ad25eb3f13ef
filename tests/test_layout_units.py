"""The pure parts of typography and chart layout: phrases for line breaks, label placement."""

from __future__ import annotations

from kejiquan_site.render.labelplace import Box, Label, place_labels, point_box, spots_around, text_forms, text_size
from kejiquan_site.render.storyorder import readable_formula
from kejiquan_site.render.typography import phrases, with_break_points


def test_typography_phrases_keep_listed_words_whole_and_no_lone_character():
    pieces = phrases("从一城领跑到三地协同：北京国际科创中心扩围至京津冀", ("京津冀", "科创"))
    assert "".join(pieces) == "从一城领跑到三地协同：北京国际科创中心扩围至京津冀"
    assert pieces[-1].endswith("京津冀") and all(len(piece) >= 2 for piece in pieces)
    assert any(piece.endswith("科创") or piece.startswith("科创") for piece in pieces)
    assert phrases("北京基础研究经费占比")[-1].endswith("占比")
    assert phrases("Beijing’s R&D intensity") == ["Beijing’s R&D intensity"]


def test_typography_break_points_are_escaped_wbr():
    assert str(with_break_points("北京<b>研发投入强度")).count("<wbr>") >= 1
    assert "&lt;b&gt;" in str(with_break_points("北京<b>研发投入强度"))


def test_labelplace_labels_avoid_marks_each_other_and_the_frame():
    frame = Box(0, 0, 200, 200)
    dots = [(100, 100), (150, 100)]
    labels = [Label(f"dot{i}", x, y, text_forms("Tianjin Binhai New Area"), 14, tuple(spots_around(8)))
              for i, (x, y) in enumerate(dots)]
    placed = place_labels(labels, [point_box(x, y, 8) for x, y in dots], frame)
    assert all(p.clear for p in placed)
    assert placed[0].box.overlap(placed[1].box) == 0
    assert all(p.box.outside(frame) == 0 for p in placed)
    assert placed[1].text != "Tianjin Binhai New Area"  # too wide on one line near the right edge
    assert text_size("a<br>b", 10)[1] == 2 * 10 * 1.3


def test_storyorder_formula_reads_as_arithmetic(real_site):
    facts = real_site.story.facts
    assert readable_formula("rd.jjj_2024 - rd.jjj_2014", facts, "en") == "4.22% (2024) − 3.5% (2014)"
    assert readable_formula("count(policy.means)", facts, "zh") == "“扩围的四种手段”的项数"


def test_typography_never_breaks_inside_a_number():
    for text in ("京津冀平均研发投入强度达到4.22%，提高0.72个百分点", "产值超过1,000亿元的集群"):
        pieces = phrases(text)
        assert "".join(pieces) == text
        for number in ("4.22%", "0.72", "1,000"):
            if number in text:
                assert any(number in piece for piece in pieces), pieces
