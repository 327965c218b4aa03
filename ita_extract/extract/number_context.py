"""A number of a passage as the figure rules read it: the text around it (windows in
characters, each bound named with its reason), and what the numbers before it were."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from ita_extract.extract.entities import Mention
from ita_extract.extract.lexicon import load_lexicon
from ita_extract.extract.mentions import PassageMentions
from ita_extract.models import Metric

# What a figure is: a result's score, or an aggregate's metric.
Kind = Literal["score"] | Metric

# How far back a cue word may stand from the number it qualifies. Thai clauses that
# qualify a figure ("ค่าเฉลี่ยความโปร่งใสทั้งประเทศอยู่ที่ 87.57") run to about 60 characters.
CUE_WINDOW = 70
# A target/change word qualifies the number right after it ("ไม่น้อยกว่า 85", "เพิ่มขึ้น 3.74").
NEAR_WINDOW = 22
# An average's cue stands close before it ("คะแนนเฉลี่ยอยู่ที่ 99.55").
AVERAGE_WINDOW = 45
# A pass/fail count's cue can stand a long clause before it ("ผ่านค่าเป้าหมายตามแผนแม่บท ... 4,146 หน่วยงาน").
COUNT_CUE_WINDOW = 130
# A score is out of 100; below 20 a "score" is a difference or a sub-score in practice.
MAX_SCORE = 100.0
MIN_SCORE = 20.0
# A figure about a group is an ITA figure only when its paragraph names the assessment
# within this many characters before it (cabinet items state the topic in a heading above).
AGGREGATE_TOPIC_WINDOW = 1500
_LEX = load_lexicon()
# Scores of other indices written in the same news (Transparency International's CPI).
OTHER_INDEX = re.compile(_LEX.cue_alt("figure", "other_index"))

SCORE_UNIT_AFTER = re.compile(r"^\s?คะแนน")
SCORE_LEAD_BEFORE = re.compile(
    rf"(?:{_LEX.cue_alt('figure', 'score_lead')})(?:{_LEX.cue_alt('figure', 'score_lead_glue')}|\s|[A-Za-z()])*$"
)
TIER_AFTER = re.compile(
    rf"^\s?(?:(?:{_LEX.cue_alt('figure', 'tier_after_glue')})\s?)*(?:{_LEX.cue_alt('tier_cue', 'lead')})"
)
PERCENT_OF_COUNT = re.compile(
    rf"(?:{_LEX.cue_alt('figure', 'percent_of_count')})\s?(?:{_LEX.cue_alt('figure', 'percent_of_count_noun')})?\s?$"
)
# "ผ่านเกณฑ์ 16 หน่วยงาน จากทั้งหมด 17 หน่วยงาน": the size of the assessed group
OUT_OF = re.compile(rf"จาก\s?(?:{_LEX.cue_alt('figure', 'out_of')})?\s?(?:จำนวน)?\s?$")
# "จากหน่วยงานภาครัฐ 8,300 แห่ง": the group an average or a score was taken over
FROM_GROUP = re.compile(r"จาก\s?(?:หน่วยงาน[ก-๛]*|ทั้งหมด)?\s?$")
OPEN_PAREN_BEFORE = re.compile(r"\(\s?$")
COUNT_TIER_GAP = re.compile(
    rf"^[\s”\"')]*(?:\(?\s?\d+(?:\.\d+)?\s?คะแนนขึ้นไป\s?\)?)?\s?(?:{_LEX.cue_alt('figure', 'count_tier_glue')}|\s)*$"
)
RANK_OF = re.compile(rf"^\s?(?:{_LEX.cue_alt('figure', 'rank_of')})\s?(?:ทั้งหมด\s?|จำนวน\s?)?(?:[^\d\s]{{1,30}}\s?)?$")
FROM_RANK = re.compile(rf"จาก\s?(?:{_LEX.cue_alt('figure', 'rank_word')})")
# "เพิ่มขึ้นจาก 91.31 (คะแนน)", "... เป็น 94.69": the number after จาก/เป็น is a level.
LEVEL_BEFORE = re.compile(
    rf"(?:จาก|(?:{_LEX.cue_alt('figure', 'level_change')})\s?เป็น|คะแนน\s?เป็น)\s?(?:คะแนน\s?)?$"
)
PREVIOUS_LEVEL = re.compile(
    rf"(?:{_LEX.cue_fragment('figure', 'previous_level')})[^\d]{{0,12}}(?:{_LEX.cue_alt('figure', 'previous_level_glue')})?\s?$"
)
FROM_BEFORE = re.compile(r"จาก\s?$")
# "ได้ 100 คะแนนเต็ม ในตัวชี้วัดด้านการป้องกันการทุจริต": a sub-score named after the number
SUBSCORE_AFTER = re.compile(
    rf"\s?(?:คะแนน)?\s?(?:เต็ม)?\s?(?:\S{{0,6}}\s)?(?:{_LEX.cue_alt('figure', 'subscore_after_link')})?\s?(?:{_LEX.cue_alt('figure', 'subscore_after')})"
)
# "ผลคะแนนรวมด้านคุณธรรม...": an overall score named after the assessment, not a sub-score.
OVERALL = re.compile(_LEX.cue_alt("figure", "overall"))
PERCENT_SIGN_AFTER = re.compile(r"^\s?%")
PERCENT_SCORE_NEAR = re.compile(r"คะแนน\s?(?:เฉลี่ย)?\s?(?:ร้อยละ)?\s?$")
PERCENT_SCORE_WIDE = re.compile(_LEX.cue_alt("figure", "percent_score_wide"))
# "85 คะแนนขึ้นไป" is a threshold; "ได้ 100 คะแนนเต็ม" is a full score, which is a result
THRESHOLD_AFTER = re.compile(rf"^\s?(?:คะแนน\s?)?(?:{_LEX.cue_alt('figure', 'threshold_after')})")
# "92 คะแนน ได้แก่ A B C": a score that heads a list
HEADER_AFTER = re.compile(
    rf"\s?(?:คะแนน)?\s?\)?\s?(?:{_LEX.cue_alt('figure', 'header_after_link')})?\s?(?:{_LEX.cue_alt('figure', 'header_after')})\s?"
)
OBLIGATION = re.compile(_LEX.cue_alt("figure", "obligation"))
LIST_MARKER_BEFORE = re.compile(rf"(?:{_LEX.cue_alt('figure', 'list_marker_before')})\s?$")
AREA_AGENCY = re.compile(rf"^(?:{_LEX.cue_alt('figure', 'area_agency')})")
PEOPLE_COUNT = re.compile(r"\d{1,3}(?:\.\d{3})+")


class Figure(NamedTuple):
    """A number that is a figure: a result's score, or an aggregate of the metric ``kind``."""

    kind: Kind
    number: Mention
    value: float
    tier: str | None = None  # the tier a count_tier counts
    previous: bool = False  # a previous year's level ("เพิ่มขึ้นจาก 91.31"), of the agency just scored


class LastCount(NamedTuple):
    kind: str  # count_pass or count_fail
    end: int


@dataclass
class Reading:
    """What the numbers read so far in a passage tell about the next one."""

    figures: list[Figure] = field(default_factory=list)
    prev_end: int = 0  # end of the last figure: a cue before it belongs to it
    last_count: LastCount | None = None  # the last pass/fail count
    last_rank: int | None = None  # end of the last rank
    obligation_end: int = 0  # end of the last figure read as an obligation (a target)

    def last_kind_in(self, *kinds: str) -> bool:
        return bool(self.figures) and self.figures[-1].kind in kinds


def cue(section: str, key: str) -> Callable[[str], re.Match[str] | None]:
    return load_lexicon().cue_re(section, key).search


class Number:
    """A number and the text around it, as the rules read it."""

    def __init__(self, ctx: PassageMentions, n: Mention, reading: Reading):
        self.ctx, self.n, self.reading = ctx, n, reading
        self.text = ctx.text
        self.value: float = n.value
        self.is_integer = float(n.value).is_integer()
        self.is_percent = bool(n.attrs.get("percent"))

    def window(self, width: int) -> str:
        """The text before the number on its line, after the last figure."""
        ls, _ = self.ctx.line_bounds(self.n.start)
        return self.text[max(ls, self.reading.prev_end, self.n.start - width) : self.n.start]

    def before(self, width: int) -> str:
        return self.text[max(0, self.n.start - width) : self.n.start]

    @functools.cached_property
    def after(self) -> str:
        return self.text[self.n.end : self.n.end + 20]

    @functools.cached_property
    def near(self) -> str:
        return self.window(NEAR_WINDOW)

    @functools.cached_property
    def wide(self) -> str:
        return self.window(CUE_WINDOW)

    @functools.cached_property
    def tier_before(self) -> Mention | None:
        return self.ctx.tier_just_before(self.n.start, COUNT_TIER_GAP)

    def unit(self, key: str) -> bool:
        """The number is followed by a unit word of the lexicon (``หน่วยงาน``, ``คน``)."""
        return bool(load_lexicon().cue_re("aggregate", key).match(self.after.lstrip()))

    def since_rank(self, within: int) -> bool:
        last = self.reading.last_rank
        return last is not None and self.n.start - last < within

    def after_rank_of(self) -> bool:
        """"ลำดับที่ 3 จาก 53 ...": only "จาก/ของ (ทั้งหมด)" and a group word since the last rank."""
        last = self.reading.last_rank
        return last is not None and bool(RANK_OF.search(self.text[last : self.n.start]))

    def in_range(self) -> bool:
        return MIN_SCORE <= self.value <= MAX_SCORE

    def change(self) -> bool:
        return bool(cue("not_result", "change_before")(self.near))

    def target(self) -> bool:
        return bool(cue("not_result", "target_before")(self.near))

    def is_target(self) -> bool:
        """A target ("ไม่น้อยกว่า 85") or a threshold ("85 คะแนนขึ้นไป")."""
        return self.target() or bool(THRESHOLD_AFTER.match(self.after))

    def level(self) -> bool:
        return bool(LEVEL_BEFORE.search(self.near) or PREVIOUS_LEVEL.search(self.near))
