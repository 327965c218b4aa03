"""Crawl state and raw responses, in the same SQLite file as the dataset.

Two tables, prefixed ``crawl_`` so they sit beside the store's tables without clashing:

    crawl_frontier  one row per URL to fetch: source, kind (article, listing, rss, sitemap,
                    cdx), status, attempts, last_error (a short reason code), the article's
                    original URL and doc id, a date hint from discovery, timestamps
    crawl_pages     every response kept whole with its provenance: url, final_url, status,
                    headers (JSON), fetched_at, sha256, encoding, body (BLOB), etag,
                    last_modified

A URL moves ``queued → fetched → done`` (or ``→ failed`` with a reason, retried on later
runs up to the source's ``max_attempts``). ``fetched`` means the raw response is stored but
the page is not yet parsed and extracted; a resumed crawl parses it from storage.

Why SQLite and not WARC: a WARC file and a separate state database cannot be updated
together, so a ``kill -9`` between "response appended to the WARC" and "frontier row
marked fetched" either loses the page (state written first) or stores it twice and
fetches it again (WARC written first). Here the response row and the frontier transition
are written in ONE transaction, and the extracted document and the ``done`` transition in
another, so a crawl killed at any instant resumes with no page lost, none fetched twice
and no duplicate rows. It also keeps a crawl in one file that researchers can query
(``SELECT body FROM crawl_pages``) and re-parse without refetching (``crawl.reparse``).
``export_warc`` writes the stored responses as a WARC file for tools that want one.

The functions take the store's database object (``store.open_db``): its ``execute`` and
``atomic()`` are all they use, so the crawl's writes share the dataset's connection and
the extraction of a page can commit in the same transaction as its ``done`` mark.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from ita_extract.errors import CrawlLocked
from ita_extract.models import Page

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock (see exclusive)
    fcntl = None  # type: ignore[assignment]

SCHEMA = """
CREATE TABLE IF NOT EXISTS crawl_frontier (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,                       -- article | listing | rss | sitemap | cdx
    status TEXT NOT NULL DEFAULT 'queued',    -- queued | fetched | done | failed
    attempts INTEGER NOT NULL DEFAULT 0,      -- fetch attempts over all runs
    last_error TEXT,                          -- reason code: timeout, http_503, soft_404...
    article_url TEXT,                         -- the original URL (a capture's, a stub's)
    doc TEXT,                                 -- document id the article is stored under
    date_hint TEXT,                           -- ISO date from the listing/feed/CDX
    meta TEXT NOT NULL DEFAULT '{}',          -- JSON: listing page number, category...
    note TEXT,                                -- e.g. "redirect_stub -> <url>", "not_relevant"
    discovered_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_crawl_frontier_source_status ON crawl_frontier(source, status);
CREATE INDEX IF NOT EXISTS idx_crawl_frontier_todo ON crawl_frontier(source, status, kind);
CREATE INDEX IF NOT EXISTS idx_crawl_frontier_source_doc ON crawl_frontier(source, doc);
CREATE TABLE IF NOT EXISTS crawl_pages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,                        -- the URL requested
    final_url TEXT NOT NULL,                  -- after redirects
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,                    -- JSON object
    fetched_at TEXT NOT NULL,
    sha256 TEXT NOT NULL,                     -- of body
    encoding TEXT,
    body BLOB NOT NULL,
    etag TEXT,
    last_modified TEXT,
    source TEXT,
    UNIQUE (url, sha256)                      -- a refresh that changed nothing adds no row
);
CREATE INDEX IF NOT EXISTS idx_crawl_pages_url ON crawl_pages(url);
"""

STATUSES = ("queued", "fetched", "done", "failed")
DISCOVERY_KINDS = ("listing", "rss", "sitemap", "cdx")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def lock_path(db_path: Path | str) -> Path:
    """The lock file of a database: ``ita.db`` → ``ita.db-crawl.lock``."""
    return Path(f"{db_path}-crawl.lock")


@contextmanager
def exclusive(db_path: Path | str, command: str = "crawl") -> Iterator[None]:
    """Hold the database's crawl lock while the block runs; raise ``CrawlLocked`` at once
    (no waiting) when another process holds it.

    An ``flock`` on a file beside the database: released by the kernel when the holder
    exits, however it exits, so no stale pid can block a resume. The holder removes the
    file when it is done; a process that locked a file the path no longer names (removed,
    or replaced by a newer one, between its open and its lock) retries on the current one.
    Without ``fcntl`` (not POSIX) there is no lock. ``:memory:`` needs none.
    """
    if fcntl is None or str(db_path) == ":memory:":
        yield
        return
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # EWOULDBLOCK: held by another process
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").split()
            os.close(fd)
            who = f"another {holder[1]} (pid {holder[0]})" if len(holder) >= 2 else "another crawl or reparse"
            raise CrawlLocked(
                f"{db_path}: {who} is already writing to this database; wait for it to finish or use another --db"
            ) from None
        try:
            current = os.stat(path)
            mine = os.fstat(fd)
            same = (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino)
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {command}\n".encode("ascii"), 0)
        yield
    finally:
        # Unlink while still holding the lock: a waiter that opened this file retries.
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        os.close(fd)


@dataclass
class FrontierItem:
    """A URL to fetch, as discovery found it."""

    url: str
    kind: str = "article"
    article_url: str | None = None
    doc: str | None = None
    date_hint: dt.date | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class FrontierRow:
    url: str
    source: str
    kind: str
    status: str
    attempts: int
    last_error: str | None
    article_url: str | None
    doc: str | None
    date_hint: str | None
    meta: dict[str, Any]


def ensure_schema(db: Any) -> None:
    """Create the crawl tables if they are missing (idempotent)."""
    db.conn.executescript(SCHEMA)


def enqueue(db: Any, source: str, items: Iterable[FrontierItem], *, unique_doc: bool = True) -> int:
    """Add new URLs to the frontier; returns how many were new.

    Known URLs are left as they are; with ``unique_doc`` an article whose doc id is already
    queued under another URL (another Wayback capture, http vs https) is not added either.
    """
    now = _now()
    added = 0
    for item in items:
        if unique_doc and item.kind == "article" and item.doc and db.execute(
            "SELECT 1 FROM crawl_frontier WHERE source = ? AND doc = ? AND kind = 'article' LIMIT 1",
            [source, item.doc],
        ).fetchone():
            continue
        cursor = db.execute(
            "INSERT OR IGNORE INTO crawl_frontier (url, source, kind, status, article_url, doc,"
            " date_hint, meta, discovered_at, updated_at) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)",
            [
                item.url,
                source,
                item.kind,
                item.article_url or item.url,
                item.doc,
                item.date_hint.isoformat() if item.date_hint else None,
                json.dumps(item.meta, ensure_ascii=False, sort_keys=True),
                now,
                now,
            ],
        )
        added += cursor.rowcount
    return added


def _row(r: tuple) -> FrontierRow:
    return FrontierRow(
        url=r[0],
        source=r[1],
        kind=r[2],
        status=r[3],
        attempts=r[4],
        last_error=r[5],
        article_url=r[6],
        doc=r[7],
        date_hint=r[8],
        meta=json.loads(r[9] or "{}"),
    )


_COLUMNS = "url, source, kind, status, attempts, last_error, article_url, doc, date_hint, meta"


def get(db: Any, url: str) -> FrontierRow | None:
    r = db.execute(f"SELECT {_COLUMNS} FROM crawl_frontier WHERE url = ?", [url]).fetchone()
    return _row(r) if r else None


def pending(
    db: Any, source: str, *, kinds: Iterable[str] | None = None, exclude: Iterable[str] = (), limit: int = 100
) -> list[FrontierRow]:
    """Rows to work on (queued or fetched), in discovery order (listings are read newest
    first, so are their articles)."""
    kinds = list(kinds) if kinds is not None else [*DISCOVERY_KINDS, "article"]
    skip = set(exclude)
    found: list[tuple[int, FrontierRow]] = []
    # One index range scan per (status, kind), each already in rowid order: no sort of
    # the whole frontier (80k rows for a thaigov Wayback crawl) on every call.
    for status in ("queued", "fetched"):
        for kind in kinds:
            cursor = db.execute(
                f"SELECT rowid, {_COLUMNS} FROM crawl_frontier INDEXED BY idx_crawl_frontier_todo"
                " WHERE source = ? AND status = ? AND kind = ? ORDER BY rowid LIMIT ?",
                [source, status, kind, limit + len(skip)],
            )
            found += [(r[0], _row(r[1:])) for r in cursor.fetchall() if r[1] not in skip]
    found.sort(key=lambda pair: pair[0])
    return [row for _, row in found[:limit]]


def requeue_failed(db: Any, source: str, max_attempts: int) -> int:
    """At the start of a run: failed URLs with attempts left go back to the queue."""
    return db.execute(
        "UPDATE crawl_frontier SET status = 'queued', updated_at = ?"
        " WHERE source = ? AND status = 'failed' AND attempts < ?",
        [_now(), source, max_attempts],
    ).rowcount


def requeue_done(db: Any, source: str, *, kinds: Iterable[str] | None = None, where: str = "") -> int:
    """For a refresh: done URLs (of ``kinds``) go back to the queue."""
    sql = "UPDATE crawl_frontier SET status = 'queued', updated_at = ? WHERE source = ? AND status = 'done'"
    params: list[Any] = [_now(), source]
    if kinds is not None:
        kinds = list(kinds)
        sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
        params += kinds
    if where:
        sql += f" AND {where}"
    return db.execute(sql, params).rowcount


def mark(
    db: Any,
    url: str,
    status: str,
    *,
    error: str | None = None,
    attempted: bool = False,
    note: str | None = None,
    doc: str | None = None,
) -> None:
    """Move a frontier row to ``status`` (``attempted`` counts one more fetch attempt)."""
    if status not in STATUSES:
        raise ValueError(f"unknown frontier status {status!r}")
    # note: None keeps the old note, "" clears it.
    db.execute(
        "UPDATE crawl_frontier SET status = ?, last_error = ?, attempts = attempts + ?,"
        " note = CASE WHEN ? IS NULL THEN note ELSE nullif(?, '') END, doc = coalesce(?, doc),"
        " updated_at = ? WHERE url = ?",
        [status, error, int(attempted), note, note, doc, _now(), url],
    )


def save_response(db: Any, url: str, page: Page, *, source: str | None = None) -> bool:
    """Store a response and mark its URL ``fetched``, in one transaction.

    Returns False when an identical body was already stored for the URL (a refresh that
    found no change, or a page that went A → B → A): no new row, but the stored row takes
    this response's time, headers and validators, so it is the URL's latest response again
    (``latest_page``, ``validators`` and ``reparse`` read the latest).
    """
    headers = {k.lower(): v for k, v in page.headers.items()}
    with db.atomic():
        known = db.execute(
            "SELECT 1 FROM crawl_pages WHERE url = ? AND sha256 = ?", [url, page.sha256]
        ).fetchone() is not None
        db.execute(
            # An upsert, not OR IGNORE/REPLACE: only a duplicate (url, sha256) is merged (and
            # keeps its id, so its body is not rewritten); a NOT NULL violation still fails
            # the transaction.
            "INSERT INTO crawl_pages (url, final_url, status, headers, fetched_at,"
            " sha256, encoding, body, etag, last_modified, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url, sha256) DO UPDATE SET"
            " final_url = excluded.final_url, status = excluded.status, headers = excluded.headers,"
            " fetched_at = excluded.fetched_at, encoding = excluded.encoding, etag = excluded.etag,"
            " last_modified = excluded.last_modified, source = coalesce(excluded.source, source)",
            [
                url,
                page.final_url,
                page.status,
                json.dumps(headers, ensure_ascii=False, sort_keys=True),
                page.fetched_at.isoformat(),
                page.sha256,
                page.encoding,
                page.body,
                headers.get("etag"),
                headers.get("last-modified"),
                source,
            ],
        )
        mark(db, url, "fetched", attempted=True)
    return not known


def latest_page(db: Any, url: str) -> Page | None:
    """The most recent stored response for ``url`` (None when nothing is stored)."""
    r = db.execute(
        "SELECT url, final_url, status, headers, fetched_at, sha256, body, encoding"
        " FROM crawl_pages WHERE url = ? ORDER BY fetched_at DESC, id DESC LIMIT 1",
        [url],
    ).fetchone()
    return _page(r) if r else None


def _page(r: tuple) -> Page:
    return Page(
        url=r[0],
        final_url=r[1],
        status=r[2],
        headers=json.loads(r[3]),
        fetched_at=dt.datetime.fromisoformat(r[4]),
        sha256=r[5],
        body=bytes(r[6]),
        encoding=r[7],
    )


def validators(db: Any, url: str) -> tuple[str | None, str | None]:
    """The stored ETag and Last-Modified of ``url``, for a conditional request."""
    r = db.execute(
        "SELECT etag, last_modified FROM crawl_pages WHERE url = ? ORDER BY fetched_at DESC, id DESC LIMIT 1",
        [url],
    ).fetchone()
    return (r[0], r[1]) if r else (None, None)


def counts(db: Any, source: str | None = None) -> dict[str, int]:
    """Frontier rows per status (all sources when ``source`` is None)."""
    sql = "SELECT status, count(*) FROM crawl_frontier"
    params: list[Any] = []
    if source:
        sql += " WHERE source = ?"
        params.append(source)
    out = dict.fromkeys(STATUSES, 0)
    out.update(dict(db.execute(sql + " GROUP BY status", params).fetchall()))
    return out


def stored_articles(db: Any, source: str | None = None) -> Iterator[tuple[FrontierRow, Page]]:
    """Every article URL with a stored response, with its latest response (for reparse)."""
    sql = f"SELECT {_COLUMNS} FROM crawl_frontier WHERE kind = 'article'"
    params: list[Any] = []
    if source:
        sql += " AND source = ?"
        params.append(source)
    for r in db.execute(sql + " ORDER BY rowid", params).fetchall():
        row = _row(r)
        page = latest_page(db, row.url)
        if page is not None:
            yield row, page


def export_warc(db: Any, path: str | Path) -> int:
    """Write every stored response as a WARC/1.0 ``response`` record; returns the count.

    For interoperability (pywb, warcio tools); the SQLite rows stay the source of truth.
    """
    # lazy: warcio is needed only by ``export_warc``, never by a crawl
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    n = 0
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=str(path).endswith(".gz"))
        for r in db.execute(
            "SELECT url, final_url, status, headers, fetched_at, sha256, body, encoding"
            " FROM crawl_pages ORDER BY id"
        ).fetchall():
            page = _page(r)
            # The stored body is decoded (no transfer or content encoding any more).
            headers = [
                (k, v) for k, v in page.headers.items()
                if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")
            ]
            headers.append(("Content-Length", str(len(page.body))))
            http_headers = StatusAndHeaders(f"{page.status} -", headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                page.final_url,
                "response",
                payload=BytesIO(page.body),
                length=len(page.body),
                http_headers=http_headers,
                warc_headers_dict={
                    "WARC-Date": page.fetched_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
            )
            writer.write_record(record)
            n += 1
    return n
