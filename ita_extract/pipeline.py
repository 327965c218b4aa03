"""The runner: input files → parse → extract → store / JSONL, one failure row per bad input.

Library stages raise; this runner is where a failed input becomes a ``Failure`` and the
run goes on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ita_extract.errors import InputError
from ita_extract.extract import extract_document
from ita_extract.models import Article, DocumentRecord, Failure
from ita_extract.parse import MAX_INPUT_BYTES, parse_file

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


def _failure(path: Path, stage: str, exc: BaseException) -> Failure:
    return Failure(doc=path.stem, source=str(path), stage=stage, error=type(exc).__name__, message=str(exc) or repr(exc))


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
    """Run parse → extract → store over every input; failures are recorded, never raised."""
    files = list(iter_input_files(paths))
    summary = RunSummary()
    db = None
    if db_path is not None:
        from ita_extract import store

        db = store.open_db(db_path)
        summary.run_id = store.start_run(db, command="extract", args=command_args or {})
    digests = []
    seen: dict[str, Path] = {}
    for path in files:
        try:
            article, record = _run_stages(path, seen, db, summary.run_id, max_bytes)
        except StageFailed as failed:
            _record_failure(summary, db, _failure(path, failed.stage, failed.__cause__), on_failure)
        else:
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
    if db is not None:
        from ita_extract import store

        db.execute("UPDATE runs SET inputs_sha256 = ? WHERE id = ?", [store.hash_inputs(digests), summary.run_id])
        store.finish_run(db, summary.run_id, status="failed" if summary.failures else "ok",
                         documents=summary.documents, failures=len(summary.failures))
        db.conn.commit()
        db.close()
    return summary


class StageFailed(Exception):
    """An input failed at ``stage``; the cause is the exception chained to it."""

    def __init__(self, stage: str):
        super().__init__(stage)
        self.stage = stage


def _run_stages(path: Path, seen: dict[str, Path], db, run_id: int | None, max_bytes: int) -> tuple[Article, DocumentRecord]:
    """read → parse → extract → store for one file; raises StageFailed naming the stage."""
    stage = "read"
    try:
        if path.stem in seen:
            # the document id is the file stem: a second file with the same stem would
            # silently replace the first in the database
            raise InputError(f"{path}: document id {path.stem!r} is already taken by {seen[path.stem]}")
        seen[path.stem] = path
        article = parse_file(path, max_bytes=max_bytes)
        stage = "extract"
        record = extract_article(article)
        if db is not None:
            from ita_extract import store

            stage = "store"
            store.save_document(db, article, record, run_id)
    except Exception as exc:  # noqa: BLE001 - one bad input is one failure row; the run goes on
        raise StageFailed(stage) from exc
    return article, record


def _record_failure(summary: RunSummary, db, failure: Failure, on_failure) -> None:
    summary.failures.append(failure)
    if db is not None:
        from ita_extract import store

        store.save_failure(db, failure, summary.run_id)
    if on_failure is not None:
        on_failure(failure)


def record_json(record: DocumentRecord) -> str:
    """One JSONL line in the guideline's shape (plus evidence and tier_derived)."""
    return json.dumps(record.model_dump(mode="json", exclude={"notes"}), ensure_ascii=False)
