"""The lexicon data files: tiers.tsv's NACC bands and uses, and the cue lists of cues.toml."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ita_extract.extract.lexicon import load_lexicon

# The lists cues.toml documents as regex fragments.
FRAGMENTS = (("figure", "previous_level"), ("year", "after_break"), ("position", "continuation"),
             ("agency_head", "function_after"))
BANDS = ((95, "AA"), (85, "A"), (75, "B"), (65, "C"), (55, "D"), (50, "E"))


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_derive_tier_follows_the_nacc_bands(score):
    expected = next((band for minimum, band in BANDS if score >= minimum), "F")
    assert load_lexicon().derive_tier(score) == expected


def test_moral_levels_are_uses_not_nacc_bands():
    lex = load_lexicon()
    for use in ("moral", "moral_bare"):
        assert lex.tier_uses[use]
        assert not set(lex.tier_uses[use]) & set(lex.tiers)
    # a standalone word tier is a NACC tier with a band
    assert set(lex.tier_uses["standalone"]) <= set(lex.tiers)


def test_word_and_moral_tiers_are_found_as_written():
    from ita_extract.extract.patterns import patterns

    pat = patterns()
    assert pat.word_tier.search("ผล ผ่านดีเยี่ยม 97 คะแนน").group("tier") == "ผ่านดีเยี่ยม"
    assert pat.word_tier.search("ผล ผ่าน 97 คะแนน") is None  # ผ่าน needs ระดับ
    m = pat.moral_tier.search("ผ่านการประเมินองค์กรคุณธรรมต้นแบบโดดเด่น")
    assert m.group("tier") == "องค์กรคุณธรรมต้นแบบโดดเด่น"
    assert pat.moral_tier.search("อยู่ในระดับคุณธรรมต้นแบบ ").group("bare") == "คุณธรรมต้นแบบ"


def test_every_cue_list_is_a_non_empty_list_of_phrases_that_compiles():
    lex = load_lexicon()
    for section, lists in lex.cues.items():
        for key, words in lists.items():
            assert words and all(isinstance(w, str) and w for w in words), (section, key)
            re.compile(lex.cue_alt(section, key))
    for section, key in FRAGMENTS:
        re.compile(lex.cue_fragment(section, key))
