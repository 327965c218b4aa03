"""Relations: agency ↔ score ↔ tier ↔ fiscal year (results), and group figures (aggregates).

Each number in a relevant passage is classified by the words around it, the way Thai
official news writes them:

- ``... จำนวน 59 หน่วยงาน`` after ``เข้ารับการประเมิน`` → count_assessed; after a tier → count_tier;
- ``ค่าเฉลี่ย ... 87.57 คะแนน`` → average; ``ลำดับที่ 29`` → rank; ``ผู้มีส่วนได้ส่วนเสีย 608.990 คน`` → participants;
- ``N คะแนน`` otherwise is a score, unless it is a target (``ไม่น้อยกว่า``, ``ขึ้นไป``), a change
  (``เพิ่มขึ้น``, ``สูงกว่า``) or a sub-score (``ตัวชี้วัด``, ``OIT``);
- a score belongs to the agency written just before it, or to every agency of a list
  that ends right before it ("A B C 95 คะแนน");
- a tier is the one written with the score, or the one that heads the list ("ระดับ AA ... ได้แก่").

Windows are in characters; each bound is named with its reason.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ita_extract.extract.entities import (
    Mention,
    Person,
    document_abbreviations,
    is_assessor,
    patterns,
)
from ita_extract.extract.lexicon import load_lexicon
from ita_extract.models import Aggregate, Evidence, Result

# How far back a cue word may stand from the number it qualifies. Thai clauses that
# qualify a figure ("ค่าเฉลี่ยความโปร่งใสทั้งประเทศอยู่ที่ 87.57") run to about 60 characters.
CUE_WINDOW = 70
# A target/change word qualifies the number right after it ("ไม่น้อยกว่า 85", "เพิ่มขึ้น 3.74").
NEAR_WINDOW = 22
# Agencies of one list sharing one score are separated only by spaces, commas, "และ" or
# list numbers; anything longer ends the list.
LIST_GLUE = re.compile(
    r"^\s?(?:\([^()\d]{1,20}\)\s?)*[\s,]*(?:และ|หรือ)?[\s,]*(?:\(?\d{1,3}[).]\s?)?[\s,]*(?:และ)?\s*$"
)  # "A (สวอ.) B และ C", "1) A 2) B"
# A subject sentence ("บสย. ... คว้าคะแนน ... 97.59 คะแนน") seldom runs longer than this.
SUBJECT_WINDOW = 320
# A tier written after the score ("97.10 หรือ ระดับ AA") is at most this far.
TIER_AFTER_WINDOW = 40
# A fiscal year written after the score ("91.62 จากการประเมิน ITA ปี 2565").
YEAR_AFTER_WINDOW = 90
# A target year's cue ("ยกระดับการประเมิน ITA ... ประจำปีงบประมาณ พ.ศ.2567") can stand a
# whole activity name before the year.
TARGET_YEAR_WINDOW = 100
# A score is out of 100; below 20 a "score" is a difference or a sub-score in practice.
MAX_SCORE = 100.0
MIN_SCORE = 20.0
# A figure about a group is an ITA figure only when its paragraph names the assessment
# within this many characters before it (cabinet items state the topic in a heading above).
AGGREGATE_TOPIC_WINDOW = 1500
ITA_TOPIC = re.compile(r"(?<![A-Za-z])ITA(?![A-Za-z])|ไอทีเอ|คุณธรรมและความโปร่งใส|องค์กรคุณธรรม|Integrity")
# Scores of other indices written in the same news (Transparency International's CPI).
OTHER_INDEX = re.compile(r"CPI|ดัชนีการรับรู้การทุจริต|Corruption Perception")

LIST_TRIGGER = re.compile(r"ได้แก่|ดังนี้|ประกอบด้วย|มีดังนี้")
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
# A pass/fail count's cue can stand a long clause before it ("ผ่านค่าเป้าหมายตามแผนแม่บท ... 4,146 หน่วยงาน").
COUNT_CUE_WINDOW = 130

COUNT_TIER_GAP = re.compile(
    r"^[\s”\"')]*(?:\(?\s?\d+(?:\.\d+)?\s?คะแนนขึ้นไป\s?\)?)?\s?(?:มี|รวม|ได้|จำนวน|ทั้งหมด|ทั้งสิ้น|\s)*$"
)
YEAR_RANGE = re.compile(r"^\s?(?:-|–|ถึง)\s?(?:พ\.ศ\.)?\s?\d")
THIS_YEAR = re.compile(r"ปีนี้|ปีปัจจุบัน")
RANK_OF = re.compile(r"^\s?(?:จาก|ของ)\s?(?:ทั้งหมด\s?|จำนวน\s?)?(?:[^\d\s]{1,30}\s?)?$")
# "เพิ่มขึ้นจาก 91.31 (คะแนน)", "... เป็น 94.69": the number after จาก/เป็น is a level.
LEVEL_BEFORE = re.compile(r"(?:จาก|(?:เพิ่มขึ้น|ลดลง|สูงขึ้น|ปรับ(?:ขึ้น|ลด)?)\s?เป็น|คะแนน\s?เป็น)\s?(?:คะแนน\s?)?$")
PREVIOUS_LEVEL = re.compile(r"(?:จากเดิม|จากปี(?:ก่อน|ที่ผ่านมา|ที่แล้ว)|(?:ใน)?ปี(?:ก่อน|ที่ผ่านมา|ที่แล้ว)(?:หน้า)?)[^\d]{0,12}(?:ที่|คือ|ได้|อยู่ที่)?\s?$")
# "ได้ 100 คะแนนเต็ม ในตัวชี้วัดด้านการป้องกันการทุจริต": a sub-score named after the number
SUBSCORE_AFTER = re.compile(r"\s?(?:คะแนน)?\s?(?:เต็ม)?\s?(?:\S{0,6}\s)?(?:ใน|ของ|สำหรับ)?\s?(?:ตัวชี้วัด|หัวข้อ|ด้าน|แบบวัด|OIT|IIT|EIT)")
PERCENT_SIGN_AFTER = re.compile(r"^\s?%")
ITA_CUE_BEFORE = re.compile(r"(?<![A-Za-z])ITA(?![A-Za-z])|คุณธรรมและความโปร่งใส|ผลการประเมิน|ประเมินคุณธรรม|องค์กรคุณธรรม")


@dataclass
class Passage:
    """A span of the article text that extraction analyses."""

    start: int
    end: int


@dataclass
class Found:
    results: list[tuple[Result, int]]
    aggregates: list[tuple[Aggregate, int]]
    people: list[Person]


class Context:
    """Mentions of one passage and lookups on them (offsets are into the whole text)."""

    def __init__(self, text: str, passage: Passage, abbreviations: dict[str, str], line_starts: list[int]):
        from ita_extract.extract.nlp import annotate, shared_nlp

        self.text = text
        self.start = passage.start
        off = passage.start
        doc = annotate(shared_nlp(), text[passage.start : passage.end], abbreviations)
        found = doc.user_data["ita"]

        def shift(ms):
            return [
                Mention(m.label, m.start + off, m.end + off, m.text, m.value, m.attrs) for m in ms
            ]

        self.people = [
            Person(p.honorific, p.name, p.start + off, p.end + off, p.position,
                   None if p.position_start is None else p.position_start + off,
                   None if p.position_end is None else p.position_end + off)
            for p in found["people"]
        ]
        blocked = [(p.start, p.end) for p in self.people]
        blocked += [(p.position_start, p.position_end) for p in self.people if p.position_start is not None]
        self.blocked = blocked
        self.agencies = [a for a in shift(found["agencies"]) if not self._in_blocked(a)]
        self.tiers = shift(found["tiers"])
        self.dates = shift(found["dates"])
        all_years = shift(found["years"])
        self.years = [y for y in all_years if not self._target_year(y)]
        taken = [(d.start, d.end) for d in self.dates] + [(y.start, y.end) for y in all_years]
        self.numbers = [
            n for n in shift(found["numbers"])
            if not any(s < n.end and n.start < e for s, e in taken)
            and not any(a.start < n.end and n.start < a.end for a in self.agencies)
        ]
        self.line_starts = line_starts  # of the whole text, shared by its passages

    def _in_blocked(self, m: Mention) -> bool:
        return any(s <= m.start < e or s < m.end <= e for s, e in self.blocked)

    def _target_year(self, y: Mention) -> bool:
        lex = load_lexicon()
        before = self.text[max(0, y.start - TARGET_YEAR_WINDOW) : y.start]
        after = self.text[y.end : y.end + 25]
        if YEAR_RANGE.match(after) or re.search(r"(?:-|–|ถึง)\s?$", before[-4:]):
            return True
        return bool(lex.cue_re("fiscal_year", "target_before").search(before)) or bool(
            lex.cue_re("fiscal_year", "target_after").match(after.lstrip())
        )

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


# --- number classification ------------------------------------------------------------

def _window_before(ctx: Context, n: Mention, prev_end: int, width: int) -> str:
    ls, _ = ctx.line_bounds(n.start)
    return ctx.text[max(ls, prev_end, n.start - width) : n.start]


def _is_list_marker(ctx: Context, n: Mention) -> bool:
    after = ctx.text[n.end : n.end + 2]
    before = ctx.text[max(0, n.start - 6) : n.start]
    return (n.value <= 50 and float(n.value).is_integer() and (after[:1] in (")", ".") and not after[1:2].isdigit())) or bool(
        re.search(r"(?:ส่วนที่|ข้อที่|ข้อ|ครั้งที่|ฉบับที่|ชั้น|ชั้นที่|ห้อง|ภาค|รุ่นที่|ระยะที่|ตัวชี้วัดที่)\s?$", before)
    )


def classify_numbers(ctx: Context) -> list[tuple[str, Mention, dict]]:
    """(kind, number, info) for every number that is a figure: a result score or an aggregate."""
    lex = load_lexicon()
    out: list[tuple[str, Mention, dict]] = []
    prev_end = 0
    last_count: tuple[str, int] | None = None  # (metric, end) of the last pass/fail count
    last_rank: int | None = None  # end of the last rank
    obligation_end = 0  # end of the last figure read as an obligation (a target)
    for n in ctx.numbers:
        if _is_list_marker(ctx, n):
            continue
        text = ctx.text
        after = text[n.end : n.end + 20]
        near = _window_before(ctx, n, prev_end, NEAR_WINDOW)
        wide = _window_before(ctx, n, prev_end, CUE_WINDOW)
        info: dict = {}
        kind = None
        value = n.value
        if (last_rank is not None and n.start - last_rank < 25 and float(value).is_integer()
                and RANK_OF.search(text[last_rank : n.start]) and not _unit(after, "people_units")):
            # "ลำดับที่ 3 จาก 53 ของหน่วยงานรัฐวิสาหกิจ", "อันดับ 1 ... จาก 21 กระทรวง": the ranked group's size
            kind = "count_assessed"
        elif _unit(after, "agency_units") and float(value).is_integer():
            tier = _tier_just_before(ctx, n)
            long = _window_before(ctx, n, prev_end, COUNT_CUE_WINDOW)
            if tier is not None:
                kind, info = "count_tier", {"tier": tier.value}
            elif OUT_OF.search(near) and out and out[-1][0] in ("count_pass", "count_fail", "count_tier"):
                kind = "count_assessed"
            elif FROM_GROUP.search(near) and out and out[-1][0] in ("average", "score"):
                kind = "count_assessed"  # "คะแนนเฉลี่ย 81.25 คะแนน ... จากหน่วยงานภาครัฐ 8,300 แห่ง"
            elif last_rank is not None and n.start - last_rank < 90 and re.search(r"\(\s?$", near):
                kind = "count_assessed"  # "อันดับที่ 1 ของหน่วยงานในสังกัดกระทรวงคมนาคม (18 หน่วยงาน)"
            elif lex.cue_re("aggregate", "count_fail").search(long):
                kind = "count_fail"
            elif lex.cue_re("aggregate", "count_pass").search(long):
                kind = "count_pass"
            elif lex.cue_re("aggregate", "count_assessed").search(wide):
                kind = "count_assessed"
            elif last_rank is not None and n.start - last_rank < 40 and RANK_OF.search(text[last_rank : n.start]):
                kind = "count_assessed"  # "อันดับที่ 4 จาก 53 หน่วยงาน": the ranked group's size
            if kind in ("count_pass", "count_fail"):
                last_count = (kind, n.end)
        elif (n.attrs.get("percent") and PERCENT_SIGN_AFTER.match(after) and MIN_SCORE <= value <= MAX_SCORE
              and "คะแนน" in text[max(0, n.start - 60) : n.start]
              and not lex.cue_re("aggregate", "count_pass").search(wide)
              and not lex.cue_re("not_result", "change_before").search(near)):
            kind = "score"  # "ได้คะแนนสูงสุด 98.52%": a score written with a percent sign
        elif (n.attrs.get("percent") and MIN_SCORE <= value <= MAX_SCORE
              and (re.search(r"คะแนน\s?(?:เฉลี่ย)?\s?(?:ร้อยละ)?\s?$", near)
                   or re.search(r"ผลคะแนน|ได้คะแนน|มีคะแนน|คะแนนรวม", wide))
              and not (last_count and n.start - last_count[1] < 70)
              and not lex.cue_re("aggregate", "count_pass").search(wide)
              and not lex.cue_re("aggregate", "count_fail").search(wide)
              and not lex.cue_re("aggregate", "average").search(wide)
              and not lex.cue_re("not_result", "target_before").search(near)
              and not lex.cue_re("not_result", "change_before").search(near)):
            kind = "score"  # "ได้คะแนนร้อยละ 96.67", "ผลคะแนน ... อยู่ที่ร้อยละ 92.47": a score as a percentage
        elif n.attrs.get("percent"):
            if lex.cue_re("not_result", "change_before").search(near):
                kind = None
            elif last_count and n.start - last_count[1] < 70 and PERCENT_OF_COUNT.search(text[last_count[1] : n.start]):
                kind = "percent_pass" if last_count[0] == "count_pass" else "percent_fail"
            elif lex.cue_re("aggregate", "count_fail").search(wide):
                kind = "percent_fail"
            elif lex.cue_re("aggregate", "count_pass").search(wide) and not lex.cue_re("not_result", "target_before").search(near):
                kind = "percent_pass"
        elif _unit(after, "people_units"):
            if lex.cue_re("aggregate", "participants").search(wide) and not lex.cue_re("aggregate", "attendance").search(
                text[max(0, n.start - 25) : n.start]
            ):
                kind = "participants"
                value = _count_value(n)
        elif _rank_before(text[max(0, n.start - 12) : n.start]) and float(value).is_integer():
            if not re.search(r"จาก\s?(?:ลำดับ|อันดับ)", text[max(0, n.start - 16) : n.start]):
                kind = "rank"
                last_rank = n.end
        elif MIN_SCORE <= value <= MAX_SCORE and lex.cue_re("aggregate", "average").search(
            _window_before(ctx, n, prev_end, 45)
        ) and not lex.cue_re("not_result", "change_before").search(near):
            if _is_target(ctx, n, near, after):
                kind = None  # "ค่าคะแนนเฉลี่ย 85 คะแนนขึ้นไป": a target
            else:
                kind = "score" if _own_average(ctx, n, prev_end) else "average"
        elif value <= MAX_SCORE and (
            SCORE_UNIT_AFTER.match(after)
            or SCORE_LEAD_BEFORE.search(text[max(0, n.start - 40) : n.start])
            or TIER_AFTER.match(after)
        ):
            if lex.cue_re("aggregate", "average").search(wide):
                kind = "average"
            elif _is_target(ctx, n, near, after) and not HEADER_AFTER.match(text, n.end):
                kind = None
            elif value < MIN_SCORE:
                kind = None  # a difference or an indicator, not a level of the 0-100 scale
            elif LEVEL_BEFORE.search(near) or PREVIOUS_LEVEL.search(near):
                # "เพิ่มขึ้นจาก 91.31", "จาก 91.31 เป็น 94.69", "จากปีก่อนที่ 89.68": a level, not a
                # change; it is the same kind of figure as the one it is compared with.
                kind = "average" if out and out[-1][0] == "average" and n.start - out[-1][1].end < 80 else "score"
                info = {"previous": bool(re.search(r"จาก\s?$", near) or PREVIOUS_LEVEL.search(near))}
            elif lex.cue_re("not_result", "change_before").search(near):
                kind = None
            elif _is_subscore(ctx, n, wide) or SUBSCORE_AFTER.match(text, n.end):
                kind = None
            elif OTHER_INDEX.search(text[ctx.line_bounds(n.start)[0] : n.start]):
                kind = None
            else:
                kind = "score"
        if kind is not None and kind != "score":
            clause = text[max(ctx.start, n.start - AGGREGATE_TOPIC_WINDOW) : n.start]
            if OTHER_INDEX.search(clause[-200:]) or not ITA_TOPIC.search(clause):
                kind = None  # a CPI rank, a KPI of another plan: not an ITA figure
            elif kind.startswith("percent") and lex.cue_re("not_result", "target_before").search(near):
                kind = None  # "ไม่น้อยกว่าร้อยละ 80": a target
            elif kind in ("percent_pass", "count_pass") and OBLIGATION.search(
                text[max(obligation_end, n.start - 150) : n.start]
            ):
                kind = None  # "กำหนดค่าเป้าหมาย ... จะต้องมี ... ร้อยละ 100": what must be reached
                obligation_end = n.end  # the obligation is spent: a later figure is a fact
        if kind is not None:
            out.append((kind, n, {**info, "value": value}))
            prev_end = n.end
    return out


AREA_AGENCY = re.compile(r"^(?:จังหวัด|อำเภอ|ตำบล|ภาค|พื้นที่)")


def _own_average(ctx: Context, n: Mention, prev_end: int) -> bool:
    """"กรมการปกครอง มีคะแนนเฉลี่ยอยู่ที่ 99.55": one named agency's own score, reported as
    the mean of its instruments. A province's or a group's average stays an aggregate."""
    lex = load_lexicon()
    window = _window_before(ctx, n, prev_end, 45)
    cue = lex.cue_re("aggregate", "average").search(window)
    cue_start = n.start - len(window) + cue.start()
    for a in reversed(ctx.agencies):
        if a.end <= cue_start:
            gap = ctx.text[a.end : cue_start]
            # a province is an area (its average is an aggregate) unless it is ranked as an
            # agency of the type "จังหวัด" ("ประเภทจังหวัด จังหวัดอ่างทอง มีคะแนนเฉลี่ย 99.99")
            area = AREA_AGENCY.match(a.value) and "ประเภท" not in ctx.text[max(0, a.start - 20) : a.start]
            return len(gap) <= 12 and not re.search(r"\d", gap) and not area and not is_assessor(a.value)
    return False


def _unit(after: str, key: str) -> bool:
    """The number is followed by a unit word of the lexicon (``หน่วยงาน``, ``คน``)."""
    return bool(load_lexicon().cue_re("aggregate", key).match(after.lstrip()))


def _rank_before(before: str) -> bool:
    return bool(re.search(rf"(?:{load_lexicon().cue_re('aggregate', 'rank').pattern})\s?$", before))


def _count_value(n: Mention) -> float:
    """A count of people written ``608.990`` is 608,990: a count cannot be fractional."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", n.text):
        return float(n.text.replace(".", ""))
    return n.value


def _is_target(ctx: Context, n: Mention, near: str, after: str) -> bool:
    lex = load_lexicon()
    if lex.cue_re("not_result", "target_before").search(near):
        return True
    # "85 คะแนนขึ้นไป" is a threshold; "ได้ 100 คะแนนเต็ม" is a full score, which is a result
    return bool(re.match(r"^\s?(?:คะแนน\s?)?(?:ขึ้นไป|ลงมา)", after))


def _is_subscore(ctx: Context, n: Mention, wide: str) -> bool:
    lex = load_lexicon()
    cues = list(lex.cue_re("not_result", "subscore_before").finditer(wide))
    if not cues:
        return False
    m = cues[-1]
    # "ผลคะแนนรวมด้านคุณธรรม..." — an overall score named after the assessment, not a sub-score.
    return not re.search(r"รวม|ภาพรวม|ทั้งสิ้น", wide[m.start() :]) and "คุณธรรมและความโปร่งใส" not in wide[m.start() : m.start() + 40]


def _tier_just_before(ctx: Context, n: Mention, gap: re.Pattern[str] | None = None) -> Mention | None:
    gap = gap or COUNT_TIER_GAP
    for t in reversed(ctx.tiers):
        if t.end <= n.start:
            if n.start - t.end <= 45 and gap.match(ctx.text[t.end : n.start]):
                return t
            return None
    return None


# --- results ------------------------------------------------------------------------------

# "... และองค์การเภสัชกรรม มีผลการประเมินอยู่ในระดับ A": a tier written after a list
TIER_AFTER_LIST = re.compile(r"\s?(?:มี|ได้)?(?:ผลการประเมิน|ผลคะแนน|คะแนน)?\s?(?:อยู่)?\s?(?:ใน)?\s?(?:ระดับ|เกรด)")
# scores written one after another: "96.67 และ 95.64", "98, 97 และ 96 คะแนน"
SCORE_RUN_GLUE = re.compile(r"^\s?(?:คะแนน)?\s?(?:,|และ|กับ)\s?(?:ร้อยละ)?\s?$")
RESPECTIVELY = re.compile(r"\s?(?:คะแนน)?\s?ตามลำดับ")
HEADER_AFTER = re.compile(r"\s?(?:คะแนน)?\s?\)?\s?(?:นั้น|ซึ่ง)?\s?(?:ได้แก่|คือ)\s?")
HEADER_TIER_GAP = re.compile(r"^[\s”\"')]*(?:คะแนนเต็ม|คะแนน|ที่|มี|ได้|\s)*$")


def _list_after(ctx: Context, n: Mention) -> list[Mention]:
    """The agencies of a list headed by a score ("92 คะแนน ได้แก่ A B C"), else []."""
    m = HEADER_AFTER.match(ctx.text, n.end)
    return _list_items(ctx, m.end()) if m else []


OBLIGATION = re.compile(r"จะต้อง|ต้องมี|ต้องได้|กำหนดค่าเป้าหมาย|กำหนดเป้าหมาย|ให้ได้")
LOCATOR = re.compile(r"จังหวัด|อำเภอ|สำนักงานเขตพื้นที่การศึกษา")
# "รัฐวิสาหกิจสังกัด คค.", "หน่วยงานภายใต้กระทรวง...": an agency named as the parent of
# the subject, not the subject itself.
PARENT_BEFORE = re.compile(r"(?:สังกัด|ภายใต้|ในกำกับของ|ในกลุ่ม|(?<![ก-๛])ใน|(?<=\d)\s?ใน|อันดับ\s?\d+\s?ใน)\s?$")


def _can_be_scored(ctx: Context, a: Mention) -> bool:
    return not is_assessor(a.value) and not PARENT_BEFORE.search(ctx.text[max(0, a.start - 12) : a.start])


def _agencies_for_score(ctx: Context, n: Mention, bound: int) -> list[Mention]:
    ls, _ = ctx.line_bounds(n.start)
    cands = [a for a in ctx.agencies if a.end <= n.start and a.start >= max(ls, bound) and _can_be_scored(ctx, a)]
    if not cands:
        return []
    last = cands[-1]
    if n.start - last.end > SUBJECT_WINDOW:
        return []
    chosen = [last]
    gap_to_score = ctx.text[last.end : n.start]
    if len(gap_to_score) <= 25:
        for a in reversed(cands[:-1]):
            if LIST_GLUE.match(ctx.text[a.end : chosen[-1].start]):
                chosen.append(a)
            else:
                break
    chosen.reverse()
    # "โรงเรียนบ้านหนองแวง สพป.ขอนแก่น เขต 1": an area or a district office right after an
    # agency of another kind locates it; it is not a second scored agency
    kept = [chosen[0]]
    for a in chosen[1:]:
        if LOCATOR.match(a.value) and not LOCATOR.match(kept[-1].value) and not ctx.text[kept[-1].end : a.start].strip():
            continue
        kept.append(a)
    return kept


def _tier_for(ctx: Context, agency: Mention, n: Mention | None, list_tier: Mention | None) -> Mention | None:
    lo = agency.start
    hi = n.start if n else agency.end
    for t in ctx.tiers:
        if lo <= t.start and t.end <= hi + 1:
            return t
    if n is not None:
        window_end = n.end + TIER_AFTER_WINDOW
        for num in ctx.numbers:
            if n.end < num.start < window_end:
                window_end = num.start
                break
        for t in ctx.tiers:
            if n.end <= t.start < window_end and TIER_AFTER.match(ctx.text[n.end : t.end]):
                return t
    return list_tier


def _list_tier(ctx: Context, pos: int) -> Mention | None:
    """The tier that heads a list the position is in: "ระดับ AA ... จำนวน 7 หน่วยงาน ได้แก่ ..."."""
    ls, _ = ctx.line_bounds(pos)
    seg = ctx.text[ls:pos]
    triggers = list(LIST_TRIGGER.finditer(seg))
    if not triggers:
        return None
    trig = ls + triggers[-1].start()
    best = None
    for t in ctx.tiers:
        if ls <= t.start and t.end <= trig and trig - t.end <= 150:
            best = t
    return best


YEAR_AFTER_CLAUSE = re.compile(r"^[^\d\n]{0,80}$")
# A year after the figure belongs to another clause after a comparison or an opening
# parenthesis ("86.52 คะแนน (ปี 2563 เท่ากับ 88.01 คะแนน)").
YEAR_AFTER_BREAK = re.compile(r"เพิ่ม|ลด|กว่า|เทียบ|ตั้งแต่|จาก(?!การ)|สูงขึ้น|ดีขึ้น|เดิม|ก่อน|\(")


def _fiscal_year(ctx: Context, start: int, end: int, doc_year: int | None) -> int | None:
    """The assessment year of a figure: written right after it in the same clause
    ("91.62 จากการประเมิน ITA ปี 2565"), else the last one before it in the paragraph."""
    written_after = _year_written_after(ctx, end)
    if written_after is not None:
        return written_after
    ls, _ = ctx.line_bounds(start)
    before = [y for y in ctx.years if ls <= y.start and y.end <= start]
    if before:
        y = before[-1]
        if THIS_YEAR.search(ctx.text[y.end : start]):
            return doc_year
        return y.value
    return doc_year


def _year_written_after(ctx: Context, end: int) -> int | None:
    """A year written after a figure in the same clause, before any comparison or "("."""
    _, le = ctx.line_bounds(end)
    for y in ctx.years:
        if end <= y.start <= min(le, end + YEAR_AFTER_WINDOW):
            between = ctx.text[end : y.start]
            if YEAR_AFTER_CLAUSE.match(between) and not YEAR_AFTER_BREAK.search(between):
                return y.value
            return None
    return None


def _assessment_year(ctx: Context) -> int | None:
    """The passage's assessment year: the first year written just after an ITA cue
    ("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2564"); target years are already set aside."""
    for y in ctx.years:
        if ITA_CUE_BEFORE.search(ctx.text[max(0, y.start - 60) : y.start]):
            return y.value
    return None


def _assessment(ctx: Context, pos: int, tier: Mention | None) -> str:
    if tier is not None and tier.attrs.get("kind") == "MORAL_ORG":
        return "MORAL_ORG"
    ls, le = ctx.line_bounds(pos)
    line = ctx.text[ls:le]
    if "องค์กรคุณธรรม" in line and not re.search(r"(?<![A-Za-z])ITA(?![A-Za-z])|คุณธรรมและความโปร่งใส", line):
        return "MORAL_ORG"
    return "ITA"


def _result(ctx: Context, agency: Mention, value: float, at: int, evidence_end: int, tier: Mention | None,
            year: int | None) -> tuple[Result, int]:
    """One result; a tier not written is derived from the score and marked so."""
    if tier is not None:
        tier_value, derived = tier.value, False
    else:
        tier_value, derived = load_lexicon().derive_tier(value), True
    return Result(
        agency=agency.value, assessment=_assessment(ctx, at, tier), score=value, tier=tier_value,
        tier_derived=derived, fiscal_year_be=year,
        evidence=ctx.sentence(min(agency.start, at), max(agency.end, evidence_end)),
    ), agency.start


def find_results(ctx: Context, classified: list[tuple[str, Mention, dict]], doc_year: int | None) -> list[tuple[Result, int]]:
    """Results for every score: scores given respectively, score-headed lists, agency lists
    sharing a score, subject sentences; then tier-only lists."""
    out: list[tuple[Result, int]] = []
    bound = 0
    prev_agency: Mention | None = None
    respectively = _respectively(ctx, classified)
    consumed: set[int] = set()
    for kind, n, info in classified:
        if kind != "score" or n.start in consumed:
            continue
        if n.start in respectively:
            run = respectively[n.start]
            end = run[-1][0].end
            tier = next((t for t in ctx.tiers if end <= t.start <= end + TIER_AFTER_WINDOW + 20), None)
            for x, a in run:
                out.append(_result(ctx, a, x.value, x.start, x.end, tier, _fiscal_year(ctx, x.start, x.end, doc_year)))
                consumed.add(x.start)
            bound, prev_agency = end, run[-1][1]
            continue
        header = _list_after(ctx, n)
        if header:
            # "ผ่านดี 92 คะแนน ได้แก่ A B C": the score heads the list that follows it
            tier = _tier_just_before(ctx, n, gap=HEADER_TIER_GAP) or _tier_for(ctx, header[0], None, None)
            year = _fiscal_year(ctx, n.start, n.end, doc_year)
            out.extend(_result(ctx, a, info["value"], n.start, n.end, tier, year) for a in header)
            bound, prev_agency = header[-1].end, header[-1]
            continue
        if info.get("previous") and prev_agency is not None:
            agencies = [prev_agency]  # a previous year's level of the agency just scored
        else:
            agencies = _agencies_for_score(ctx, n, bound)
        if not agencies:
            ls, _ = ctx.line_bounds(n.start)
            near = [a for a in ctx.agencies if ls <= a.start and a.end <= n.start and _can_be_scored(ctx, a)]
            if near:
                agencies = [near[-1]]
            elif prev_agency is not None and ctx.line_bounds(prev_agency.start)[0] == ls:
                agencies = [prev_agency]
        bound = n.end
        if not agencies:
            continue
        if info.get("previous"):
            # a previous year's level: only a year written with it ("... คะแนนเมื่อปี 2563") counts
            year = _year_written_after(ctx, n.end)
        else:
            year = _fiscal_year(ctx, agencies[0].start if len(agencies) > 1 else n.start, n.end, doc_year)
        tier = _tier_for(ctx, agencies[-1], n, _list_tier(ctx, agencies[0].start))
        out.extend(_result(ctx, a, info["value"], n.start, n.end, tier, year) for a in agencies)
        prev_agency = agencies[-1]
    out.extend(_tier_lists(ctx, classified, doc_year))
    return out


def _list_items(ctx: Context, pos: int) -> list[Mention]:
    """The agencies of a list starting at ``pos``, while only list glue separates them."""
    items: list[Mention] = []
    for a in ctx.agencies:
        if a.start < pos:
            continue
        if not LIST_GLUE.match(ctx.text[pos : a.start]):
            break
        items.append(a)
        pos = a.end
    return items


def _tier_lists(ctx: Context, classified, doc_year: int | None) -> list[tuple[Result, int]]:
    """Lists of agencies under a tier, with no scores: "ระดับที่ 3 องค์กรคุณธรรมต้นแบบ ... ได้แก่
    A B C", or with the tier after the list: "ได้แก่ A B C มีผลการประเมินอยู่ในระดับ A"."""
    out: list[tuple[Result, int]] = []
    scored = [n.start for k, n, _ in classified if k == "score"]
    for trig in LIST_TRIGGER.finditer(ctx.text, ctx.start):
        if trig.start() >= (ctx.agencies[-1].end if ctx.agencies else 0):
            break
        items = _list_items(ctx, trig.end())
        if not items:
            continue
        end = items[-1].end
        after = TIER_AFTER_LIST.match(ctx.text, end)
        tier = next((t for t in ctx.tiers if after and t.start >= end and t.start <= after.end()), None)
        if tier is None:
            tier = _list_tier(ctx, trig.end())
        if tier is None:
            continue
        if any(min(tier.start, trig.start()) <= s <= end + 20 for s in scored):
            continue  # a scored list: its results come from the scores
        year = _fiscal_year(ctx, trig.start(), trig.start(), doc_year)
        for a in items:
            out.append((Result(
                agency=a.value, assessment=_assessment(ctx, trig.start(), tier), score=None,
                tier=tier.value, tier_derived=False, fiscal_year_be=year,
                evidence=ctx.sentence(a.start, a.end),
            ), a.start))
    return out


def _respectively(ctx: Context, classified) -> dict[int, list[tuple[Mention, Mention]]]:
    """"ได้แก่ A และ B ... 96.67 และ 95.64 ตามลำดับ": the n-th number of a run that starts with
    a score and ends with ตามลำดับ belongs to the n-th agency of the list before it.
    Returns the run's first score start → [(number, agency), ...]."""
    runs: dict[int, list[tuple[Mention, Mention]]] = {}
    numbers = ctx.numbers
    index = {x.start: i for i, x in enumerate(numbers)}
    taken: set[int] = set()
    for kind, first, _ in classified:
        if kind != "score" or first.start in taken:
            continue
        k = index[first.start]
        run = [first]
        while k + len(run) < len(numbers):
            nxt = numbers[k + len(run)]
            if not (SCORE_RUN_GLUE.match(ctx.text[run[-1].end : nxt.start]) and MIN_SCORE <= nxt.value <= MAX_SCORE):
                break
            run.append(nxt)
        if len(run) < 2 or not RESPECTIVELY.match(ctx.text, run[-1].end):
            continue
        ls, _ = ctx.line_bounds(first.start)
        for trig in reversed(list(LIST_TRIGGER.finditer(ctx.text, ls, first.start))):
            items = _list_items(ctx, trig.end())
            if len(items) == len(run):
                runs[first.start] = list(zip(run, items, strict=True))
                taken.update(x.start for x in run)
                break
    return runs


# --- aggregates ------------------------------------------------------------------------

def _scope(ctx: Context, n: Mention) -> str:
    lex = load_lexicon()
    ls, _ = ctx.line_bounds(n.start)
    lo = max(ls, n.start - 160)
    best: tuple[int, str] | None = None
    for a in ctx.agencies:
        if lo <= a.start and a.end <= n.start and not is_assessor(a.value):
            best = (a.start, a.value)
    words = sorted(lex.cue("scope", "words"), key=len, reverse=True)
    seg = ctx.text[lo : n.start]
    for m in re.finditer("|".join(re.escape(w) for w in words), seg):
        if best is None or lo + m.start() > best[0]:
            w = m.group(0)
            if w in ("ทั้งประเทศ", "ระดับประเทศ", "ของประเทศ"):
                w = "ประเทศ"
            best = (lo + m.start(), w)
    return best[1] if best else "ไม่ระบุ"


def find_aggregates(ctx: Context, classified, doc_year: int | None) -> list[tuple[Aggregate, int]]:
    out: list[tuple[Aggregate, int]] = []
    for kind, n, info in classified:
        if kind == "score":
            continue
        out.append((Aggregate(
            scope=_scope(ctx, n), metric=kind, tier=info.get("tier"), value=info["value"],
            fiscal_year_be=_fiscal_year(ctx, n.start, n.end, doc_year),
            evidence=ctx.sentence(n.start, n.end),
        ), n.start))
    return out


def table_aggregates(ctx: Context, passage: Passage, doc_year: int | None) -> list[tuple[Aggregate, int]]:
    from ita_extract.extract.tables import read_tables

    return [
        (Aggregate(scope=c.scope, metric=c.metric, value=c.value,
                   fiscal_year_be=c.year if c.year is not None else doc_year,
                   evidence=ctx.sentence(c.start, c.end)), c.start)
        for c in read_tables(ctx.text, passage.start, passage.end)
    ]


def analyse(text: str, passages: list[Passage]) -> Found:
    """Run the relation rules over the passages of one article."""
    abbreviations = document_abbreviations(text) if passages else {}
    results: list[tuple[Result, int]] = []
    aggregates: list[tuple[Aggregate, int]] = []
    people: list[Person] = []
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    for passage in passages:
        ctx = Context(text, passage, abbreviations, line_starts)
        classified = classify_numbers(ctx)
        doc_year = _assessment_year(ctx)
        results += find_results(ctx, classified, doc_year)
        aggregates += find_aggregates(ctx, classified, doc_year)
        aggregates += table_aggregates(ctx, passage, doc_year)
        people += ctx.people
    return Found(results, aggregates, people)


__all__ = ["Passage", "Found", "analyse", "patterns"]
