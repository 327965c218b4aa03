"""Thai dates and years: find them in text, convert Buddhist Era to Common Era.

Thai news writes years in the Buddhist Era (BE): CE = BE − 543. The scanner
here is a set of regular expressions compiled once at import; PyThaiNLP
supplies the month and weekday names, and its ``thai_strptime`` is offered
wrapped (:func:`safe_thai_strptime`) so that it raises :class:`ThaiDateError`
only.

All scanning is done on a copy of the text with Thai digits turned into Arabic
ones; that is one character for one, so offsets are offsets into the text the
caller passed. The scanner does not remove zero-width characters: run
:func:`ita_extract.thai.text.clean_text` first and map spans back with
``CleanText.to_source``.

Year rules:

- a 2-digit year is BE (``67`` → 2567): Thai writers abbreviate the BE year,
  which they use in all government prose; a 2-digit CE year essentially never
  appears in Thai text;
- a 4-digit year 2400–2999 is BE, 1900–2200 is CE; other 4-digit numbers are
  not years;
- ``พ.ศ.``/``ค.ศ.`` written before the year set the era explicitly
  (``era_assumed=False``); otherwise ``era_assumed=True``.
"""

from __future__ import annotations

import datetime as _dt
import operator
import re
from dataclasses import dataclass

from pythainlp.util import thai_strptime as _pythainlp_strptime
from pythainlp.util.date import thai_abbr_months, thai_full_months, thai_full_weekdays

from .text import thai_digits_to_arabic

__all__ = [
    "DateMention",
    "ThaiDateError",
    "YearMention",
    "be_to_ce",
    "ce_to_be",
    "find_dates",
    "find_years",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "in_window",
    "parse_thai_date",
    "safe_thai_strptime",
]

BE_OFFSET = 543
#: 1 January 2513 BE is 1 January 1970, the Unix epoch. Content-management
#: systems print a missing timestamp (0) as that day, so the date means "no
#: date" rather than an event in 1970.
PLACEHOLDER_DATE = _dt.date(1970, 1, 1)


class ThaiDateError(ValueError):
    """A Thai date or year could not be read. The only error this module raises."""


def be_to_ce(year: int) -> int:
    """Buddhist Era year → Common Era year (2567 → 2024); ThaiDateError on a non-integer.

    >>> be_to_ce("2567")
    Traceback (most recent call last):
    ...
    ita_extract.thai.dates.ThaiDateError: year must be an integer, not str '2567'
    """
    return _year(year) - BE_OFFSET


def ce_to_be(year: int) -> int:
    """Common Era year → Buddhist Era year (2024 → 2567); ThaiDateError on a non-integer."""
    return _year(year) + BE_OFFSET


def _year(year: object) -> int:
    """An integer year (int or anything with ``__index__``; never a bool, float or string)."""
    if isinstance(year, bool):
        raise ThaiDateError(f"year must be an integer, not bool {year!r}")
    try:
        return operator.index(year)  # type: ignore[arg-type]
    except TypeError:
        raise ThaiDateError(f"year must be an integer, not {type(year).__name__} {year!r}") from None


def fiscal_year_bounds(fy_be: int) -> tuple[_dt.date, _dt.date]:
    """First and last day of Thai fiscal year ``fy_be`` (BE).

    Fiscal year N runs from 1 October of N−1 to 30 September of N, so
    2567 → (2023-10-01, 2024-09-30).
    """
    try:
        ce = be_to_ce(fy_be)
        return _dt.date(ce - 1, 10, 1), _dt.date(ce, 9, 30)
    except (TypeError, ValueError, OverflowError) as e:
        raise ThaiDateError(f"no fiscal year {fy_be!r}") from e


def in_window(d: _dt.date | None, since: _dt.date | None, until: _dt.date | None) -> bool:
    """Whether ``d`` falls in the ``--since``/``--until`` window (both ends included; an
    open end, or an unknown date, never excludes).

    >>> in_window(_dt.date(2024, 1, 1), _dt.date(2024, 1, 1), None), in_window(None, _dt.date(2024, 1, 1), None)
    (True, True)
    >>> in_window(_dt.date(2024, 1, 2), None, _dt.date(2024, 1, 1))
    False
    """
    if d is None:
        return True
    return (since is None or d >= since) and (until is None or d <= until)


def fiscal_year_of(d: _dt.date) -> int:
    """The Thai fiscal year (BE) that contains date ``d``."""
    try:
        return ce_to_be(d.year + (1 if d.month >= 10 else 0))
    except (AttributeError, TypeError) as e:
        raise ThaiDateError(f"not a date: {d!r}") from e


# --------------------------------------------------------------------------
# Name tables (from PyThaiNLP)

_WEEKDAYS: dict[str, int] = {}
for _i, _name in enumerate(thai_full_weekdays):  # Monday first, like date.weekday()
    _WEEKDAYS[_name.removeprefix("วัน")] = _i
_WEEKDAYS["พฤหัส"] = 3

#: short forms people write (มกรา, กุมภา, ...): month number by name.
_SHORT_MONTHS = [
    "มกรา", "กุมภา", "มีนา", "เมษา", "พฤษภา", "มิถุนา",
    "กรกฎา", "สิงหา", "กันยา", "ตุลา", "พฤศจิกา", "ธันวา",
]  # fmt: skip
_ABBR_MONTHS = list(thai_abbr_months)  # ม.ค., ก.พ., มี.ค., ...

_MONTH_KEY: dict[str, int] = {}
for _i, _name in enumerate(thai_full_months):
    _MONTH_KEY[_name] = _i + 1
for _i, _name in enumerate(_SHORT_MONTHS):
    _MONTH_KEY[_name] = _i + 1
for _i, _name in enumerate(_ABBR_MONTHS):
    _MONTH_KEY[_name.replace(".", "")] = _i + 1


def _abbr_regex(abbr: str) -> str:
    # "มี.ค." → มี\.?\s?ค\.?  (ม.ค. / ม.ค / มค. / มค / ม. ค.)
    parts = [p for p in abbr.split(".") if p]
    return r"\.?\s?".join(parts) + r"\.?"


_MONTH_RX = "|".join(
    [re.escape(m) for m in sorted(thai_full_months, key=len, reverse=True)]
    + [re.escape(m) for m in sorted(_SHORT_MONTHS, key=len, reverse=True)]
    + [_abbr_regex(a) for a in _ABBR_MONTHS]
)
_WEEKDAY_RX = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))


def month_pattern() -> str:
    """A regex alternation of every Thai month form (full, short, abbreviated; dots optional)."""
    return _MONTH_RX


def month_number(token: str) -> int:
    """1–12 for a Thai month written in any form ``month_pattern()`` matches."""
    return _month_number(token)


def _month_number(token: str) -> int:
    return _MONTH_KEY[re.sub(r"[.\s]", "", token)]


# --------------------------------------------------------------------------
# Regexes

_ERA = r"(?:พุทธศักราช|คริสต์ศักราช|[พค]\.?\s?ศ\.?)"
_RANGE = r"\s*(?:-|–|—|ถึงวันที่|ถึง)\s*"
_DAY = r"(?<![\d.,/:])[0-3]?\d"
# A year may not run into more digits or into a time/decimal ("10.30").
# "3 ม.ค. 2566,18:59น.": a clock time may follow the year after a comma.
_YEAR = r"(?:\d{4}|\d{2}(?!\s*น\.))(?![\d]|[.:]\d|,(?![0-2]?\d:[0-5]\d(?!\d))\d)"
_TIME = r"(?P<time>[^\S\n]*,?[^\S\n]*(?:เวลา[^\S\n]*)?(?<!\d)[0-2]?\d[:.][0-5]\d(?!\d)(?:\s*น\.)?)"

# The core of a date starts at a digit; the scanners only try it at the start
# of a digit run (a Python-level loop over a few thousand runs is several
# times faster than letting the regex engine try every character).
_DATE_RE = re.compile(
    rf"""
    (?:
        (?P<d>{_DAY})(?:{_RANGE}(?P<d2>{_DAY}))?\s*
        (?P<mon>{_MONTH_RX})
        (?:{_RANGE}(?P<d3>{_DAY})\s*(?P<mon2>{_MONTH_RX}))?
        \s*,?\s*(?:(?P<era>{_ERA})\s*)?
        (?P<y>{_YEAR})
      |
        (?<![\d.,/:])(?P<nd>[0-3]?\d)(?P<ns>[/.\-])(?P<nm>[01]?\d)(?P=ns)
        (?P<ny>\d{{4}}|\d{{2}})(?![\d]|[/.\-]\d)
      |
        (?<![\d.,/:])(?P<iy>\d{{4}})(?P<is>[/.\-])(?P<im>[01]?\d)(?P=is)
        (?P<id>[0-3]?\d)(?![\d]|[/.\-]\d)
    )
    {_TIME}?
    """,
    re.VERBOSE,
)
# English dates in Thai outlets' English items and page chrome: "10 December 2021",
# "Dec 10, 2021", "On August 6, 2022". The year is read by the same rules (2564 is BE).
_EN_MONTHS = {
    m: i + 1 for i, names in enumerate([
        ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May",),
        ("June", "Jun"), ("July", "Jul"), ("August", "Aug"), ("September", "Sept", "Sep"),
        ("October", "Oct"), ("November", "Nov"), ("December", "Dec"),
    ]) for m in names
}  # fmt: skip
_EN_MONTH_RX = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_EN_DATE_RE = re.compile(
    rf"""(?<![A-Za-z\d])(?:
        (?P<d>[0-3]?\d)(?:st|nd|rd|th)?[^\S\n]*(?P<mon>{_EN_MONTH_RX})\.?,?[^\S\n]*(?P<y>\d{{4}})
      | (?P<mon2>{_EN_MONTH_RX})\.?[^\S\n]*(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?,?[^\S\n]*(?P<y2>\d{{4}})
    )(?![\d])""",
    re.VERBOSE,
)
# A weekday right before a date: "วันพฤหัสบดีที่ ", "วันพุธ, ", "พุธ ".
_WEEKDAY_BEFORE_RE = re.compile(rf"(?P<wd>(?:วัน)?(?:{_WEEKDAY_RX}))(?:\s*ที่)?\s*,?\s*\Z")
_DIGIT_RUN_RE = re.compile(r"\d+")
_TIME_PARTS_RE = re.compile(r"(?P<v>เวลา)?\s*(?P<h>\d+)(?P<s>[:.])(?P<m>\d+)(?P<n>\s*น\.)?")

_CLASSIFIERS = (
    "ล้าน|พัน|หมื่น|แสน|บาท|คน|ราย|แห่ง|หน่วยงาน|%|เปอร์เซ็นต์|ครั้ง|ปี|เดือน|วัน|"
    "คะแนน|ชั่วโมง|นาที|ข้อ|ลำดับ|อันดับ|ตัว|ชิ้น|ไร่|กิโล|ตัน|โครงการ|แผน"
)
# What may stand before a year: ปีงบประมาณ [พ.ศ.], ปี [พ.ศ.], ประจำปี, พ.ศ., ค.ศ.
_YEAR_PREFIX_RE = re.compile(
    rf"(?:(?P<kw>(?P<fiscal>(?:ประจำ)?ปี\s*(?:งบประมาณ|งบฯ?|งปม\.?))|(?:ประจำ)?ปี)\s*"
    rf"(?:(?P<era>{_ERA})\s*)?|(?P<era_only>{_ERA})\s*)\Z"
)
_YEAR_RANGE_RE = re.compile(r"\s*[-–—]\s*(?<![\d.,/:])(\d{4}|\d{2})(?![\d]|[.,:/]\d)")
_YEAR_UNIT_RE = re.compile(rf"\s*(?:{_CLASSIFIERS})")
_NOT_A_YEAR_AFTER = re.compile(r"[.,:/]\d")


# --------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class DateMention:
    """A full date (day, month, year) found in a text.

    ``start``/``end`` are offsets into the scanned text; the span starts at the
    written weekday if there is one (``วันพุธที่ 5 ...``) and takes in a time
    written right after the date (``, 11:27`` / ``เวลา 09.00 น.``). A day range
    without its own month/year (``9 - 15 ธ.ค. 60``, ``1 ม.ค. - 30 ก.ย. 65``)
    is one mention: ``date`` is the first day, ``range_end`` the last.
    Ranges of two full dates give two mentions.
    """

    date: _dt.date
    start: int
    end: int
    text: str
    era: str  # "BE" or "CE"
    era_assumed: bool  # era inferred: 2-digit year, or no พ.ศ./ค.ศ.
    weekday: str | None  # weekday word as written
    weekday_mismatch: bool  # the written weekday contradicts the date
    placeholder: bool  # 1 January 1970 (2513 BE): a CMS's "no date"
    has_time: bool
    time: _dt.time | None = None
    range_end: _dt.date | None = None


@dataclass(frozen=True)
class YearMention:
    """A year mentioned on its own (not inside a full date).

    ``fiscal`` when written as ปีงบประมาณ / ปีงบ / ปี งปม.; ``bare`` when the
    number stands with no ปี/พ.ศ./ค.ศ. before it (only 4-digit numbers
    2400–2700 after a space or "(" count, e.g. ``ITA 2566``; their era is
    inferred, so ``era_assumed`` is True — treat them as weaker evidence).
    """

    year_be: int
    start: int
    end: int
    text: str
    fiscal: bool
    era_assumed: bool
    era: str = "BE"
    bare: bool = False


# --------------------------------------------------------------------------
# Scanning


def _resolve_year(ystr: str, era_mark: str | None) -> tuple[int, str, bool] | None:
    """Year text → (year_be, era, era_assumed), or None if not a plausible year."""
    y = int(ystr)
    if era_mark is not None:
        if era_mark.startswith("ค"):
            ce = 2000 + y if len(ystr) == 2 else y
            if not 1000 <= ce <= 2500:
                return None
            return ce_to_be(ce), "CE", False
        be = 2500 + y if len(ystr) == 2 else y
        if not 1500 <= be <= 3000:
            return None
        return be, "BE", False
    if len(ystr) == 2:
        return 2500 + y, "BE", True
    if 2400 <= y <= 2999:
        return y, "BE", True
    if 1900 <= y <= 2200:
        return ce_to_be(y), "CE", True
    return None


def _mkdate(year_be: int, month: int, day: int) -> _dt.date | None:
    try:
        return _dt.date(be_to_ce(year_be), month, day)
    except (ValueError, OverflowError):
        return None


def _date_from_match(m: re.Match[str], s: str, text: str) -> DateMention | None:
    g = m.group
    range_end = None
    if g("mon") is not None:
        yr = _resolve_year(g("y"), g("era"))
        if yr is None:
            return None
        year_be, era, assumed = yr
        month = _month_number(g("mon"))
        day = int(g("d"))
        if g("d2") is not None:  # 9 - 15 ธ.ค. 60
            range_end = _mkdate(year_be, month, int(g("d2")))
            if range_end is None or int(g("d2")) <= day:
                return None
        elif g("mon2") is not None:  # 1 ม.ค. - 30 ก.ย. 65
            month2 = _month_number(g("mon2"))
            range_end = _mkdate(year_be, month2, int(g("d3")))
            if month > month2:  # 15 ธ.ค. - 15 ม.ค. 67: starts the year before
                year_be -= 1
        date = _mkdate(year_be, month, day)
        if date is None or (range_end is not None and range_end <= date):
            return None
    elif g("nd") is not None:
        ystr = g("ny")
        if len(ystr) == 2 and g("ns") != "/":
            return None  # 2.3.11 is a section number, not a date
        yr = _resolve_year(ystr, None)
        if yr is None:
            return None
        year_be, era, assumed = yr
        date = _mkdate(year_be, int(g("nm")), int(g("nd")))
    else:
        yr = _resolve_year(g("iy"), None)
        if yr is None:
            return None
        year_be, era, assumed = yr
        date = _mkdate(year_be, int(g("im")), int(g("id")))
    if date is None:
        return None

    start, end = m.span()
    time = None
    if g("time") is not None:
        time = _parse_time(g("time"))
        if time is None:
            end = m.start("time")
    weekday = None
    mismatch = False
    window = s[max(0, start - 30) : start]
    wm = _WEEKDAY_BEFORE_RE.search(window) if window else None
    if wm is not None:
        weekday = wm.group("wd")
        start -= len(window) - wm.start()
        mismatch = _WEEKDAYS[weekday.removeprefix("วัน")] != date.weekday()
    return DateMention(
        date=date,
        start=start,
        end=end,
        text=text[start:end],
        era=era,
        era_assumed=assumed,
        weekday=weekday,
        weekday_mismatch=mismatch,
        placeholder=date == PLACEHOLDER_DATE,
        has_time=time is not None,
        time=time,
        range_end=range_end,
    )


def _parse_time(s: str) -> _dt.time | None:
    """A time right after a date counts if it says เวลา, uses ':' or ends in น."""
    t = _TIME_PARTS_RE.search(s)
    if t is None:
        return None
    if not (t.group("v") or t.group("s") == ":" or t.group("n")):
        return None
    h, mi = int(t.group("h")), int(t.group("m"))
    if not (0 <= h <= 23 and 0 <= mi <= 59):
        return None
    return _dt.time(h, mi)


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise ThaiDateError(f"expected str, got {type(text).__name__}")
    return text


def find_dates(text: str) -> list[DateMention]:
    """Every full date (day + month + year) in ``text``, in order.

    English dates count too (``10 December 2021``, ``Dec 10, 2021``, ``30 August 2564``),
    as Thai outlets write them in English items and page chrome.

    Invalid dates (31 ก.พ. 2566) are skipped. Numeric dates are day/month/year
    (``16/11/2566``, ``09.12.2019``) or ISO year-month-day (``2019-12-09``); a
    2-digit year is accepted only with slashes (``16/11/66``), since dotted
    triples like ``2.3.11`` are section numbers.
    """
    text = _check_text(text)
    try:
        s = thai_digits_to_arabic(text)
        out: list[DateMention] = []
        pos = 0
        for run in _DIGIT_RUN_RE.finditer(s):
            if run.start() < pos:
                continue  # inside the previous date
            m = _DATE_RE.match(s, run.start())
            if m is None:
                continue
            dm = _date_from_match(m, s, text)
            if dm is None:
                continue
            out.append(dm)
            pos = dm.end
        if _EN_HINT.search(s):
            out = _with_english_dates(s, text, out)
        return out
    except ThaiDateError:
        raise
    except Exception as e:  # never let a bug surface as another type
        raise ThaiDateError(f"cannot scan dates: {e}") from e


_EN_HINT = re.compile(rf"(?:{_EN_MONTH_RX})")


def _with_english_dates(s: str, text: str, found: list[DateMention]) -> list[DateMention]:
    """``found`` with the English dates of ``s`` added, in order (a span already read as a
    Thai date is not read again)."""
    extra = []
    for m in _EN_DATE_RE.finditer(s):
        if any(d.start < m.end() and m.start() < d.end for d in found):
            continue
        mon = m.group("mon") or m.group("mon2")
        day = int(m.group("d") or m.group("d2"))
        yr = _resolve_year(m.group("y") or m.group("y2"), None)
        if yr is None:
            continue
        date = _mkdate(yr[0], _EN_MONTHS[mon], day)
        if date is None:
            continue
        extra.append(DateMention(date=date, start=m.start(), end=m.end(), text=text[m.start():m.end()],
                                 era=yr[1], era_assumed=yr[2], weekday=None, weekday_mismatch=False,
                                 placeholder=date == PLACEHOLDER_DATE, has_time=False))
    return sorted([*found, *extra], key=lambda d: d.start) if extra else found


def parse_thai_date(text: str) -> DateMention:
    """The first full date in ``text``; ThaiDateError if there is none."""
    found = find_dates(text)
    if not found:
        raise ThaiDateError(f"no date in {text[:80]!r}")
    return found[0]


def find_years(text: str) -> list[YearMention]:
    """Year mentions that are not part of a full date, in order.

    Counted: ``ปีงบประมาณ [พ.ศ.] 2567``, ``ปีงบ 67``, ``ปี งปม. 67`` (fiscal);
    ``ปี 67``, ``ปี 2566``, ``ประจำปี 2566``; ``พ.ศ. 2567``, ``ค.ศ. 2024``
    (→ 2567); ranges ``พ.ศ. 2561 - 2580`` (two mentions); and bare 4-digit
    numbers 2400–2700 after a space or "(" (``bare=True``). A 2-digit number
    counts only after ปี/ปีงบ/ปีงบประมาณ/พ.ศ.; a number followed by a unit
    (คน, บาท, ล้าน, ...) is not a year, unless พ.ศ./ค.ศ. is written. ``ครั้งที่
    3/2568`` is a meeting number and not reported.
    """
    text = _check_text(text)
    try:
        return _find_years(text)
    except ThaiDateError:
        raise
    except Exception as e:  # never let a bug surface as another type
        raise ThaiDateError(f"cannot scan years: {e}") from e


def _find_years(text: str) -> list[YearMention]:
    s = thai_digits_to_arabic(text)
    dates = [(d.start, d.end) for d in find_dates(text)]
    out: list[YearMention] = []
    pos = 0
    di = 0
    for run in _DIGIT_RUN_RE.finditer(s):
        a, b = run.span()
        if a < pos or b - a not in (2, 4):
            continue
        while di < len(dates) and dates[di][1] <= a:
            di += 1
        if di < len(dates) and dates[di][0] < b:
            continue  # part of a full date
        if _NOT_A_YEAR_AFTER.match(s, b):
            continue  # 25.66 / 2566/67
        ystr = run.group()
        window = s[max(0, a - 40) : a]
        pm = None
        if "ปี" in window or "ศ" in window:
            pm = _YEAR_PREFIX_RE.search(window)
        if pm is None and a > 0 and s[a - 1] in ".,/:":
            continue  # 1,250 / 3/2568 (the dot of พ.ศ.2567 is matched by pm)
        start = a
        kw = era_mark = None
        fiscal = False
        if pm is not None:
            start = a - (len(window) - pm.start())
            if any(start < e and a > d for d, e in dates):
                pm, start = None, a  # the ปี/พ.ศ. belongs to a date before
        if pm is not None:
            kw = pm.group("kw")
            era_mark = pm.group("era") or pm.group("era_only")
            fiscal = pm.group("fiscal") is not None
        bare = kw is None and era_mark is None
        if bare:
            before = s[a - 1] if a > 0 else " "
            if len(ystr) != 4 or not 2400 <= int(ystr) <= 2700:
                continue
            if not (before.isspace() or before == "("):
                continue
        rm = _YEAR_RANGE_RE.match(s, b)
        unit_at = rm.end() if rm is not None else b
        if era_mark is None and (bare or len(ystr) == 2) and _YEAR_UNIT_RE.match(s, unit_at):
            continue  # "ปี 20 ล้าน", "2566 คน": a quantity, not a year
        if era_mark is None and not fiscal and len(ystr) == 2 and int(ystr) < 40:
            continue  # "ต่อปี 20": news abbreviates recent years only (25xx, xx ≥ 40)
        yr = _resolve_year(ystr, era_mark)
        if yr is None:
            continue
        year_be, era, assumed = yr
        out.append(YearMention(year_be, start, b, text[start:b], fiscal, assumed, era, bare))
        pos = b
        if rm is not None:
            y2s = rm.group(1)
            if len(y2s) < len(ystr):  # 2566-67: same century as the first year
                y2s = ystr[: len(ystr) - len(y2s)] + y2s
            yr2 = _resolve_year(y2s, era_mark)
            if yr2 is not None and yr2[1] == era and 0 < yr2[0] - year_be <= 100:
                c, e = rm.span(1)
                if not any(c < de and e > ds for ds, de in dates):
                    out.append(YearMention(yr2[0], c, e, text[c:e], fiscal, assumed, era, bare))
                    pos = e
    return out


def safe_thai_strptime(text: str, fmt: str = "%d %B %Y", era: str = "be") -> _dt.datetime:
    """PyThaiNLP's ``thai_strptime``, made safe for real text.

    PyThaiNLP raises IndexError on Thai digits, on ``พ.ศ.`` before the year
    and on text with no date; here Thai digits are converted, ``พ.ศ.``/``ค.ศ.``
    markers removed (``ค.ศ.`` switches ``era`` to "ad"), and any failure is a
    :class:`ThaiDateError`.
    """
    text = _check_text(text)
    try:
        s = thai_digits_to_arabic(text)
        if re.search(r"ค\.?\s?ศ\.?|คริสต์ศักราช", s):
            era = "ad"
        s = re.sub(rf"{_ERA}\s*", "", s)
        return _pythainlp_strptime(s, fmt, year=era)
    except Exception as e:
        raise ThaiDateError(f"cannot parse {text[:80]!r} as {fmt!r}: {e}") from e
