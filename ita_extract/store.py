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
import functools
import hashlib
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
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

# v5, identity and honest runs (issue 8): a document's identity key (its canonical URL, else
# the hash of its text) and the other names it came in under; the process that owns a run,
# so a run left ``running`` by a dead process can be told from a live one.
_SCHEMA_V5 = """
ALTER TABLE documents ADD COLUMN identity TEXT;
CREATE INDEX idx_documents_identity ON documents(identity);
CREATE TABLE document_aliases (
    alias TEXT PRIMARY KEY,
    doc TEXT NOT NULL,                          -- no FK: a replaced document keeps its aliases
    source_path TEXT,
    added_at TEXT NOT NULL
);
CREATE INDEX idx_document_aliases_doc ON document_aliases(doc);
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host TEXT;
"""

# _MIGRATIONS[n] is the script that brings a database from user_version n to n + 1.
# Change the schema by appending a script, never by editing a released one.
_MIGRATIONS = [_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3, _SCHEMA_V4, _SCHEMA_V5]
SCHEMA_VERSION = len(_MIGRATIONS)
# The tables every ita database has: a reader refuses a file without them.
_ITA_TABLES = {"runs", "documents", "documents_text", "results", "failures"}
SQLITE_HEADER = b"SQLite format 3\x00"
# A writer waits this long for another process's write transaction before giving up.
BUSY_TIMEOUT_S = 120.0
# The results agency index (sqlite-utils' enable_fts layout), created in the schema
# transaction rather than by enable_fts after it, so a concurrent opener never races it.
_RESULTS_FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS results_fts USING FTS5 (agency, content=[results], tokenize='trigram');
CREATE TRIGGER IF NOT EXISTS results_ai AFTER INSERT ON results BEGIN
  INSERT INTO results_fts (rowid, agency) VALUES (new.rowid, new.agency);
END;
CREATE TRIGGER IF NOT EXISTS results_ad AFTER DELETE ON results BEGIN
  INSERT INTO results_fts (results_fts, rowid, agency) VALUES('delete', old.rowid, old.agency);
END;
CREATE TRIGGER IF NOT EXISTS results_au AFTER UPDATE ON results BEGIN
  INSERT INTO results_fts (results_fts, rowid, agency) VALUES('delete', old.rowid, old.agency);
  INSERT INTO results_fts (rowid, agency) VALUES (new.rowid, new.agency);
END;
"""

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


class Database(sqlite_utils.Database):
    """sqlite-utils' database whose write transactions start with ``BEGIN IMMEDIATE``: a
    deferred ``BEGIN`` that later upgrades to a write fails at once with ``database is
    locked`` under WAL when another process wrote meanwhile, where IMMEDIATE waits its turn
    (the busy timeout)."""

    def begin(self) -> None:
        self.execute("BEGIN IMMEDIATE")

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            with super().atomic():  # a savepoint inside the open transaction
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise


def _connect(path: str | Path, *, readonly: bool) -> sqlite3.Connection:
    """A connection to an existing or new file; errors become one-line ``StoreError``s."""
    p = Path(path)
    if p.is_dir():
        raise StoreError(f"{path}: is a directory, not a database file")
    if readonly:
        if not p.is_file():
            raise StoreError(f"{path}: no database there")
        _check_header(p)
        uri = f"{p.resolve().as_uri()}?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A WAL database in a read-only place: SQLite cannot create its -shm file, but
            # an immutable open reads the main file as it is.
            conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        return conn
    if not p.parent.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
    _check_header(p)
    return sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_S)


def _check_header(p: Path) -> None:
    """A non-empty file that does not start like SQLite is not one (SQLite itself would
    take a file shorter than its header for an empty database and overwrite it)."""
    try:
        with p.open("rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return
    except OSError as e:
        raise StoreError(f"{p}: cannot open ({e.strerror or e})") from None
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{p}: not a usable SQLite database (file is not a database)")


def _tables(db: sqlite_utils.Database) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()}


def open_db(path: str | Path, *, readonly: bool = False) -> Database:
    """Open (creating or migrating) the dataset at ``path``; ``":memory:"`` works too.

    ``readonly``: for commands that only read (search, evaluate): the file is opened with
    ``mode=ro``, never created, migrated or switched to WAL, and must be an ita database.
    A writer creates the schema and applies migrations in one ``BEGIN IMMEDIATE``
    transaction, so concurrent openers of a new file wait instead of racing; it refuses a
    file that is not SQLite or holds another application's tables. Raises ``StoreError``.
    """
    try:
        if str(path) == ":memory:":
            db = Database(sqlite3.connect(":memory:"))
        else:
            db = Database(_connect(path, readonly=readonly))
        # Python's implicit transactions (a bare INSERT outside ``atomic``) start IMMEDIATE too.
        db.conn.isolation_level = "IMMEDIATE"
        return _prepare(db, path, readonly=readonly)
    except sqlite3.DatabaseError as e:  # "file is not a database", "unable to open ..."
        raise StoreError(f"{path}: not a usable SQLite database ({e})") from None


def _prepare(db: Database, path: str | Path, *, readonly: bool) -> Database:
    db.execute("PRAGMA foreign_keys = ON")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        db.close()
        raise StoreError(
            f"{path}: schema version {version} is newer than this ita-extract "
            f"({__version__}) understands ({SCHEMA_VERSION})"
        )
    if readonly:
        if version < 1 or not _ITA_TABLES <= _tables(db):
            db.close()
            raise StoreError(f"{path}: not an ita-extract database (no documents/runs tables)")
        return db
    if version == 0 and _tables(db):
        db.close()
        raise StoreError(f"{path}: holds another application's tables, not an ita-extract database")
    if str(path) != ":memory:":
        db.enable_wal()  # a no-op when already WAL (it needs no transaction then)
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            for script in _MIGRATIONS[version:]:
                _run_script(db, script)
            _run_script(db, _RESULTS_FTS)
            for name, sql in _VIEWS.items():
                db.execute(f"DROP VIEW IF EXISTS {name}")
                db.execute(f"CREATE VIEW {name} AS {sql.strip()}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        _mark_dead_runs(db)
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        db.close()
        raise
    return db


def _run_script(db: Database, script: str) -> None:
    """Run the statements of ``script`` inside the open transaction (``executescript``
    would commit it first)."""
    for statement in _statements(script):
        db.execute(statement)


def _statements(script: str) -> list[str]:
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not current.strip():
            continue
        current += line
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out


def _mark_dead_runs(db: Database) -> None:
    """Runs left ``running`` by a process of this host that no longer exists become
    ``interrupted`` (runs of other hosts cannot be checked and are left alone)."""
    host = socket.gethostname()
    for run_id, pid in db.execute(
        "SELECT id, pid FROM runs WHERE status = 'running' AND host = ?", [host]
    ).fetchall():
        if pid is None or not _alive(pid):
            db.execute(
                "UPDATE runs SET status = 'interrupted', finished_at = coalesce(finished_at, ?) WHERE id = ?",
                [_now(), run_id],
            )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


@functools.lru_cache(maxsize=1)
def tool_version() -> str:
    """The version stored with each run: the package version plus the rules' identity,
    ``git describe`` when running from a checkout, else a hash of the package's lexicon,
    furniture and site-definition files (two databases built by different rules differ)."""
    package = Path(__file__).resolve().parent
    try:
        described = subprocess.run(
            ["git", "--no-optional-locks", "describe", "--always", "--dirty", "--tags"],
            cwd=package, capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
        if described:
            return f"{__version__}+git.{described}"
    except (OSError, subprocess.SubprocessError):
        pass
    digest = hashlib.sha256()
    files = [*sorted((package / "extract" / "lexicon").glob("*")), package / "furniture.toml",
             *sorted((package.parent / "pipelines").glob("*.toml"))]
    for f in files:
        if f.is_file():
            digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return f"{__version__}+rules.{digest.hexdigest()[:12]}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def hash_inputs(sha256s: Iterable[str]) -> str:
    """The ``runs.inputs_sha256`` of a set of inputs: order-free, so a run is comparable."""
    return hashlib.sha256("\n".join(sorted(sha256s)).encode()).hexdigest()


# The one vocabulary of runs.status, for every runner (extract, crawl, reparse, corpus).
RUN_STATUSES = ("running", "ok", "ok_with_failures", "failed", "interrupted")


def outcome_status(documents: int, failures: int) -> str:
    """How a run that ended normally went: ``ok``; ``ok_with_failures`` when some inputs
    failed; ``failed`` when inputs failed and none made it."""
    if not failures:
        return "ok"
    return "ok_with_failures" if documents else "failed"


def start_run(
    db: sqlite_utils.Database,
    *,
    command: str,
    args: dict,
    inputs_sha256: str | None = None,
) -> int:
    """Record the start of a run (with this process's pid and host) and return its id."""
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO runs (tool_version, command, args, started_at, status, inputs_sha256, pid, host)"
            " VALUES (?, ?, ?, ?, 'running', ?, ?, ?)",
            [tool_version(), command, _json(args), _now(), inputs_sha256, os.getpid(), socket.gethostname()],
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
    if status not in RUN_STATUSES:
        raise ValueError(f"run status {status!r} is not one of {RUN_STATUSES}")
    with db.atomic():
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
# ... and a transaction is held at most this long, so a concurrent writer (another
# ``ita extract`` on the same file) waits seconds for its turn, not a whole batch.
COMMIT_SECONDS = 1.0


class Batch:
    """A write transaction (``BEGIN IMMEDIATE``) opened at the first write (``begin``),
    committed after ``every`` documents (``saved``) or ``seconds``, and at ``close``;
    ``save_document``'s own ``atomic`` is a savepoint inside it, so a document that fails
    to store is undone alone."""

    def __init__(self, db: sqlite_utils.Database, every: int = COMMIT_EVERY,
                 seconds: float = COMMIT_SECONDS) -> None:
        self.db, self.every, self.seconds, self.pending = db, every, seconds, 0
        self.started = 0.0

    def begin(self) -> None:
        """Open the transaction unless it is open: call before each write."""
        if not self.db.conn.in_transaction:
            self.db.begin()
            self.started = time.monotonic()

    def saved(self) -> None:
        self.pending += 1
        if self.pending >= self.every or time.monotonic() - self.started >= self.seconds:
            self.db.commit()
            self.pending = 0

    def close(self) -> None:
        self.db.commit()


@dataclass
class Run:
    """One run being recorded (:func:`recorded_run`): the counts its ``runs`` row gets, and
    the status it ends with when the block exits normally (one of ``RUN_STATUSES``;
    :func:`outcome_status` computes it from the counts)."""

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
    A process killed outright leaves ``running``; the next open marks it ``interrupted``.
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
        db.commit()
        finish_run(db, run.id, status=status, documents=run.documents, failures=run.failures)


class DocumentCollision(StoreError):
    """A document id already names a different article; nothing was overwritten."""


def _url_key(url: str | None) -> str | None:
    """A URL as an identity: scheme, ``www.``, a trailing slash and a fragment do not count
    (``https://www.thaigov.go.th/news/contents/details/74823`` = ``http://thaigov.go.th/...``)."""
    if not url:
        return None
    m = re.match(r"^[a-z][a-z0-9+.-]*://(?:www\.)?([^/?#]+)([^#]*)", url.strip(), re.I)
    if m is None:
        return None
    host, rest = m.group(1).lower(), m.group(2).rstrip("/")
    return f"url:{host}{rest}"


def document_identity(url: str | None, text: str) -> str:
    """What decides that two inputs are one article: the canonical URL when there is one,
    else the sha256 of the cleaned text (whitespace runs collapsed)."""
    key = _url_key(url)
    if key is not None:
        return key
    return "sha256:" + hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def resolve_doc(db: sqlite_utils.Database, doc: str) -> str:
    """The stored document id ``doc`` names (itself, or the document it is an alias of)."""
    row = db.execute("SELECT doc FROM document_aliases WHERE alias = ?", [doc]).fetchone()
    return row[0] if row else doc


def _target_doc(db: sqlite_utils.Database, article: Article, url: str | None, identity: str) -> str:
    """The id to store ``article`` under: the document it already is (same identity, or
    its alias), else its own id. Raises DocumentCollision when its id names another article."""
    doc = resolve_doc(db, article.doc)
    row = db.execute("SELECT identity, source_path, url FROM documents WHERE doc = ?", [doc]).fetchone()
    if row is not None:
        stored_identity, stored_path, stored_url = row
        same_file = stored_path is not None and stored_path == article.source_path
        if stored_identity in (None, identity) or same_file:
            return doc
        raise DocumentCollision(
            f"document id {article.doc!r} already holds another article "
            f"({stored_url or stored_path}); {article.source_path or url} not stored (rename the file)"
        )
    same = db.execute("SELECT doc FROM documents WHERE identity = ? ORDER BY doc LIMIT 1", [identity]).fetchone()
    return same[0] if same else article.doc


def save_document(
    db: sqlite_utils.Database,
    article: Article,
    record: DocumentRecord,
    run_id: int | None = None,
) -> str:
    """Store one document and all it yielded, replacing what was stored for it, atomically;
    returns the id it is stored under.

    One article is one document whatever path brought it in: when a stored document has
    the same identity (:func:`document_identity`: canonical URL, else text hash), the new
    one's id becomes an alias of it (``document_aliases``, with its source) and the stored
    content stays: the source stored first keeps the document, and only that source saved
    again (a re-extraction, a reparse) replaces it. A different article under a stored id
    is refused (``DocumentCollision``), never overwritten."""
    if article.doc != record.doc:
        raise ValueError(f"article {article.doc!r} and record {record.doc!r} differ")
    identity = document_identity(record.url or article.url, article.text)
    with db.atomic():
        doc = _target_doc(db, article, record.url or article.url, identity)
        if doc != article.doc:
            db.execute(
                "INSERT INTO document_aliases (alias, doc, source_path, added_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (alias) DO UPDATE SET doc = excluded.doc, source_path = excluded.source_path",
                [article.doc, doc, article.source_path, _now()],
            )
            db.execute("UPDATE documents SET url = coalesce(url, ?) WHERE doc = ?", [record.url or article.url, doc])
            return doc
        _replace_document(db, article, record, doc, identity, run_id)
    return doc


def _replace_document(db: sqlite_utils.Database, article: Article, record: DocumentRecord, doc: str,
                      identity: str, run_id: int | None) -> None:
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
            "identity": identity,
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
    with db.atomic():
        _insert_failure(db, failure, run_id)


def _insert_failure(db: sqlite_utils.Database, failure: Failure, run_id: int | None) -> None:
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
