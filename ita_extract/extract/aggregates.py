"""Stage 5, aggregates: the figures about a group (averages, counts, pass rates, ranks,
participants), each with its scope, and the cells of flattened tables."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from ita_extract.extract.agencies import is_assessor
from ita_extract.extract.lexicon import load_lexicon
from ita_extract.extract.mentions import PassageMentions
from ita_extract.extract.number_context import Figure
from ita_extract.extract.passages import Passage
from ita_extract.extract.tables import read_tables
from ita_extract.extract.years import fiscal_year
from ita_extract.models import Aggregate

# How far before a figure its scope (an agency or a group word) may be written.
SCOPE_WINDOW = 160
# The country, however written, is one scope.
COUNTRY = ("ทั้งประเทศ", "ระดับประเทศ", "ของประเทศ")


class AggregateAt(NamedTuple):
    """An aggregate and where its figure is written (aggregates are put in text order)."""

    aggregate: Aggregate
    at: int


@functools.lru_cache(maxsize=1)
def _scope_words() -> re.Pattern[str]:
    words = sorted(load_lexicon().cue("scope", "words"), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def _scope(ctx: PassageMentions, figure: Figure) -> str:
    """The last agency (not an assessor) or group word written before the figure."""
    n = figure.number
    ls, _ = ctx.line_bounds(n.start)
    lo = max(ls, n.start - SCOPE_WINDOW)
    best: tuple[int, str] | None = None
    for a in ctx.agencies:
        if lo <= a.start and a.end <= n.start and not is_assessor(a.value):
            best = (a.start, a.value)
    seg = ctx.text[lo : n.start]
    for m in _scope_words().finditer(seg):
        if best is None or lo + m.start() > best[0]:
            w = m.group(0)
            if w in COUNTRY:
                w = "ประเทศ"
            best = (lo + m.start(), w)
    return best[1] if best else "ไม่ระบุ"


def find_aggregates(ctx: PassageMentions, figures: list[Figure], doc_year: int | None) -> list[AggregateAt]:
    """An aggregate for every figure that is not a score."""
    return [
        AggregateAt(Aggregate(
            scope=_scope(ctx, f), metric=f.kind, tier=f.tier, value=f.value,
            fiscal_year_be=fiscal_year(ctx, f.number.start, f.number.end, doc_year),
            evidence=ctx.sentence(f.number.start, f.number.end),
        ), f.number.start)
        for f in figures if f.kind != "score"
    ]


def table_aggregates(ctx: PassageMentions, passage: Passage, doc_year: int | None) -> list[AggregateAt]:
    """The cells of the flattened tables of the passage (see ``tables.py``)."""
    return [
        AggregateAt(Aggregate(scope=c.scope, metric=c.metric, value=c.value,
                              fiscal_year_be=c.year if c.year is not None else doc_year,
                              evidence=ctx.sentence(c.start, c.end)), c.start)
        for c in read_tables(ctx.text, passage.start, passage.end)
    ]
