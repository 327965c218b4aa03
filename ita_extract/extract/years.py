"""Which assessment year a figure is of: the year written with it, else the last one
before it in its paragraph, else the passage's own assessment year."""

from __future__ import annotations

import re

from ita_extract.extract.lexicon import load_lexicon, topic_re
from ita_extract.extract.entities import Mention
from ita_extract.extract.mentions import PassageMentions

# A fiscal year written after the score ("91.62 จากการประเมิน ITA ปี 2565").
YEAR_AFTER_WINDOW = 90
_LEX = load_lexicon()
THIS_YEAR = re.compile(_LEX.cue_alt("year", "this_year"))
YEAR_AFTER_CLAUSE = re.compile(r"^[^\d\n]{0,80}$")
# A year after the figure belongs to another clause after a comparison or an opening
# parenthesis ("86.52 คะแนน (ปี 2563 เท่ากับ 88.01 คะแนน)").
YEAR_AFTER_BREAK = re.compile(_LEX.cue_fragment("year", "after_break"))
# A year written after a comparison ("ซึ่งเพิ่มจากปี 2564 ร้อยละ 16.95") is the compared
# figure's; a figure in a later clause ("... และหน่วยงานที่ไม่ผ่านเกณฑ์ 22 หน่วยงาน") is not of it.
COMPARE_BEFORE = re.compile(_LEX.cue_fragment("year", "compare_before"))
LATER_CLAUSE = re.compile(rf"\d[^\n]*?(?:{_LEX.cue_alt('year', 'clause_break')})")
COMPARE_WINDOW = 30
SINCE_BEFORE = re.compile(_LEX.cue_fragment("year", "since_before"))


def fiscal_year(ctx: PassageMentions, start: int, end: int, doc_year: int | None) -> int | None:
    """The assessment year of a figure: written right after it in the same clause
    ("91.62 จากการประเมิน ITA ปี 2565"), else the last one before it in the paragraph."""
    just_before = _year_just_before(ctx, start)
    if just_before is not None:
        return just_before
    written_after = year_written_after(ctx, end)
    if written_after is not None:
        return written_after
    ls, _ = ctx.line_bounds(start)
    before = [y for y in ctx.years if ls <= y.start and y.end <= start
              and not _compared_in_earlier_clause(ctx, y, start)]
    if before:
        y = before[-1]
        if THIS_YEAR.search(ctx.text[y.end : start]):
            return doc_year
        year: int = y.value
        return year
    return doc_year


# "ปี 2559 ได้ 48.44 คะแนน ปี 2560 ได้ 77.57 คะแนน": the year written just before a score
# is its year, not the next one's year written after it.
YEAR_SCORE_GLUE = re.compile(rf"^\s?(?:{_LEX.cue_alt('year', 'year_score_glue')})?\s?$")
YEAR_BEFORE_WINDOW = 16


def _year_just_before(ctx: PassageMentions, start: int) -> int | None:
    for y in reversed(ctx.years):
        if y.end <= start:
            if start - y.end <= YEAR_BEFORE_WINDOW and YEAR_SCORE_GLUE.match(ctx.text[y.end : start]):
                year: int = y.value
                return year
            return None
    return None
def _compared_in_earlier_clause(ctx: PassageMentions, y: Mention, start: int) -> bool:
    """The year of a compared figure, with a new clause between it and the figure at
    ``start``; or a year some time is counted since."""
    before = ctx.text[max(0, y.start - COMPARE_WINDOW) : y.start]
    if SINCE_BEFORE.search(before):
        return True  # "ตั้งแต่ปี 2562": a time since then, not the figure's year
    return bool(COMPARE_BEFORE.search(before) and LATER_CLAUSE.search(ctx.text[y.end : start]))


def year_written_after(ctx: PassageMentions, end: int) -> int | None:
    """A year written after a figure in the same clause, before any comparison or "("."""
    _, le = ctx.line_bounds(end)
    for y in ctx.years:
        if end <= y.start <= min(le, end + YEAR_AFTER_WINDOW):
            between = ctx.text[end : y.start]
            if YEAR_AFTER_CLAUSE.match(between) and not YEAR_AFTER_BREAK.search(between):
                year: int = y.value
                return year
            return None
    return None


def assessment_year(ctx: PassageMentions) -> int | None:
    """Stage 3b: the passage's assessment year: the first year written just after an ITA cue
    ("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2564"); target years are already set aside."""
    for y in ctx.years:
        if topic_re("year_cue").search(ctx.text[max(0, y.start - 60) : y.start]):
            year: int = y.value
            return year
    return None

