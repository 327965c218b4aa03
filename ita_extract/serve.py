"""`ita serve`: the database in Datasette, read-only, on loopback, with what a journalist needs.

Datasette opens the file immutable (``-i``: read-only, no locking, nothing ever written)
under its file stem (``ita.db`` → ``/ita``). Before that, ``ita serve`` brings the search
indexes and the registry up to date (the only write, and only when stale). The metadata
is built from ``fields.toml`` (titles, descriptions, units of every table and column),
the gold figures (``card.figures``), facets on ``events`` and canned queries. This module
is also a Datasette plugin: it adds the SQL function ``thai_match(q)``, the query
segmented as the Thai index is (``search.match_expression``), so the ``search`` canned
query uses the Thai index; a query that cannot be run matches nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from datasette import hookimpl

from ita_extract import __version__, card
from ita_extract import search as fts
from ita_extract.errors import QueryError

FACETS = ["tier", "province", "fiscal_year_be", "agency_type", "assessment", "tier_derived"]
_NOTHING = '"\u0e00\u0e00\u0e00"'  # a phrase no text holds (U+0E00 is unassigned)

CANNED = {
    "agency_history": {
        "title": "An agency's history",
        "description": "Every result of one agency by fiscal year. Give any name, alias or abbreviation (ธ.ก.ส., สอจ.ตราด).",
        "sql": """SELECT e.fiscal_year_be, e.assessment, e.score, e.tier, e.tier_derived, e.agency, e.mentions,
       e.first_published, e.url, e.evidence, e.id AS event_id
FROM events e
WHERE e.agency_id IN (SELECT agency_id FROM agency_aliases WHERE alias = :agency)
   OR e.agency LIKE '%' || :agency || '%'
ORDER BY e.agency, e.assessment, e.fiscal_year_be""",
    },
    "province_agencies": {
        "title": "A province's agencies by score",
        "description": "The agencies of one province (Thai name, e.g. ลำพูน), best score first.",
        "sql": """SELECT e.agency, e.agency_type, e.fiscal_year_be, e.assessment, e.score, e.tier, e.tier_derived,
       e.url, e.evidence
FROM events e WHERE e.province = :province
ORDER BY e.score IS NULL, e.score DESC""",
    },
    "tier_counts": {
        "title": "Tier counts per fiscal year",
        "description": "How many results fall in each tier, per fiscal year (BE); stated and derived tiers counted apart.",
        "sql": """SELECT fiscal_year_be, tier, sum(tier_derived = 0) AS stated, sum(tier_derived = 1) AS derived,
       count(*) AS results
FROM events WHERE tier IS NOT NULL GROUP BY fiscal_year_be, tier ORDER BY fiscal_year_be, tier""",
    },
    "year_over_year": {
        "title": "Largest year-over-year changes",
        "description": "Agencies whose score changed most from one fiscal year to the next (highest score reported per year).",
        "sql": """WITH best AS (
  SELECT agency_id, agency, assessment, fiscal_year_be, max(score) AS score
  FROM events WHERE score IS NOT NULL AND fiscal_year_be IS NOT NULL
  GROUP BY agency_id, assessment, fiscal_year_be)
SELECT b.agency, b.assessment, a.fiscal_year_be AS from_year, a.score AS from_score,
       b.fiscal_year_be AS to_year, b.score AS to_score, round(b.score - a.score, 2) AS change
FROM best a JOIN best b ON b.agency_id = a.agency_id AND b.assessment = a.assessment
 AND b.fiscal_year_be = a.fiscal_year_be + 1
ORDER BY abs(b.score - a.score) DESC LIMIT 100""",
    },
    "lowest_scorers": {
        "title": "Lowest scorers",
        "description": "The lowest scores reported, with the article and sentence.",
        "sql": """SELECT e.score, e.tier, e.tier_derived, e.agency, e.agency_type, e.province, e.fiscal_year_be,
       e.assessment, e.url, e.evidence
FROM events e WHERE e.score IS NOT NULL ORDER BY e.score ASC LIMIT 100""",
    },
    "search": {
        "title": "Search the articles (Thai)",
        "description": "Full-text search over titles, texts and evidence sentences, segmented into Thai syllables "
                       "(finds two-letter words such as ผล, ปี); space-separated parts must all match; best first.",
        "sql": """WITH top AS (
  SELECT rowid AS id, bm25(search_fts, 0, 5, 1, 2) AS score FROM search_fts
  WHERE search_fts MATCH thai_match(:q) ORDER BY score LIMIT 50)
SELECT d.doc, d.title, d.published, d.url,
       replace(snippet(search_fts, -1, '[', ']', '…', 24), char(8203), '') AS snippet
FROM top JOIN search_fts ON search_fts.rowid = top.id JOIN documents d ON d.doc = search_fts.doc
WHERE search_fts MATCH thai_match(:q) ORDER BY top.score""",
    },
}


def thai_match(query: str | None) -> str:
    """The Thai index's MATCH string for ``query``; for an empty, overlong or unsearchable
    query, a phrase that matches nothing (the page then shows no rows, never an error)."""
    try:
        expression = fts.match_expression(query or "")
    except QueryError:
        return _NOTHING
    return expression or _NOTHING


@hookimpl
def prepare_connection(conn: Any) -> None:
    conn.create_function("thai_match", 1, thai_match, deterministic=True)


def metadata(db_path: Path, evaluation: Path | None = None) -> dict[str, Any]:
    defs = card.fields()
    figures = card.figures(evaluation)
    headline = figures.get("all", {})
    gold = ", ".join(f"{k} {headline[k]:.3f}" for k in card.HEADLINE if k in headline)
    tables: dict[str, Any] = {}
    for name, info in defs["tables"].items():
        table: dict[str, Any] = {"title": info.get("title", name), "description": info.get("description", "")}
        if info.get("columns"):
            table["columns"] = dict(info["columns"])
        tables[name] = table
    tables["events"].update({"facets": FACETS, "sort_desc": "score", "label_column": "agency"})
    tables["agencies"].update({"facets": ["type", "province"], "label_column": "name"})
    tables["documents"]["label_column"] = "title"
    tables["people"]["label_column"] = "name"
    for hidden in ("result_agency", "aggregate_agency", "registry_build", "search_docs"):
        tables[hidden]["hidden"] = True
    return {
        "title": "ITA results in Thai government news",
        "description": "Integrity and Transparency Assessment (ITA) results of Thai public agencies, extracted from news "
                       "articles by ita-extract; every figure links to its article and evidence sentence. Start with "
                       "the events table or a canned query.",
        "license": "Apache-2.0 (code); facts from public news, see each source article",
        "source": "Thai government news (thaigov.go.th and others), extracted by ita-extract " + __version__,
        "about": f"Gold evaluation of this version ({figures['source']}): {gold or 'n/a'}",
        "databases": {db_path.stem: {"title": f"ITA dataset ({db_path.name})", "tables": tables, "queries": CANNED}},
    }


def prepare(db_path: Path) -> None:
    """Bring the search indexes and the registry up to date (writes only when stale)."""
    from ita_extract import registry, store

    db = store.open_db(db_path)
    try:
        fts.refresh(db)
        registry.ensure(db)
    finally:
        db.close()


def serve(db_path: Path, *, host: str = "127.0.0.1", port: int = 8001, evaluation: Path | None = None) -> None:
    """Run Datasette on ``db_path`` (immutable) until interrupted."""
    import uvicorn  # Datasette's own server; imported only to serve
    from datasette.app import Datasette
    from datasette.plugins import pm

    if not pm.is_registered(sys.modules[__name__]):
        pm.register(sys.modules[__name__], name="ita-extract")
    ds = Datasette(immutables=[str(db_path)], metadata=metadata(db_path, evaluation),
                   settings={"default_page_size": 50, "sql_time_limit_ms": 2000, "allow_download": True})
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
