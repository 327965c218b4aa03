"""Stage 2, mentions: what one passage names (people, agencies, tiers, dates, years,
numbers), found by the spaCy pipeline of ``nlp.py`` and moved to offsets into the whole
text, and the lookups the later stages make on them."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ita_extract.extract.entities import Mention
from ita_extract.extract.lexicon import load_lexicon
from ita_extract.extract.nlp import read_document
from ita_extract.extract.passages import Passage
from ita_extract.extract.people import Person
from ita_extract.models import Evidence

# A target year's cue ("ยกระดับการประเมิน ITA ... ประจำปีงบประมาณ พ.ศ.2567") can stand a
# whole activity name before the year.
TARGET_YEAR_WINDOW = 100
_RANGE = load_lexicon().cue_alt("year", "range")
YEAR_RANGE = re.compile(rf"^\s?(?:{_RANGE})\s?(?:พ\.ศ\.)?\s?\d")
YEAR_RANGE_BEFORE = re.compile(rf"(?:{_RANGE})\s?$")


@dataclass(frozen=True)
class PassageMentions:
    """Mentions of one passage and lookups on them (offsets are into the whole text)."""

    text: str  # the whole article text
    start: int  # where the passage starts
    people: list[Person]
    agencies: list[Mention]  # not inside a person's name or position
    tiers: list[Mention]
    dates: list[Mention]
    years: list[Mention]  # assessment years; target years and ranges are set aside
    numbers: list[Mention]  # not part of a date, a year or an agency name
    line_starts: list[int]  # of the whole text, shared by its passages

    def line_bounds(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.line_starts, pos) - 1
        s = self.line_starts[i]
        e = self.text.find("\n", pos)
        return s, (len(self.text) if e < 0 else e)

    def sentence(self, start: int, end: int) -> Evidence:
        """Evidence: the offsets and the clause around them (the paragraph, cut to ~300 chars)."""
        ls, _ = self.line_bounds(start)
        _, le = self.line_bounds(max(start, end - 1))  # a list may run over lines
        s = max(ls, start - 150)
        e = min(le, end + 150)
        if s > ls:
            sp = self.text.find(" ", s, start)
            s = sp + 1 if sp >= 0 else s
        if e < le:
            sp = self.text.rfind(" ", end, e)
            e = sp if sp > end else e
        return Evidence(start=start, end=end, sentence=re.sub(r"\s+", " ", self.text[s:e]).strip())

    def tier_just_before(self, pos: int, gap: re.Pattern[str]) -> Mention | None:
        """The last tier before ``pos``, when only ``gap`` stands between them."""
        for t in reversed(self.tiers):
            if t.end <= pos:
                if pos - t.end <= 45 and gap.match(self.text[t.end : pos]):
                    return t
                return None
        return None


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n", text)]


def read_mentions(text: str, passage: Passage, abbreviations: dict[str, str],
                  starts: list[int]) -> PassageMentions:
    """Run the spaCy pipeline on one passage; set aside what is not a mention of its own
    (an agency inside a person's title, a number inside a date, a target year)."""
    found = read_document(text[passage.start : passage.end], abbreviations)
    off = passage.start
    people = [p.shifted(off) for p in found.people]
    blocked = [(p.start, p.end) for p in people]
    blocked += [(p.position_start, p.position_end) for p in people
                if p.position_start is not None and p.position_end is not None]
    agencies = [a for a in (m.shifted(off) for m in found.agencies)
                if not any(s <= a.start < e or s < a.end <= e for s, e in blocked)]
    dates = [m.shifted(off) for m in found.dates]
    all_years = [m.shifted(off) for m in found.years]
    taken = [(d.start, d.end) for d in dates] + [(y.start, y.end) for y in all_years]
    numbers = [
        n for n in (m.shifted(off) for m in found.numbers)
        if not any(s < n.end and n.start < e for s, e in taken)
        and not any(a.start < n.end and n.start < a.end for a in agencies)
    ]
    return PassageMentions(
        text=text, start=passage.start, people=people, agencies=agencies,
        tiers=[m.shifted(off) for m in found.tiers], dates=dates,
        years=[y for y in all_years if not _target_year(text, y)], numbers=numbers,
        line_starts=starts,
    )


def _target_year(text: str, y: Mention) -> bool:
    """A year a plan aims at ("ยกระดับ ... ปี 2567 ให้ดียิ่งขึ้น") or one end of a range."""
    lex = load_lexicon()
    before = text[max(0, y.start - TARGET_YEAR_WINDOW) : y.start]
    after = text[y.end : y.end + 25]
    if YEAR_RANGE.match(after) or YEAR_RANGE_BEFORE.search(before[-4:]):
        return True
    return bool(lex.cue_re("fiscal_year", "target_before").search(before)) or bool(
        lex.cue_re("fiscal_year", "target_after").match(after.lstrip())
    )
