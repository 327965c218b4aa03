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
from dataclasses import dataclass
from typing import NamedTuple

from ita_extract.extract.agencies import is_assessor
from ita_extract.extract.entities import Mention
from ita_extract.extract.lexicon import load_lexicon, topic_re, topic_words
from ita_extract.extract.mentions import PassageMentions
from ita_extract.extract.number_context import (
    AGGREGATE_TOPIC_WINDOW,
    AREA_AGENCY,
    AVERAGE_WINDOW,
    COUNT_CUE_WINDOW,
    FROM_BEFORE,
    FROM_GROUP,
    FROM_RANK,
    HEADER_AFTER,
    LIST_MARKER_BEFORE,
    MAX_SCORE,
    MIN_SCORE,
    OBLIGATION,
    OPEN_PAREN_BEFORE,
    OTHER_INDEX,
    OUT_OF,
    OVERALL,
    PEOPLE_COUNT,
    PERCENT_OF_COUNT,
    PERCENT_SCORE_NEAR,
    PERCENT_SCORE_WIDE,
    PERCENT_SIGN_AFTER,
    PREVIOUS_LEVEL,
    SCORE_LEAD_BEFORE,
    SCORE_UNIT_AFTER,
    SUBSCORE_AFTER,
    TIER_AFTER,
    Figure,
    Kind,
    LastCount,
    Number,
    Reading,
    cue,
)

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


_LEX = load_lexicon()
# "8,300 แห่งทั่วประเทศ เข้าร่วมการประเมิน": the assessed group's verb after its size.
COUNT_ASSESSED_AFTER = re.compile(
    rf"\s?(?:{_LEX.cue_alt('aggregate', 'agency_units')})\s?"
    rf"(?:(?:{_LEX.cue_alt('figure', 'count_assessed_after_glue')})\s?)*"
    rf"(?:{_LEX.cue_alt('aggregate', 'count_assessed')})"
)
# "ทั้งหมด 7,928 แห่ง", "รวมจำนวน 162 องค์กร": all of a group.
COUNT_ALL_BEFORE = re.compile(rf"(?:{_LEX.cue_fragment('figure', 'count_all_before')})\s?(?:จำนวน\s?)?$")
# Units that count agencies rather than places (ทั้ง 76 จังหวัด is every province, not a group assessed).
AGENCY_NOT_PLACE_UNIT = re.compile(r"^\s?(?:หน่วยงาน|องค์กร|แห่ง|ส่วนราชการ|อปท\.|สถาบัน)")


# "ผลการประเมินภาพรวมระดับประเทศอยู่ที่ 93.82": the country's overall figure, a short clause before it.
NATIONAL_OVERALL = re.compile(rf"(?:{_LEX.cue_alt('figure', 'national_overall')})[^\d\n]{{0,25}}$")


def _national_overall(x: Number) -> bool:
    """"ผลการประเมินภาพรวมระดับประเทศอยู่ที่ 93.82 คะแนน": the national average, whatever its verb."""
    return x.in_range() and bool(NATIONAL_OVERALL.search(x.window(60))) and not x.change() and not x.target()


def _count_cue_after(key: str) -> re.Pattern[str]:
    return re.compile(
        rf"\s?(?:{_LEX.cue_alt('aggregate', 'agency_units')})\s?"
        rf"(?:(?:{_LEX.cue_alt('figure', 'count_assessed_after_glue')})\s?)*"
        rf"(?:{_LEX.cue_alt('aggregate', key)})"
    )


# "1,095 หน่วยงาน ผ่านเกณฑ์", "22 หน่วยงาน ที่ไม่ผ่านการประเมิน": the pass/fail cue after the count.
COUNT_FAIL_AFTER = _count_cue_after("count_fail")
COUNT_PASS_AFTER = _count_cue_after("count_pass")


def _count_fail_after(x: Number) -> bool:
    return bool(COUNT_FAIL_AFTER.match(x.text, x.n.end, x.ctx.line_bounds(x.n.end)[1]))


def _count_pass_after(x: Number) -> bool:
    return bool(COUNT_PASS_AFTER.match(x.text, x.n.end, x.ctx.line_bounds(x.n.end)[1]))


# "13 หน่วยงาน ที่ได้ผลการประเมินในระดับ A": the tier after the count.
COUNT_TIER_AFTER_GAP = re.compile(
    rf"\s?(?:{_LEX.cue_alt('aggregate', 'agency_units')})\s?"
    rf"(?:(?:{_LEX.cue_alt('figure', 'count_tier_after_glue')})\s?)*$"
)


def _tier_after(x: Number) -> Mention | None:
    for t in x.ctx.tiers:
        if t.start >= x.n.end:
            if t.start - x.n.end <= 50 and COUNT_TIER_AFTER_GAP.match(x.text[x.n.end : t.start]):
                return t
            return None
    return None


def _count_tier_after(x: Number) -> bool:
    """"ใบประกาศเกียรติคุณให้ 13 หน่วยงาน ที่ได้ผลการประเมินในระดับ A": a count of a tier."""
    return _tier_after(x) is not None


def _counted_tier(x: Number) -> str | None:
    """The tier a count_tier counts: written before it, else right after it."""
    t = x.tier_before if x.tier_before is not None else _tier_after(x)
    return t.value if t is not None else None


AWARD = re.compile(_LEX.cue_alt("figure", "award"))
# How far around a count an award word makes it a count of awards.
AWARD_WINDOW = 60


def _award_count(x: Number) -> bool:
    """"รวมจำนวน 64 องค์กร ... ได้รับเกียรติบัตร": agencies given an award, not assessed."""
    return bool(AWARD.search(x.window(AWARD_WINDOW)) or AWARD.search(x.text, x.n.end, x.n.end + AWARD_WINDOW))


def _count_assessed_after(x: Number) -> bool:
    """"มีหน่วยงานภาครัฐ จำนวน 8,300 แห่งทั่วประเทศ เข้าร่วมการประเมิน": the cue after the size."""
    return bool(COUNT_ASSESSED_AFTER.match(x.text, x.n.end, x.ctx.line_bounds(x.n.end)[1])) and not _award_count(x)


# "หน่วยงานภาครัฐทั่วประเทศ จำนวน 8,303 ได้เข้าร่วมการประเมิน": a size written with no unit,
# its verb right after it.
UNITLESS_COUNT_BEFORE = re.compile(r"จำนวน\s?$")
UNITLESS_COUNT_ASSESSED_AFTER = re.compile(
    rf"\s?(?:(?:{_LEX.cue_alt('figure', 'count_assessed_after_glue')})\s?)*"
    rf"(?:{_LEX.cue_alt('aggregate', 'count_assessed')})"
)


def _unitless_count_assessed(x: Number) -> bool:
    """"จำนวน 8,303 ได้เข้าร่วมการประเมิน": จำนวน before, the assessed verb right after."""
    return (x.is_integer and x.value >= 2 and bool(UNITLESS_COUNT_BEFORE.search(x.before(8)))
            and bool(UNITLESS_COUNT_ASSESSED_AFTER.match(x.text, x.n.end, x.ctx.line_bounds(x.n.end)[1]))
            and not _award_count(x))


def _count_of_all(x: Number) -> bool:
    """"ทั้งหมด 7,928 แห่ง", "รวมจำนวน 162 องค์กร": the whole group (not of an award)."""
    return (bool(COUNT_ALL_BEFORE.search(x.window(25)) and AGENCY_NOT_PLACE_UNIT.match(x.after))
            and not _award_count(x))


def _percent_sign_score(x: Number) -> bool:
    """"ได้คะแนนสูงสุด 98.52%": a score written with a percent sign."""
    return (x.is_percent and bool(PERCENT_SIGN_AFTER.match(x.after)) and x.in_range()
            and "คะแนน" in x.before(60)
            and not cue("aggregate", "count_pass")(x.wide) and not x.change()
            and not _percent_of_count(x))  # "7,832 หน่วยงาน คิดเป็น 94.17%": the count's share


def _percent_score(x: Number) -> bool:
    """"ได้คะแนนร้อยละ 96.67", "ผลคะแนน ... อยู่ที่ร้อยละ 92.47": a score as a percentage."""
    last = x.reading.last_count
    return (x.is_percent and x.in_range()
            and bool(PERCENT_SCORE_NEAR.search(x.near) or PERCENT_SCORE_WIDE.search(x.wide))
            and not (last and x.n.start - last.end < 70)
            and not cue("aggregate", "count_pass")(x.wide)
            and not cue("aggregate", "count_fail")(x.wide)
            and not cue("aggregate", "average")(x.wide)
            and not x.target() and not x.change())


def _percent_with_score_unit(x: Number) -> bool:
    """"ได้รับผลการประเมิน ร้อยละ 96.59 คะแนน": a score written as a percentage of points."""
    return (x.is_percent and x.in_range() and bool(SCORE_UNIT_AFTER.match(x.after))
            and not x.target() and not x.change())


def _percent_of_count(x: Number) -> bool:
    """"ผ่านเกณฑ์ 16 หน่วยงาน คิดเป็นร้อยละ 94.12": the share the count just given is."""
    last = x.reading.last_count
    return bool(last and x.n.start - last.end < 70 and PERCENT_OF_COUNT.search(x.text[last.end : x.n.start]))


def _percent_of_pass_count(x: Number) -> bool:
    return _percent_of_count(x) and x.reading.last_count is not None and x.reading.last_count.kind == "count_pass"


def _percent_pass(x: Number) -> bool:
    """"ผ่านเกณฑ์การประเมินถึง 94.12%": a pass rate; the เกณฑ์ of ผ่านเกณฑ์ is no target's."""
    lex = load_lexicon()
    wide = x.wide
    passes = [m.span() for m in lex.cue_re("aggregate", "count_pass").finditer(wide)]
    if not passes:
        return False
    near_from = len(wide) - len(x.near)
    return not any(
        m.end() > near_from and not any(s <= m.start() < e for s, e in passes)
        for m in lex.cue_re("not_result", "target_before").finditer(wide)
    )


def _people_count_participants(x: Number) -> bool:
    return bool(cue("aggregate", "participants")(x.wide)) and not cue("aggregate", "attendance")(x.before(25))


@functools.lru_cache(maxsize=1)
def _rank_before() -> re.Pattern[str]:
    return re.compile(rf"(?:{load_lexicon().cue_re('aggregate', 'rank').pattern})\s?$")


def _rank_written(x: Number) -> bool:
    return bool(_rank_before().search(x.before(12))) and x.is_integer


def _averagecue(x: Number) -> bool:
    return x.in_range() and bool(cue("aggregate", "average")(x.window(AVERAGE_WINDOW))) and not x.change()


def _own_average(x: Number) -> bool:
    """"กรมการปกครอง มีคะแนนเฉลี่ยอยู่ที่ 99.55": one named agency's own score, reported as
    the mean of its instruments. A province's or a group's average stays an aggregate."""
    ctx = x.ctx
    window = x.window(AVERAGE_WINDOW)
    cue = load_lexicon().cue_re("aggregate", "average").search(window)
    assert cue is not None  # _averagecue found it
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


RANGE_BEFORE = re.compile(r"\(\s?\d{1,3}(?:\.\d{1,2})?\s?[-–]\s?$")
RANGE_AFTER = re.compile(r"^\s?[-–]\s?\d{1,3}(?:\.\d{1,2})?\s?(?:คะแนน)?\s?\)")


def _rating_band(x: Number) -> bool:
    """"ระดับ AA (95-100 คะแนน)", "(85 - 94.99 คะแนน)": the bounds of a rating band, not a score."""
    return bool(RANGE_BEFORE.search(x.before(14)) or RANGE_AFTER.match(x.after))


TYPE_SCORE_BEFORE = re.compile(_LEX.cue_alt("figure", "type_score_before"))
# How far back in the line the agency-type cue may be written (a list of three or four types).
TYPE_SCORE_WINDOW = 250


def _type_score(x: Number) -> bool:
    """"ประเภทหน่วยงานที่ได้คะแนนสูงสุดคือ องค์กรศาล 91.93 คะแนน รองลงมาคือ ...": the score
    of an agency type is its average, an aggregate of that type."""
    line_start = x.ctx.line_bounds(x.n.start)[0]
    return bool(TYPE_SCORE_BEFORE.search(x.text, max(line_start, x.n.start - TYPE_SCORE_WINDOW), x.n.start))


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
        Rule("count_fail", lambda x: bool(cue("aggregate", "count_fail")(x.window(COUNT_CUE_WINDOW))), "count_fail"),
        Rule("count_pass", lambda x: bool(cue("aggregate", "count_pass")(x.window(COUNT_CUE_WINDOW))), "count_pass"),
        Rule("count_assessed", lambda x: bool(cue("aggregate", "count_assessed")(x.wide)), "count_assessed"),
        Rule("count_ranked_group", lambda x: x.since_rank(40) and x.after_rank_of(), "count_assessed"),
        Rule("count_assessed_after", _count_assessed_after, "count_assessed"),
        Rule("count_of_all", _count_of_all, "count_assessed"),
        Rule("count_fail_after", _count_fail_after, "count_fail"),
        Rule("count_pass_after", _count_pass_after, "count_pass"),
        Rule("count_tier_after", _count_tier_after, "count_tier"),
    )),
    Rule("unitless_count_assessed", _unitless_count_assessed, "count_assessed"),
    Rule("national_overall", _national_overall, "average"),
    Rule("percent_sign_score", _percent_sign_score, "score"),
    Rule("percent_score", _percent_score, "score"),
    Rule("percent_with_score_unit", _percent_with_score_unit, "score"),
    Rule("percent", lambda x: x.is_percent, then=(
        Rule("percent_change", Number.change, None),
        Rule("percent_of_pass_count", _percent_of_pass_count, "percent_pass"),
        Rule("percent_of_fail_count", _percent_of_count, "percent_fail"),
        Rule("percent_fail", lambda x: bool(cue("aggregate", "count_fail")(x.wide)), "percent_fail"),
        Rule("percent_pass", _percent_pass, "percent_pass"),
    )),
    Rule("count_of_people", lambda x: x.unit("people_units"), then=(
        Rule("participants", _people_count_participants, "participants"),
    )),
    Rule("rank_written", _rank_written, then=(
        Rule("rank", lambda x: not FROM_RANK.search(x.before(16)), "rank"),
    )),
    Rule("averagecue", _averagecue, then=(
        Rule("average_target", Number.is_target, None),  # "ค่าคะแนนเฉลี่ย 85 คะแนนขึ้นไป"
        Rule("own_average", _own_average, "score"),
        Rule("average", _always, "average"),
    )),
    Rule("score_written", _score_written, then=(
        Rule("rating_band", _rating_band, None),
        Rule("score_average", lambda x: bool(cue("aggregate", "average")(x.wide)), "average"),
        Rule("type_score", _type_score, "average"),
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
    return kind.startswith("percent") and x.target() and not (kind == "percent_pass" and _percent_pass(x))


def _obligation(x: Number, kind: Kind) -> bool:
    """"กำหนดค่าเป้าหมาย ... จะต้องมี ... ร้อยละ 100": what must be reached."""
    return kind in ("percent_pass", "count_pass") and bool(
        OBLIGATION.search(x.text[max(x.reading.obligation_end, x.n.start - 150) : x.n.start])
    )


def _round_approximate(x: Number, kind: Kind) -> bool:
    """"กว่า 8,000 หน่วยงาน", "ประมาณ 1.3 ล้านคน": a round bound is no count; an exact one
    ("กว่า 8,317 หน่วยงาน") is kept."""
    v = x.value
    return (kind.startswith("count") or kind == "participants") and bool(x.n.attrs.get("approx")) and (
        v % 100 == 0 or (v < 100 and v % 10 == 0))


class Veto(NamedTuple):
    name: str
    when: Callable[[Number, Kind], bool]


VETOES = (Veto("not_ita", _not_ita), Veto("percent_target", _percent_target), Veto("obligation", _obligation),
          Veto("round_approximate", _round_approximate))


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
            tier=_counted_tier(x) if kind == "count_tier" else None,
            previous=rule.level and bool(FROM_BEFORE.search(x.near) or PREVIOUS_LEVEL.search(x.near)),
        )
        reading.figures.append(figure)
        reading.prev_end = n.end
        yield Decision(n, rule.name, None, figure)
