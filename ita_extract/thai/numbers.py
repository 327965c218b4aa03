"""Numbers in Thai text: Arabic and Thai digits, separators, Thai number words.

Scanning runs on a copy of the text with Thai digits turned into Arabic ones
(one character for one), so offsets are offsets into the caller's text.

Grouping rules, because Thai sources are inconsistent:

- ``1,234`` and ``1,234.56`` use commas for thousands;
- ``1.234.567`` (two or more dot groups of three digits) is a dot-grouped
  integer;
- ``608.990`` is ambiguous: read as the decimal 608.99, flagged
  ``ambiguous_grouping``; ``parse_number(..., count=True)`` reads it as the
  count 608990 (a count of people cannot be fractional);
- other dotted chains (``2.3.11``, tariff codes ``0810.19.90``) are section
  numbers or codes, not quantities, and are not reported;
- comma chains that are not thousands groups (``1,2,3``) are lists: each
  number is reported on its own.

Word numbers (สาม, ยี่สิบเอ็ด, หนึ่งร้อย) are read with PyThaiNLP's
``thaiword_to_num``. Thai is written without spaces, so many words contain
number words (สามารถ, ห้าง, เก้าอี้, ร้อยเอ็ด); :func:`find_numbers` therefore
reports a word number only when a classifier follows it (``สามหน่วยงาน``,
``ห้า คน``) or ร้อยละ precedes it.

:func:`find_numbers` reports numerals inside dates and times too (``16/11/2566``
gives 16, 11 and 2566); pass ``exclude_dates=True`` to drop the ones that
overlap a date found by :func:`ita_extract.thai.dates.find_dates`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pythainlp.util import thaiword_to_num

from .dates import find_dates
from .text import thai_digits_to_arabic

__all__ = ["NumberMention", "ThaiNumberError", "find_numbers", "parse_number"]


class ThaiNumberError(ValueError):
    """No number could be read. The only error this module raises."""


@dataclass(frozen=True)
class NumberMention:
    """A number in a text. The span covers the numeral only (not ร้อยละ/%/กว่า).

    ``is_integer`` means written without a fractional part (``95`` or
    ``1,234``, not ``95.00``). ``word`` marks a number written in words.
    """

    value: float
    start: int
    end: int
    text: str
    percent: bool  # ร้อยละ before, or % / เปอร์เซ็นต์ after
    approx: bool  # กว่า/ประมาณ/เกือบ/ราว before, or กว่า after
    is_integer: bool
    word: bool = False
    ambiguous_grouping: bool = False  # 608.990: decimal here, count with count=True


_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*")
_COMMA_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DOT_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")  # 0.447 is never a count
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

_DIGIT_WORDS = "ศูนย์|หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า"
_NUM_WORDS = f"{_DIGIT_WORDS}|ยี่|สิบ|เอ็ด|ร้อย|พัน|หมื่น|แสน|ล้าน"
# Written as X(X)* rather than (X)+ so the regex engine can skip to candidate
# first letters (3x faster on long text).
_WORD_RUN_RE = re.compile(f"(?:{_NUM_WORDS})(?:{_NUM_WORDS})*")
_HAS_DIGIT_WORD = re.compile(f"{_DIGIT_WORDS}|สิบ|ยี่")
#: words that count things; a number word before one of these is a number.
CLASSIFIERS = (
    "หน่วยงาน", "คน", "แห่ง", "ราย", "ครั้ง", "ปี", "เดือน", "วัน", "ด้าน",
    "ประเด็น", "ข้อ", "ตัวชี้วัด", "ระดับ", "อันดับ", "จังหวัด", "กระทรวง", "กรม",
    "องค์กร", "องค์การ", "โครงการ", "เรื่อง", "ประการ", "ส่วนราชการ", "รางวัล",
    "หมวด", "ชั่วโมง", "นาที", "บาท", "คะแนน", "เปอร์เซ็นต์", "สัปดาห์", "ภาค",
    "ประเภท", "กลุ่ม", "มิติ", "แนวทาง", "มาตรการ", "ขั้นตอน", "ฉบับ", "ตำแหน่ง",
    "อำเภอ", "ตำบล", "หมู่บ้าน", "แผน", "ยุทธศาสตร์", "เป้าหมาย", "คณะ", "ท่าน",
    "ชุด", "ลำดับ", "ระยะ", "หลักสูตร", "สถาบัน", "แห่ง", "เขต", "หน่วย",
    "ประเทศ", "ฝ่าย", "สำนัก", "กอง", "ศูนย์", "รูปแบบ", "ชนิด", "อย่าง",
)  # fmt: skip
_CLASSIFIER_RE = re.compile(
    r"\s*(?:" + "|".join(sorted(set(CLASSIFIERS), key=len, reverse=True)) + ")"
    r"(?<!ข้อ(?=มูล|ความ|เสนอ|ตกลง|สังเกต))"  # ข้อมูล etc. are words, not "items"
)

_PCT_AFTER = ("%", "เปอร์เซ็นต์", "เปอร์เซนต์")
_APPROX_BEFORE = ("กว่า", "ประมาณ", "เกือบ", "ราวๆ", "ราว ๆ", "ราว")
_MARKERS_RE = re.compile(r"ร้อยละ|ประมาณ|เกือบ|ราว\s*ๆ|ราว|กว่า|เปอร์เซ็นต์|เปอร์เซนต์|%|[\s,.()\[\]]")


def _classify(tok: str, *, count: bool = False) -> list[tuple[int, int, float, bool, bool]]:
    """Read one digit token: a list of (start, end, value, is_integer, ambiguous).

    Offsets are relative to the token. An empty list means the token is a
    code or section number (``2.3.11``), not a quantity.
    """
    if tok.isdigit():
        return [(0, len(tok), float(int(tok)), True, False)]
    if _COMMA_GROUPED.fullmatch(tok):
        whole, _, frac = tok.partition(".")
        v = float(whole.replace(",", "") + ("." + frac if frac else ""))
        return [(0, len(tok), v, not frac, False)]
    if "," not in tok:
        if _DECIMAL.fullmatch(tok):
            ambiguous = _DOT_GROUPED.fullmatch(tok) is not None
            if ambiguous and count:
                return [(0, len(tok), float(int(tok.replace(".", ""))), True, False)]
            return [(0, len(tok), float(tok), False, ambiguous)]
        if _DOT_GROUPED.fullmatch(tok):  # 1.234.567
            return [(0, len(tok), float(int(tok.replace(".", ""))), True, False)]
        return []  # 2.3.11, 0810.19.90
    # A comma chain that is not thousands grouping: a list "1,2,3" or "12,5.5".
    out: list[tuple[int, int, float, bool, bool]] = []
    pos = 0
    for part in tok.split(","):
        for a, b, v, integer, amb in _classify(part, count=count):
            out.append((pos + a, pos + b, v, integer, amb))
        pos += len(part) + 1
    return out


def _word_value(w: str, *, allow_zero: bool = False) -> float | None:
    if w == "ศูนย์" and not allow_zero:
        return None  # as a word on its own: "centre" (ศูนย์ข้อมูล), not zero
    if not _HAS_DIGIT_WORD.search(w) or "ยี่" in w.replace("ยี่สิบ", ""):
        return None
    try:
        return float(thaiword_to_num(w))
    except Exception:
        return None


def _flags(s: str, start: int, end: int) -> tuple[bool, bool]:
    """(percent, approx) from the words around s[start:end].

    Plain string tests, not regexes: this runs for every number found.
    """
    before = s[max(0, start - 30) : start].rstrip()
    after = s[end : end + 15].lstrip()
    percent = before.endswith("ร้อยละ") or after.startswith(_PCT_AFTER)
    if before.endswith("ร้อยละ"):
        before = before[: -len("ร้อยละ")].rstrip()  # กว่าร้อยละ 80
    approx = before.endswith(_APPROX_BEFORE) or after.startswith("กว่า")
    return percent, approx


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise ThaiNumberError(f"expected str, got {type(text).__name__}")
    return text


def find_numbers(text: str, *, exclude_dates: bool = False) -> list[NumberMention]:
    """Every number in ``text``, in order of position.

    Digit numerals next to Latin letters (``H5N1``, ``5G``) are identifiers
    and skipped. Numbers inside dates and times are reported unless
    ``exclude_dates`` is set.
    """
    text = _check_text(text)
    try:
        return _find_numbers(text, exclude_dates)
    except ThaiNumberError:
        raise
    except Exception as e:  # never let a bug surface as another type
        raise ThaiNumberError(f"cannot scan numbers: {e}") from e


def _find_numbers(text: str, exclude_dates: bool) -> list[NumberMention]:
    s = thai_digits_to_arabic(text)
    out: list[NumberMention] = []
    for m in _TOKEN_RE.finditer(s):
        a, b = m.span()
        if (a > 0 and s[a - 1] in _LATIN) or (b < len(s) and s[b] in _LATIN):
            continue
        for ta, tb, v, integer, amb in _classify(m.group()):
            st, en = a + ta, a + tb
            percent, approx = _flags(s, st, en)
            out.append(NumberMention(v, st, en, text[st:en], percent, approx, integer, False, amb))
    for m in _WORD_RUN_RE.finditer(s):
        a, b = m.span()
        if re.search(r"\d\s*$", s[max(0, a - 5) : a]):
            continue  # "120 ล้าน": a multiplier of a numeral
        followed = _CLASSIFIER_RE.match(s, b) is not None
        percent, approx = _flags(s, a, b)
        if not (followed or percent):
            continue
        word_value = _word_value(m.group())
        if word_value is None:
            continue
        out.append(NumberMention(word_value, a, b, text[a:b], percent, approx, True, True))
    out.sort(key=lambda n: n.start)
    if exclude_dates and out:
        spans = [(d.start, d.end) for d in find_dates(text)]
        out = [n for n in out if not any(n.start < e and n.end > b for b, e in spans)]
    return out


def parse_number(text: str, *, count: bool = False) -> float:
    """Read the first number in ``text``.

    ``"ร้อยละ 79.66"`` → 79.66, ``"1,234"`` → 1234, ``"๙๕.๕"`` → 95.5,
    ``"สามสิบห้า"`` → 35. With ``count=True`` a dot-grouped integer
    (``608.990``) is a count: 608990. Raises ThaiNumberError if there is none.
    """
    text = _check_text(text)
    try:
        s = thai_digits_to_arabic(text)
        for m in _TOKEN_RE.finditer(s):
            parts = _classify(m.group(), count=count)
            if parts:
                return parts[0][2]
        words = [n for n in _find_numbers(text, False) if n.word]
        if words:
            return words[0].value
        rest = _MARKERS_RE.sub("", s)
        if rest and _WORD_RUN_RE.fullmatch(rest):
            v = _word_value(rest, allow_zero=True)
            if v is not None:
                return v
    except ThaiNumberError:
        raise
    except Exception as e:
        raise ThaiNumberError(f"cannot read a number in {text[:80]!r}: {e}") from e
    raise ThaiNumberError(f"no number in {text[:80]!r}")
