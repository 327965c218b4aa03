"""Analysis: the tables the notebooks and ``ita plots`` show, computed from a dataset file.

The notebooks in ``notebooks/`` call these functions and draw what they return; they hold
no logic of their own. Everything here reads the SQLite file read-only (standard library
``sqlite3``) or scores it against gold with ``evaluate`` and returns plain lists and dicts.

    ITA over time        tier_distribution, scores_by_agency_type, year_over_year_changes,
                         national_averages
    How far to trust it  trust_scores (per family), field_table, document_table, error_cases

Word lists (agency types, the scopes meaning "the whole country") are in ``analysis.toml``.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from ita_extract import __version__, store
from ita_extract import evaluate as ev

__all__ = [
    "agency_type",
    "document_table",
    "error_cases",
    "field_table",
    "national_averages",
    "scores_by_agency_type",
    "tier_distribution",
    "trust_scores",
    "year_over_year_changes",
]

OTHER_TYPE = "อื่น ๆ"
CORPUS_PREFIX = "thaigov-"  # = sources.corpus.DOC_PREFIX (not imported: it would load the extractor)
# Tiers in the order the plots stack them: the 2560–2565 letter scale, then 2566's pass/fail words.
TIER_ORDER = ("AA", "A", "B", "C", "D", "E", "F", "ผ่านดีเยี่ยม", "ดีเยี่ยม", "ผ่านดี", "ผ่าน", "ไม่ผ่าน")
_SPACE = re.compile(r"\s+")


@cache
def _words() -> dict[str, Any]:
    with open(Path(__file__).with_name("analysis.toml"), "rb") as f:
        return tomllib.load(f)


def connect(db_path: Path | str) -> sqlite3.Connection:
    """The dataset opened read-only."""
    if not Path(db_path).is_file():
        raise FileNotFoundError(f"no database at {db_path}")
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)


def agency_type(agency: str) -> str:
    """The rough type of an agency string (``analysis.toml``), e.g.

    >>> agency_type("กรมควบคุมโรค"), agency_type("การยาสูบแห่งประเทศไทย"), agency_type("เทศบาลนครขอนแก่น")
    ('กรม', 'รัฐวิสาหกิจ', 'ท้องถิ่น')
    """
    name = _SPACE.sub("", agency)
    for entry in _words()["agency_types"]:
        if any(name.startswith(p) for p in entry["prefixes"]):
            return entry["name"]
    return OTHER_TYPE


def _tier_key(tier: str) -> tuple[int, str]:
    return (TIER_ORDER.index(tier) if tier in TIER_ORDER else len(TIER_ORDER), tier)


def tier_distribution(conn: sqlite3.Connection) -> dict[int, dict[str, int]]:
    """ITA results per fiscal year (BE) and tier as written (derived tiers included); results
    without a year or a tier are left out. Years ascending, tiers in ``TIER_ORDER``."""
    rows = conn.execute(
        "SELECT fiscal_year_be, tier, count(*) FROM results WHERE assessment = 'ITA'"
        " AND fiscal_year_be IS NOT NULL AND tier IS NOT NULL GROUP BY 1, 2"
    ).fetchall()
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for year, tier, n in rows:
        out[year][tier] = n
    return {y: dict(sorted(out[y].items(), key=lambda kv: _tier_key(kv[0]))) for y in sorted(out)}


def tiers_present(distribution: dict[int, dict[str, int]]) -> list[str]:
    return sorted({t for tiers in distribution.values() for t in tiers}, key=_tier_key)


def scores_by_agency_type(conn: sqlite3.Connection) -> dict[str, list[float]]:
    """ITA scores grouped by ``agency_type``, types by number of scores (most first)."""
    groups: dict[str, list[float]] = defaultdict(list)
    for agency, score in conn.execute(
        "SELECT agency, score FROM results WHERE assessment = 'ITA' AND score IS NOT NULL ORDER BY id"
    ):
        groups[agency_type(agency)].append(score)
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


@dataclass(frozen=True)
class Change:
    agency: str
    year_from: int
    score_from: float
    year_to: int
    score_to: float

    @property
    def delta(self) -> float:
        return round(self.score_to - self.score_from, 2)


def agency_scores(conn: sqlite3.Connection) -> dict[str, dict[int, float]]:
    """Per agency string, its ITA score per fiscal year (the mean when articles disagree)."""
    values: dict[tuple[str, int], list[float]] = defaultdict(list)
    for agency, year, score in conn.execute(
        "SELECT agency, fiscal_year_be, score FROM results WHERE assessment = 'ITA'"
        " AND score IS NOT NULL AND fiscal_year_be IS NOT NULL ORDER BY id"
    ):
        values[(agency, year)].append(score)
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for (agency, year), scores in sorted(values.items()):
        out[agency][year] = round(sum(scores) / len(scores), 2)
    return dict(out)


def year_over_year_changes(conn: sqlite3.Connection, *, limit: int = 10) -> list[Change]:
    """The largest changes (either way) between an agency's scores in consecutive reported
    years (the next year it has a score for), largest first; ties by agency."""
    changes = []
    for agency, by_year in agency_scores(conn).items():
        years = sorted(by_year)
        for a, b in zip(years, years[1:], strict=False):
            changes.append(Change(agency, a, by_year[a], b, by_year[b]))
    changes.sort(key=lambda c: (-abs(c.delta), c.agency, c.year_from))
    return changes[:limit]


def national_averages(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The national average ITA score per fiscal year as the articles report it: one row per
    (year, value) with the number of articles that state it and one of them."""
    scopes = _words()["national"]["scopes"]
    rows = conn.execute(
        "SELECT fiscal_year_be, value, count(DISTINCT doc), min(doc) FROM aggregates"
        f" WHERE metric = 'average' AND fiscal_year_be IS NOT NULL AND scope IN ({', '.join('?' * len(scopes))})"
        " GROUP BY 1, 2 ORDER BY 1, 2",
        scopes,
    ).fetchall()
    return [{"fiscal_year_be": y, "value": v, "articles": n, "example_doc": d} for y, v, n, d in rows]


# ------------------------------------------------------------------ how far to trust it


class _ReadOnly:
    """The part of sqlite-utils' Database that ``store.load_records`` uses (``query``), over a
    read-only ``sqlite3`` connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def query(self, sql: str, params: Any = ()) -> Iterator[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))


def trust_scores(gold_dir: Path, db_path: Path) -> ev.ScoreSets:
    """The gold evaluation of what ``db_path`` holds: every gold document scored against the
    record stored for it (a gold document the file lacks counts as all missed), for all gold
    and per family (seeds, thaigov, web). A corpus release names gold's thaigov article
    ``71972`` ``thaigov-71972``: either name is found."""
    by_file = ev.load_gold_files(gold_dir)
    gold = [r for records in by_file.values() for r in records]
    docs = [r.doc for r in gold]
    conn = connect(db_path)
    try:
        # store.load_records on a read-only connection: store.open_db would migrate and switch
        # the file to WAL, changing a release's ita.db (and its manifest checksum).
        found = {r.doc: r for r in store.load_records(cast(Any, _ReadOnly(conn)), docs + [CORPUS_PREFIX + d for d in docs])}
    finally:
        conn.close()
    pred = []
    for doc in docs:
        record = found.get(doc) or found.get(CORPUS_PREFIX + doc)
        if record is not None:
            pred.append(record.model_copy(update={"doc": doc}))
    sets: ev.ScoreSets = {ev.ALL: ev.score(gold, pred)}
    for name, records in by_file.items():
        if records:
            sets[ev.family_of(name)] = ev.score(records, pred)
    return sets


FIELDS = (
    ("results", "f1"), ("aggregates", "f1"), ("officials", "f1"), ("micro", "f1"), ("strict_micro", "f1"),
    ("tier", "accuracy"), ("fiscal_year", "accuracy"), ("scope", "accuracy"), ("position", "accuracy"),
    ("published", "accuracy"), ("event_date", "accuracy"),
)


def field_table(sets: ev.ScoreSets) -> list[dict[str, Any]]:
    """One row per field (lists: F1; checked fields: accuracy), one column per family, and
    beside it ``<family>_n`` (gold items, or pairs checked). A figure over nothing (no gold
    item, or no matched pair to check) is None, not the scorer's vacuous 1.0."""
    rows = []
    for name, measure in FIELDS:
        row: dict[str, Any] = {"field": f"{name}_{measure}"}
        for family, scores in sets.items():
            part = getattr(scores, name)
            n = (part.tp + part.fn) if measure == "f1" else part.total
            row[family] = round(scores.figures()[f"{name}_{measure}"], 3) if n else None
            row[f"{family}_n"] = n
        rows.append(row)
    return rows


def document_table(sets: ev.ScoreSets) -> list[dict[str, Any]]:
    """Per gold document that is not perfect: missed, spurious and mismatched counts, worst first."""
    rows: list[dict[str, Any]] = []
    for detail in sets[ev.ALL].details:
        if detail.perfect:
            continue
        rows.append({
            "doc": detail.doc,
            "missing": detail.missing,
            "missed": sum(len(v) for v in detail.fn.values()),
            "spurious": sum(len(v) for v in detail.fp.values()),
            "mismatched": len(detail.mismatches),
        })
    rows.sort(key=lambda r: (-(int(r["missed"]) + int(r["spurious"]) + int(r["mismatched"])), str(r["doc"])))
    return rows


def error_cases(sets: ev.ScoreSets, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Every error with its evidence: a missed gold item (the gold sentence), a spurious
    prediction (the sentence it was read from), a field wrong on a matched pair."""
    out = []
    for detail in sets[ev.ALL].details:
        for kind, lists in (("missed", detail.fn), ("spurious", detail.fp)):
            for list_name, items in lists.items():
                for item in items:
                    evidence = item.get("evidence") or {}
                    label = {k: v for k, v in item.items() if k != "evidence"}
                    out.append({"doc": detail.doc, "kind": kind, "list": list_name, "item": label,
                                "sentence": evidence.get("sentence")})
        for m in detail.mismatches:
            out.append({"doc": detail.doc, "kind": "wrong " + m.field, "list": m.field, "item": m.item,
                        "gold": m.gold, "pred": m.pred, "sentence": None})
    return out[:limit] if limit is not None else out


def markdown_table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """Rows as a Markdown table (what the notebooks display).

    >>> print(markdown_table([{"a": 1, "b": None}]))
    | a | b |
    | --- | --- |
    | 1 |  |
    """
    if not rows:
        return "(none)"
    columns = columns or list(rows[0])
    cell = lambda v: "" if v is None else str(v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


def dataset_path(default: str | None = None) -> Path:
    """The dataset a notebook reads: ``$ITA_DB``, else ``default``, else this version's
    release (``make dataset``: ``../dist/ita-thaigov-<version>/ita.db`` from ``notebooks/``)."""
    default = default or f"../dist/ita-thaigov-{__version__}/ita.db"  # = release.release_name()
    return Path(os.environ.get("ITA_DB", default))


def gold_path(default: str = "../gold") -> Path:
    """The gold folder a notebook scores against: ``$ITA_GOLD``, else ``default``."""

    return Path(os.environ.get("ITA_GOLD", default))
