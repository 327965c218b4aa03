"""The files runner (``ita extract``): input files → read → parse → extract → store / JSONL.

Library stages raise; this runner is where a failed input becomes a ``Failure`` (the one
vocabulary of ``models.Failure``) and the run goes on. The crawl and corpus runners in
``sources/`` share ``extract_article`` and ``store.recorded_run`` with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ita_extract import store
from ita_extract.errors import InputError
from ita_extract.extract import extract_document
from ita_extract.models import Article, DocumentRecord, Failure, Stage
from ita_extract.parse import MAX_INPUT_BYTES, parse_bytes, parse_file, read_input

INPUT_SUFFIXES = (".txt", ".html", ".htm")


@dataclass
class RunSummary:
    documents: int = 0
    results: int = 0
    aggregates: int = 0
    officials: int = 0
    failures: list[Failure] = field(default_factory=list)
    run_id: int | None = None


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and the .txt/.html files under directories named, in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
        else:
            yield path


def extract_article(article: Article) -> DocumentRecord:
    """Extraction stage for one parsed article."""
    return extract_document(article)


def extract_file(path: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> tuple[Article, DocumentRecord]:
    article = parse_file(path, max_bytes=max_bytes)
    return article, extract_article(article)


def extract_paths(paths: list[Path]) -> list[DocumentRecord]:
    """Records for the given files (for the evaluator); inputs that fail are skipped."""
    records = []
    for path in iter_input_files(paths):
        try:
            records.append(extract_file(path)[1])
        except InputError:
            continue
    return records


def run_extract(
    paths: list[Path],
    *,
    db_path: Path | None = None,
    jsonl: IO[str] | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
    on_progress: Callable[[Path], None] | None = None,
    on_failure: Callable[[Failure], None] | None = None,
    command_args: dict | None = None,
) -> RunSummary:
    """Run read → parse → extract → store over every input; failures are recorded, never raised.

    Documents are stored ``store.COMMIT_EVERY`` to a transaction, not one each."""
    files = list(iter_input_files(paths))
    summary = RunSummary()
    if db_path is None:
        _run_files(files, summary, None, None, jsonl, max_bytes, on_progress, on_failure)
        return summary
    db = store.open_db(db_path)
    try:
        with store.recorded_run(db, command="extract", args=command_args or {}) as run:
            summary.run_id = run.id
            batch = store.Batch(db)
            digests = _run_files(files, summary, db, batch, jsonl, max_bytes, on_progress, on_failure)
            batch.begin()
            db.execute("UPDATE runs SET inputs_sha256 = ? WHERE id = ?", [store.hash_inputs(digests), run.id])
            batch.close()
            run.documents, run.failures = summary.documents, len(summary.failures)
            run.status = store.outcome_status(summary.documents, len(summary.failures))
    finally:
        db.close()
    return summary


def _run_files(files: list[Path], summary: RunSummary, db: Any, batch: store.Batch | None, jsonl: IO[str] | None,
               max_bytes: int, on_progress: Callable[[Path], None] | None,
               on_failure: Callable[[Failure], None] | None) -> list[str]:
    """The loop of :func:`run_extract`; returns the inputs' sha256s."""
    digests = []
    seen: dict[str, Path] = {}
    for path in files:
        try:
            article, record = _run_stages(path, seen, db, batch, summary.run_id, max_bytes)
        except StageFailed as failed:
            assert failed.__cause__ is not None
            failure = Failure.from_exception(failed.stage, failed.__cause__, doc=path.stem, source=str(path))
            summary.failures.append(failure)
            if db is not None:
                assert batch is not None
                batch.begin()
                store.save_failure(db, failure, summary.run_id)
            if on_failure is not None:
                on_failure(failure)
        else:
            if batch is not None:
                batch.saved()
            if article.source_sha256:
                digests.append(article.source_sha256)
            if jsonl is not None:
                jsonl.write(record_json(record) + "\n")
            summary.documents += 1
            summary.results += len(record.results)
            summary.aggregates += len(record.aggregates)
            summary.officials += len(record.officials)
        if on_progress is not None:
            on_progress(path)
    return digests


class StageFailed(Exception):
    """An input failed at ``stage``; the cause is the exception chained to it."""

    def __init__(self, stage: Stage):
        super().__init__(stage)
        self.stage: Stage = stage


def _run_stages(path: Path, seen: dict[str, Path], db: Any, batch: store.Batch | None, run_id: int | None,
                max_bytes: int) -> tuple[Article, DocumentRecord]:
    """read → parse → extract → store for one file; raises StageFailed naming the stage."""
    stage: Stage = "read"
    try:
        if path.stem in seen:
            # the document id is the file stem: a second file with the same stem would
            # silently replace the first in the database
            raise InputError(f"{path}: document id {path.stem!r} is already taken by {seen[path.stem]}")
        seen[path.stem] = path
        data, digest = read_input(path, max_bytes=max_bytes)
        stage = "parse"
        article = parse_bytes(data, path, digest)
        stage = "extract"
        record = extract_article(article)
        if db is not None:
            assert batch is not None
            stage = "store"
            batch.begin()  # after the extraction: the write lock is held only to store
            store.save_document(db, article, record, run_id)
    except Exception as exc:  # noqa: BLE001 - one bad input is one failure row; the run goes on
        raise StageFailed(stage) from exc
    return article, record


def record_json(record: DocumentRecord) -> str:
    """One JSONL line in the guideline's shape (plus evidence and tier_derived)."""
    return json.dumps(record.model_dump(mode="json", exclude={"notes"}), ensure_ascii=False)
