"""Every fact's value occurs in its evidence, and every evidence fragment in the archived article."""

from __future__ import annotations

import unicodedata

from helpers import REPO, SEED
from kejiquan_site.check.numbers import numeral_value
from kejiquan_site.check.provenance import evidence_in_source, missing_value, stated_numbers


def test_provenance_every_value_occurs_in_its_evidence(real_site):
    for fact in real_site.story.facts.values():
        if fact.derived:
            continue
        assert missing_value(fact) == "", f"{fact.id}: '{missing_value(fact)}' not in '{fact.evidence}'"


def test_provenance_evidence_is_short(real_site):
    for fact in real_site.story.facts.values():
        assert len(fact.evidence) <= 40, fact.id


def test_provenance_the_archive_is_the_seed_article_byte_for_byte():
    if SEED.is_file():  # the project keeps its own copy; where the seed is there too, they agree
        assert (REPO / "content" / "sources" / "xjb_kuowei.txt").read_bytes() == SEED.read_bytes()


def test_provenance_every_evidence_fragment_occurs_in_the_seed_article(real_site):
    seed = (REPO / "content" / "sources" / "xjb_kuowei.txt").read_text(encoding="utf-8")
    for fact in real_site.story.facts.values():
        if not fact.derived:
            assert evidence_in_source(fact, seed), f"{fact.id}: evidence not found in the seed"
            assert unicodedata.normalize("NFKC", fact.evidence).replace(" ", "") in \
                unicodedata.normalize("NFKC", seed)


def test_provenance_catches_a_value_missing_from_its_evidence(make_project):
    from kejiquan_site.build.site import build_site

    site = build_site(make_project())
    fact = site.story.facts["rd.beijing"]
    assert missing_value(fact) == ""
    import dataclasses

    assert missing_value(dataclasses.replace(fact, value=7)) == "7%"


def test_provenance_reads_chinese_numerals(real_site):
    facts = real_site.story.facts
    assert "首位" in facts["rankings.hcr_beijing"].evidence and missing_value(facts["rankings.hcr_beijing"]) == ""
    assert "第四" in facts["rankings.wipo_beijing"].evidence and missing_value(facts["rankings.wipo_beijing"]) == ""


def test_provenance_reads_numerals_as_the_number_finder_does():
    """The evidence's numbers are read by check/numbers.py's reader, so 二〇二五-style digit runs,
    一百零五 and 首位 have one meaning everywhere (a second reader once read 二零二五 as 5)."""
    stated = {unit: [value for _, value, _ in stated_numbers(text, unit)] for unit, text in (
        ("percent", "增长百分之十五，达到4.22%"), ("rank", "居第十二，首位"), ("percentage_point", "提高三个百分点"),
        ("count", "共一百零五家，编号二零二五"))}
    assert stated == {"percent": [15.0, 4.22], "rank": [12.0, 1.0], "percentage_point": [3.0], "count": [105.0, 2025.0]}
    assert [numeral_value(text) for text in ("二零二五", "一百零五", "首", "１５")] == [2025, 105, 1, 15]
