"""Tests for ita_extract.thai.numbers: parse_number and find_numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pythainlp.util import arabic_digit_to_thai_digit, num_to_thaiword

from ita_extract.thai import NumberMention, ThaiNumberError, find_numbers, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("95", 95.0),
        ("87.57", 87.57),
        ("1,234", 1234.0),
        ("8,303", 8303.0),
        ("๙๕.๕", 95.5),
        ("ร้อยละ 79.66", 79.66),
        ("กว่า 120", 120.0),
        ("เจ็ด", 7.0),
        ("สามสิบห้า", 35.0),
        ("หนึ่งร้อย", 100.0),
        ("ศูนย์", 0.0),
        ("ยี่สิบเอ็ด", 21.0),
        ("ร้อยละ ๗.๕", 7.5),
        ("1,234.56", 1234.56),
        ("608.990", 608.99),  # without count=True: a decimal
        ("1.234.567", 1234567.0),  # two dot groups: must be thousands
        ("ได้ 95.00 คะแนน", 95.0),
        ("ประมาณ สามสิบ", 30.0),
        ("50%", 50.0),
    ],
)
def test_parse_number_examples(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("608.990", 608990.0),
        ("1.234.567", 1234567.0),
        ("8,303", 8303.0),
        ("87.57", 87.57),  # not 3-digit groups: still a decimal
        ("0.447", 0.447),  # a group cannot start with 0
        ("95", 95.0),
    ],
)
def test_parse_number_count(text: str, value: float) -> None:
    assert parse_number(text, count=True) == value


@pytest.mark.parametrize("text", ["", "ไม่มีตัวเลข", "สามารถ", "ห้างสรรพสินค้า", "ร้อยเอ็ด" + "ไม่", "ยี่ห้อ", "%", "2.3.11"])
def test_parse_number_errors(text: str) -> None:
    with pytest.raises(ThaiNumberError):
        parse_number(text)


def test_errors_are_typed() -> None:
    assert issubclass(ThaiNumberError, ValueError)
    for bad in (None, 95, b"95"):
        with pytest.raises(ThaiNumberError):
            parse_number(bad)  # type: ignore[arg-type]
        with pytest.raises(ThaiNumberError):
            find_numbers(bad)  # type: ignore[arg-type]


def _vals(text: str) -> list[tuple[float, str]]:
    return [(n.value, n.text) for n in find_numbers(text)]


def test_find_numbers_separators_are_one_number() -> None:
    assert _vals("รวม 1,234.56 บาท และ 8,303 คน") == [(1234.56, "1,234.56"), (8303.0, "8,303")]
    (n,) = find_numbers("1,234")
    assert n.is_integer and not n.percent and not n.approx


def test_find_numbers_thai_digits_offsets() -> None:
    text = "ได้คะแนน ๙๕.๕๐ คะแนน"
    (n,) = find_numbers(text)
    assert (n.value, n.text, text[n.start : n.end]) == (95.5, "๙๕.๕๐", "๙๕.๕๐")
    assert not n.is_integer


def test_percent_and_approx_flags() -> None:
    got = {n.text: (n.percent, n.approx) for n in find_numbers(
        "ร้อยละ 79.66 และ 80% และ 12 เปอร์เซ็นต์ กว่า 120 หน่วยงาน ประมาณ 5 คน "
        "เกือบ 9 แห่ง ราว 7 ราย 300 กว่าคน มากกว่าร้อยละ 90 ได้ 4 ข้อ"
    )}  # fmt: skip
    assert got == {
        "79.66": (True, False),
        "80": (True, False),
        "12": (True, False),
        "120": (False, True),
        "5": (False, True),
        "9": (False, True),
        "7": (False, True),
        "300": (False, True),
        "90": (True, True),
        "4": (False, False),
    }


def test_dot_grouping_is_flagged() -> None:
    (n,) = find_numbers("ผู้เข้าร่วม 608.990 คน")
    assert n.value == 608.99 and n.ambiguous_grouping and not n.is_integer
    (n,) = find_numbers("1.234.567 คน")
    assert n.value == 1234567 and n.is_integer and not n.ambiguous_grouping
    (n,) = find_numbers("ระยะทาง 0.447 กิโลเมตร")
    assert not n.ambiguous_grouping


def test_codes_and_identifiers_are_not_numbers() -> None:
    assert find_numbers("ข้อ 2.3.11 พิกัด 0810.19.90 ไวรัส H5N1 ระบบ 5G") == []


def test_comma_lists_are_split() -> None:
    assert _vals("ข้อ 1,2,3") == [(1.0, "1"), (2.0, "2"), (3.0, "3")]


def test_word_numbers_need_a_classifier() -> None:
    got = find_numbers("มีสามหน่วยงาน ได้แก่ ยี่สิบเอ็ด คน และหก แห่ง กับร้อยละห้าสิบ")
    assert [(n.value, n.text, n.word) for n in got] == [
        (3.0, "สาม", True),
        (21.0, "ยี่สิบเอ็ด", True),
        (6.0, "หก", True),
        (50.0, "ห้าสิบ", True),
    ]
    assert got[-1].percent
    # words that merely contain number words
    assert find_numbers("สามารถ ห้างสรรพสินค้า เก้าอี้ จังหวัดร้อยเอ็ด ยี่ห้อ ศูนย์ข้อมูล เรียบร้อย") == []


def test_multiplier_words_after_digits_are_not_numbers() -> None:
    assert _vals("งบประมาณ 120 ล้านบาท") == [(120.0, "120")]


def test_numbers_inside_dates() -> None:
    text = "วันที่ 16/11/2566 เวลา 09.00 น. มี 5 คน"
    assert [n.text for n in find_numbers(text)] == ["16", "11", "2566", "09.00", "5"]
    assert [n.text for n in find_numbers(text, exclude_dates=True)] == ["5"]


# --------------------------------------------------------------------------
# Properties


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**12), st.booleans())
def test_grouped_integers_round_trip(n: int, thai: bool) -> None:
    s = f"{n:,}"
    if thai:
        s = arabic_digit_to_thai_digit(s)
    assert parse_number(s) == n
    assert parse_number(f"จำนวน {s} คน", count=True) == n
    (m,) = find_numbers(f"จำนวน {s} คน")
    assert m.value == n and m.is_integer


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9), st.integers(0, 99), st.booleans())
def test_grouped_decimals_round_trip(whole: int, cents: int, thai: bool) -> None:
    s = f"{whole:,}.{cents:02d}"
    if thai:
        s = arabic_digit_to_thai_digit(s)
    expected = float(f"{whole}.{cents:02d}")
    assert parse_number(f"ร้อยละ {s}") == expected
    (m,) = find_numbers(f"ได้ {s} คะแนน")
    assert m.value == expected and not m.is_integer


@settings(max_examples=100, deadline=None)
@given(st.integers(1000, 10**9))
def test_dot_grouped_counts_round_trip(n: int) -> None:
    s = f"{n:,}".replace(",", ".")
    assert parse_number(s, count=True) == n


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 10**7))
def test_thai_words_round_trip(n: int) -> None:
    w = num_to_thaiword(n)
    assert parse_number(w) == n
    (m,) = find_numbers(f"มี{w}หน่วยงาน")
    assert (m.value, m.text, m.word) == (n, w, True)


_TOKENS = [
    "ร้อยละ", "กว่า", "ประมาณ", "%", "เปอร์เซ็นต์", "สาม", "สิบ", "ยี่", "เอ็ด", "ร้อย", "ล้าน",
    "ศูนย์", "หนึ่ง", "คน", "หน่วยงาน", "ข้อ", "มูล", " ", ",", ".", "-", "/", "0", "1", "12",
    "123", "999", "๙", "๕๐", "A", "G", "ก", "\n",
]  # fmt: skip
junk = st.one_of(
    st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join),
    st.text(max_size=60),
    st.text(alphabet="0123456789๐๑๒๓๔๕๖๗๘๙.,% สามสิบร้อยคน", max_size=40),
)


@settings(max_examples=400, deadline=None)
@given(junk, st.booleans())
def test_scanners_never_raise_untyped(text: str, count: bool) -> None:
    got = find_numbers(text)
    for n in got:
        assert isinstance(n, NumberMention)
        assert text[n.start : n.end] == n.text
        assert n.value >= 0
    assert [n.start for n in got] == sorted(n.start for n in got)
    try:
        v = parse_number(text, count=count)
    except ThaiNumberError:
        assert not got
    else:
        assert v >= 0
    find_numbers(text, exclude_dates=True)
