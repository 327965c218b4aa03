"""Release: the whole corpus → a versioned, citable dataset folder.

    <out>/ita-thaigov-<tool version>/
        ita.db                      the SQLite dataset (as ``ita crawl thaigov-corpus`` writes it)
        csv/<table>.csv             every data table, one file each
        jsonl/<table>.jsonl         the same rows, one JSON object a line
        README.md                   the dataset card
        manifest.json               tool version, source checksum, counts, evaluation, sha256s

Exports are reproducible: rows in primary-key order (ids are assigned in the corpus walk's
order, which is sorted), columns in schema order, no timestamps or run ids (``extracted_at``,
``run_id``, ``failures.at``), ``source_path`` relative to the corpus root. Two releases of
the same corpus with the same tool have byte-identical ``csv/``, ``jsonl/`` and card; the
run's own metadata (when, how long, where) is only in ``manifest.json`` and in the
SQLite file's ``runs`` table.

Tables are read with the standard library's ``sqlite3``, read-only: the store stays the one
writer (and the only user of sqlite-utils).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import platform
import resource
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ita_extract import __version__
from ita_extract import evaluate as ev
from ita_extract.definition import load_source
from ita_extract.pipeline import extract_paths
from ita_extract.sources.corpus import crawl_corpus, is_archive

__all__ = ["EXPORT_TABLES", "ReleaseReport", "export_tables", "make_release", "release_name"]

SOURCE = "thaigov-corpus"
DB_NAME = "ita.db"
# The data tables, exported in this order; per table the columns left out (run metadata).
EXPORT_TABLES: dict[str, tuple[str, ...]] = {
    "documents": ("run_id", "extracted_at"),
    "documents_text": (),
    "evidence": (),
    "results": (),
    "aggregates": (),
    "officials": (),
    "failures": ("run_id", "at"),
}
# Primary-key order for the tables whose key is not ``id``.
_ORDER = {"documents": "doc", "documents_text": "doc"}
MANIFEST = "manifest.json"
CARD = "README.md"
TOP_FAILURES = 5


def release_name(version: str = __version__) -> str:
    return f"ita-thaigov-{version}"


@dataclass
class ReleaseReport:
    """What one release did (also written, as JSON, into the manifest)."""

    folder: Path
    counts: dict[str, int] = field(default_factory=dict)
    top_failures: list[tuple[str, int]] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def source_checksum(corpus: Path) -> dict[str, Any]:
    """The corpus's fingerprint: the archive's sha256, or for a folder the sha256 over the
    sorted ``<sha256>  <relative path>`` lines of its ``.txt`` files (``sha256sum``'s format)."""
    if is_archive(corpus):
        return {"kind": "archive", "name": corpus.name, "bytes": corpus.stat().st_size, "sha256": _sha256_file(corpus)}
    lines = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames.sort()
        for name in filenames:
            if name.endswith(".txt"):
                path = Path(dirpath, name)
                total += path.stat().st_size
                lines.append(f"{_sha256_file(path)}  {path.relative_to(corpus).as_posix()}")
    lines.sort(key=lambda line: line[66:].split("/"))
    digest = hashlib.sha256(("\n".join(lines) + "\n").encode("utf-8")).hexdigest()
    return {"kind": "directory", "name": corpus.name, "files": len(lines), "bytes": total, "sha256_of_sha256sums": digest}


def _rows(conn: sqlite3.Connection, table: str, root_prefix: str) -> tuple[list[str], Iterator[tuple]]:
    skip = EXPORT_TABLES[table]
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in skip]
    order = _ORDER.get(table, "id")
    cursor = conn.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM {table} ORDER BY {order}')
    relative = "source_path" in columns or "source" in columns
    if not relative:
        return columns, iter(cursor)
    index = [i for i, c in enumerate(columns) if c in ("source_path", "source")]

    def strip(row: tuple) -> tuple:
        values = list(row)
        for i in index:
            if isinstance(values[i], str) and values[i].startswith(root_prefix):
                values[i] = values[i][len(root_prefix):]
        return tuple(values)

    return columns, (strip(row) for row in cursor)


def _csv_value(value: Any) -> Any:
    return "" if value is None else value


def export_tables(db_path: Path, folder: Path, *, corpus_root: str = "") -> dict[str, int]:
    """Write ``csv/<table>.csv`` and ``jsonl/<table>.jsonl`` for every data table; row counts.

    ``corpus_root`` is cut from the front of ``source_path``/``source`` values so the export
    does not depend on where the corpus was unpacked."""
    prefix = corpus_root.rstrip("/") + "/" if corpus_root else ""
    (folder / "csv").mkdir(parents=True, exist_ok=True)
    (folder / "jsonl").mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        for table in EXPORT_TABLES:
            columns, rows = _rows(conn, table, prefix)
            n = 0
            with (
                open(folder / "csv" / f"{table}.csv", "w", encoding="utf-8", newline="") as c,
                open(folder / "jsonl" / f"{table}.jsonl", "w", encoding="utf-8", newline="\n") as j,
            ):
                writer = csv.writer(c, lineterminator="\n")
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([_csv_value(v) for v in row])
                    j.write(json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False) + "\n")
                    n += 1
            counts[table] = n
    finally:
        conn.close()
    return counts


def dataset_counts(db_path: Path) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Row counts, distinct agencies, and the most frequent failure reasons."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        counts = {
            "ita_documents": one("SELECT count(*) FROM documents"),
            "documents_with_figures": one(
                "SELECT count(*) FROM documents d WHERE EXISTS (SELECT 1 FROM results r WHERE r.doc = d.doc)"
                " OR EXISTS (SELECT 1 FROM aggregates a WHERE a.doc = d.doc)"
            ),
            "results": one("SELECT count(*) FROM results"),
            "aggregates": one("SELECT count(*) FROM aggregates"),
            "officials": one("SELECT count(*) FROM officials"),
            "agencies": one("SELECT count(DISTINCT agency) FROM results"),
            "evidence": one("SELECT count(*) FROM evidence"),
            "failures": one("SELECT count(*) FROM failures"),
        }
        top = [
            (f"{stage}/{error}", n)
            for stage, error, n in conn.execute(
                "SELECT stage, error, count(*) AS n FROM failures GROUP BY stage, error ORDER BY n DESC, stage, error LIMIT ?",
                [TOP_FAILURES],
            )
        ]
    finally:
        conn.close()
    return counts, top


def _card(name: str, source: dict[str, Any], counts: dict[str, int], top: list[tuple[str, int]],
          evaluation: dict[str, float] | None) -> str:
    """The dataset card (Markdown). Only reproducible facts: no dates, no timings."""
    lines = [
        f"# {name}: ITA results read from Thai government news",
        "",
        "Integrity and Transparency Assessment (ITA, การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ)",
        "results, group figures and officials, extracted with ita-extract "
        f"{__version__} from the PyThaiNLP thaigov-v2-corpus (thaigov.go.th news). Every value carries the",
        "sentence and character offsets it was read from (`evidence`).",
        "",
        "## Source",
        "",
        f"- corpus: `{source['name']}` ({source['kind']})",
        f"- checksum: `{source.get('sha256') or source.get('sha256_of_sha256sums')}`",
        "",
        "## Contents",
        "",
        "| table | rows | what a row is |",
        "| --- | --- | --- |",
    ]
    what = {
        "documents": "an article that mentions the assessment (url, title, published, event date, warnings)",
        "documents_text": "the cleaned article text every offset points into",
        "evidence": "a sentence span (doc, start, end) a value was read from",
        "results": "an agency's score and tier in a fiscal year (BE); `tier_derived` = 1 when the tier was computed from the score",
        "aggregates": "a group figure: average, rank, counts, pass rates, participants",
        "officials": "a person named in the article, with honorific and position",
        "failures": "an input that could not be parsed or extracted, with stage and reason",
    }
    for table in EXPORT_TABLES:
        lines.append(f"| `{table}` | {counts.get('rows_' + table, '')} | {what[table]} |")
    lines += [
        "",
        f"{counts.get('agencies', 0)} distinct agency strings (as written, abbreviations expanded; not yet",
        "reconciled to an agency registry). Each table is in `csv/` and `jsonl/`; `ita.db` holds them",
        "all plus views (`results_view`, …) and a Thai full-text index.",
        "",
        "## How far to trust it",
        "",
    ]
    if evaluation:
        lines += ["Scored against the project's gold annotations (`ita evaluate gold`):", "",
                  "| figure | value |", "| --- | --- |"]
        for key in sorted(evaluation):
            if "." not in key:  # all gold; the families' figures are keyed "<family>.<figure>"
                lines.append(f"| {key} | {evaluation[key]:.3f} |")
        lines.append("")
        lines.append("Every figure (all gold, and per family seeds / thaigov / web) is in `manifest.json`.")
    else:
        lines.append("No evaluation was run for this release.")
    lines += ["", "## Failures", ""]
    if top:
        lines += [f"- {reason}: {n}" for reason, n in top]
    else:
        lines.append("None.")
    lines += [
        "",
        "## Known limits",
        "",
        "- Rule-based extraction: read the gold figures above before relying on a field.",
        "- Agency names are the strings of the articles; one agency may appear under several names.",
        "- Fiscal years are Buddhist Era (BE = CE + 543), as the sources write them.",
        "",
        "## Reproduce",
        "",
        "```console",
        f"$ ita release --corpus {source['name']} --out DIR",
        "```",
        "",
        "The exports of two runs are byte-identical; `manifest.json` lists the sha256 of every file.",
        "",
    ]
    return "\n".join(lines)


def gold_figures(gold: Path) -> dict[str, float]:
    """``ita evaluate``'s floored figures on ``gold`` (all gold and per family)."""
    return ev.measured_figures(ev.run_evaluation(gold, None, extract=extract_paths))


def _peak_rss_mb() -> float:
    """Peak resident set of this process and of its finished children (worker processes), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def make_release(
    corpus: Path,
    out: Path,
    *,
    gold: Path | None = None,
    evaluate: Callable[[Path], dict[str, float]] | None = gold_figures,
    workers: int | None = None,
    progress: bool = False,
) -> ReleaseReport:
    """Run the corpus pipeline over ``corpus`` (folder or archive) into a fresh release folder
    under ``out`` and write the exports, the card and the manifest.

    ``evaluate(gold)`` gives the evaluation figures (``evaluate.measured_figures``); without
    ``gold`` none are recorded. An existing release folder of the same name is replaced.
    Raises ``CorpusNotFound`` (no such corpus), ``CrawlLocked``; failures of single articles
    are rows, not errors."""
    started = time.monotonic()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    name = release_name()
    folder = out / name
    source = source_checksum(corpus) if corpus.exists() else None
    definition = load_source(SOURCE)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    db_path = folder / DB_NAME
    scanned = [0]
    stats = crawl_corpus(definition, db_path=db_path, base_url=str(corpus), progress=progress,
                         workers=workers, scanned=scanned)
    # Fold the WAL into the file: the release is one self-contained SQLite file.
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    rows = export_tables(db_path, folder, corpus_root=str(corpus))
    counts, top = dataset_counts(db_path)
    counts = {"documents_scanned": scanned[0], "relevant_files": stats.fetched + stats.skipped,
              **counts, **{f"rows_{t}": n for t, n in rows.items()}}
    figures = evaluate(gold) if (evaluate is not None and gold is not None) else None
    assert source is not None  # crawl_corpus raised CorpusNotFound otherwise
    (folder / CARD).write_text(_card(name, source, counts, top, figures), encoding="utf-8")
    seconds = time.monotonic() - started
    report = ReleaseReport(folder=folder, counts=counts, top_failures=top, seconds=seconds,
                           peak_rss_mb=_peak_rss_mb())
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)
    manifest = {
        "name": name,
        "tool": {"name": "ita-extract", "version": __version__, "python": platform.python_version()},
        "source": source,
        "counts": counts,
        "top_failures": [{"reason": r, "count": n} for r, n in top],
        "evaluation": figures,
        "run": {"started_at": started_at, "seconds": round(seconds, 1), "peak_rss_mb": round(report.peak_rss_mb, 1),
                "workers": workers, "host": platform.node(), "crawl_failures": stats.failures},
        "files": {p.relative_to(folder).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256_file(p)} for p in files},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return report


def summary_line(report: ReleaseReport) -> str:
    c = report.counts
    out = io.StringIO()
    out.write(f"{c.get('documents_scanned', 0)} scanned, {c.get('ita_documents', 0)} ITA documents, "
              f"{c.get('results', 0)} results, {c.get('aggregates', 0)} aggregates, {c.get('officials', 0)} officials, "
              f"{c.get('agencies', 0)} agencies, {c.get('failures', 0)} failures in {report.seconds:.1f} s "
              f"(peak RSS {report.peak_rss_mb:.0f} MB) → {report.folder}")
    return out.getvalue()
