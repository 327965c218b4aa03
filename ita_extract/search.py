"""Thai full-text search: the index filled in bulk, queries segmented like the index.

Thai is written without spaces, so SQLite's unicode61 tokenizer would see a paragraph as
one token, and the trigram index finds nothing shorter than three characters (ผล, ปี) and
ranks by nothing but position. Here the title, text and evidence sentences of each
document are segmented into syllables by the pipeline's own tokenizer
(``thai.tokenize.Tokenizer(base="syllables")``, nlpo3), the syllables joined by U+200B
(a separator to unicode61, invisible on screen) and indexed in ``search_fts``; a query is
segmented the same way, each space-separated part becomes one FTS5 phrase (so quotes,
``NEAR(``, ``*``, ``OR`` are plain text), the parts are ANDed, the hits ranked by bm25
(title × 5, evidence × 2, text × 1) and highlighted.

The indexes (``search_fts`` and the trigram ``documents_fts``, kept for substring search)
are filled by :func:`refresh`: every document not yet indexed, in one transaction. The
extraction runners do not index; ``ita index``, ``ita search`` and ``ita serve`` refresh
first. The schema (tables and the triggers that drop a changed document's index rows)
lives in ``store``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from typing import Any

from ita_extract.errors import QueryError
from ita_extract.thai.tokenize import Tokenizer

SEPARATOR = "\u200b"
MAX_QUERY_CHARS = 300
# A snippet of this many syllables around the hit.
SNIPPET_TOKENS = 24
# bm25 weights of search_fts's columns: doc (unindexed), title, text, evidence. The
# headline also opens the article text (parse.with_headline), so the title column is a
# bonus on top of it, not the only place a headline word counts.
WEIGHTS = (0.0, 2.0, 1.0, 2.0)
SNIPPET = "snippet(search_fts, -1, '[', ']', '…', :tokens)"
TRIGRAM_SNIPPET = "snippet(documents_fts, 2, '[', ']', '…', 40)"
_NOT_WORD = re.compile(r"[^\w\u0e00-\u0e7f]+")


@functools.lru_cache(maxsize=1)
def syllables() -> Tokenizer:
    return Tokenizer(base="syllables")


def segment(text: str | None) -> str:
    """``text`` with U+200B between its syllables (spaces stay spaces).

    >>> segment("ผลการประเมิน ITA") == "\\u200b".join(["ผล", "การ", "ประ", "เมิน", " ", "ITA"])
    True
    """
    if not text:
        return ""
    return SEPARATOR.join(syllables()(text.replace(SEPARATOR, "")))


def refresh(db: Any) -> int:
    """Index every stored document not indexed yet (both indexes, one transaction);
    return how many were indexed."""
    todo = db.execute(
        "SELECT d.doc, d.title, t.text FROM documents d JOIN documents_text t ON t.doc = d.doc"
        " WHERE d.doc NOT IN (SELECT doc FROM search_docs) ORDER BY d.doc"
    ).fetchall()
    if not todo:
        return 0
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    conn = db.conn
    with conn:
        for doc, title, text in todo:
            sentences = [row[0] for row in conn.execute("SELECT sentence FROM evidence WHERE doc = ? ORDER BY start", [doc])]
            rowid = conn.execute("INSERT INTO search_docs (doc, indexed_at) VALUES (?, ?)", [doc, now]).lastrowid
            conn.execute(
                "INSERT INTO search_fts (rowid, doc, title, text, evidence) VALUES (?, ?, ?, ?, ?)",
                [rowid, doc, segment(title), segment(text), segment("\n".join(sentences))],
            )
            conn.execute("INSERT INTO documents_fts (rowid, doc, title, text) VALUES (?, ?, ?, ?)", [rowid, doc, title, text])
    return len(todo)


def stale(db: Any) -> int:
    """How many stored documents the indexes do not cover yet."""
    return db.execute("SELECT count(*) FROM documents WHERE doc NOT IN (SELECT doc FROM search_docs)").fetchone()[0]


def _parts(query: str) -> list[str]:
    if not query or not query.strip():
        raise QueryError("empty search: give a word or phrase, e.g. ita search \"ผล ITA ลำพูน\"")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"search too long: {len(query)} characters, at most {MAX_QUERY_CHARS}")
    return [p for p in (_NOT_WORD.sub(" ", unicodedata.normalize("NFC", part)).strip() for part in query.split()) if p]


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH string for ``query`` on the Thai index: each space-separated part one
    phrase of its syllables, the parts ANDed; None when nothing searchable is left.

    >>> match_expression('ผล "ITA" NEAR(')
    '"ผล" "ITA" "NEAR"'
    """
    phrases = []
    for part in _parts(query):
        tokens = [t for t in (_NOT_WORD.sub(" ", tok).strip() for tok in syllables()(part)) if t]
        if tokens:
            phrases.append('"' + " ".join(tokens) + '"')
    return " ".join(phrases) or None


def trigram_expression(query: str) -> str | None:
    """The MATCH string for the trigram index (each part a phrase). Raises QueryError for
    a part shorter than three characters, which trigram cannot find (never a silent nothing)."""
    _parts(query)  # the same checks (empty, too long)
    parts = query.split()
    short = [p for p in parts if len(p) < 3]
    if short:
        raise QueryError(f"{short[0]!r}: the trigram index needs 3 characters or more a part; "
                         "without --trigram the Thai index finds shorter words")
    if not parts:
        return None
    return " ".join('"' + p.replace('"', '""') + '"' for p in parts)


def search(db: Any, query: str, *, limit: int = 20, engine: str = "thai", snippets: bool = True) -> list[dict]:
    """Documents matching ``query``, best first, each with a highlighted ``snippet``.

    ``engine="thai"`` (the default) searches the syllable index; ``"trigram"`` the
    substring index. Raises :class:`QueryError` for an empty or overlong query; a query
    with nothing searchable in it finds nothing. ``snippets=False`` leaves ``snippet`` empty
    (much faster for thousands of hits)."""
    if engine == "thai":
        expression = match_expression(query)
        # Rank first, then snippet only the top rows: SQLite computes the select list of
        # every match before sorting, and a snippet of a long article is the costly part.
        sql = (
            "WITH top AS (SELECT rowid AS id, bm25(search_fts, :w0, :w1, :w2, :w3) AS score FROM search_fts"
            " WHERE search_fts MATCH :m ORDER BY score LIMIT :n)"
            " SELECT d.doc, d.title, d.published, d.url,"
            f" {SNIPPET if snippets else 'NULL'} AS snippet, top.score"
            " FROM top JOIN search_fts ON search_fts.rowid = top.id JOIN documents d ON d.doc = search_fts.doc"
            " WHERE search_fts MATCH :m ORDER BY top.score"
        )
        params: dict = {f"w{i}": w for i, w in enumerate(WEIGHTS)} | {"tokens": SNIPPET_TOKENS}
    elif engine == "trigram":
        expression = trigram_expression(query)
        sql = (
            "SELECT d.doc, d.title, d.published, d.url,"
            f" {TRIGRAM_SNIPPET if snippets else 'NULL'} AS snippet, rank AS score"
            " FROM documents_fts JOIN documents d ON d.doc = documents_fts.doc"
            " WHERE documents_fts MATCH :m ORDER BY rank LIMIT :n"
        )
        params = {}
    else:
        raise ValueError(f"unknown search engine {engine!r}")
    if expression is None:
        return []
    rows = [dict(zip(("doc", "title", "published", "url", "snippet", "score"), row, strict=True))
            for row in db.execute(sql, params | {"m": expression, "n": limit}).fetchall()]
    for row in rows:
        row["snippet"] = (row["snippet"] or "").replace(SEPARATOR, "")
        row["score"] = round(row["score"], 3)
    return rows
