"""Stage 5, aggregates: the figures about a group (averages, counts, pass rates, ranks,
participants), each with its scope (``scopes.py``) and scope level, and the cells of
flattened tables."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from ita_extract.extract.entities import Mention
from ita_extract.extract.lexicon import load_lexicon, topic_re

from ita_extract.extract.mentions import PassageMentions
from ita_extract.extract.number_context import AGGREGATE_TOPIC_WINDOW, OTHER_INDEX, Figure
from ita_extract.extract.passages import Passage
from ita_extract.extract.scopes import context_scope, figure_scope, scope_level
from ita_extract.extract.tables import read_tables
from ita_extract.extract.years import fiscal_year
from ita_extract.models import Aggregate

class AggregateAt(NamedTuple):
    """An aggregate and where its figure is written (aggregates are put in text order)."""

    aggregate: Aggregate
    at: int


@functools.lru_cache(maxsize=1)
def _rank_in_words() -> re.Pattern[str]:
    lex = load_lexicon()
    words = lex.cue("aggregate", "number_words")
    alt = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?:{lex.cue_alt('aggregate', 'rank')}|{lex.cue_alt('aggregate', 'rank_word_lead')})"
                      rf"\s?({alt})(?!{alt}|เอ็ด)")


def ranks_in_words(ctx: PassageMentions) -> list[Figure]:
    """"สพฐ. คว้าอันดับหนึ่ง", "ได้ที่หนึ่ง": ranks written as Thai number words, in an ITA
    clause (the topic named before it, no other index near)."""
    words = load_lexicon().cue("aggregate", "number_words")
    out = []
    for m in _rank_in_words().finditer(ctx.text, ctx.start, _passage_end(ctx)):
        clause = ctx.text[max(ctx.start, m.start() - AGGREGATE_TOPIC_WINDOW) : m.end() + 80]
        if OTHER_INDEX.search(clause[-280:]) or not topic_re("aggregate").search(clause):
            continue
        value = float(words.index(m.group(1)) + 1)
        n = Mention("NUMBER", m.start(1), m.end(1), m.group(1), value)
        out.append(Figure("rank", n, value))
    return out


def _passage_end(ctx: PassageMentions) -> int:
    """The end of the line of the passage's last mention (the mentions carry no passage end)."""
    last = max((x.end for x in (*ctx.numbers, *ctx.agencies, *ctx.years, *ctx.tiers)), default=ctx.start)
    return ctx.line_bounds(last)[1]


def find_aggregates(ctx: PassageMentions, figures: list[Figure], doc_year: int | None) -> list[AggregateAt]:
    """An aggregate for every figure that is not a score (and every rank written in words),
    scoped by ``scopes.py``."""
    out: list[AggregateAt] = []
    previous: tuple[int, str] | None = None
    groups = [f for f in figures if f.kind != "score"] + ranks_in_words(ctx)
    for f in sorted(groups, key=lambda f: f.number.start):
        scope = figure_scope(ctx, f, previous)
        previous = (f.number.start, scope)
        out.append(AggregateAt(Aggregate(
            scope=scope, scope_level=scope_level(scope), metric=f.kind, tier=f.tier, value=f.value,
            fiscal_year_be=fiscal_year(ctx, f.number.start, f.number.end, doc_year),
            evidence=ctx.sentence(f.number.start, f.number.end),
        ), f.number.start))
    return out


def table_aggregates(ctx: PassageMentions, passage: Passage, doc_year: int | None) -> list[AggregateAt]:
    """The cells of the flattened tables of the passage (see ``tables.py``); a row that
    names no group (a tier) takes the group the text around the table names."""
    out = []
    cells = read_tables(ctx.text, passage.start, passage.end)
    # the rows of one tier table are one group: its largest count tells a national one
    largest = max((c.value for c in cells if c.scope is None), default=0.0)
    for c in cells:
        scope = c.scope if c.scope is not None else context_scope(ctx, c.start, c.metric, largest)
        out.append(AggregateAt(Aggregate(
            scope=scope, scope_level=scope_level(scope), metric=c.metric, tier=c.tier, value=c.value,
            fiscal_year_be=c.year if c.year is not None else fiscal_year(ctx, c.start, c.end, doc_year),
            evidence=ctx.sentence(c.start, c.end)), c.start))
    return out
