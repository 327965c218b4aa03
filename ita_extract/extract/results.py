"""Stage 4, results: agency ↔ score ↔ tier ↔ fiscal year.

A score belongs to the agency written just before it, or to every agency of a list that
ends right before it ("A B C 95 คะแนน"), or to the agencies of the list it heads
("92 คะแนน ได้แก่ A B C"); scores given ``ตามลำดับ`` pair with a list one by one. A tier is
the one written with the score, or the one that heads the list ("ระดับ AA ... ได้แก่").
Lists of agencies under a tier with no score are results too.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ita_extract.extract.agencies import is_assessor
from ita_extract.extract.entities import Mention
from ita_extract.extract.lexicon import load_lexicon, topic_re, topic_words
from ita_extract.extract.mentions import PassageMentions
from ita_extract.extract.number_context import HEADER_AFTER, MAX_SCORE, MIN_SCORE, TIER_AFTER, Figure
from ita_extract.extract.years import fiscal_year, year_written_after
from ita_extract.models import Assessment, Result

# Agencies of one list sharing one score are separated only by spaces, commas, "และ" or
# list numbers; anything longer ends the list.
_LEX = load_lexicon()
LIST_GLUE = re.compile(
    rf"^\s?(?:\([^()\d]{{1,20}}\)\s?)*[\s,]*(?:{_LEX.cue_alt('result', 'list_glue')})?[\s,]*(?:\(?\d{{1,3}}[).]\s?)?[\s,]*(?:และ)?\s*$"
)  # "A (สวอ.) B และ C", "1) A 2) B"
# A subject sentence ("บสย. ... คว้าคะแนน ... 97.59 คะแนน") seldom runs longer than this.
SUBJECT_WINDOW = 320
# A tier written after the score ("97.10 หรือ ระดับ AA") is at most this far.
TIER_AFTER_WINDOW = 40
LIST_TRIGGER = re.compile(_LEX.cue_alt("result", "list_trigger"))


class ResultAt(NamedTuple):
    """A result and where its agency is written (results are put in text order)."""

    result: Result
    at: int


class Pair(NamedTuple):
    """The n-th score of a run given ``ตามลำดับ`` and the n-th agency of its list."""

    number: Mention
    agency: Mention

# "... และองค์การเภสัชกรรม มีผลการประเมินอยู่ในระดับ A": a tier written after a list
TIER_AFTER_LIST = re.compile(
    rf"\s?(?:{_LEX.cue_alt('result', 'tier_after_list_verb')})?(?:{_LEX.cue_alt('result', 'tier_after_list_noun')})?"
    rf"\s?(?:อยู่)?\s?(?:ใน)?\s?(?:{_LEX.cue_alt('tier_cue', 'lead')})"
)
# scores written one after another: "96.67 และ 95.64", "98, 97 และ 96 คะแนน"
SCORE_RUN_GLUE = re.compile(rf"^\s?(?:คะแนน)?\s?(?:{_LEX.cue_alt('result', 'score_run_glue')})\s?(?:ร้อยละ)?\s?$")
RESPECTIVELY = re.compile(rf"\s?(?:คะแนน)?\s?(?:{_LEX.cue_alt('result', 'respectively')})")
HEADER_TIER_GAP = re.compile(rf"^[\s”\"')]*(?:{_LEX.cue_alt('result', 'header_tier_glue')}|\s)*$")


def _list_after(ctx: PassageMentions, n: Mention) -> list[Mention]:
    """The agencies of a list headed by a score ("92 คะแนน ได้แก่ A B C"), else []."""
    m = HEADER_AFTER.match(ctx.text, n.end)
    return _list_items(ctx, m.end()) if m else []


OBLIGATION = re.compile(_LEX.cue_alt("figure", "obligation"))
LOCATOR = re.compile(_LEX.cue_alt("result", "locator"))
# "รัฐวิสาหกิจสังกัด คค.", "หน่วยงานภายใต้กระทรวง...": an agency named as the parent of
# the subject, not the subject itself.
PARENT_BEFORE = re.compile(
    rf"(?:{_LEX.cue_alt('result', 'parent_before')}|(?<![ก-๛])ใน|(?<=\d)\s?ใน|อันดับ\s?\d+\s?ใน)\s?$"
)


def written_alias(agency: Mention) -> list[str]:
    """The short form as written when the name was expanded from it ("กกต." for
    สำนักงานคณะกรรมการการเลือกตั้ง): the article's own name for the agency."""
    written = re.sub(r"\s+", " ", agency.text).strip()
    return [written] if re.sub(r"\s+", "", written) != re.sub(r"\s+", "", agency.value) else []


def _can_be_scored(ctx: PassageMentions, a: Mention) -> bool:
    return not is_assessor(a.value) and not PARENT_BEFORE.search(ctx.text[max(0, a.start - 12) : a.start])


def _agencies_for_score(ctx: PassageMentions, n: Mention, bound: int) -> list[Mention]:
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


def _tier_for(ctx: PassageMentions, agency: Mention, n: Mention | None, list_tier: Mention | None,
              after: int = 0) -> Mention | None:
    """The tier written with a score; one written before an earlier score of the same
    agency (``after``: that score's end) is that score's ("... 91.29 คะแนน ระดับ A ... ปี 2559
    ได้ 48.44 คะแนน": 48.44 has no tier written)."""
    lo = max(agency.start, after)
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


def _list_tier(ctx: PassageMentions, pos: int) -> Mention | None:
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



def _assessment(ctx: PassageMentions, pos: int, tier: Mention | None) -> Assessment:
    if tier is not None and tier.attrs.get("kind") == "MORAL_ORG":
        return "MORAL_ORG"
    ls, le = ctx.line_bounds(pos)
    line = ctx.text[ls:le]
    if any(w in line for w in topic_words("moral_org")) and not topic_re("ita_named").search(line):
        return "MORAL_ORG"
    return "ITA"


def _result(ctx: PassageMentions, agency: Mention, value: float, at: int, evidence_end: int, tier: Mention | None,
            year: int | None) -> ResultAt:
    """One result; a tier not written is derived from the score and marked so."""
    if tier is not None:
        tier_value, derived = tier.value, False
    else:
        tier_value, derived = load_lexicon().derive_tier(value), True
    return ResultAt(Result(
        agency=agency.value, agency_aliases=written_alias(agency), assessment=_assessment(ctx, at, tier),
        score=value, tier=tier_value,
        tier_derived=derived, fiscal_year_be=year,
        evidence=ctx.sentence(min(agency.start, at), max(agency.end, evidence_end)),
    ), agency.start)


def find_results(ctx: PassageMentions, figures: list[Figure], doc_year: int | None) -> list[ResultAt]:
    """Results for every score: scores given respectively, score-headed lists, agency lists
    sharing a score, subject sentences; then tier-only lists."""
    out: list[ResultAt] = []
    bound = 0
    prev_agency: Mention | None = None
    respectively = _respectively(ctx, figures)
    consumed: set[int] = set()
    tier_after_end = 0
    for f in figures:
        n = f.number
        if f.kind != "score" or n.start in consumed:
            continue
        if n.start in respectively:
            run = respectively[n.start]
            end = run[-1].number.end
            tier = next((t for t in ctx.tiers if end <= t.start <= end + TIER_AFTER_WINDOW + 20), None)
            for x, a in run:
                out.append(_result(ctx, a, x.value, x.start, x.end, tier, fiscal_year(ctx, x.start, x.end, doc_year)))
                consumed.add(x.start)
            bound, prev_agency = end, run[-1].agency
            continue
        header = _list_after(ctx, n)
        if header:
            # "ผ่านดี 92 คะแนน ได้แก่ A B C": the score heads the list that follows it
            tier = ctx.tier_just_before(n.start, HEADER_TIER_GAP) or _tier_for(ctx, header[0], None, None)
            year = fiscal_year(ctx, n.start, n.end, doc_year)
            out.extend(_result(ctx, a, f.value, n.start, n.end, tier, year) for a in header)
            bound, prev_agency = header[-1].end, header[-1]
            continue
        if f.previous and prev_agency is not None:
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
        prev_bound, bound = bound, n.end
        if not agencies:
            continue
        if f.previous:
            # a previous year's level: only a year written with it ("... คะแนนเมื่อปี 2563") counts
            year = year_written_after(ctx, n.end)
        else:
            year = fiscal_year(ctx, agencies[0].start if len(agencies) > 1 else n.start, n.end, doc_year)
        # an agency named before an earlier score: this score's tier is only one written after it
        after = n.start if agencies[-1].end <= prev_bound else max(prev_bound, tier_after_end)
        tier = _tier_for(ctx, agencies[-1], n, _list_tier(ctx, agencies[0].start), after)
        if tier is not None and tier.start >= n.end:
            tier_after_end = tier.end  # "91.29 คะแนน ได้ผลการประเมินระดับ A": 91.29's, no later score's
        out.extend(_result(ctx, a, f.value, n.start, n.end, tier, year) for a in agencies)
        prev_agency = agencies[-1]
    out.extend(_tier_lists(ctx, figures, doc_year))
    out.extend(_year_rows(ctx))
    out.extend(_tier_only(ctx, figures, doc_year))
    return out


TIER_ONLY_CUE = re.compile(_LEX.cue_alt("result", "tier_only_cue"))
TIER_ONLY_BREAK = re.compile(_LEX.cue_alt("result", "tier_only_break"))
# "ระดับ A จำนวน 3 หน่วยงาน", "ระดับ A ขึ้นไป": a count's tier or a range, not one agency's level.
BAND_OR_COUNT_AFTER = re.compile(r"\s?(?:จำนวน|มี\s?\d|ได้แก่|ขึ้นไป|ลงมา)")
# The agency and its tier are one clause.
TIER_ONLY_WINDOW = 160
# Tiers this close are a run of levels (", และ" between them).
TIER_RUN_GAP = 6


def _tier_only(ctx: PassageMentions, figures: list[Figure], doc_year: int | None) -> list[ResultAt]:
    """"เทศบาลเมืองลำพูน ... ผลการประเมิน ITA ประจำปี 2565 ในระดับ A": an agency's level with no
    score written in its clause (a scored mention of the same agency merges with it)."""
    out: list[ResultAt] = []
    figure_at = [f.number.start for f in figures]
    for t in ctx.tiers:
        if t.attrs.get("kind") != "ITA" or BAND_OR_COUNT_AFTER.match(ctx.text, t.end):
            continue
        ls, le = ctx.line_bounds(t.start)
        cands = [a for a in ctx.agencies if ls <= a.start and a.end <= t.start and t.start - a.end <= TIER_ONLY_WINDOW
                 and _can_be_scored(ctx, a)]
        if not cands:
            continue
        agency = cands[-1]
        between = ctx.text[agency.end : t.start]
        if not TIER_ONLY_CUE.search(between) or TIER_ONLY_BREAK.search(between):
            continue
        if any(agency.start <= s <= min(le, t.end + TIER_AFTER_WINDOW) for s in figure_at):
            continue  # a scored clause: the score rules read it
        if any(agency.end <= n.start < t.start for n in ctx.numbers):
            continue  # "สอจ. 7 จังหวัด มีผลการประเมิน ITA ระดับ AA": a group's level
        if any(o is not t and (0 <= o.start - t.end <= TIER_RUN_GAP or 0 <= t.start - o.end <= TIER_RUN_GAP)
               for o in ctx.tiers):
            continue  # "ระดับผ่าน ผ่านดี และผ่านดีเยี่ยม": levels over the years, not one result
        out.append(ResultAt(Result(
            agency=agency.value, agency_aliases=written_alias(agency), assessment=_assessment(ctx, t.start, t),
            score=None, tier=t.value, tier_derived=False, fiscal_year_be=fiscal_year(ctx, t.start, t.end, doc_year),
            evidence=ctx.sentence(agency.start, t.end),
        ), agency.start))
    return out


# "ปีงบประมาณ | คะแนน | ระดับ |" then "2566 | 86.78 | ผ่าน |": one agency's scores by year, a
# row per year (a table scraped with "|" between cells), under a caption that names the agency.
YEAR_ROW = re.compile(
    r"^\s*(?:พ\.ศ\.\s?)?(?P<year>25\d\d)\s*\|\s*(?P<score>\d{2,3}(?:\.\d{1,2})?)\s*\|\s*(?P<tier>[^|\n]{0,24}?)\s*\|?\s*$",
    re.M,
)
NO_TIER_CELL = re.compile(r"^[\s\-–—]*$")
# The caption naming the agency is at most this far above the first row.
CAPTION_WINDOW = 300


def _year_rows(ctx: PassageMentions) -> list[ResultAt]:
    out: list[ResultAt] = []
    first: int | None = None
    end = max((n.end for n in ctx.numbers), default=ctx.start)  # the passage's last number
    if "|" not in ctx.text[ctx.start : end]:
        return out
    _, last_line_end = ctx.line_bounds(end)
    for m in YEAR_ROW.finditer(ctx.text, ctx.start, last_line_end):
        value = float(m.group("score"))
        if not MIN_SCORE <= value <= MAX_SCORE:
            continue
        if first is None:
            first = m.start()
        before = [a for a in ctx.agencies if first - CAPTION_WINDOW <= a.start and a.end <= first and _can_be_scored(ctx, a)]
        if not before:
            continue
        agency = before[-1]
        cell = m.group("tier")
        written = None if NO_TIER_CELL.match(cell) else cell.strip()
        tier, derived = (written, False) if written else (load_lexicon().derive_tier(value), True)
        out.append(ResultAt(Result(
            agency=agency.value, agency_aliases=written_alias(agency), assessment="ITA", score=value, tier=tier, tier_derived=derived,
            fiscal_year_be=int(m.group("year")), evidence=ctx.sentence(m.start("year"), m.end("score")),
        ), m.start()))
    return out


def _list_items(ctx: PassageMentions, pos: int) -> list[Mention]:
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


# A tier that heads the next list: "ระดับคุณธรรม จำนวน 1 หน่วยงาน ได้แก่", "ระดับ A ได้แก่".
NEXT_LIST_HEAD_WINDOW = 40


def _heads_next_list(ctx: PassageMentions, tier: Mention) -> bool:
    trig = LIST_TRIGGER.search(ctx.text, tier.end, tier.end + NEXT_LIST_HEAD_WINDOW)
    return trig is not None and not any(a.start < trig.start() for a in ctx.agencies if a.start >= tier.end)


MORAL_HONOUR = re.compile(_LEX.cue_alt("result", "moral_honour"))
# The honour and the list it names are one clause ("ยกย่ององค์กรคุณธรรมให้แก่หน่วยราชการอิสระ ...
# จำนวน 8 หน่วยงาน ได้แก่").
HONOUR_WINDOW = 160


def _honoured_list(ctx: PassageMentions, trig: int) -> bool:
    """A list honoured as moral organisations, with no level written."""
    ls, _ = ctx.line_bounds(trig)
    return bool(MORAL_HONOUR.search(ctx.text, max(ls, trig - HONOUR_WINDOW), trig))


def _tier_lists(ctx: PassageMentions, figures: list[Figure], doc_year: int | None) -> list[ResultAt]:
    """Lists of agencies under a tier, with no scores: "ระดับที่ 3 องค์กรคุณธรรมต้นแบบ ... ได้แก่
    A B C", or with the tier after the list: "ได้แก่ A B C มีผลการประเมินอยู่ในระดับ A"."""
    out: list[ResultAt] = []
    scored = [f.number.start for f in figures if f.kind == "score"]
    for trig in LIST_TRIGGER.finditer(ctx.text, ctx.start):
        if trig.start() >= (ctx.agencies[-1].end if ctx.agencies else 0):
            break
        items = _list_items(ctx, trig.end())
        if not items:
            continue
        end = items[-1].end
        after = TIER_AFTER_LIST.match(ctx.text, end)
        tier = next((t for t in ctx.tiers if after and t.start >= end and t.start <= after.end()), None)
        if tier is not None and _heads_next_list(ctx, tier):
            tier = None  # "... ๖. C ระดับคุณธรรม จำนวน ๑ หน่วยงาน ได้แก่ D": D's tier, not C's
        if tier is None:
            tier = _list_tier(ctx, trig.end())
        if tier is None:
            if not _honoured_list(ctx, trig.start()):
                continue
            head = trig.start()
            assessment: Assessment = "MORAL_ORG"
        else:
            head = min(tier.start, trig.start())
            assessment = _assessment(ctx, trig.start(), tier)
        if any(head <= s <= end + 20 for s in scored):
            continue  # a scored list: its results come from the scores
        year = fiscal_year(ctx, trig.start(), trig.start(), doc_year)
        for a in items:
            out.append(ResultAt(Result(
                agency=a.value, agency_aliases=written_alias(a), assessment=assessment, score=None,
                tier=tier.value if tier else None, tier_derived=False, fiscal_year_be=year,
                evidence=ctx.sentence(a.start, a.end),
            ), a.start))
    return out


def _respectively(ctx: PassageMentions, figures: list[Figure]) -> dict[int, list[Pair]]:
    """"ได้แก่ A และ B ... 96.67 และ 95.64 ตามลำดับ": the n-th number of a run that starts with
    a score and ends with ตามลำดับ belongs to the n-th agency of the list before it.
    Returns the run's first score start → [(number, agency), ...]."""
    runs: dict[int, list[Pair]] = {}
    numbers = ctx.numbers
    index = {x.start: i for i, x in enumerate(numbers)}
    taken: set[int] = set()
    for f in figures:
        first = f.number
        if f.kind != "score" or first.start in taken:
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
                runs[first.start] = [Pair(x, a) for x, a in zip(run, items, strict=True)]
                taken.update(x.start for x in run)
                break
    return runs


