"""Tests for ita_extract.thai.dates: dates, years, fiscal years, BE/CE."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pythainlp.util import thai_strftime

from ita_extract.thai import (
    DateMention,
    ThaiDateError,
    be_to_ce,
    ce_to_be,
    find_dates,
    find_years,
    fiscal_year_bounds,
    fiscal_year_of,
    parse_thai_date,
    safe_thai_strptime,
)

D = dt.date

# text, expected date, era, era_assumed, written weekday, has_time, matched text
DATE_EXAMPLES = [
    ("วันพฤหัสบดีที่ 16 พฤศจิกายน 2566", D(2023, 11, 16), "BE", True, "วันพฤหัสบดี", False,
     "วันพฤหัสบดีที่ 16 พฤศจิกายน 2566"),
    ("16/11/2566", D(2023, 11, 16), "BE", True, None, False, "16/11/2566"),
    ("วันที่ 4 ม.ค. 2566, 11:27", D(2023, 1, 4), "BE", True, None, True, "4 ม.ค. 2566, 11:27"),
    ("วันนี้ (5 พ.ย. 67)", D(2024, 11, 5), "BE", True, None, False, "5 พ.ย. 67"),
    ("วันนี้ ( 5 พฤศจิกายน 2567 )", D(2024, 11, 5), "BE", True, None, False, "5 พฤศจิกายน 2567"),
    ("30 มี.ค.63", D(2020, 3, 30), "BE", True, None, False, "30 มี.ค.63"),
    ("28 ส.ค. 69 14:54", D(2026, 8, 28), "BE", True, None, True, "28 ส.ค. 69 14:54"),
    ("1 ก.ค. 63 |", D(2020, 7, 1), "BE", True, None, False, "1 ก.ค. 63"),
    ("18 ธ.ค. 2560 11:10 น.", D(2017, 12, 18), "BE", True, None, True, "18 ธ.ค. 2560 11:10 น."),
    ("๙ - ๑๕ ธ.ค. ๖๐", D(2017, 12, 9), "BE", True, None, False, "๙ - ๑๕ ธ.ค. ๖๐"),
    ("วันพุธ, 21 กุมภาพันธ์ 2567", D(2024, 2, 21), "BE", True, "วันพุธ", False,
     "วันพุธ, 21 กุมภาพันธ์ 2567"),
    ("12 กันยายน 2567", D(2024, 9, 12), "BE", True, None, False, "12 กันยายน 2567"),
    ("วันที่ 22 กุมภาพันธ์ 2566 เวลา 09.00น.", D(2023, 2, 22), "BE", True, None, True,
     "22 กุมภาพันธ์ 2566 เวลา 09.00น."),
    ("16 พ.ย. 2566", D(2023, 11, 16), "BE", True, None, False, "16 พ.ย. 2566"),
    ("4 มกราคม พ.ศ. 2566", D(2023, 1, 4), "BE", False, None, False, "4 มกราคม พ.ศ. 2566"),
    ("4 ม.ค. พ.ศ.2566", D(2023, 1, 4), "BE", False, None, False, "4 ม.ค. พ.ศ.2566"),
    ("09.12.2019", D(2019, 12, 9), "CE", True, None, False, "09.12.2019"),
    ("2019-12-09", D(2019, 12, 9), "CE", True, None, False, "2019-12-09"),
    ("24 เมษายน ค.ศ. 1996", D(1996, 4, 24), "CE", False, None, False, "24 เมษายน ค.ศ. 1996"),
    ("1 มกราคม 2513", D(1970, 1, 1), "BE", True, None, False, "1 มกราคม 2513"),
    ("วันพฤหัสบดีที่ 1 มกราคม 2513", D(1970, 1, 1), "BE", True, "วันพฤหัสบดี", False,
     "วันพฤหัสบดีที่ 1 มกราคม 2513"),
    ("ในวันพุธที่ ๑๗ พฤศจิกายน ๒๕๖๔ เวลา ๑๓.๓๐ น. ณ", D(2021, 11, 17), "BE", True, "วันพุธ",
     True, "วันพุธที่ ๑๗ พฤศจิกายน ๒๕๖๔ เวลา ๑๓.๓๐ น."),
    ("4 มกราคม พุทธศักราช 2566", D(2023, 1, 4), "BE", False, None, False, "4 มกราคม พุทธศักราช 2566"),
    ("29/08/66", D(2023, 8, 29), "BE", True, None, False, "29/08/66"),
    ("2566-11-16", D(2023, 11, 16), "BE", True, None, False, "2566-11-16"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "date", "era", "assumed", "weekday", "has_time", "matched"), DATE_EXAMPLES)
def test_find_dates_examples(
    text: str,
    date: dt.date,
    era: str,
    assumed: bool,
    weekday: str | None,
    has_time: bool,
    matched: str,
) -> None:
    found = find_dates(text)
    assert len(found) == 1
    d = found[0]
    assert d.date == date
    assert d.era == era
    assert d.era_assumed is assumed
    assert d.weekday == weekday
    assert d.weekday_mismatch is False
    assert d.has_time is has_time
    assert d.text == matched
    assert text[d.start : d.end] == matched
    assert d.placeholder is (date == D(1970, 1, 1))
    assert parse_thai_date(text) == d


@pytest.mark.parametrize(
    "abbr",
    ["ม.ค.", "ม.ค", "มค.", "มค", "ม. ค.", "มกราคม", "มกรา"],
)
def test_month_spellings(abbr: str) -> None:
    assert parse_thai_date(f"4 {abbr} 2566").date == D(2023, 1, 4)
    assert parse_thai_date(f"4 {abbr} 66").date == D(2023, 1, 4)


@pytest.mark.parametrize(
    ("abbr", "month"),
    [("ม.ค.", 1), ("ก.พ.", 2), ("มี.ค.", 3), ("เม.ย.", 4), ("พ.ค.", 5), ("มิ.ย.", 6),
     ("ก.ค.", 7), ("ส.ค.", 8), ("ก.ย.", 9), ("ต.ค.", 10), ("พ.ย.", 11), ("ธ.ค.", 12)],
)  # fmt: skip
def test_every_abbreviated_month(abbr: str, month: int) -> None:
    assert parse_thai_date(f"วันที่ 3 {abbr} 2567").date == D(2024, month, 3)
    assert parse_thai_date(f"3 {abbr.replace('.', '')} 67").date == D(2024, month, 3)


def test_times_are_read() -> None:
    assert parse_thai_date("วันที่ 4 ม.ค. 2566, 11:27").time == dt.time(11, 27)
    assert parse_thai_date("22 ก.พ. 2566 เวลา 09.00น.").time == dt.time(9, 0)
    # "10.30" after a date is a time only with เวลา, ":" or น.
    d = parse_thai_date("5 ม.ค. 2566 12.50 บาท")
    assert (d.has_time, d.text) == (False, "5 ม.ค. 2566")
    d = parse_thai_date("5 ม.ค. 2566 24:30 น.")  # not a time of day
    assert (d.has_time, d.time, d.text) == (False, None, "5 ม.ค. 2566")


def test_ranges_give_the_start_date() -> None:
    d = parse_thai_date("ระหว่างวันที่ 5 - 9 ก.พ. 67 ลมตะวันออก")
    assert (d.date, d.range_end, d.text) == (D(2024, 2, 5), D(2024, 2, 9), "5 - 9 ก.พ. 67")
    d = parse_thai_date("(1 ม.ค. - 30 ก.ย. 65)")
    assert (d.date, d.range_end) == (D(2022, 1, 1), D(2022, 9, 30))
    d = parse_thai_date("15 ธ.ค. - 15 ม.ค. 67")  # runs over the new year
    assert (d.date, d.range_end) == (D(2023, 12, 15), D(2024, 1, 15))
    d = parse_thai_date("1 กุมภาพันธ์ ถึงวันที่ 31 มีนาคม 2565")
    assert (d.date, d.range_end) == (D(2022, 2, 1), D(2022, 3, 31))
    # two full dates are two mentions
    got = find_dates("ระหว่างวันที่ 1 พฤศจิกายน 2569 - 14 มีนาคม 2570")
    assert [g.date for g in got] == [D(2026, 11, 1), D(2027, 3, 14)]
    assert all(g.range_end is None for g in got)


def test_weekday_mismatch() -> None:
    d = parse_thai_date("วันจันทร์ที่ 16 พฤศจิกายน 2566")  # was a Thursday
    assert d.weekday == "วันจันทร์" and d.weekday_mismatch
    assert not parse_thai_date("พฤหัสบดี 16 พฤศจิกายน 2566").weekday_mismatch
    assert parse_thai_date("พุธ 16 พฤศจิกายน 2566").weekday_mismatch


def test_placeholder_date() -> None:
    d = parse_thai_date("วันพฤหัสบดีที่ 1 มกราคม 2513")
    assert d.placeholder and not d.weekday_mismatch  # 1970-01-01 was a Thursday
    assert not parse_thai_date("2 มกราคม 2513").placeholder


def test_several_dates_in_order_with_offsets() -> None:
    text = "ข่าว วันอังคารที่ 26 สิงหาคม 2568\nเมื่อวันที่ 25 เม.ย.66 ที่ผ่านมา และ (9 ธ.ค. 67) รวมถึง 29/08/2566 ครั้งที่ 3/2568"
    got = find_dates(text)
    assert [g.date for g in got] == [D(2025, 8, 26), D(2023, 4, 25), D(2024, 12, 9), D(2023, 8, 29)]
    for g in got:
        assert text[g.start : g.end] == g.text
    assert got[0].weekday == "วันอังคาร" and not got[0].weekday_mismatch


@pytest.mark.parametrize(
    "text",
    [
        "31 ก.พ. 2566",  # no such day
        "30 กุมภาพันธ์ 67",
        "ข้อ 2.3.11 และพิกัด 0801.12.00",  # section numbers and codes
        "วันที่ 5 ม.ค. 10.00 น.",  # no year: 10 is the hour
        "ครั้งที่ 3/2568",
        "เนื้อที่ 560 - 1 - 99 ไร่",
        "5 ม.ค. 1500",  # not a BE or CE year we accept
        "",
        "ไม่มีวันที่",
    ],
)
def test_non_dates_are_skipped(text: str) -> None:
    assert find_dates(text) == []
    with pytest.raises(ThaiDateError, match="no date"):
        parse_thai_date(text)


def test_invalid_date_does_not_hide_the_next() -> None:
    got = find_dates("31 ก.พ. 2566 และ 1 มี.ค. 2566")
    assert [g.date for g in got] == [D(2023, 3, 1)]


def test_typed_errors_only() -> None:
    for bad in (None, 2566, b"16/11/2566"):
        with pytest.raises(ThaiDateError):
            find_dates(bad)  # type: ignore[arg-type]
        with pytest.raises(ThaiDateError):
            find_years(bad)  # type: ignore[arg-type]
        with pytest.raises(ThaiDateError):
            parse_thai_date(bad)  # type: ignore[arg-type]
    assert issubclass(ThaiDateError, ValueError)


def test_safe_thai_strptime_wraps_pythainlp() -> None:
    # PyThaiNLP alone raises IndexError on each of these
    assert safe_thai_strptime("๑๕ ก.ค. ๒๕๖๕").date() == D(2022, 7, 15)
    assert safe_thai_strptime("15 ก.ค. พ.ศ. 2565").date() == D(2022, 7, 15)
    assert safe_thai_strptime("15 ก.ค. 2565 09:00", "%d %B %Y %H:%M").hour == 9
    assert safe_thai_strptime("15 ก.ค. ค.ศ. 2022").date() == D(2022, 7, 15)
    with pytest.raises(ThaiDateError):
        safe_thai_strptime("ไม่มีวันที่")


# --------------------------------------------------------------------------
# Years

# text, [(year_be, fiscal, era_assumed, matched text)]
YEAR_EXAMPLES = [
    ("ปีงบประมาณ พ.ศ. 2567", [(2567, True, False, "ปีงบประมาณ พ.ศ. 2567")]),
    ("ประจำปีงบประมาณ พ.ศ. 2566", [(2566, True, False, "ประจำปีงบประมาณ พ.ศ. 2566")]),
    ("ปีงบประมาณ 2565", [(2565, True, True, "ปีงบประมาณ 2565")]),
    ("ปีงบ 67", [(2567, True, True, "ปีงบ 67")]),
    ("ปี งปม. 67", [(2567, True, True, "ปี งปม. 67")]),
    ("ปี 67", [(2567, False, True, "ปี 67")]),
    ("ปี 2566", [(2566, False, True, "ปี 2566")]),
    ("พ.ศ.2567", [(2567, False, False, "พ.ศ.2567")]),
    ("พ.ศ. ๒๕๖๗", [(2567, False, False, "พ.ศ. ๒๕๖๗")]),
    ("ค.ศ. 2024", [(2567, False, False, "ค.ศ. 2024")]),
    ("ปี 2024", [(2567, False, True, "ปี 2024")]),
    ("ปี พ.ศ. 2566", [(2566, False, False, "ปี พ.ศ. 2566")]),
    ("พุทธศักราช ๒๕๖๔", [(2564, False, False, "พุทธศักราช ๒๕๖๔")]),
    ("ประจำปี 2566", [(2566, False, True, "ประจำปี 2566")]),
    ("ผล ITA 2566", [(2566, False, True, "2566")]),
    ("(พ.ศ. 2561 - 2580)", [(2561, False, False, "พ.ศ. 2561"), (2580, False, False, "2580")]),
    ("ระยะที่ 2 (พ.ศ. ๒๕๖๖ – ๒๕๗๐)", [(2566, False, False, "พ.ศ. ๒๕๖๖"), (2570, False, False, "๒๕๗๐")]),
    ("ปีงบประมาณ 2566-67", [(2566, True, True, "ปีงบประมาณ 2566"), (2567, True, True, "67")]),
    # not years
    ("ต่อปี 20 ล้านบาท", []),
    ("จำนวน 2566 คน", []),
    ("จำนวน 2,566 คน", []),
    ("ครั้งที่ 3/2568", []),
    ("ไวรัสโคโรนา 2019", []),
    ("มี 67 หน่วยงาน", []),
    ("ได้ 95 คะแนน", []),
    ("ปีที่ 67", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), YEAR_EXAMPLES)
def test_find_years_examples(text: str, expected: list[tuple[int, bool, bool, str]]) -> None:
    got = find_years(text)
    assert [(y.year_be, y.fiscal, y.era_assumed, y.text) for y in got] == expected
    for y in got:
        assert text[y.start : y.end] == y.text


def test_bare_year_flag_and_era() -> None:
    (y,) = find_years("ผลการประเมิน ITA 2566 ของกรม")
    assert y.bare and y.era == "BE"
    (y,) = find_years("ค.ศ. 2024")
    assert not y.bare and y.era == "CE"


def test_years_inside_dates_are_not_reported() -> None:
    text = "วันที่ 4 มกราคม พ.ศ. 2566 ประจำปีงบประมาณ พ.ศ. 2567 (16/11/2566) 30 มี.ค.63"
    got = find_years(text)
    assert [(y.year_be, y.fiscal) for y in got] == [(2567, True)]


# --------------------------------------------------------------------------
# BE/CE and fiscal years


def test_be_ce() -> None:
    assert be_to_ce(2567) == 2024
    assert ce_to_be(2024) == 2567
    assert be_to_ce(ce_to_be(1999)) == 1999


@pytest.mark.parametrize(
    ("fy", "bounds"),
    [
        (2567, (D(2023, 10, 1), D(2024, 9, 30))),
        (2566, (D(2022, 10, 1), D(2023, 9, 30))),
        (2500, (D(1956, 10, 1), D(1957, 9, 30))),
    ],
)
def test_fiscal_year_bounds(fy: int, bounds: tuple[dt.date, dt.date]) -> None:
    assert fiscal_year_bounds(fy) == bounds


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (D(2023, 10, 1), 2567),
        (D(2023, 9, 30), 2566),
        (D(2024, 9, 30), 2567),
        (D(2024, 10, 1), 2568),
        (D(2024, 1, 1), 2567),
    ],
)
def test_fiscal_year_of(d: dt.date, fy: int) -> None:
    assert fiscal_year_of(d) == fy


def test_fiscal_errors_are_typed() -> None:
    with pytest.raises(ThaiDateError):
        fiscal_year_of("2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(ThaiDateError):
        fiscal_year_bounds(543)  # year 0 CE does not exist


# --------------------------------------------------------------------------
# Properties


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2199, 12, 31)))
def test_fiscal_year_of_is_inside_its_bounds(d: dt.date) -> None:
    first, last = fiscal_year_bounds(fiscal_year_of(d))
    assert first <= d <= last


_FORMATS_FULL_YEAR = ["%A ที่ %-d %B %Y", "%d/%m/%Y", "%-d %B %Y", "%-d %b %Y", "%A %d %b %Y"]


@settings(max_examples=120, deadline=None)
@given(
    st.dates(min_value=D(1900, 1, 1), max_value=D(2199, 12, 31)),
    st.sampled_from(_FORMATS_FULL_YEAR),
    st.booleans(),
)
def test_strftime_round_trip(d: dt.date, fmt: str, thai_digits: bool) -> None:
    # thai_strftime writes BE years (CE 1900-2199 → BE 2443-2742)
    s = thai_strftime(dt.datetime(d.year, d.month, d.day), fmt, thaidigit=thai_digits)
    got = parse_thai_date(f"ข่าว {s} เวลาต่อมา")
    assert got.date == d
    assert got.era == "BE"
    assert not got.weekday_mismatch
    if "%A" in fmt:
        assert got.weekday is not None


@settings(max_examples=80, deadline=None)
@given(st.dates(min_value=D(1957, 1, 1), max_value=D(2056, 12, 31)))
def test_strftime_round_trip_two_digit_year(d: dt.date) -> None:
    # a 2-digit year is read as 25xx BE, i.e. CE 1957-2056
    s = thai_strftime(dt.datetime(d.year, d.month, d.day), "%-d %b %y")
    got = parse_thai_date(s)
    assert got.date == d and got.era_assumed


@settings(max_examples=80, deadline=None)
@given(
    st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)),
    st.sampled_from(["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"]),
)
def test_ce_numeric_round_trip(d: dt.date, fmt: str) -> None:
    got = parse_thai_date(d.strftime(fmt).replace(f"{d.year}", f"{d.year:04d}"))
    assert (got.date, got.era, got.era_assumed) == (d, "CE", True)


_TOKENS = [
    "ม.ค.", "ก.พ.", "มี.ค", "พย", "ธันวาคม", "กุมภา", "พ.ศ.", "ค.ศ.", "พ.ศ", "ปี", "ปีงบประมาณ",
    "ปีงบ", "ประจำปี", "งปม.", "วันพุธที่", "พฤหัส", "วันที่", "เวลา", "น.", "ถึง", " ", "  ", "\n",
    "-", "–", "/", ".", ",", ":", "(", ")", "0", "1", "9", "12", "29", "31", "32", "66", "67", "99",
    "2513", "2566", "2019", "1500", "9999", "๒๕๖๗", "๙", "๓๑", "คน", "ล้าน", "ITA", "\u200b", "ก", "า",
]  # fmt: skip
junk = st.one_of(
    st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join),
    st.text(max_size=60),
    st.text(alphabet="0123456789๐๑๒๓๔๕๖๗๘๙./-: มคพศปีงบ", max_size=40),
)


@settings(max_examples=400, deadline=None)
@given(junk)
def test_scanners_never_raise_untyped(text: str) -> None:
    dates = find_dates(text)
    for d in dates:
        assert isinstance(d, DateMention)
        assert text[d.start : d.end] == d.text
        assert d.era in ("BE", "CE")
    assert [d.start for d in dates] == sorted(d.start for d in dates)
    for a, b in pairwise(dates):
        assert a.end <= b.start
    years = find_years(text)
    for y in years:
        assert text[y.start : y.end] == y.text
        assert not any(y.start < d.end and y.end > d.start for d in dates)
    try:
        parse_thai_date(text)
    except ThaiDateError:
        assert not dates
    try:
        safe_thai_strptime(text)
    except ThaiDateError:
        pass


@pytest.mark.parametrize("text, date", [
    ("10 December 2021", dt.date(2021, 12, 10)),
    ("Dec 10, 2021", dt.date(2021, 12, 10)),
    ("On August 6, 2022", dt.date(2022, 8, 6)),
    ("Sept. 3rd, 2020", dt.date(2020, 9, 3)),
    ("30 August 2564", dt.date(2021, 8, 30)),  # English month, Buddhist-era year
    ("3 ม.ค. 2566,18:59น.", dt.date(2023, 1, 3)),  # a clock time after a comma
])
def test_english_dates_and_timestamps(text: str, date: dt.date) -> None:
    found = find_dates("ข่าว " + text + " จบ")
    assert [d.date for d in found] == [date]
    assert ("ข่าว " + text)[found[0].start:found[0].end] in text


@pytest.mark.parametrize("text", ["Mayor 12 2020", "March 2021", "10 Decimals 2021", "ปี 1 ม.ค. 2566,123"])
def test_not_english_dates(text: str) -> None:
    assert find_dates(text) == []


def test_english_and_thai_dates_in_order() -> None:
    text = "วันที่ 1 สิงหาคม 2565 ... On August 6, 2022 ... 2022-08-01"
    assert [d.date for d in find_dates(text)] == [dt.date(2022, 8, 1), dt.date(2022, 8, 6), dt.date(2022, 8, 1)]


@given(st.one_of(st.floats(), st.text(max_size=6), st.booleans(), st.none(), st.lists(st.integers(), max_size=2),
                 st.decimals(allow_nan=True)))
def test_year_conversions_raise_the_typed_error_on_non_integers(year):
    """Issue 8: never a raw ValueError/TypeError/OverflowError (2567.9 used to become 2024)."""
    from ita_extract.thai.dates import ThaiDateError, be_to_ce, ce_to_be

    for convert in (be_to_ce, ce_to_be):
        with pytest.raises(ThaiDateError, match="year must be an integer"):
            convert(year)


@given(st.integers())
def test_year_conversions_round_trip_on_integers(year):
    from ita_extract.thai.dates import be_to_ce, ce_to_be

    assert be_to_ce(ce_to_be(year)) == year
