"""The scope of an aggregate: the group of agencies a figure is about, as the text names it.

Read in this order (the first that names a group wins):

1. the group written after a rank or a group size ("อันดับที่ 16 ของหน่วยงานรัฐวิสาหกิจ",
   "ลำดับที่ 3 จาก 53 ของหน่วยงานรัฐวิสาหกิจ", "จาก 29 หน่วยงานสังกัดกระทรวงการคลัง"):
   a rank's scope is the group ranked in, never the ranked agency;
2. the last agency or group word written before the figure; a group written after an
   earlier rank ("ลำดับที่ 29 ของประเทศ") belongs to that rank and is passed over;
3. when that word names no group of its own ("หน่วยงานภาครัฐ", "ภาพรวม") or there is none:
   the group of the figure just before in the same paragraph (figures in a row are about
   one group: "59 หน่วยงาน ... ระดับ AA จำนวน 6 หน่วยงาน"), else the last agency or group
   named earlier in the paragraph, else the country when the text is national (a national
   cue in the paragraph, or a count of more agencies than a ministry or province has);
4. else the weak word as written, or ``ไม่ระบุ``.

:func:`scope_level` reads the wording into national / ministry / province / district /
group / agency (``[scope_level]`` of ``lexicon/cues.toml``).
"""

from __future__ import annotations

import functools
import re
from typing import cast

from ita_extract.extract.agencies import is_assessor
from ita_extract.extract.lexicon import load_lexicon
from ita_extract.extract.mentions import PassageMentions
from ita_extract.extract.number_context import Figure
from ita_extract.models import ScopeLevel

# How far before a figure its scope (an agency or a group word) may be written.
SCOPE_WINDOW = 160
# How far after a rank or group size its group may be written ("จาก 53 ของหน่วยงาน...").
GROUP_AFTER_WINDOW = 40
# A group phrase is at most this long.
GROUP_MAX = 70
# A figure carries the group of the figure before it when that one is this close.
CARRY_WINDOW = 400
# More agencies than this in one count: the whole country (a ministry or a province has
# a few hundred at most; the national assessment has some 8,300).
NATIONAL_COUNT = 1000
# More people than this answering: the national assessment (some 1.3 million answer it;
# a district-wide one some 600,000).
NATIONAL_PARTICIPANTS = 1_000_000
# Metrics whose group may be written after the number.
GROUP_AFTER_METRICS = ("rank", "count_assessed")
COUNTS = ("count_assessed", "count_tier", "count_pass", "count_fail")
COUNTRY = "ประเทศ"
UNSTATED = "ไม่ระบุ"
LEVELS = ("national", "district", "province", "ministry", "group")

_LEX = load_lexicon()
_NATIONAL = re.compile(_LEX.cue_fragment("scope", "national"))
_NOT_NATIONAL_BEFORE = re.compile(rf"(?:{_LEX.cue_alt('scope', 'not_national_before')})$")
_WEAK = frozenset(_LEX.cue("scope", "weak"))
_TYPED_NAME_BEFORE = tuple(_LEX.cue("scope", "typed_name_before"))
_RANK = _LEX.cue_alt("aggregate", "rank")
_LINK = "|".join(re.escape(w) for w in sorted(_LEX.cue("scope", "group_links"), key=len, reverse=True))
_HEAD = "|".join(re.escape(w) for w in sorted(_LEX.cue("scope", "group_heads"), key=len, reverse=True))
_STOP = re.compile("|".join(re.escape(w) for w in _LEX.cue("scope", "group_stop")))
# "หน่วยงาน ในสังกัดกระทรวง...", "หน่วยงาน ในกลุ่ม...": a space goes on into a group; not
# into "ในวันพฤหัสบดี".
_CONTINUE = re.compile(rf"^ (?:{_LEX.cue_alt('scope', 'group_continue')})\s?(?:{_HEAD}|สังกัด|กำกับ)")
_NUM = r"[\d,]+"
# After a rank: its group size, then the group ("3 จาก 53 ของหน่วยงานรัฐวิสาหกิจ").
_AFTER_RANK = re.compile(rf"\s*(?:\(?\s*(?:จาก|ใน)\s*(?:ทั้งหมด|ทั้งสิ้น)?\s*{_NUM}\s*\)?\s*)?")
# After a size: the unit, then the group ("29 หน่วยงานสังกัด...", "51 หน่วยงาน ในสังกัด...").
_GROUP_START = re.compile(rf"\s*(?:(?:{_LINK})\s*)?(?=(?:{_HEAD}))")
# A group word right after a rank ("อันดับที่ 29 ของประเทศ") is that rank's, not the next figure's.
_RANK_TAIL = re.compile(rf"(?:{_RANK})\s*{_NUM}\s*(?:\(?\s*(?:จาก|ใน)\s*{_NUM}\s*(?:หน่วยงาน)?\s*\)?)?\s*(?:{_LINK})?\s*$")


@functools.lru_cache(maxsize=1)
def _scope_words() -> re.Pattern[str]:
    words = sorted(_LEX.cue("scope", "words"), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@functools.lru_cache(maxsize=1)
def _levels() -> list[tuple[str, re.Pattern[str]]]:
    return [(level, re.compile(_LEX.cue_fragment("scope_level", level))) for level in LEVELS]


def scope_level(scope: str | None) -> ScopeLevel | None:
    """national / district / province / ministry / group / agency, from the scope's wording."""
    if not scope or scope == UNSTATED:
        return None
    s = scope.strip()
    for level, pattern in _levels():
        if pattern.search(s):
            return cast(ScopeLevel, level)
    return "agency"


def is_national(word: str) -> bool:
    return word == COUNTRY or bool(_NATIONAL.search(word))


def _national_at(text: str, start: int, end: int) -> bool:
    """A national cue between ``start`` and ``end`` that is not inside a name."""
    for m in _NATIONAL.finditer(text, start, end):
        if not _NOT_NATIONAL_BEFORE.search(text[max(0, m.start() - 6) : m.start()]):
            return True
    return False


def group_after(text: str, end: int, limit: int, metric: str) -> str | None:
    """The group written right after a rank or a group size, as written."""
    pos = end
    if metric == "rank":
        m = _AFTER_RANK.match(text, pos, min(limit, pos + GROUP_AFTER_WINDOW))
        pos = m.end() if m else pos
    else:
        # the size's unit is a group head itself ("29 หน่วยงานสังกัด...")
        pass
    m = _GROUP_START.match(text, pos, min(limit, pos + GROUP_AFTER_WINDOW))
    if not m:
        return None
    phrase = _group_phrase(text, m.end(), limit)
    if phrase is None:
        return None
    if _national_at(phrase, 0, len(phrase)) and not re.search(r"ระดับกรม|ส่วนราชการ|กลุ่ม", phrase):
        return COUNTRY
    return phrase


def _group_phrase(text: str, start: int, limit: int) -> str | None:
    """A group phrase from ``start``: its words up to a stop word, a number or the line's end;
    a space goes on into an "ในสังกัด..." continuation."""
    end = start
    hard = min(limit, start + GROUP_MAX)
    while end < hard:
        m = re.match(r"[^\s\d]+", text[end:hard])
        if not m:
            break
        word = m.group(0)
        stop = _STOP.search(word, 1 if end == start else 0)
        if stop:
            end += stop.start()
            break
        end += len(word)
        if end < hard and _CONTINUE.match(text[end:hard]):
            end += 1
            continue
        break
    phrase = text[start:end].strip()
    phrase = phrase.rstrip(")(,")
    if not phrase or phrase in ("หน่วยงาน", "แห่ง", "องค์กร") or phrase in _WEAK:
        return None
    return phrase


def scope_before(ctx: PassageMentions, pos: int, lo: int, *, strong: bool = False) -> tuple[str, bool] | None:
    """The last agency (not an assessor) or group word between ``lo`` and ``pos``, and
    whether it is a weak word (``strong``: weak words are passed over); a group written
    right after an earlier rank is passed over."""
    text = ctx.text
    best: tuple[int, str] | None = None
    for a in ctx.agencies:
        if lo <= a.start and a.end <= pos and not is_assessor(a.value):
            if not _RANK_TAIL.search(text[max(lo, a.start - 40) : a.start]):
                best = (a.start, a.value)
    for m in _scope_words().finditer(text, lo, pos):
        if best is not None and m.start() <= best[0]:
            continue
        w = m.group(0)
        if _RANK_TAIL.search(text[max(lo, m.start() - 40) : m.start()]):
            continue
        if w.endswith(COUNTRY) and _NOT_NATIONAL_BEFORE.search(text[max(0, m.start() - 6) : m.start()]):
            continue
        if text[max(0, m.start() - 2) : m.start()].rstrip().endswith(_TYPED_NAME_BEFORE):
            continue
        if is_national(w):
            w = COUNTRY
        if strong and w in _WEAK:
            continue
        best = (m.start(), w)
    if best is None:
        return None
    return best[1], best[1] in _WEAK


def figure_scope(ctx: PassageMentions, figure: Figure, previous: tuple[int, str] | None) -> str:
    """The scope of a figure (see the module docstring); ``previous``: where the figure
    before it in the passage is written and its scope."""
    n = figure.number
    ls, le = ctx.line_bounds(n.start)
    if figure.kind in GROUP_AFTER_METRICS:
        after = group_after(ctx.text, n.end, le, figure.kind)
        if after is not None:
            return after
    found = scope_before(ctx, n.start, max(ls, n.start - SCOPE_WINDOW))
    if found is not None and not found[1]:
        return found[0]
    # a weak word or none: the group of the context; a single agency (often the one just
    # scored or ranked) is no group the public agencies could be
    # (from an earlier line only when this line names nothing before the figure: a list
    # whose items run one a line, "- ระดับ ต้องปรับปรุง จำนวน 555 หน่วยงาน")
    if previous is not None and n.start - previous[0] <= CARRY_WINDOW and (previous[0] >= ls or found is None):
        if previous[1] != UNSTATED and previous[1] not in _WEAK and scope_level(previous[1]) != "agency":
            return previous[1]
    earlier = scope_before(ctx, n.start, ls, strong=True)
    if earlier is not None and not earlier[1] and (found is None or scope_level(earlier[0]) != "agency"):
        return earlier[0]
    if (_national_at(ctx.text, ls, le) or (figure.kind in COUNTS and figure.value >= NATIONAL_COUNT)
            or (figure.kind == "participants" and figure.value >= NATIONAL_PARTICIPANTS)):
        return COUNTRY
    return found[0] if found is not None else UNSTATED


# How far before a table the text naming its group may stand.
TABLE_CONTEXT_WINDOW = 400


def context_scope(ctx: PassageMentions, pos: int, metric: str, value: float) -> str:
    """The group a table at ``pos`` is about, when its rows name none (rows of tiers): the
    last agency or group named just before it, else the country when the text before is
    national or the count is a national one."""
    lo = max(ctx.start, pos - TABLE_CONTEXT_WINDOW)
    found = scope_before(ctx, pos, lo, strong=True)
    if found is not None:
        return found[0]
    if _national_at(ctx.text, lo, pos) or (metric in COUNTS and value >= NATIONAL_COUNT):
        return COUNTRY
    return UNSTATED
