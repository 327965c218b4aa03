"""Store: extracted records → SQLite, the dataset journalists query.

The only module that imports sqlite-utils. One row per document, one row per result,
aggregate, official and evidence span; runs and failures record provenance.

    runs ─┬─< documents ─┬─ documents_text (cleaned text, full-text indexed with title)
          │              ├─< results ─────┐
          │              ├─< aggregates ──┼─> evidence (doc, start, end, sentence)
          │              ├─< officials ───┘
          │              └─< evidence
          └─< failures

Saving a document replaces everything stored for it, so re-running an extraction leaves
the same content (row ids and the provenance columns ``run_id``/``extracted_at`` aside).
Failures are kept per run: ``summary`` counts the latest run's, and a document that fails
in one run and succeeds in a later one keeps its old failure row under the old run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# sqlite-utils imports numpy when it is installed (spaCy brings it), only to map numpy
# scalar types to column types; the store never writes one, and numpy's import is ~70 ms
# of every `ita extract`. Kept out while sqlite-utils loads, importable again after.
_KEPT_OUT = [m for m in ("numpy", "pandas") if m not in sys.modules]
sys.modules.update(dict.fromkeys(_KEPT_OUT))
try:
    import sqlite_utils
finally:
    for _m in _KEPT_OUT:
        del sys.modules[_m]

from ita_extract import __version__
from ita_extract.errors import StoreError
from ita_extract.models import (
    Aggregate,
    Article,
    DocumentRecord,
    Evidence,
    Failure,
    Official,
    Result,
)

# Thai is written without spaces between words, so unicode61 would index whole phrases as
# one token; trigram (SQLite ≥ 3.34) indexes every 3-character run, which gives substring
# search for any query of 3 characters or more (the agency index, and documents_fts). The
# Thai word search is ``search_fts`` (schema v2, filled by ``ita_extract.search``).
FTS_TOKENIZE = "trigram"

_SCHEMA_V1 = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    tool_version TEXT NOT NULL,
    command TEXT NOT NULL,
    args TEXT NOT NULL DEFAULT '{}',           -- JSON
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    documents INTEGER,
    failures INTEGER,
    inputs_sha256 TEXT                          -- sha256 over the sorted input sha256s
);
CREATE TABLE documents (
    doc TEXT PRIMARY KEY,
    url TEXT,
    title TEXT,
    published TEXT,                             -- ISO date, CE
    event_date TEXT,                            -- ISO date, CE
    source_path TEXT,
    source_sha256 TEXT,
    source_format TEXT,
    text_length INTEGER,
    run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    extracted_at TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',        -- JSON: the extraction's warnings
    article_warnings TEXT NOT NULL DEFAULT '[]',-- JSON: the parser's warnings
    notes TEXT,
    published_evidence_id INTEGER REFERENCES evidence(id) ON DELETE SET NULL,
    event_date_evidence_id INTEGER REFERENCES evidence(id) ON DELETE SET NULL
);
CREATE TABLE documents_text (
    doc TEXT PRIMARY KEY REFERENCES documents(doc) ON DELETE CASCADE,
    text TEXT NOT NULL
);
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL REFERENCES documents(doc) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    UNIQUE (doc, start, "end")
);
CREATE TABLE results (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL REFERENCES documents(doc) ON DELETE CASCADE,
    agency TEXT NOT NULL,
    assessment TEXT NOT NULL,
    score REAL,
    tier TEXT,
    tier_derived INTEGER NOT NULL DEFAULT 0,
    fiscal_year_be INTEGER,
    evidence_id INTEGER REFERENCES evidence(id) ON DELETE SET NULL
);
CREATE TABLE aggregates (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL REFERENCES documents(doc) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    metric TEXT NOT NULL,
    tier TEXT,
    value REAL NOT NULL,
    fiscal_year_be INTEGER,
    evidence_id INTEGER REFERENCES evidence(id) ON DELETE SET NULL
);
CREATE TABLE officials (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL REFERENCES documents(doc) ON DELETE CASCADE,
    honorific TEXT,
    name TEXT NOT NULL,
    position TEXT,
    evidence_id INTEGER REFERENCES evidence(id) ON DELETE SET NULL
);
CREATE TABLE failures (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    doc TEXT,                                   -- no FK: a failed doc may never be stored
    source TEXT NOT NULL,
    stage TEXT NOT NULL,
    error TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX idx_documents_published ON documents(published);
CREATE INDEX idx_results_doc ON results(doc);
CREATE INDEX idx_results_agency ON results(agency);
CREATE INDEX idx_results_fiscal_year_be ON results(fiscal_year_be);
CREATE INDEX idx_aggregates_doc ON aggregates(doc);
CREATE INDEX idx_aggregates_metric ON aggregates(metric);
CREATE INDEX idx_aggregates_fiscal_year_be ON aggregates(fiscal_year_be);
CREATE INDEX idx_officials_doc ON officials(doc);
CREATE INDEX idx_failures_run_id ON failures(run_id);
CREATE INDEX idx_failures_doc ON failures(doc);

-- Title and text in one index keyed by doc. Not sqlite-utils' enable_fts: that indexes
-- one table's columns by rowid, and documents/documents_text have TEXT keys whose implicit
-- rowids VACUUM may renumber, which would silently desynchronise an external-content index.
CREATE VIRTUAL TABLE documents_fts USING fts5(doc UNINDEXED, title, text, tokenize='trigram');
CREATE TRIGGER documents_text_ai AFTER INSERT ON documents_text BEGIN
  INSERT INTO documents_fts (doc, title, text)
  VALUES (new.doc, (SELECT title FROM documents WHERE doc = new.doc), new.text);
END;
CREATE TRIGGER documents_text_ad AFTER DELETE ON documents_text BEGIN
  DELETE FROM documents_fts WHERE doc = old.doc;
END;
CREATE TRIGGER documents_text_au AFTER UPDATE ON documents_text BEGIN
  UPDATE documents_fts SET doc = new.doc, text = new.text WHERE doc = old.doc;
END;
CREATE TRIGGER documents_title_au AFTER UPDATE OF title ON documents BEGIN
  UPDATE documents_fts SET title = new.title WHERE doc = new.doc;
END;
"""


# v2: the full-text indexes are filled in bulk by ``search.refresh`` (``ita index``, and
# ``ita search``/``ita serve`` before they read), not by triggers on every insert, which cost
# ~1.5 s of a 4.3 s extraction. ``search_docs`` gives each indexed document a stable integer
# id, the rowid of its rows in both indexes; deleting or retitling a document drops its
# index rows (cheap: by rowid), so the next refresh indexes it anew.
# ``search_fts`` is the Thai index: title, text and evidence sentences segmented into
# syllables by the pipeline's own tokenizer (``thai.tokenize``), the tokens joined by
# U+200B, which unicode61 treats as a separator; marks (M*) are token characters so Thai
# vowels and tone marks stay inside their syllable.
_SCHEMA_V2 = """
DROP TRIGGER documents_text_ai;
DROP TRIGGER documents_text_ad;
DROP TRIGGER documents_text_au;
DROP TRIGGER documents_title_au;
DELETE FROM documents_fts;
CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY,
    doc TEXT NOT NULL UNIQUE,
    indexed_at TEXT NOT NULL
);
CREATE VIRTUAL TABLE search_fts USING fts5(
    doc UNINDEXED, title, text, evidence,
    tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
);
CREATE TRIGGER documents_search_ad AFTER DELETE ON documents BEGIN
  DELETE FROM search_fts WHERE rowid = (SELECT id FROM search_docs WHERE doc = old.doc);
  DELETE FROM documents_fts WHERE rowid = (SELECT id FROM search_docs WHERE doc = old.doc);
  DELETE FROM search_docs WHERE doc = old.doc;
END;
CREATE TRIGGER documents_search_au AFTER UPDATE OF title ON documents BEGIN
  DELETE FROM search_fts WHERE rowid = (SELECT id FROM search_docs WHERE doc = old.doc);
  DELETE FROM documents_fts WHERE rowid = (SELECT id FROM search_docs WHERE doc = old.doc);
  DELETE FROM search_docs WHERE doc = old.doc;
END;
"""

# v3: a result's other names as written (an abbreviation the extractor expanded), JSON list.
_SCHEMA_V3 = """
ALTER TABLE results ADD COLUMN agency_aliases TEXT NOT NULL DEFAULT '[]';
"""

# v4: an aggregate's scope level (national, ministry, province, district, group, agency),
# null in rows stored before it was read.
_SCHEMA_V4 = """
ALTER TABLE aggregates ADD COLUMN scope_level TEXT;
CREATE INDEX idx_aggregates_scope_level ON aggregates(scope_level);
"""

# _MIGRATIONS[n] is the script that brings a database from user_version n to n + 1.
# Change the schema by appending a script, never by editing a released one.
_MIGRATIONS = [_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3, _SCHEMA_V4]
SCHEMA_VERSION = len(_MIGRATIONS)

_VIEWS = {
    "results_view": """
SELECT r.id AS result_id, r.doc, d.url, d.title, d.published, d.event_date,
       r.agency, r.assessment, r.score, r.tier, r.tier_derived, r.fiscal_year_be, e.sentence
FROM results r
JOIN documents d ON d.doc = r.doc
LEFT JOIN evidence e ON e.id = r.evidence_id""",
    "aggregates_view": """
SELECT a.id AS aggregate_id, a.doc, d.url, d.title, d.published, d.event_date,
       a.scope, a.scope_level, a.metric, a.tier, a.value, a.fiscal_year_be, e.sentence
FROM aggregates a
JOIN documents d ON d.doc = a.doc
LEFT JOIN evidence e ON e.id = a.evidence_id""",
    "officials_view": """
SELECT o.id AS official_id, o.doc, d.url, d.title, d.published, d.event_date,
       o.honorific, o.name, o.position, e.sentence
FROM officials o
JOIN documents d ON d.doc = o.doc
LEFT JOIN evidence e ON e.id = o.evidence_id""",
}


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating or migrating) the dataset at ``path``; ``":memory:"`` works too."""
    if str(path) == ":memory:":
        db = sqlite_utils.Database(memory=True)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: schema version {version} is newer than this ita-extract "
            f"({__version__}) understands ({SCHEMA_VERSION})"
        )
    for target, script in enumerate(_MIGRATIONS[version:], start=version + 1):
        # One transaction per step: a failed step leaves the previous version intact.
        try:
            db.conn.executescript(
                f"BEGIN;\n{script}\nPRAGMA user_version = {target};\nCOMMIT;"
            )
        except sqlite3.Error:
            db.conn.rollback()
            raise
    # results has an INTEGER PRIMARY KEY, so sqlite-utils' rowid-based index is safe there;
    # replace=True makes this a no-op when the index already exists as configured.
    db["results"].enable_fts(
        ["agency"], tokenize=FTS_TOKENIZE, create_triggers=True, replace=True
    )
    for name, sql in _VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
    return db


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def hash_inputs(sha256s: Iterable[str]) -> str:
    """The ``runs.inputs_sha256`` of a set of inputs: order-free, so a run is comparable."""
    return hashlib.sha256("\n".join(sorted(sha256s)).encode()).hexdigest()


def start_run(
    db: sqlite_utils.Database,
    *,
    command: str,
    args: dict,
    inputs_sha256: str | None = None,
) -> int:
    """Record the start of a run and return its id."""
    cursor = db.execute(
        "INSERT INTO runs (tool_version, command, args, started_at, status, inputs_sha256)"
        " VALUES (?, ?, ?, ?, 'running', ?)",
        [__version__, command, _json(args), _now(), inputs_sha256],
    )
    return cursor.lastrowid


def finish_run(
    db: sqlite_utils.Database,
    run_id: int,
    *,
    status: str,
    documents: int,
    failures: int,
) -> None:
    cursor = db.execute(
        "UPDATE runs SET finished_at = ?, status = ?, documents = ?, failures = ? WHERE id = ?",
        [_now(), status, documents, failures, run_id],
    )
    if cursor.rowcount != 1:
        raise KeyError(f"no run with id {run_id}")


# Documents stored per transaction by the batch runners: one commit (one fsync in WAL mode)
# per document cost ~2 s of the whole-corpus run; a killed run loses at most this many, and
# a re-run redoes them.
COMMIT_EVERY = 100


class Batch:
    """An open transaction committed every ``every`` documents (``saved``) and at ``close``;
    ``save_document``'s own ``atomic`` is a savepoint inside it, so a document that fails to
    store is undone alone."""

    def __init__(self, db: sqlite_utils.Database, every: int = COMMIT_EVERY) -> None:
        self.db, self.every, self.pending = db, every, 0
        db.begin()

    def saved(self) -> None:
        self.pending += 1
        if self.pending >= self.every:
            self.db.commit()
            self.db.begin()
            self.pending = 0

    def close(self) -> None:
        self.db.commit()


@dataclass
class Run:
    """One run being recorded (:func:`recorded_run`): the counts its ``runs`` row gets, and
    the status it ends with when the block exits normally."""

    id: int
    documents: int = 0
    failures: int = 0
    status: str = "ok"


@contextmanager
def recorded_run(db: sqlite_utils.Database, *, command: str, args: dict) -> Iterator[Run]:
    """The bookkeeping of one run, for every runner (``ita extract``, crawl, reparse, corpus).

    Starts the ``runs`` row; whatever happens inside, finishes it with the block's counts
    and status (``run.status`` when the block ends normally, ``interrupted`` on Ctrl-C,
    else ``failed``), after rolling back a transaction left open by an error (its work is
    redone by a re-run). The caller keeps ``run.documents``/``run.failures`` up to date.
    """
    run = Run(start_run(db, command=command, args=args))
    status, ended = "failed", False
    try:
        yield run
        status, ended = run.status, True
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        if db.conn.in_transaction and not ended:
            db.conn.rollback()
        finish_run(db, run.id, status=status, documents=run.documents, failures=run.failures)
        db.conn.commit()


def save_document(
    db: sqlite_utils.Database,
    article: Article,
    record: DocumentRecord,
    run_id: int | None = None,
) -> None:
    """Store one document and all it yielded, replacing what was stored for it, atomically."""
    if article.doc != record.doc:
        raise ValueError(f"article {article.doc!r} and record {record.doc!r} differ")
    doc = record.doc
    with db.atomic():
        # Children first: the FK cascade from documents would do it too, but explicit
        # deletes do not depend on the connection having foreign_keys on.
        for table in (
            "results",
            "aggregates",
            "officials",
            "evidence",
            "documents_text",
        ):
            db.execute(f"DELETE FROM {table} WHERE doc = ?", [doc])
        db.execute("DELETE FROM documents WHERE doc = ?", [doc])
        db["documents"].insert(
            {
                "doc": doc,
                # The record's own values, not the article's: load_records must round-trip.
                "url": record.url,
                "title": record.title,
                "published": _iso(record.published),
                "event_date": _iso(record.event_date),
                "source_path": article.source_path,
                "source_sha256": article.source_sha256,
                "source_format": article.source_format,
                "text_length": len(article.text),
                "run_id": run_id,
                "extracted_at": _now(),
                "warnings": _json(record.warnings),
                "article_warnings": _json(article.warnings),
                "notes": record.notes,
            }
        )
        db["documents_text"].insert({"doc": doc, "text": article.text})

        evidence_ids: dict[tuple[int, int], int] = {}

        def evidence_id(evidence: Evidence | None) -> int | None:
            """Deduplicated per (doc, start, end): the first sentence given for a span wins."""
            if evidence is None:
                return None
            key = (evidence.start, evidence.end)
            if key not in evidence_ids:
                evidence_ids[key] = db.execute(
                    'INSERT INTO evidence (doc, start, "end", sentence) VALUES (?, ?, ?, ?)',
                    [doc, evidence.start, evidence.end, evidence.sentence],
                ).lastrowid
            return evidence_ids[key]

        db.execute(
            "UPDATE documents SET published_evidence_id = ?, event_date_evidence_id = ?"
            " WHERE doc = ?",
            [
                evidence_id(article.published_evidence),
                evidence_id(record.event_date_evidence),
                doc,
            ],
        )
        # Rows are built in full before inserting: building them inserts the evidence
        # they point to, which must exist before the rows (immediate FK checks).
        rows = {
            "results": [
                {
                    **r.model_dump(exclude={"evidence"}),
                    "tier_derived": int(r.tier_derived),
                    "agency_aliases": _json(r.agency_aliases),
                }
                | {"doc": doc, "evidence_id": evidence_id(r.evidence)}
                for r in record.results
            ],
            "aggregates": [
                a.model_dump(exclude={"evidence"})
                | {"doc": doc, "evidence_id": evidence_id(a.evidence)}
                for a in record.aggregates
            ],
            "officials": [
                o.model_dump(exclude={"evidence"})
                | {"doc": doc, "evidence_id": evidence_id(o.evidence)}
                for o in record.officials
            ],
        }
        for table, table_rows in rows.items():
            db[table].insert_all(table_rows)


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def save_failure(
    db: sqlite_utils.Database, failure: Failure, run_id: int | None
) -> None:
    """Record an input that did not make it through a stage (kept per run, never cleared)."""
    db.execute(
        "INSERT INTO failures (run_id, doc, source, stage, error, message, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            failure.doc,
            failure.source,
            failure.stage,
            failure.error,
            failure.message,
            _now(),
        ],
    )


def summary(db: sqlite_utils.Database) -> dict:
    """Row counts; ``failures`` counts the latest run's (all failures when no run exists)."""

    def count(sql: str, params: list | None = None) -> int:
        return db.execute(sql, params or []).fetchone()[0]

    latest_run = db.execute("SELECT max(id) FROM runs").fetchone()[0]
    counts = {
        table: count(f"SELECT count(*) FROM {table}")
        for table in (
            "runs",
            "documents",
            "results",
            "aggregates",
            "officials",
            "evidence",
        )
    }
    if latest_run is None:
        counts["failures"] = count("SELECT count(*) FROM failures")
    else:
        counts["failures"] = count(
            "SELECT count(*) FROM failures WHERE run_id = ?", [latest_run]
        )
    counts["latest_run"] = latest_run
    return counts


def load_records(
    db: sqlite_utils.Database, docs: list[str] | None = None
) -> list[DocumentRecord]:
    """Read documents back as records, ordered by doc (or in the order of ``docs``;
    unknown ids are skipped)."""
    if docs is None:
        doc_rows = list(db.query("SELECT * FROM documents ORDER BY doc"))
    else:
        by_doc = {
            row["doc"]: row
            for row in db.query(
                f"SELECT * FROM documents WHERE doc IN ({', '.join('?' * len(docs))})",
                docs,
            )
        }
        doc_rows = [by_doc[doc] for doc in docs if doc in by_doc]
    return [_load_record(db, row) for row in doc_rows]


def _load_record(db: sqlite_utils.Database, row: dict) -> DocumentRecord:
    doc = row["doc"]
    evidence = {
        e["id"]: Evidence(start=e["start"], end=e["end"], sentence=e["sentence"])
        for e in db.query("SELECT * FROM evidence WHERE doc = ?", [doc])
    }

    def children(table: str) -> list[dict]:
        items = []
        for item in db.query(f"SELECT * FROM {table} WHERE doc = ? ORDER BY id", [doc]):
            del item["id"], item["doc"]
            item["evidence"] = evidence.get(item.pop("evidence_id"))
            items.append(item)
        return items

    return DocumentRecord(
        doc=doc,
        url=row["url"],
        title=row["title"],
        published=row["published"],
        event_date=row["event_date"],
        results=[Result(**{**r, "agency_aliases": json.loads(r.get("agency_aliases") or "[]")})
                 for r in children("results")],
        aggregates=[Aggregate(**a) for a in children("aggregates")],
        officials=[Official(**o) for o in children("officials")],
        notes=row["notes"],
        event_date_evidence=evidence.get(row["event_date_evidence_id"]),
        warnings=json.loads(row["warnings"]),
    )
