"""Stage 5, aggregates: the figures about a group (averages, counts, pass rates, ranks,
participants), each with its scope (``scopes.py``) and scope level, and the cells of
flattened tables."""

from __future__ import annotations

from typing import NamedTuple

from ita_extract.extract.mentions import PassageMentions
from ita_extract.extract.number_context import Figure
from ita_extract.extract.passages import Passage
from ita_extract.extract.scopes import context_scope, figure_scope, scope_level
from ita_extract.extract.tables import read_tables
from ita_extract.extract.years import fiscal_year
from ita_extract.models import Aggregate

class AggregateAt(NamedTuple):
    """An aggregate and where its figure is written (aggregates are put in text order)."""

    aggregate: Aggregate
    at: int


def find_aggregates(ctx: PassageMentions, figures: list[Figure], doc_year: int | None) -> list[AggregateAt]:
    """An aggregate for every figure that is not a score, scoped by ``scopes.py``."""
    out: list[AggregateAt] = []
    previous: tuple[int, str] | None = None
    for f in sorted((f for f in figures if f.kind != "score"), key=lambda f: f.number.start):
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
