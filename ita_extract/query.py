"""The journalist's questions without SQL: ``ita query`` filters and ``ita export``.

``query`` answers from the registry's ``events`` (one row per result, however many articles
reported it; built or refreshed by ``registry.ensure``), each row with the source ``url``
and the ``evidence`` sentence of its first report. Every value the user gives is a bound
parameter; table names given to ``export`` are checked against the database's own list
and quoted.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from ita_extract import registry
from ita_extract.errors import QueryError

COLUMNS = ("agency", "agency_type", "province", "assessment", "fiscal_year_be", "score", "tier", "tier_derived",
           "mentions", "first_published", "url", "evidence", "event_id", "agency_id")
ASSESSMENTS = ("ITA", "MORAL_ORG")
EXPORT_FORMATS = ("csv", "jsonl")


def query(db: Any, *, agency: str | None = None, agency_type: str | None = None, province: str | None = None,
          tier: str | None = None, stated_only: bool = False, score_min: float | None = None,
          score_max: float | None = None, fiscal_year: int | None = None, since: date | None = None,
          until: date | None = None, assessment: str | None = None, limit: int | None = None) -> list[dict]:
    """Events matching every filter given, best score first. ``agency`` is any name, alias or
    abbreviation the registry knows; ``fiscal_year`` is Buddhist-era (2566) or CE (2023)."""
    where: list[str] = []
    params: list[Any] = []
    if agency is not None:
        ids = registry.resolve(db, agency)
        if not ids:
            raise QueryError(f"no agency called {agency!r} (try `ita agencies explain {agency}`)")
        where.append(f"e.agency_id IN ({', '.join('?' * len(ids))})")
        params += ids
    if agency_type is not None:
        where.append("e.agency_type = ?")
        params.append(agency_type)
    if province is not None:
        where.append("e.province = ?")
        params.append(registry.clean(province).removeprefix("จังหวัด"))
    if tier is not None:
        where.append("e.tier = ?")
        params.append(tier.upper())
    if stated_only:
        where.append("e.tier_derived = 0")
    if score_min is not None:
        where.append("e.score >= ?")
        params.append(score_min)
    if score_max is not None:
        where.append("e.score <= ?")
        params.append(score_max)
    if fiscal_year is not None:
        where.append("e.fiscal_year_be = ?")
        params.append(fiscal_year + 543 if fiscal_year < 2400 else fiscal_year)
    if since is not None:
        where.append("e.first_published >= ?")
        params.append(since.isoformat())
    if until is not None:
        where.append("e.first_published <= ?")
        params.append(until.isoformat())
    if assessment is not None:
        if assessment.upper() not in ASSESSMENTS:
            raise QueryError(f"--assessment is one of {', '.join(ASSESSMENTS)}, not {assessment!r}")
        where.append("e.assessment = ?")
        params.append(assessment.upper())
    sql = (f"SELECT {', '.join('e.' + c if c != 'event_id' else 'e.id AS event_id' for c in COLUMNS)} FROM events e"
           + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY e.score IS NULL, e.score DESC, e.agency, e.fiscal_year_be")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def to_csv(rows: list[dict], columns: list[str] | tuple[str, ...] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def tables(db: Any) -> list[str]:
    """The tables and views a user may export (FTS shadow tables left out)."""
    return [name for (name,) in db.conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE '%fts%'"
        " AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def export_rows(db: Any, table: str) -> tuple[list[str], Iterator[tuple]]:
    known = tables(db)
    if table not in known:
        raise QueryError(f"no table {table!r}; tables: {', '.join(known)}")
    cursor = db.conn.execute(f'SELECT * FROM "{table}"')  # name checked against sqlite_master above
    return [d[0] for d in cursor.description], iter(cursor)


def export(db: Any, table: str, fmt: str, out: io.TextIOBase | Any) -> int:
    """Write one whole table as CSV or JSON lines; return the row count. (Parquet is not
    offered: the one well-kept writer, pyarrow, is a ~40 MB dependency for one format.)"""
    if fmt not in EXPORT_FORMATS:
        raise QueryError(f"--format is one of {', '.join(EXPORT_FORMATS)} (parquet is not supported), not {fmt!r}")
    columns, rows = export_rows(db, table)
    n = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            n += 1
    else:
        for row in rows:
            out.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False) + "\n")
            n += 1
    return n
