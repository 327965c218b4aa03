"""PERSON and POSITION mentions: honorific + given name + family name, with the position
written next to the name."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from pythainlp.corpus import thai_family_names

from ita_extract.extract.lexicon import load_lexicon
from ita_extract.extract.patterns import ABBR_RE, Patterns, patterns, word_starts

GARBLED_NAME = re.compile(r"ฯ|[เแโใไ]$")
NOT_GIVEN = re.compile(rf"(?:{load_lexicon().cue_alt('position', 'not_given')})")


@dataclass(frozen=True)
class Person:
    honorific: str
    name: str
    start: int
    end: int
    position: str | None
    position_start: int | None
    position_end: int | None

    def shifted(self, offset: int) -> Person:
        return Person(self.honorific, self.name, self.start + offset, self.end + offset, self.position,
                      None if self.position_start is None else self.position_start + offset,
                      None if self.position_end is None else self.position_end + offset)


class PositionSpan(NamedTuple):
    """A position as written and its offsets (all None when there is none)."""

    text: str | None
    start: int | None
    end: int | None


NO_POSITION = PositionSpan(None, None, None)


@functools.lru_cache(maxsize=1)
def _family_names() -> frozenset[str]:
    """PyThaiNLP's family-name list: "มีสุข" is a name although it starts like "มี" (has)."""
    return frozenset(thai_family_names())


def _candidates(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches that may overlap: a rejected "honorific + name" ("นายอำเภอเมือง และนาย...")
    must not swallow the real name after it, as finditer's non-overlapping scan would."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        yield m
        pos = m.start() + 1


def find_people(text: str) -> list[Person]:
    """Honorific + given name + family name, with the position written next to the name."""
    pat = patterns()
    people: list[Person] = []
    taken_until = 0
    for m in _candidates(pat.person, text):
        if m.start() < taken_until:
            continue  # inside a person already found
        given, family = m.group("given"), m.group("family")
        end = m.end()
        # "ชาญวีรกูลรองนายกรัฐมนตรี...": a family name glued to the position after it
        glued = pat.position_head.search(family, 3)
        if glued:
            end -= len(family) - glued.start()
            family = family[: glued.start()]
        # "นายกรัฐมนตรี", "นายอำเภอ": a position head, not an honorific + name.
        head = pat.position_head.match(text, m.start())
        if head and head.end() > m.start("given") and head.group(0) != "นายก":
            continue  # bare นายก is also the start of names (นายกฤษฎา); นายกรัฐมนตรี etc. are longer heads
        if GARBLED_NAME.search(given) or GARBLED_NAME.search(family):
            continue  # "กฯเ ป็น": broken text, no syllable ends with a leading vowel or holds ฯ
        if NOT_GIVEN.match(given):
            continue  # "นายแพทย์ทรงคุณวุฒิ": a rank of the civil service, not a name
        if pat.not_name.match(family) and family not in _family_names():
            continue
        if pat.position_head.match(family) or pat.position_head.match(given):
            continue
        position, ps, pe = _position_after(text, end, pat)
        if position is None:
            position, ps, pe = _position_before(text, m.start(), pat)
        people.append(
            Person(m.group("hon"), f"{given} {family}", m.start(), end, position, ps, pe)
        )
        taken_until = end
    return people


# Chunks that go on with the same person's title rather than start a new clause.
POSITION_CONTINUATION = re.compile(load_lexicon().cue_fragment("position", "continuation"))
MINISTER_ABBR = re.compile(rf"(?:{load_lexicon().cue_alt('position', 'minister_abbr')})")
REGION = re.compile(r"เขต[ก-๛]*(?:ที่)?\s?\d{1,3}(?!\d)")
LATIN_NAME = re.compile(r"[A-Z][A-Z&.]{1,12}")
_ORG_CONTINUATION = tuple(load_lexicon().cue("position", "org_continuation"))


def _position_after(text: str, end: int, pat: Patterns) -> PositionSpan:
    """The position written right after a name, with the organisation chunks that follow it
    ("ผู้อำนวยการศูนย์... กระทรวงอุตสาหกรรม", "กรรมการผู้จัดการใหญ่ บริษัท ขนส่ง จำกัด")."""
    m = re.match(r"\s?", text[end:])
    start = end + (m.end() if m else 0)
    officer = pat.provincial_officer.match(text, start)
    if officer and not pat.position_head.match(text, start):  # "อุตสาหกรรมจังหวัดยะลา": the title ends with the province
        return PositionSpan(officer.group(0), start, officer.end())
    if not pat.position_head.match(text, start) and not MINISTER_ABBR.match(text[start:]):
        return NO_POSITION
    chunks = _chunks(text, start)
    if not chunks:
        return NO_POSITION
    s0, e0 = chunks[0]
    first = _trim_position(text[s0:e0], pat)
    pos_end = s0 + len(first)
    if len(first) < e0 - s0:  # the chunk ran into a verb: the position ends there
        return PositionSpan(first, start, pos_end)
    k = 1
    while k < len(chunks):
        s, e = chunks[k]
        chunk = text[s:e]
        company = pat.company.match(text, s) if chunk.startswith("บริษัท") else None
        if text[pos_end - len("บริษัท"):pos_end] == "บริษัท":
            company = re.match(r"\s?[^\n]{1,70}?จำกัด(?:\s?\(มหาชน\))?", text[pos_end:])
            if company:
                pos_end += company.end()
                break
        if company:
            pos_end = company.end()
            break
        if pat.person.match(text, s):
            break
        region = REGION.match(text, s)
        if region:  # "ผู้ตรวจราชการกระทรวงสาธารณสุข เขตสุขภาพที่ 10"
            pos_end = region.end()
            break
        if POSITION_CONTINUATION.match(chunk):
            # "รักษาการแทนผู้จัดการ...", "ด้านบริหาร", "และรัฐมนตรีว่าการ...": the same person's title
            trimmed = _trim_position(chunk, pat)
            pos_end = s + len(trimmed)
            if len(trimmed) < len(chunk):
                break
        elif pat.position_head.match(chunk) and ACTING_FOR.search(text[start:s]):
            # "ผู้ตรวจราชการกระทรวง รักษาราชการแทน รองปลัดกระทรวง": the post acted for
            trimmed = _trim_position(chunk, pat)
            pos_end = s + len(trimmed)
            if len(trimmed) < len(chunk):
                break
        elif pat.position_head.match(chunk):
            break
        elif chunk.startswith(_ORG_CONTINUATION):
            trimmed = _trim_position(chunk, pat)
            pos_end = s + len(trimmed)
            if len(trimmed) < len(chunk):
                break
        elif (re.fullmatch(ABBR_RE, chunk) or LATIN_NAME.fullmatch(chunk)) and not re.match(r"\s?\d", text[e:]):
            pos_end = e
        else:
            break
        k += 1
    return PositionSpan(re.sub(r"\s+", " ", text[start:pos_end]).strip(), start, pos_end)


def _position_before(text: str, start: int, pat: Patterns) -> PositionSpan:
    """"ผู้ว่าราชการจังหวัดขอนแก่น นายไกรสร ..." — the position written just before a name."""
    before = text[max(0, start - 80): start]
    m = re.search(r"(\S+?)\s?\(?\s?$", before)
    if not m:
        return NO_POSITION
    chunk = m.group(1)
    if chunk.endswith(","):
        return NO_POSITION  # "..., อธิบดีกรม..., นายเจมส์": the position of the name before the comma
    s = start - len(before) + m.start(1)
    if pat.position_head.match(chunk) and len(chunk) > 4:
        return PositionSpan(chunk, s, s + len(chunk))
    # "จากนายกรัฐมนตรี (พลเอกประยุทธ์ ...)", "ในนามปลัดกระทรวง... นายแพทย์...": the position
    # glued to the word before it, starting at a word start
    head = pat.position_head.search(chunk, 1)
    if head and len(chunk) - head.start() > 4 and head.start() in word_starts(chunk):
        return PositionSpan(chunk[head.start():], s + head.start(), s + len(chunk))
    return NO_POSITION


def _chunks(text: str, start: int) -> list[tuple[int, int]]:
    """Space-delimited chunks on the same line from ``start``."""
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    return [(start + m.start(), start + m.end()) for m in re.finditer(r"[^\s,]+", text[start:line_end])][:6]


# A civil-service line title ends with its grade; acting posts name the post acted for.
CIVIL_SERVICE_GRADE = re.compile(rf"(?:{load_lexicon().cue_alt('position', 'grade')})")
ACTING_FOR = re.compile(r"(?:รักษาราชการแทน|รักษาการแทน|ปฏิบัติราชการแทน)\s?$")
STOP_EXCEPTIONS = tuple(load_lexicon().cue("position", "stop_exception"))
POSITION_STOP = re.compile(rf"(?:{load_lexicon().cue_alt('position', 'stop')})")


def _trim_position(chunk: str, pat: Patterns) -> str:
    """Cut a position glued to the verb after it, at a word start only ("หัวหน้าผู้ตรวจ..." keeps ตรวจ)."""
    head = pat.position_head.match(chunk)
    skip = head.end() if head else 0
    grade = CIVIL_SERVICE_GRADE.search(chunk, skip)
    if grade:  # "นักวิชาการตรวจสอบภายในชำนาญการ": a line title runs to its grade
        skip = grade.end()
    starts = None
    for m in POSITION_STOP.finditer(chunk, skip):
        if m.start() == 0 or chunk.startswith(STOP_EXCEPTIONS, m.start()):
            continue
        starts = starts if starts is not None else word_starts(chunk)
        if m.start() in starts:
            return chunk[: m.start()]
    return chunk.rstrip("(")

