"""The PyThaiNLP thaigov-v2-corpus, unpacked: ``data/YYYY/MM/DD/<category>_<n>[_<uuid>].txt``.

63,196 articles (688 MB) of which a few hundred concern the ITA. The reader streams the
directory in a stable order and tests each file's raw bytes for the topic words before
decoding anything, so only relevant files reach parsing and extraction.

The pre-filter is plain ``bytes in bytes`` per needle, not a compiled regex: on the whole
corpus (warm page cache, this 2-core machine) ``re.compile(rb"ITA|คุณธรรมและความโปร่งใส|
องค์กรคุณธรรม").search`` took 13.0 s, three ``in`` tests 2.2 s including the reads (1.5 s);
CPython's ``re`` has no multi-literal fast path, ``bytes.__contains__`` runs a two-way
search in C. ``grep -rlE`` over the same tree: 2.6 s.

Folder dates are crawl dates, not publication dates, and a crawl never precedes the
publication: a folder dated before ``--since`` is skipped unread. The rest of the window is
applied to the parsed article's date. An article crawled on several days is processed once
(its first file in path order).

Documents are named like the ``thaigov`` crawl's, ``thaigov-<article id>`` (from the file's
``ที่มา`` line): the same article read from the corpus or crawled is one document, not two.
A file without that line is ``thaigov-corpus-<hash of its relative path>``.

The corpus may also be read straight from its archive (``thaigov-v2-corpus.tar.zst`` or a
plain ``.tar``), streamed with ``tarfile`` over a ``zstandard`` reader, never unpacked: the
members that pass the pre-filter (a few thousand, a few MB) are held and then handed on in
the directory walk's order, so a directory and its archive give the same documents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import re
import sys
import tarfile
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ita_extract import store
from ita_extract.decode import decode_utf8_first
from ita_extract.definition import SourceDefinition
from ita_extract.errors import CorpusNotFound
from ita_extract.extract.lexicon import topic_words
from ita_extract.models import Article, DocumentRecord, Failure
from ita_extract.parse import parse_text
from ita_extract.pipeline import extract_article
from ita_extract.sources.runs import CrawlStats, recorded_run
from ita_extract.thai.dates import in_window

__all__ = [
    "RELEVANCE_WORDS",
    "CorpusNotFound",
    "corpus_doc_id",
    "corpus_root",
    "crawl_corpus",
    "default_corpus_dir",
    "is_relevant",
    "iter_corpus",
    "iter_files",
    "is_archive",
]

RELEVANCE_WORDS = topic_words("relevance")
_NEEDLES = tuple(w.encode("utf-8") for w in RELEVANCE_WORDS)
# Extraction processes at most (the main process scans and stores, so one worker already
# doubles throughput on two cores), and files handed to them ahead of the results.
MAX_WORKERS = 4
MAX_IN_FLIGHT = 64
_SOURCE_LINE = re.compile(r"ที่มา\s*:\s*\S*/details/(\d+)\s*$")
_DATE_DIRS = re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})(?:/|$)")
# Document ids: the thaigov source's (same articles), and this source's for the rest.
DOC_PREFIX = "thaigov-"
FALLBACK_PREFIX = "thaigov-corpus-"
# What marks the directory above ``pipelines/`` as the repository (not an installed package).
REPO_MARKER = "pyproject.toml"


def is_relevant(raw: bytes, needles: Iterable[bytes] = _NEEDLES) -> bool:
    """Whether the raw bytes mention a topic word (UTF-8; no decoding)."""
    return any(n in raw for n in needles)


def _folder_date(rel: str) -> dt.date | None:
    m = _DATE_DIRS.search(rel)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def iter_files(root: Path | str, *, since: dt.date | None = None) -> Iterator[Path]:
    """Every ``.txt`` file under ``root``, sorted by path (names may hold spaces and Thai).

    With ``since``, date folders (``YYYY/MM/DD``) entirely before it are not entered.
    """
    return (Path(p) for p in _walk(str(root), (), since))


def _walk(directory: str, rel_parts: tuple[str, ...], since: dt.date | None) -> Iterator[str]:
    # Strings, not Paths: building 63k pathlib objects costs more than reading the files' bytes.
    with os.scandir(directory) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            parts = (*rel_parts, entry.name)
            if since is not None and not _folder_may_hold(parts, since):
                continue
            yield from _walk(entry.path, parts, since)
        elif entry.name.endswith(".txt") and entry.is_file(follow_symlinks=False):
            yield entry.path


def _folder_may_hold(parts: tuple[str, ...], since: dt.date) -> bool:
    """Whether folder ``.../YYYY[/MM[/DD]]`` can hold files crawled on or after ``since``."""
    digits = [p for p in parts if p.isdigit()]
    if not digits or len(digits[0]) != 4:
        return True
    try:
        year = int(digits[0])
        if len(digits) == 1:
            return year >= since.year
        month = int(digits[1])
        if len(digits) == 2:
            return (year, month) >= (since.year, since.month)
        return dt.date(year, month, int(digits[2])) >= since
    except ValueError:
        return True


ARCHIVE_SUFFIXES = (".tar.zst", ".tar.zstd", ".tzst", ".tar")


def is_archive(path: Path | str) -> bool:
    """Whether ``path`` names a corpus archive (``.tar.zst`` or ``.tar``) rather than a folder."""
    return str(path).endswith(ARCHIVE_SUFFIXES) and Path(path).is_file()


def iter_corpus(
    root: Path | str,
    *,
    since: dt.date | None = None,
    needles: Iterable[bytes] = _NEEDLES,
    scanned: list[int] | None = None,
) -> Iterator[tuple[Path, str]]:
    """``(path, text)`` for each relevant file under ``root`` (a folder or an archive, whose
    members are named ``root/<member>``), streaming. ``scanned[0]`` counts the files read."""
    needles = tuple(needles)
    if is_archive(root):
        yield from _iter_archive(Path(root), since, needles, scanned)
        return
    for path in _walk(str(root), (), since):
        with open(path, "rb") as f:
            raw = f.read()
        if scanned is not None:
            scanned[0] += 1
        for needle in needles:
            if needle in raw:
                yield Path(path), decode_utf8_first(raw)
                break


def _iter_archive(
    archive: Path, since: dt.date | None, needles: tuple[bytes, ...], scanned: list[int] | None
) -> Iterator[tuple[Path, str]]:
    """The relevant ``.txt`` members of a tar (zstd-compressed or not), in the order the
    directory walk would give them (path components compared one by one)."""
    kept: list[tuple[tuple[str, ...], bytes]] = []
    with open(archive, "rb") as raw_file:
        if str(archive).endswith(".tar"):
            stream: Any = raw_file
        else:
            import zstandard  # deferred: only archive reads need it

            stream = zstandard.ZstdDecompressor().stream_reader(raw_file)
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                if not member.isfile() or not member.name.endswith(".txt"):
                    continue
                if since is not None:
                    folder = _folder_date(member.name)
                    if folder is not None and folder < since:
                        continue
                f = tar.extractfile(member)
                if f is None:
                    continue
                raw = f.read()
                if scanned is not None:
                    scanned[0] += 1
                if any(n in raw for n in needles):
                    kept.append((tuple(member.name.split("/")), raw))
    kept.sort(key=lambda item: item[0])
    for parts, raw in kept:
        yield archive.joinpath(*parts), decode_utf8_first(raw)


def corpus_doc_id(text: str, rel: str) -> str:
    """``thaigov-<id>`` from the scraper's last line ``ที่มา : …/details/<id>`` (the thaigov
    crawl's id for the same article), else ``thaigov-corpus-`` + a hash of the relative path."""
    tail = text[-300:].rstrip()
    last = tail.rsplit("\n", 1)[-1]
    m = _SOURCE_LINE.search(last)
    if m:
        return DOC_PREFIX + m.group(1)
    return FALLBACK_PREFIX + hashlib.sha256(rel.encode("utf-8")).hexdigest()[:16]


def default_corpus_dir(definition: SourceDefinition) -> Path | None:
    """The corpus directory read without ``--base-url``: ``$ITA_CORPUS_DIR``, else the
    definition's ``corpus_dir``. A relative ``corpus_dir`` is relative to the repository
    (the directory above ``pipelines/``, holding ``pyproject.toml``); when the definition
    does not sit in a repository (an installed package) it means nothing: None."""
    env = os.environ.get("ITA_CORPUS_DIR")
    if env:
        return Path(env)
    if definition.corpus_dir is None:
        return None
    path = Path(definition.corpus_dir)
    if path.is_absolute():
        return path
    if definition.path is None:
        return None
    repo = definition.path.resolve().parent.parent
    if not (repo / REPO_MARKER).is_file():
        return None
    # normpath, not resolve(): naming the directory does not touch it.
    return Path(os.path.normpath(repo / path))


def corpus_root(definition: SourceDefinition, base_url: str | None) -> Path:
    """The directory to read: ``base_url``, else the default. ``CorpusNotFound`` (one line,
    saying how to set it) when there is none or it is not a directory."""
    how = "give it with --base-url DIR or the ITA_CORPUS_DIR environment variable"
    if base_url and "://" in base_url:
        raise CorpusNotFound(f"{definition.name}: --base-url {base_url} is a URL; a corpus source reads a directory ({how})")
    root = Path(base_url) if base_url else default_corpus_dir(definition)
    if root is None:
        raise CorpusNotFound(f"{definition.name}: no corpus directory configured; {how}")
    if not (root.is_dir() or is_archive(root)):
        raise CorpusNotFound(
            f"{definition.name}: corpus directory {root} not found; unpack thaigov-v2-corpus there, or {how}"
        )
    return root


@dataclass(frozen=True)
class _Job:
    path: str
    doc: str
    text: str
    sha256: str


# What one file became: ("ok", article, record), ("skip", reason), or its failure row.
Outcome = tuple[str, Article, DocumentRecord] | tuple[str, str] | Failure


def _work(job: _Job, since: dt.date | None, until: dt.date | None) -> Outcome:
    """Parse and extract one file (in a worker process, or inline). Never raises: one bad
    article is a failure row (``Failure.from_exception``, the crawl's vocabulary), never
    the end of a whole-corpus run."""
    try:
        article = parse_text(job.text, doc=job.doc, source_path=job.path, source_sha256=job.sha256)
    except Exception as e:
        return Failure.from_exception("parse", e, doc=job.doc, source=job.path)
    if not in_window(article.published, since, until):
        return "skip", "out_of_window"
    try:
        record = extract_article(article)
    except Exception as e:
        return Failure.from_exception("extract", e, doc=job.doc, source=job.path)
    return "ok", article, record


def _warm_up() -> None:
    """Worker initializer: load the extractor's models while the main process scans."""
    try:
        extract_article(parse_text("การประเมิน ITA ได้ 95.00 คะแนน", doc="warm-up"))
    except Exception:
        pass


def default_workers() -> int:
    """Extraction processes beside the main one (which scans and stores): cores - 1."""
    return max(0, min(MAX_WORKERS, (os.cpu_count() or 1) - 1))


def _outcome(future: Any, job: _Job) -> Outcome:
    """A worker's result. An error getting it (a result that cannot be pickled...) is the
    document's failure; a dead pool (BrokenProcessPool) ends the run: nothing more would run."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise
    except Exception as e:
        failure = Failure.from_exception("extract", e, doc=job.doc, source=job.path)
        return failure.model_copy(update={"error": "worker_error"})


def _results(jobs: Iterator[_Job], workers: int, since, until) -> Iterator[tuple[_Job, Outcome]]:
    """(job, outcome) in job order; with workers, extraction runs in other processes while
    this one keeps scanning (a bounded number of jobs in flight)."""
    if workers <= 0:
        for job in jobs:
            yield job, _work(job, since, until)
        return
    # spawn: a fork of a process that runs threads (a caller's, a test server's) may deadlock.
    context = multiprocessing.get_context("spawn")
    in_flight: deque = deque()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up) as pool:
        for job in jobs:
            in_flight.append((job, pool.submit(_work, job, since, until)))
            while in_flight and (in_flight[0][1].done() or len(in_flight) > MAX_IN_FLIGHT):
                done_job, future = in_flight.popleft()
                yield done_job, _outcome(future, done_job)
        while in_flight:
            done_job, future = in_flight.popleft()
            yield done_job, _outcome(future, done_job)


def crawl_corpus(
    definition: SourceDefinition,
    *,
    db_path: Path,
    since: dt.date | None = None,
    until: dt.date | None = None,
    max_pages: int | None = None,
    base_url: str | None = None,
    progress: bool = True,
    workers: int | None = None,
    scanned: list[int] | None = None,
) -> Any:
    """Turn the corpus directory into ITA documents in ``db_path`` (``crawl("thaigov-corpus")``).

    The main process walks the directory, pre-filters the bytes and stores the results;
    ``workers`` processes (default: cores − 1; 0 = all in this process) parse and extract.
    Each document is stored with ``pipeline.extract_article`` then ``store.save_document``,
    ``store.COMMIT_EVERY`` to a transaction,
    split across processes. Re-running replaces each document
    with the same content (the store saves by doc id). A file that fails to parse or
    extract is a failure row and the run goes on. Raises ``CorpusNotFound`` when there is
    no corpus directory, ``CrawlLocked`` when another crawl is writing to ``db_path``.
    ``base_url`` may name the corpus archive instead of a directory; ``scanned[0]``, when
    given, counts the files read (relevant or not).
    """
    root = corpus_root(definition, base_url)
    workers = default_workers() if workers is None else workers
    started = time.monotonic()
    stats = CrawlStats()
    args = {"source": definition.name, "corpus": str(root), "since": since, "until": until, "max_pages": max_pages}

    def jobs() -> Iterator[_Job]:
        seen: set[str] = set()
        for path, text in iter_corpus(root, since=since, scanned=scanned):
            if max_pages is not None and stats.fetched >= max_pages:
                return
            doc = corpus_doc_id(text, path.relative_to(root).as_posix())
            if doc in seen:  # crawled on several days: the first file in path order
                stats.skipped += 1
                continue
            seen.add(doc)
            stats.fetched += 1
            yield _Job(str(path), doc, text, hashlib.sha256(text.encode("utf-8")).hexdigest())

    last_report = started
    with (
        recorded_run(db_path, command="crawl", args=args, stats=stats, started=started) as (db, run_id),
        # Closed before the database: an error stops the worker pool first.
        closing(_results(jobs(), workers, since, until)) as results,
    ):
        batch = store.Batch(db)
        for _job, outcome in results:
            batch.begin()
            if isinstance(outcome, Failure):
                store.save_failure(db, outcome, run_id)
                stats.count_failure(outcome.error)
                continue
            if outcome[0] == "skip":
                stats.skipped += 1
                continue
            _, article, record = outcome
            store.save_document(db, article, record, run_id)
            stats.articles += 1
            batch.saved()
            if progress and time.monotonic() - last_report > 2:
                last_report = time.monotonic()
                print(f"crawl {definition.name}: {stats.articles} articles", file=sys.stderr)
        batch.close()
    if progress:
        print(f"crawl {definition.name}: {stats.articles} articles, {stats.failed} failed, "
              f"{stats.skipped} skipped in {stats.seconds:.1f}s", file=sys.stderr)
    return stats
