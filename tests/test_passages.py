"""Passage selection: the topic lines found by the word pre-filter are those the topic regex
finds line by line."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ita_extract.extract.passages import _topic_literals, select_passages, topic_lines, topic_re

PIECES = [*_topic_literals(), "A", "S", "x", "ก", "คุณธรรม", "ความโปร่งใส", " ", "\n", "13. เรื่อง ", "1."]


def _lines(text: str) -> tuple[list[str], list[int]]:
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return lines, starts


@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_topic_lines_are_the_lines_the_regex_finds(text):
    lines, starts = _lines(text)
    assert topic_lines(text, lines, starts) == [i for i, ln in enumerate(lines) if topic_re().search(ln)]


def test_latin_topic_words_stay_whole_words_in_a_long_text():
    # DIGITAL holds "ITA": no passage; the line that names the ITA itself is one
    filler = "\n".join(f"บรรทัด {i} ข่าวทั่วไป" for i in range(3000))
    text = f"DIGITAL ข่าว\n{filler}\nผลการประเมิน ITA ของกรม\n{filler}"
    lines, starts = _lines(text)
    assert topic_lines(text, lines, starts) == [3001]
    (p,) = select_passages(text)
    assert "ผลการประเมิน ITA" in text[p.start : p.end] and "DIGITAL" not in text[p.start : p.end]
