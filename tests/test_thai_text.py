"""Tests for ita_extract.thai.text: clean_text and its offset map."""

from __future__ import annotations

import unicodedata
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_extract.thai import CleanText, clean_text, thai_digits_to_arabic
from ita_extract.thai.text import HSPACE, VSPACE, ZERO_WIDTH


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ก\r\nข", "ก\nข"),
        ("ก\rข", "ก\nข"),
        ("ก\r\n\r\n\r\nข", "ก\n\nข"),
        ("ก\n\n\n\n\nข", "ก\n\nข"),
        ("ก\n  \n \t\nข", "ก\n\nข"),  # blank lines holding spaces are blank
        ("ก\u200bข", "กข"),
        ("ก\u200cข\u200dค\u2060ง\ufeffจ\u00adฉ", "กขคงจฉ"),
        ("ก\u00a0ข", "ก ข"),
        ("ก\u202fข\u2007ค\tง", "ก ข ค ง"),
        ("ก  \u00a0 \t ข", "ก ข"),
        ("ก \u200b ข", "ก ข"),
        ("  ก ข  \n  ค  ", "ก ข\nค"),
        ("\n\nก\n\n", "ก"),
        ("ปี ๒๕๖๗ ร้อยละ ๙๕.๕", "ปี 2567 ร้อยละ 95.5"),
        ("เเละ", "และ"),  # two sara e typed for sara ae
        ("เ\u200bเละ", "และ"),  # ... even with a zero-width char between
        ("เเเ", "แเ"),
        ("cafe\u0301", "café"),  # NFC
        ("", ""),
        (" \u200b\n\t", ""),
    ],
)
def test_clean_text_examples(raw: str, expected: str) -> None:
    ct = clean_text(raw)
    assert ct.text == expected
    assert ct.source == raw
    assert len(ct.offsets) == len(ct.text) + 1
    assert ct.offsets[-1] == len(raw)


def test_offsets_point_at_source_chars() -> None:
    raw = "  วันที่\u00a0๑๖ \u200bพฤศจิกายน\r\n\r\n\r\nเเละ"
    ct = clean_text(raw)
    assert ct.text == "วันที่ 16 พฤศจิกายน\n\nและ"
    i = ct.text.index("16")
    assert raw[ct.offsets[i] : ct.offsets[i] + 2] == "๑๖"
    assert raw[ct.offsets[ct.text.index(" ")]] == "\u00a0"
    j = ct.text.index("แ")
    assert raw[ct.offsets[j] : ct.offsets[j + 1]] == "เเ"


def test_to_source_maps_spans_back() -> None:
    raw = "ผล ITA\u00a0 ๙๕.๕ คะแนน\u200b  \n\n\nต่อไป"
    ct = clean_text(raw)
    assert ct.text == "ผล ITA 95.5 คะแนน\n\nต่อไป"
    s, e = ct.to_source(ct.text.index("95.5"), ct.text.index("95.5") + 4)
    assert raw[s:e] == "๙๕.๕"
    # trailing removed characters (zero-width, spaces) are not taken in
    s, e = ct.to_source(ct.text.index("คะแนน"), ct.text.index("คะแนน") + 5)
    assert raw[s:e] == "คะแนน"
    assert ct.to_source(0, 0) == (0, 0)
    assert ct.to_source(0, len(ct.text))[1] == len(raw)
    with pytest.raises(ValueError):
        ct.to_source(3, len(ct.text) + 1)


def test_nfc_reorders_thai_marks() -> None:
    raw = "ก\u0e48\u0e38ข"  # mai ek typed before sara u: not NFC
    ct = clean_text(raw)
    assert ct.text == "ก\u0e38\u0e48ข"
    assert ct.offsets == (0, 1, 2, 3, 4)


def test_nfc_offsets_stay_monotonic() -> None:
    raw = "e\u0301 \u1100\u1161 Å\u0301 x"  # composes to é, 가, Ǻ
    ct = clean_text(raw)
    assert ct.text == "é 가 Ǻ x"
    assert list(ct.offsets) == sorted(ct.offsets)
    assert raw[ct.offsets[ct.text.index("x")]] == "x"


def test_thai_digits_to_arabic() -> None:
    assert thai_digits_to_arabic("๐๑๒๓๔๕๖๗๘๙") == "0123456789"
    assert thai_digits_to_arabic("ปี ๒๕๖๗ (2024)") == "ปี 2567 (2024)"
    assert thai_digits_to_arabic("") == ""


def test_clean_text_is_frozen() -> None:
    ct = clean_text("ก")
    assert isinstance(ct, CleanText)
    with pytest.raises(AttributeError):
        ct.text = "ข"  # type: ignore[misc]




# --------------------------------------------------------------------------
# Properties

_ALPHABET = (
    list("กขคงจฉชซญดตถทนบปผพฟมยรลวศษสหอฮะาิีึืุูเแโใไ่้๊๋ัำ็์ๆฯ")
    + list("abcXYZ0123456789.,:/-()%")
    + list("๐๑๒๓๔๕๖๗๘๙")
    + list(HSPACE)
    + list(VSPACE)
    + list(ZERO_WIDTH)
    + ["\r\n", "เเ", "  ", "\n\n\n"]
)
texts = st.lists(st.sampled_from(_ALPHABET), max_size=200).map("".join)
_THAI_TO_ARABIC = {chr(0x0E50 + i): str(i) for i in range(10)}


@settings(max_examples=300, deadline=None)
@given(texts)
def test_offsets_map_each_char_back(raw: str) -> None:
    ct = clean_text(raw)
    text, offs = ct.text, ct.offsets
    assert len(offs) == len(text) + 1 and offs[-1] == len(raw)
    assert all(a < b for a, b in pairwise(offs)), "offsets strictly increase"
    for i, c in enumerate(text):
        src = raw[offs[i]]
        if c == " ":
            assert src in HSPACE
        elif c == "\n":
            assert src in VSPACE
        elif c == "แ" and src == "เ":
            between = raw[offs[i] : offs[i + 1]]
            assert between[0] == "เ" and between.rstrip(ZERO_WIDTH + HSPACE + VSPACE)[-1] == "เ"
        elif unicodedata.combining(c) and c != src:
            # NFC puts marks in canonical order (sara u before mai ek): the
            # offset then points at another mark of the same cluster.
            assert unicodedata.combining(src)
            assert c in raw[max(0, offs[i] - 8) : offs[i] + 8]
        else:
            assert _THAI_TO_ARABIC.get(src, src) == c


@settings(max_examples=300, deadline=None)
@given(texts)
def test_clean_text_output_is_clean_and_stable(raw: str) -> None:
    text = clean_text(raw).text
    assert clean_text(text).text == text  # idempotent
    assert "  " not in text and "\n\n\n" not in text
    assert not any(ch in text for ch in ZERO_WIDTH + "\r\t\u00a0")
    assert not any("\u0e50" <= ch <= "\u0e59" for ch in text)
    assert text == text.strip()
    for line in text.split("\n"):
        assert line == line.strip(" ")


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_to_source_span_cleans_to_same_text(raw: str, data: st.DataObject) -> None:
    ct = clean_text(raw)
    n = len(ct.text)
    # Span ends at character boundaries, never inside a run of combining marks: NFC may
    # reorder such a run ("ก\u0e48\u0e38" → "ก\u0e38\u0e48"), so part of it has no
    # source span of its own. Evidence spans are words and sentences: they never split one.
    bounds = [k for k in range(n + 1) if k == n or not unicodedata.combining(ct.text[k])]
    i = data.draw(st.sampled_from(bounds))
    j = data.draw(st.sampled_from([k for k in bounds if k >= i]))
    s, e = ct.to_source(i, j)
    assert 0 <= s <= e <= len(raw)
    assert clean_text(raw[s:e]).text == ct.text[i:j].strip(" \n")
