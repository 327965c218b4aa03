"""Stage 3, figures: what each number of a passage is, read from the words around it the
way Thai official news writes them.

- ``... จำนวน 59 หน่วยงาน`` after ``เข้ารับการประเมิน`` → count_assessed; after a tier → count_tier;
- ``ค่าเฉลี่ย ... 87.57 คะแนน`` → average; ``ลำดับที่ 29`` → rank; ``ผู้มีส่วนได้ส่วนเสีย 608.990 คน`` → participants;
- ``N คะแนน`` otherwise is a score, unless it is a target (``ไม่น้อยกว่า``, ``ขึ้นไป``), a change
  (``เพิ่มขึ้น``, ``สูงกว่า``) or a sub-score (``ตัวชี้วัด``, ``OIT``).

:data:`RULES` is an ordered table of named rules, first match wins; a rule with sub-rules
decides by the first of them that matches, and is itself the match (the number is no
figure) when none does. A figure about a group then passes :data:`VETOES` (an ITA figure,
not a target, not an obligation). Windows are in characters; each bound is named with its
reason.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from ita_extract.extract.agencies import is_assessor
from ita_extract.extract.entities import Mention
from ita_extract.extract.lexicon import load_lexicon, topic_re, topic_words
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
# Scores of other indices written in the same news (Transparency International's CPI).
OTHER_INDEX = re.compile(r"CPI|ดัชนีการรับรู้การทุจริต|Corruption Perception")

SCORE_UNIT_AFTER = re.compile(r"^\s?คะแนน")
SCORE_LEAD_BEFORE = re.compile(
    r"(?:คะแนน|ผลการประเมิน|ค่าคะแนน)(?:รวม|เฉลี่ย|ประเมิน|ที่ได้|ทั้งสิ้น|อยู่ที่|เท่ากับ|ได้|คือ|ของ|\s|[A-Za-z()])*$"
)
TIER_AFTER = re.compile(r"^\s?(?:หรือ\s?|\(\s?|อยู่ใน\s?|คะแนน\s?)*(?:ระดับ|เกรด)")
PERCENT_OF_COUNT = re.compile(r"(?:คิดเป็น|เป็น|หรือ)\s?(?:ร้อยละ|สัดส่วน)?\s?$")
# "ผ่านเกณฑ์ 16 หน่วยงาน จากทั้งหมด 17 หน่วยงาน": the size of the assessed group
OUT_OF = re.compile(r"จาก\s?(?:ทั้งหมด|ทั้งสิ้น)?\s?(?:จำนวน)?\s?$")
# "จากหน่วยงานภาครัฐ 8,300 แห่ง": the group an average or a score was taken over
FROM_GROUP = re.compile(r"จาก\s?(?:หน่วยงาน[ก-๛]*|ทั้งหมด)?\s?$")
OPEN_PAREN_BEFORE = re.compile(r"\(\s?$")
COUNT_TIER_GAP = re.compile(
    r"^[\s”\"')]*(?:\(?\s?\d+(?:\.\d+)?\s?คะแนนขึ้นไป\s?\)?)?\s?(?:มี|รวม|ได้|จำนวน|ทั้งหมด|ทั้งสิ้น|\s)*$"
)
RANK_OF = re.compile(r"^\s?(?:จาก|ของ)\s?(?:ทั้งหมด\s?|จำนวน\s?)?(?:[^\d\s]{1,30}\s?)?$")
FROM_RANK = re.compile(r"จาก\s?(?:ลำดับ|อันดับ)")
# "เพิ่มขึ้นจาก 91.31 (คะแนน)", "... เป็น 94.69": the number after จาก/เป็น is a level.
LEVEL_BEFORE = re.compile(r"(?:จาก|(?:เพิ่มขึ้น|ลดลง|สูงขึ้น|ปรับ(?:ขึ้น|ลด)?)\s?เป็น|คะแนน\s?เป็น)\s?(?:คะแนน\s?)?$")
PREVIOUS_LEVEL = re.compile(r"(?:จากเดิม|จากปี(?:ก่อน|ที่ผ่านมา|ที่แล้ว)|(?:ใน)?ปี(?:ก่อน|ที่ผ่านมา|ที่แล้ว)(?:หน้า)?)[^\d]{0,12}(?:ที่|คือ|ได้|อยู่ที่)?\s?$")
FROM_BEFORE = re.compile(r"จาก\s?$")
# "ได้ 100 คะแนนเต็ม ในตัวชี้วัดด้านการป้องกันการทุจริต": a sub-score named after the number
SUBSCORE_AFTER = re.compile(r"\s?(?:คะแนน)?\s?(?:เต็ม)?\s?(?:\S{0,6}\s)?(?:ใน|ของ|สำหรับ)?\s?(?:ตัวชี้วัด|หัวข้อ|ด้าน|แบบวัด|OIT|IIT|EIT)")
# "ผลคะแนนรวมด้านคุณธรรม...": an overall score named after the assessment, not a sub-score.
OVERALL = re.compile(r"รวม|ภาพรวม|ทั้งสิ้น")
PERCENT_SIGN_AFTER = re.compile(r"^\s?%")
PERCENT_SCORE_NEAR = re.compile(r"คะแนน\s?(?:เฉลี่ย)?\s?(?:ร้อยละ)?\s?$")
PERCENT_SCORE_WIDE = re.compile(r"ผลคะแนน|ได้คะแนน|มีคะแนน|คะแนนรวม")
# "85 คะแนนขึ้นไป" is a threshold; "ได้ 100 คะแนนเต็ม" is a full score, which is a result
THRESHOLD_AFTER = re.compile(r"^\s?(?:คะแนน\s?)?(?:ขึ้นไป|ลงมา)")
# "92 คะแนน ได้แก่ A B C": a score that heads a list
HEADER_AFTER = re.compile(r"\s?(?:คะแนน)?\s?\)?\s?(?:นั้น|ซึ่ง)?\s?(?:ได้แก่|คือ)\s?")
OBLIGATION = re.compile(r"จะต้อง|ต้องมี|ต้องได้|กำหนดค่าเป้าหมาย|กำหนดเป้าหมาย|ให้ได้")
LIST_MARKER_BEFORE = re.compile(r"(?:ส่วนที่|ข้อที่|ข้อ|ครั้งที่|ฉบับที่|ชั้น|ชั้นที่|ห้อง|ภาค|รุ่นที่|ระยะที่|ตัวชี้วัดที่)\s?$")
AREA_AGENCY = re.compile(r"^(?:จังหวัด|อำเภอ|ตำบล|ภาค|พื้นที่)")
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


def _cue(section: str, key: str) -> Callable[[str], re.Match[str] | None]:
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
        return bool(_cue("not_result", "change_before")(self.near))

    def target(self) -> bool:
        return bool(_cue("not_result", "target_before")(self.near))

    def is_target(self) -> bool:
        """A target ("ไม่น้อยกว่า 85") or a threshold ("85 คะแนนขึ้นไป")."""
        return self.target() or bool(THRESHOLD_AFTER.match(self.after))

    def level(self) -> bool:
        return bool(LEVEL_BEFORE.search(self.near) or PREVIOUS_LEVEL.search(self.near))


# --- the rules, in the order they are tried --------------------------------------------

def _ranked_group_size(x: Number) -> bool:
    """"ลำดับที่ 3 จาก 53 ของหน่วยงานรัฐวิสาหกิจ", "อันดับ 1 ... จาก 21 กระทรวง": the ranked group's size."""
    return x.since_rank(25) and x.is_integer and x.after_rank_of() and not x.unit("people_units")


def _count_of_agencies(x: Number) -> bool:
    return x.unit("agency_units") and x.is_integer


def _count_out_of(x: Number) -> bool:
    return bool(OUT_OF.search(x.near)) and x.reading.last_kind_in("count_pass", "count_fail", "count_tier")


def _count_from_group(x: Number) -> bool:
    """"คะแนนเฉลี่ย 81.25 คะแนน ... จากหน่วยงานภาครัฐ 8,300 แห่ง"."""
    return bool(FROM_GROUP.search(x.near)) and x.reading.last_kind_in("average", "score")


def _count_in_parens_after_rank(x: Number) -> bool:
    """"อันดับที่ 1 ของหน่วยงานในสังกัดกระทรวงคมนาคม (18 หน่วยงาน)"."""
    return x.since_rank(90) and bool(OPEN_PAREN_BEFORE.search(x.near))


def _percent_sign_score(x: Number) -> bool:
    """"ได้คะแนนสูงสุด 98.52%": a score written with a percent sign."""
    return (x.is_percent and bool(PERCENT_SIGN_AFTER.match(x.after)) and x.in_range()
            and "คะแนน" in x.before(60)
            and not _cue("aggregate", "count_pass")(x.wide) and not x.change())


def _percent_score(x: Number) -> bool:
    """"ได้คะแนนร้อยละ 96.67", "ผลคะแนน ... อยู่ที่ร้อยละ 92.47": a score as a percentage."""
    last = x.reading.last_count
    return (x.is_percent and x.in_range()
            and bool(PERCENT_SCORE_NEAR.search(x.near) or PERCENT_SCORE_WIDE.search(x.wide))
            and not (last and x.n.start - last.end < 70)
            and not _cue("aggregate", "count_pass")(x.wide)
            and not _cue("aggregate", "count_fail")(x.wide)
            and not _cue("aggregate", "average")(x.wide)
            and not x.target() and not x.change())


def _percent_of_count(x: Number) -> bool:
    """"ผ่านเกณฑ์ 16 หน่วยงาน คิดเป็นร้อยละ 94.12": the share the count just given is."""
    last = x.reading.last_count
    return bool(last and x.n.start - last.end < 70 and PERCENT_OF_COUNT.search(x.text[last.end : x.n.start]))


def _percent_of_pass_count(x: Number) -> bool:
    return _percent_of_count(x) and x.reading.last_count is not None and x.reading.last_count.kind == "count_pass"


def _people_count_participants(x: Number) -> bool:
    return bool(_cue("aggregate", "participants")(x.wide)) and not _cue("aggregate", "attendance")(x.before(25))


@functools.lru_cache(maxsize=1)
def _rank_before() -> re.Pattern[str]:
    return re.compile(rf"(?:{load_lexicon().cue_re('aggregate', 'rank').pattern})\s?$")


def _rank_written(x: Number) -> bool:
    return bool(_rank_before().search(x.before(12))) and x.is_integer


def _average_cue(x: Number) -> bool:
    return x.in_range() and bool(_cue("aggregate", "average")(x.window(AVERAGE_WINDOW))) and not x.change()


def _own_average(x: Number) -> bool:
    """"กรมการปกครอง มีคะแนนเฉลี่ยอยู่ที่ 99.55": one named agency's own score, reported as
    the mean of its instruments. A province's or a group's average stays an aggregate."""
    ctx = x.ctx
    window = x.window(AVERAGE_WINDOW)
    cue = load_lexicon().cue_re("aggregate", "average").search(window)
    assert cue is not None  # _average_cue found it
    cue_start = x.n.start - len(window) + cue.start()
    for a in reversed(ctx.agencies):
        if a.end <= cue_start:
            gap = ctx.text[a.end : cue_start]
            # a province is an area (its average is an aggregate) unless it is ranked as an
            # agency of the type "จังหวัด" ("ประเภทจังหวัด จังหวัดอ่างทอง มีคะแนนเฉลี่ย 99.99")
            area = AREA_AGENCY.match(a.value) and "ประเภท" not in ctx.text[max(0, a.start - 20) : a.start]
            return len(gap) <= 12 and not re.search(r"\d", gap) and not area and not is_assessor(a.value)
    return False


def _score_written(x: Number) -> bool:
    """"N คะแนน", "คะแนนรวม N", "N ระดับ AA"."""
    return x.value <= MAX_SCORE and bool(
        SCORE_UNIT_AFTER.match(x.after) or SCORE_LEAD_BEFORE.search(x.before(40)) or TIER_AFTER.match(x.after)
    )


def _target_not_list_head(x: Number) -> bool:
    return x.is_target() and not HEADER_AFTER.match(x.text, x.n.end)


def _level_of_average(x: Number) -> bool:
    """A level compared with an average just given is an average too."""
    figures = x.reading.figures
    return (x.level() and bool(figures) and figures[-1].kind == "average"
            and x.n.start - figures[-1].number.end < 80)


def _subscore(x: Number) -> bool:
    """"ตัวชี้วัดที่ 1 ... 95.5", "100 คะแนนเต็ม ในตัวชี้วัด...": one indicator's score."""
    if SUBSCORE_AFTER.match(x.text, x.n.end):
        return True
    cues = list(load_lexicon().cue_re("not_result", "subscore_before").finditer(x.wide))
    if not cues:
        return False
    m = cues[-1]
    return not OVERALL.search(x.wide[m.start() :]) and not any(w in x.wide[m.start() : m.start() + 40] for w in topic_words("overall_score"))


def _other_index(x: Number) -> bool:
    return bool(OTHER_INDEX.search(x.text[x.ctx.line_bounds(x.n.start)[0] : x.n.start]))


def _always(x: Number) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """``when`` it holds, the number is a figure of ``kind`` (None: no figure), or, with
    sub-rules, whatever the first sub-rule that holds makes it."""

    name: str
    when: Callable[[Number], bool]
    kind: Kind | None = None
    then: tuple[Rule, ...] = ()
    level: bool = False  # a compared level: note whether it is the earlier one


RULES: tuple[Rule, ...] = (
    Rule("ranked_group_size", _ranked_group_size, "count_assessed"),
    Rule("count_of_agencies", _count_of_agencies, then=(
        Rule("count_under_tier", lambda x: x.tier_before is not None, "count_tier"),
        Rule("count_out_of", _count_out_of, "count_assessed"),
        Rule("count_from_group", _count_from_group, "count_assessed"),
        Rule("count_in_parens_after_rank", _count_in_parens_after_rank, "count_assessed"),
        Rule("count_fail", lambda x: bool(_cue("aggregate", "count_fail")(x.window(COUNT_CUE_WINDOW))), "count_fail"),
        Rule("count_pass", lambda x: bool(_cue("aggregate", "count_pass")(x.window(COUNT_CUE_WINDOW))), "count_pass"),
        Rule("count_assessed", lambda x: bool(_cue("aggregate", "count_assessed")(x.wide)), "count_assessed"),
        Rule("count_ranked_group", lambda x: x.since_rank(40) and x.after_rank_of(), "count_assessed"),
    )),
    Rule("percent_sign_score", _percent_sign_score, "score"),
    Rule("percent_score", _percent_score, "score"),
    Rule("percent", lambda x: x.is_percent, then=(
        Rule("percent_change", Number.change, None),
        Rule("percent_of_pass_count", _percent_of_pass_count, "percent_pass"),
        Rule("percent_of_fail_count", _percent_of_count, "percent_fail"),
        Rule("percent_fail", lambda x: bool(_cue("aggregate", "count_fail")(x.wide)), "percent_fail"),
        Rule("percent_pass", lambda x: bool(_cue("aggregate", "count_pass")(x.wide)) and not x.target(),
             "percent_pass"),
    )),
    Rule("count_of_people", lambda x: x.unit("people_units"), then=(
        Rule("participants", _people_count_participants, "participants"),
    )),
    Rule("rank_written", _rank_written, then=(
        Rule("rank", lambda x: not FROM_RANK.search(x.before(16)), "rank"),
    )),
    Rule("average_cue", _average_cue, then=(
        Rule("average_target", Number.is_target, None),  # "ค่าคะแนนเฉลี่ย 85 คะแนนขึ้นไป"
        Rule("own_average", _own_average, "score"),
        Rule("average", _always, "average"),
    )),
    Rule("score_written", _score_written, then=(
        Rule("score_average", lambda x: bool(_cue("aggregate", "average")(x.wide)), "average"),
        Rule("score_target", _target_not_list_head, None),
        Rule("below_scale", lambda x: x.value < MIN_SCORE, None),  # a difference or an indicator
        # "เพิ่มขึ้นจาก 91.31", "จาก 91.31 เป็น 94.69", "จากปีก่อนที่ 89.68": a level, not a
        # change; it is the same kind of figure as the one it is compared with.
        Rule("level_of_average", _level_of_average, "average", level=True),
        Rule("level", Number.level, "score", level=True),
        Rule("score_change", Number.change, None),
        Rule("subscore", _subscore, None),
        Rule("other_index", _other_index, None),
        Rule("score", _always, "score"),
    )),
)


def decide(rules: tuple[Rule, ...], x: Number) -> Rule | None:
    """The rule that decides what ``x`` is: the first that holds (or its first sub-rule)."""
    for rule in rules:
        if rule.when(x):
            if not rule.then:
                return rule
            return decide(rule.then, x) or rule  # no sub-rule holds: the number is no figure
    return None


# --- vetoes: a figure about a group must be an ITA fact --------------------------------

def _not_ita(x: Number, kind: Kind) -> bool:
    """A CPI rank, a KPI of another plan: not an ITA figure."""
    clause = x.text[max(x.ctx.start, x.n.start - AGGREGATE_TOPIC_WINDOW) : x.n.start]
    return bool(OTHER_INDEX.search(clause[-200:])) or not topic_re("aggregate").search(clause)


def _percent_target(x: Number, kind: Kind) -> bool:
    """"ไม่น้อยกว่าร้อยละ 80": a target."""
    return kind.startswith("percent") and x.target()


def _obligation(x: Number, kind: Kind) -> bool:
    """"กำหนดค่าเป้าหมาย ... จะต้องมี ... ร้อยละ 100": what must be reached."""
    return kind in ("percent_pass", "count_pass") and bool(
        OBLIGATION.search(x.text[max(x.reading.obligation_end, x.n.start - 150) : x.n.start])
    )


class Veto(NamedTuple):
    name: str
    when: Callable[[Number, Kind], bool]


VETOES = (Veto("not_ita", _not_ita), Veto("percent_target", _percent_target), Veto("obligation", _obligation))


def _is_list_marker(ctx: PassageMentions, n: Mention) -> bool:
    """"1)", "ข้อ 3", "ตัวชี้วัดที่ 2": a number that counts items, not a figure."""
    after = ctx.text[n.end : n.end + 2]
    before = ctx.text[max(0, n.start - 6) : n.start]
    return (n.value <= 50 and float(n.value).is_integer() and (after[:1] in (")", ".") and not after[1:2].isdigit())) or bool(
        LIST_MARKER_BEFORE.search(before)
    )


def _count_value(n: Mention) -> float:
    """A count of people written ``608.990`` is 608,990: a count cannot be fractional."""
    if PEOPLE_COUNT.fullmatch(n.text):
        return float(n.text.replace(".", ""))
    value: float = n.value
    return value


class Decision(NamedTuple):
    """Why a number is (or is not) a figure: the rule that decided, the veto that undid it."""

    number: Mention
    rule: str | None  # None: no rule holds
    veto: str | None
    figure: Figure | None


def find_figures(ctx: PassageMentions) -> list[Figure]:
    """Every number of the passage that is a figure: a result score or an aggregate."""
    return [d.figure for d in decisions(ctx) if d.figure is not None]


def decisions(ctx: PassageMentions) -> Iterator[Decision]:
    """The decision on every number of the passage but list markers, in order."""
    reading = Reading()
    for n in ctx.numbers:
        if _is_list_marker(ctx, n):
            continue
        x = Number(ctx, n, reading)
        rule = decide(RULES, x)
        kind = rule.kind if rule is not None else None
        if kind in ("count_pass", "count_fail"):
            reading.last_count = LastCount(kind, n.end)
        elif kind == "rank":
            reading.last_rank = n.end
        veto = None
        if kind is not None and kind != "score":
            veto = next((v for v in VETOES if v.when(x, kind)), None)
            if veto is not None:
                kind = None
                if veto.name == "obligation":
                    reading.obligation_end = n.end  # the obligation is spent: a later figure is a fact
        if kind is None or rule is None:
            yield Decision(n, rule.name if rule else None, veto.name if veto else None, None)
            continue
        figure = Figure(
            kind=kind, number=n,
            value=_count_value(n) if kind == "participants" else n.value,
            tier=x.tier_before.value if kind == "count_tier" and x.tier_before is not None else None,
            previous=rule.level and bool(FROM_BEFORE.search(x.near) or PREVIOUS_LEVEL.search(x.near)),
        )
        reading.figures.append(figure)
        reading.prev_end = n.end
        yield Decision(n, rule.name, None, figure)
