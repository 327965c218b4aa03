"""WARC: web archives (WARC/ARC files, gzipped or not) → ITA documents, on Dask distributed.

    files ──> Dask workers: read records (warcio) → byte pre-filter → parse HTML → extract
                  │ one FileOutcome per file (the kept documents, their failures, counts)
                  v
              this process, the one writer: each file's documents + provenance + "file done"
              in one transaction

Only ``response`` (and ``resource``) records whose payload is HTML are read; the payload
must contain Thai (UTF-8 bytes of U+0E00–U+0E7F) and a topic word, tested on the raw bytes
as the corpus reader does (``sources.corpus.is_relevant``) before anything is decoded.
A page in a legacy Thai encoding (TIS-620/cp874) fails that UTF-8 test and is not read,
the corpus's limit too.

Each stored document carries its provenance in ``warc_records`` (file, offset, record id,
target URI, WARC date). Its id is ``warc-`` + a hash of the WARC-Record-ID, so a record read
twice (a rerun, a file listed twice, the same record in two files) is stored once.

Resuming: ``warc_files`` lists the files done (path and size); a rerun skips them. A file
whose worker died is retried by the scheduler on another worker (Dask's
``allowed-failures``); a file that failed every try is a ``failures`` row and is not marked
done, so the next run tries it again.

Cluster: a ``LocalCluster`` of worker processes on loopback by default, or ``scheduler``
(``tcp://HOST:PORT``) for an existing one whose workers have ita-extract installed.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import resource
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ita_extract import store
from ita_extract.errors import ItaError
from ita_extract.models import Article, DocumentRecord, Failure
from ita_extract.parse import parse_html
from ita_extract.pipeline import extract_article
from ita_extract.sources.corpus import is_relevant

__all__ = ["FileOutcome", "Provenance", "WarcStats", "expand_paths", "process_file", "run_warc", "warc_doc_id"]

DOC_PREFIX = "warc-"
# UTF-8 lead bytes of the Thai block (U+0E00–U+0E3F: E0 B8, U+0E40–U+0E7F: E0 B9).
_THAI = (b"\xe0\xb8", b"\xe0\xb9")
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Tries of a file beyond the first when its task raises (a worker's death is retried by
# the scheduler itself, up to distributed.scheduler.allowed-failures).
RETRIES = 2
# Test hook: a file path whose first processing kills the worker process (fault injection);
# the marker file beside it records that the crash happened.
CRASH_ONCE_ENV = "ITA_WARC_CRASH_ONCE"

SCHEMA = """
CREATE TABLE IF NOT EXISTS warc_files (
    path TEXT PRIMARY KEY,                      -- absolute path of the WARC/ARC file
    bytes INTEGER NOT NULL,
    records INTEGER NOT NULL,                   -- records read
    html INTEGER NOT NULL,                      -- HTML responses among them
    relevant INTEGER NOT NULL,                  -- passed the byte pre-filter
    documents INTEGER NOT NULL,                 -- stored
    failures INTEGER NOT NULL,
    run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
    done_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS warc_records (
    doc TEXT PRIMARY KEY REFERENCES documents(doc) ON DELETE CASCADE,
    file TEXT NOT NULL,
    offset INTEGER NOT NULL,                    -- byte offset of the record in the file
    record_id TEXT NOT NULL UNIQUE,             -- WARC-Record-ID
    target_uri TEXT,
    warc_date TEXT
);
CREATE INDEX IF NOT EXISTS idx_warc_records_file ON warc_records(file);
"""


class WarcError(ItaError):
    """No WARC file to read, or no cluster to run on."""


@dataclass(frozen=True)
class Provenance:
    file: str
    offset: int
    record_id: str
    target_uri: str | None
    warc_date: str | None


@dataclass
class FileOutcome:
    """What a worker made of one file."""

    path: str
    bytes: int
    records: int = 0
    html: int = 0
    relevant: int = 0
    documents: list[tuple[Provenance, Article, DocumentRecord]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class WarcStats:
    files: int = 0
    skipped_files: int = 0
    failed_files: int = 0
    records: int = 0
    html: int = 0
    relevant: int = 0
    documents: int = 0
    failed: int = 0
    seconds: float = 0.0
    cluster_seconds: float = 0.0  # starting (or reaching) the cluster, within ``seconds``
    workers: int = 0
    worker_peak_rss_mb: dict[str, float] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def records_per_second(self) -> float:
        """Records read per second once the cluster is up."""
        busy = self.seconds - self.cluster_seconds
        return self.records / busy if busy > 0 else 0.0


def warc_doc_id(record_id: str) -> str:
    """``warc-`` + 16 hex digits of the record id's sha256.

    >>> warc_doc_id("<urn:uuid:00000000-0000-0000-0000-000000000000>")
    'warc-8aad0257dd36d8c6'
    """
    return DOC_PREFIX + hashlib.sha256(record_id.encode("utf-8")).hexdigest()[:16]


def expand_paths(paths: Iterable[str]) -> list[Path]:
    """Files and globs (``crawl/*.warc.gz``, ``**`` allowed) → existing files, sorted, each once.
    ``WarcError`` when a name matches nothing."""
    found: set[Path] = set()
    for name in paths:
        matches = [Path(p) for p in glob.glob(name, recursive=True)] if glob.has_magic(name) else [Path(name)]
        files = [p for p in matches if p.is_file()]
        if not files:
            raise WarcError(f"{name}: no such WARC file")
        found.update(p.resolve() for p in files)
    return sorted(found)


def _records(path: str) -> Iterator[tuple[Any, Any]]:
    """(iterator, record) for each record of a WARC or ARC file (warcio; gzip detected).
    ``iterator.get_record_offset()`` reads the record to its end: call it after the payload."""
    from warcio.archiveiterator import ArchiveIterator  # deferred: only WARC reading needs it

    with open(path, "rb") as f:
        it = ArchiveIterator(f, arc2warc=True)
        for record in it:
            yield it, record


def _maybe_crash(path: str) -> None:
    target = os.environ.get(CRASH_ONCE_ENV)
    if target and os.path.abspath(target) == path:
        marker = Path(path + ".crashed")
        if not marker.exists():
            marker.write_text("worker killed here once\n")
            os._exit(70)  # the worker process dies as a killed one would


def process_file(path: str) -> FileOutcome:
    """Read, pre-filter, parse and extract every record of one file (runs on a worker).

    A record that fails to parse or extract is a failure row; an unreadable file raises
    (the task is retried, then the file is a failure of the run)."""
    _maybe_crash(path)
    started = time.monotonic()
    out = FileOutcome(path=path, bytes=os.path.getsize(path))
    for it, record in _records(path):
        out.records += 1
        if record.rec_type not in ("response", "resource"):
            continue
        if record.rec_type == "response" and record.http_headers is not None:
            content_type = record.http_headers.get_header("Content-Type") or ""
        else:
            content_type = record.rec_headers.get_header("Content-Type") or ""
        if not content_type.lower().startswith(HTML_TYPES):
            continue
        out.html += 1
        payload = record.content_stream().read()
        offset = it.get_record_offset()
        if not (any(t in payload for t in _THAI) and is_relevant(payload)):
            continue
        out.relevant += 1
        record_id = record.rec_headers.get_header("WARC-Record-ID") or f"<{path}#{offset}>"
        uri = record.rec_headers.get_header("WARC-Target-URI")
        prov = Provenance(path, offset, record_id, uri, record.rec_headers.get_header("WARC-Date"))
        doc = warc_doc_id(record_id)
        where = f"{path}#{offset}"
        try:
            article = parse_html(payload, doc=doc, url=uri, content_type=content_type, source_path=where,
                                 source_sha256=hashlib.sha256(payload).hexdigest())
        except Exception as e:
            out.failures.append(Failure.from_exception("parse", e, doc=doc, source=where))
            continue
        try:
            extracted = extract_article(article)
        except Exception as e:
            out.failures.append(Failure.from_exception("extract", e, doc=doc, source=where))
            continue
        out.documents.append((prov, article.model_copy(update={"source_format": "warc"}), extracted))
    out.seconds = time.monotonic() - started
    return out


def ensure_schema(db: Any) -> None:
    """Create the WARC provenance tables if they are missing (idempotent)."""
    db.conn.executescript(SCHEMA)


def done_files(db: Any) -> dict[str, int]:
    """The files already done: path → size in bytes."""
    return {row[0]: row[1] for row in db.execute("SELECT path, bytes FROM warc_files")}


def _store(db: Any, outcome: FileOutcome, run_id: int) -> int:
    """One file's documents, provenance and done mark, in one transaction: a file is stored
    whole or not at all. Returns the documents stored."""
    db.begin()
    try:
        for prov, article, record in outcome.documents:
            store.save_document(db, article, record, run_id)
            db.execute(
                "INSERT OR REPLACE INTO warc_records (doc, file, offset, record_id, target_uri, warc_date)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [record.doc, prov.file, prov.offset, prov.record_id, prov.target_uri, prov.warc_date],
            )
        for failure in outcome.failures:
            store.save_failure(db, failure, run_id)
        db.execute(
            "INSERT OR REPLACE INTO warc_files (path, bytes, records, html, relevant, documents, failures, run_id, done_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, datetime('now'))",
            [outcome.path, outcome.bytes, outcome.records, outcome.html, outcome.relevant,
             len(outcome.documents), len(outcome.failures), run_id],
        )
        db.commit()
    except BaseException:
        db.conn.rollback()
        raise
    return len(outcome.documents)


def _warm_up() -> None:
    """Load the parser and the extractor's models in a worker (as the corpus runner's pool does)."""
    try:
        extract_article(parse_html("<html><body><p>การประเมิน ITA ได้ 95.00 คะแนน</p></body></html>".encode(),
                                   doc="warm-up"))
    except Exception:
        pass


def _worker_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_warc(
    paths: Iterable[str],
    *,
    db_path: Path,
    scheduler: str | None = None,
    workers: int = 2,
    progress: bool = False,
) -> WarcStats:
    """Process WARC files on Dask and store what they hold into ``db_path``.

    ``scheduler`` names an existing cluster (``tcp://HOST:PORT``); otherwise a LocalCluster
    of ``workers`` single-threaded worker processes on 127.0.0.1 runs for this call. Files
    done by an earlier run (same path and size) are skipped. Raises ``WarcError`` (no file,
    no cluster); a file that fails is a failure row and the run goes on."""
    # deferred: dask/distributed take ~1 s to import and only this command needs them
    from distributed import Client, LocalCluster, as_completed

    files = expand_paths(paths)
    stats = WarcStats()
    started = time.monotonic()
    db = store.open_db(db_path)
    try:
        ensure_schema(db)
        done = done_files(db)
        todo = [p for p in files if done.get(str(p)) != p.stat().st_size]
        stats.skipped_files = len(files) - len(todo)
        args = {"paths": [str(p) for p in files], "scheduler": scheduler, "workers": workers}
        with store.recorded_run(db, command="warc", args=args) as run:
            if not todo:
                stats.seconds = time.monotonic() - started
                return stats
            cluster = None
            cluster_started = time.monotonic()
            try:
                if scheduler:
                    client = Client(scheduler, timeout=10)
                else:
                    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None, silence_logs=40)
                    client = Client(cluster)
            except OSError as e:
                raise WarcError(f"no Dask cluster at {scheduler}: {e}") from None
            try:
                stats.workers = len(client.scheduler_info()["workers"])
                client.run(_warm_up)  # load the extractor on every worker before the clock runs
                stats.cluster_seconds = time.monotonic() - cluster_started
                futures = {client.submit(process_file, str(p), key=f"warc-file-{p}", retries=RETRIES, pure=False): p
                           for p in todo}
                last = time.monotonic()
                for future in as_completed(futures):
                    path = futures[future]
                    try:
                        outcome = future.result()
                    except Exception as e:  # every try failed (KilledWorker, an unreadable file)
                        failure = Failure.from_exception("read", e, doc=None, source=str(path))
                        store.save_failure(db, failure, run.id)
                        db.conn.commit()
                        stats.failed_files += 1
                        stats.failed += 1
                        stats.failures[failure.error] = stats.failures.get(failure.error, 0) + 1
                        continue
                    finally:
                        future.release()
                    stats.documents += _store(db, outcome, run.id)
                    stats.files += 1
                    stats.records += outcome.records
                    stats.html += outcome.html
                    stats.relevant += outcome.relevant
                    for f in outcome.failures:
                        stats.failed += 1
                        stats.failures[f.error] = stats.failures.get(f.error, 0) + 1
                    if progress and time.monotonic() - last > 2:
                        last = time.monotonic()
                        print(f"warc: {stats.files}/{len(todo)} files, {stats.records} records, "
                              f"{stats.documents} documents", file=sys.stderr)
                if cluster is not None:
                    # a worker killed mid-run is restarted by its nanny: wait for it to rejoin,
                    # so that every worker's memory is reported
                    with contextlib.suppress(TimeoutError):
                        client.wait_for_workers(stats.workers, timeout=30)
                stats.worker_peak_rss_mb = {w: round(v, 1) for w, v in client.run(_worker_rss_mb).items()}
            finally:
                client.close()
                if cluster is not None:
                    cluster.close()
            stats.seconds = time.monotonic() - started
            run.documents, run.failures = stats.documents, stats.failed
            run.status = "failed" if stats.failed_files else "ok"
    finally:
        db.close()
    stats.seconds = time.monotonic() - started
    return stats
