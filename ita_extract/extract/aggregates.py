"""Stage 5, aggregates: the figures about a group (averages, counts, pass rates, ranks,
participants), each with its scope (``scopes.py``) and scope level, and the cells of
flattened tables."""

from __future__ import annotations

from typing import NamedTuple

from ita_extract.extract.mentions import PassageMentions
from ita_extract.extract.number_context import Figure
from ita_extract.extract.passages import Passage
from ita_extract.extract.scopes import figure_scope, scope_level
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
    """The cells of the flattened tables of the passage (see ``tables.py``)."""
    return [
        AggregateAt(Aggregate(scope=c.scope, scope_level=scope_level(c.scope), metric=c.metric, value=c.value,
                              fiscal_year_be=c.year if c.year is not None else doc_year,
                              evidence=ctx.sentence(c.start, c.end)), c.start)
        for c in read_tables(ctx.text, passage.start, passage.end)
    ]
