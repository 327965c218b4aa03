"""The ``ita`` command: a thin layer over the library; each command calls one function.

Data goes to stdout and files; progress and one-line errors to stderr. Exit codes:
0 all good, 1 some inputs failed (or a floor was missed), 2 bad usage.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from ita_extract import __version__

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="ita-extract: Thai government news about the ITA integrity assessment → SQLite.\n\n"
    "Example:\n\n    ita extract gold/docs --db ita.db --jsonl ita.jsonl",
)


class _Stderr:
    """rich's Console on stderr, built when a command first prints: ``ita --help`` and
    ``--version`` start without importing rich (~40 ms of ~110 ms)."""

    _console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._console

    def print(self, *objects: Any, **kwargs: Any) -> None:
        self.console.print(*objects, **kwargs)


err = _Stderr()

DEFAULT_GOLD = Path("gold")
# Show a progress bar only when there is enough work for it to be worth watching.
PROGRESS_MIN_FILES = 20


def _version(value: bool) -> None:
    if value:
        print(f"ita-extract {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False,
) -> None:
    """ita-extract: Thai government news about the ITA integrity assessment → SQLite."""


def _progress(total: int) -> Progress | None:
    if total < PROGRESS_MIN_FILES or not sys.stderr.isatty():
        return None
    # rich's progress bar is imported only when one is shown
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=err.console, transient=True)


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help=".txt or .html files, or directories of them.", exists=True)],
    db: Annotated[Path | None, typer.Option("--db", help="SQLite file to write (created if absent).")] = None,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", help="Write one JSON object per document ('-' for stdout).")] = None,
    max_bytes: Annotated[int | None, typer.Option(min=1, help="Largest input accepted, in bytes (default and ceiling: the pipeline's limit, parse.MAX_INPUT_BYTES).")] = None,
) -> None:
    """Extract ITA results, aggregates, officials and dates from article files.

    The document id is the file stem. Inputs that cannot be read are reported one line
    each on stderr and recorded in the failures table; the run goes on, and the exit code
    is 1 when any input failed.

    Example:

        ita extract gold/docs --db ita.db --jsonl ita.jsonl
    """
    from ita_extract.errors import ItaError
    from ita_extract.parse import MAX_INPUT_BYTES
    from ita_extract.pipeline import iter_input_files, run_extract

    if max_bytes is None or max_bytes > MAX_INPUT_BYTES:
        max_bytes = MAX_INPUT_BYTES
    files = list(iter_input_files(paths))
    if not files:
        _fail(f"no .txt or .html files in {', '.join(map(str, paths))}: nothing to extract")
    out = None
    if jsonl is not None:
        try:
            out = sys.stdout if str(jsonl) == "-" else jsonl.open("w", encoding="utf-8")
        except OSError as e:
            _fail(f"cannot write --jsonl {jsonl}: {e.strerror or e}")
    progress = _progress(len(files))
    task = None
    if progress is not None:
        progress.start()
        task = progress.add_task("extracting", total=len(files))

    def tick(_path: Path) -> None:
        if progress is not None:
            progress.advance(task)

    def failed(f) -> None:
        message = f.message if f.message.startswith(f.source) else f"{f.source}: {f.message}"
        err.print(f"failed: {message} [{f.stage}]", markup=False)

    try:
        summary = run_extract(files, db_path=db, jsonl=out, max_bytes=max_bytes, on_progress=tick,
                              on_failure=failed, command_args={"paths": [str(p) for p in paths], "jsonl": str(jsonl) if jsonl else None})
    except ItaError as e:  # the database cannot be used (not SQLite, a folder, a newer schema)
        _fail(str(e))
    finally:
        if progress is not None:
            progress.stop()
        if out is not None and out is not sys.stdout:
            out.close()
    err.print(
        f"{summary.documents} documents, {summary.results} results, {summary.aggregates} aggregates, "
        f"{summary.officials} officials, {len(summary.failures)} failures" + (f" → {db}" if db else "")
    )
    if summary.failures:
        raise typer.Exit(1)


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold directory (JSONL + docs/ + SHA256SUMS + floors.toml).")] = DEFAULT_GOLD,
    pred: Annotated[Path | None, typer.Option("--pred", help="Score this JSONL instead of running extraction.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    details: Annotated[bool, typer.Option("--details", help="List every missed and spurious item per document.")] = False,
    update_floors: Annotated[bool, typer.Option("--update-floors", help="Pin the floors to what is measured now.")] = False,
    allow_lower: Annotated[bool, typer.Option("--allow-lower-floors", help="Let --update-floors lower a floor.")] = False,
    annotations: Annotated[Path | None, typer.Option("--annotations", help="Score only this annotation file (e.g. a new batch in gold/annotations/); floors are not checked.")] = None,
) -> None:
    """Score extraction against the gold annotations; exit 1 when a figure is below its floor.

    Matching follows gold/GUIDELINES.md: results on agency, score and assessment;
    aggregates on metric, value and tier; officials on name. strict_micro also needs the
    fiscal year and an aggregate's scope. Figures are given for all gold and per family
    (seeds, thaigov, web). Floors are pinned in gold/floors.toml; lowering one needs
    --update-floors --allow-lower-floors.

    Example:

        ita evaluate gold --details
        ita evaluate gold --annotations gold/annotations/web_a.jsonl
    """
    from ita_extract import evaluate as ev
    from ita_extract.errors import GoldError
    from ita_extract.pipeline import extract_paths

    if not gold.is_dir():
        _fail(f"no gold folder at {gold.resolve()} (run from the repository, or name it: ita evaluate PATH/TO/gold)")
    try:
        sets = ev.run_evaluation(gold, pred, extract=extract_paths, only=annotations)
        floors = ev.load_floors(gold / "floors.toml") if (gold / "floors.toml").exists() and not annotations else {}
    except GoldError as e:
        err.print(f"gold does not validate: {e}")
        raise typer.Exit(2) from None
    except (OSError, ValueError) as e:  # a missing or malformed --pred file or floors.toml
        err.print(f"cannot evaluate: {e}")
        raise typer.Exit(2) from None
    floors_path = gold / "floors.toml"
    if update_floors:
        try:
            if annotations:
                raise ValueError("--update-floors pins the whole gold set; drop --annotations")
            changes = ev.update_floors(floors_path, ev.measured_figures(sets), allow_lower=allow_lower)
        except ValueError as e:
            err.print(str(e))
            raise typer.Exit(1) from None
        for line in changes:
            err.print(f"floor {line}")
    if as_json:
        print(json.dumps({name: s.to_dict() for name, s in sets.items()}, ensure_ascii=False, indent=1))
    else:
        print(ev.format_report(sets))
        if details:
            print(json.dumps(sets[ev.ALL].to_dict().get("details", {}), ensure_ascii=False, indent=1))
    if update_floors:
        floors = ev.load_floors(floors_path)
    below = ev.check_floors(sets, floors)
    for line in below:
        err.print(f"below floor: {line}")
    if below:
        raise typer.Exit(1)


@app.command()
def train(
    gold: Annotated[Path, typer.Argument(help="Gold directory to train on (all of it).")] = DEFAULT_GOLD,
    out: Annotated[Path | None, typer.Option("--out", help="Where to save the model (default: the one the package ships).")] = None,
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, help="Passes over the training lines (default: ner.EPOCHS).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed and gold: same model).")] = 0,
) -> None:
    """Train the NER that can run beside the rules (ITA_NER=1) on the gold spans.

    Example:

        ita train gold
    """
    from ita_extract import evaluate as ev
    from ita_extract.errors import GoldError
    from ita_extract.extract import ner

    try:
        records = ev.load_gold(gold)
    except GoldError as e:
        err.print(f"gold does not validate: {e}")
        raise typer.Exit(2) from None
    items, skipped = ner.read_items((ev.doc_path(gold, r.doc), r) for r in records)  # type: ignore[misc]
    info = ner.timed_train(items, out or ner.MODEL_DIR, epochs=epochs or ner.EPOCHS, seed=seed, log=err.print)
    err.print(f"trained on {info['documents']} documents ({len(skipped)} skipped: {', '.join(skipped)}) "
              f"in {info['seconds']} s → {out or ner.MODEL_DIR}")
    print(json.dumps(info["alignment"], ensure_ascii=False, indent=1))


@app.command()
def crawl(
    source: Annotated[str, typer.Argument(help="A pipeline name in pipelines/ (thaigov, thaigov-corpus, prd, nacc-itas, provincial) or a TOML path.")],
    since: Annotated[str | None, typer.Option(help="Only articles on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Only articles on or before this date (YYYY-MM-DD).")] = None,
    max_pages: Annotated[int | None, typer.Option(min=1, max=10**9, help="Stop after fetching this many pages.")] = None,
    db: Annotated[Path, typer.Option("--db", help="SQLite file: crawl state, raw pages and events.")] = Path("ita.db"),
    live: Annotated[bool, typer.Option("--live", help="Fetch thaigov.go.th itself instead of Wayback captures (its terms forbid scraping).")] = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Refetch pages already fetched, with conditional requests.")] = False,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Point the source at another host or directory (mirrors, tests).")] = None,
) -> None:
    """Discover, fetch politely, parse and extract articles from a news source.

    Re-running continues where the last run stopped and fetches nothing already fetched.

    Example:

        ita crawl nacc-itas --since 2023-01-01 --max-pages 50 --db ita.db
    """
    from ita_extract.errors import ItaError
    from ita_extract.sources.crawl import crawl as run_crawl

    try:
        stats = run_crawl(source, db_path=db, since=_date(since), until=_date(until), max_pages=max_pages,
                          live=live, refresh=refresh, base_url=base_url, progress=sys.stderr.isatty())
    except ItaError as e:
        _fail(f"crawl {source}: {e}")
    _print_stats(stats, db)
    if stats.failed:
        raise typer.Exit(1)


# `ita release`'s corpus in a checkout: the shared archive beside the repository.
DEFAULT_CORPUS = Path("../shared/corpus/thaigov-v2-corpus.tar.zst")


@app.command()
def release(
    corpus: Annotated[Path, typer.Option("--corpus", help="thaigov-v2-corpus: an unpacked folder or the .tar.zst.")] = DEFAULT_CORPUS,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the release folder into.")] = Path("dist"),
    gold: Annotated[Path, typer.Option("--gold", help="Gold folder whose evaluation goes into the manifest.")] = DEFAULT_GOLD,
    no_evaluate: Annotated[bool, typer.Option("--no-evaluate", help="Record no evaluation figures.")] = False,
    workers: Annotated[int | None, typer.Option(help="Extraction processes (default: cores - 1).")] = None,
) -> None:
    """Run the pipeline over the whole corpus and write a versioned release folder: the
    SQLite file, CSV and JSONL exports of every table, a dataset card and a manifest
    (checksums, counts, evaluation figures, sha256 of every file). Exports are byte-identical
    from one run to the next.

    Example:

        ita release --corpus ../shared/corpus/thaigov-v2-corpus.tar.zst --out dist
    """
    from ita_extract.errors import GoldError, ItaError
    from ita_extract.release import make_release, summary_line

    if not corpus.exists():
        err.print(f"release: no corpus at {corpus} (give --corpus DIR_OR_TAR)")
        raise typer.Exit(2)
    if not no_evaluate and not gold.is_dir():
        err.print(f"release: no gold folder at {gold} (give --gold DIR, or --no-evaluate)")
        raise typer.Exit(2)
    try:
        report = make_release(corpus, out, gold=None if no_evaluate else gold, workers=workers, progress=sys.stderr.isatty())
    except (ItaError, GoldError) as e:
        err.print(f"release: {e}")
        raise typer.Exit(2) from None
    err.print(summary_line(report))


@app.command()
def plots(
    out: Annotated[Path, typer.Argument(help="Folder to save the PNG files in.")],
    db: Annotated[Path, typer.Option("--db", help="The dataset (an ita release's ita.db, or any ita SQLite file).")] = Path("ita.db"),
    gold: Annotated[Path | None, typer.Option("--gold", help="Also plot the gold evaluation of what the file holds.")] = None,
) -> None:
    """Save the notebooks' figures as PNG: tiers per fiscal year, scores by agency type, the
    largest year-over-year changes, national averages as reported (and, with --gold, the
    gold evaluation per field and family).

    Example:

        ita plots docs/figures --db dist/ita-thaigov-0.1.0/ita.db --gold gold
    """
    from ita_extract.errors import GoldError, ItaError
    from ita_extract.plots import save_all

    try:
        saved = save_all(out, _existing_db(db), gold=gold)
    except (ItaError, GoldError) as e:
        err.print(f"plots: {e}")
        raise typer.Exit(2) from None
    for path in saved:
        print(path)


@app.command()
def warc(
    paths: Annotated[list[str], typer.Argument(help="WARC or ARC files (.warc, .warc.gz, .arc.gz) or globs.")],
    db: Annotated[Path, typer.Option("--db", help="SQLite file to write (created if absent).")] = Path("ita.db"),
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="An existing Dask cluster (tcp://HOST:PORT); default: a LocalCluster.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes of the LocalCluster.")] = 2,
) -> None:
    """Read web archives on Dask: workers keep the Thai pages about the assessment, parse and
    extract them; one writer stores them with their WARC provenance. A rerun skips the files
    already done; a file whose worker died is retried.

    Example:

        ita warc 'crawls/*.warc.gz' --db ita.db --workers 2
    """
    from ita_extract.errors import ItaError
    from ita_extract.warc import run_warc

    try:
        stats = run_warc(paths, db_path=db, scheduler=scheduler, workers=workers, progress=sys.stderr.isatty())
    except ItaError as e:
        err.print(f"warc: {e}")
        raise typer.Exit(2) from None
    failures = ", ".join(f"{reason} {n}" for reason, n in sorted(stats.failures.items()))
    err.print(
        f"{stats.files} files ({stats.skipped_files} already done, {stats.failed_files} failed), {stats.records} records, "
        f"{stats.html} HTML, {stats.relevant} relevant, {stats.documents} documents, {stats.failed} failed"
        + (f" ({failures})" if failures else "")
        + f" in {stats.seconds:.1f} s ({stats.cluster_seconds:.1f} s starting the cluster; "
        f"{stats.records_per_second:.0f} records/s on {stats.workers} workers"
        + (f", worker peak RSS {max(stats.worker_peak_rss_mb.values()):.0f} MB" if stats.worker_peak_rss_mb else "")
        + f") → {db}"
    )
    if stats.failed:
        raise typer.Exit(1)


def _print_stats(stats, db: Path) -> None:
    failures = ", ".join(f"{reason} {n}" for reason, n in sorted(stats.failures.items()))
    err.print(
        f"{stats.discovered} discovered, {stats.fetched} fetched, {stats.skipped} skipped, "
        f"{stats.not_modified} not modified, {stats.articles} articles, {stats.failed} failed"
        + (f" ({failures})" if failures else "") + f" in {stats.seconds:.1f} s → {db}"
    )


@app.command()
def reparse(
    db: Annotated[Path, typer.Option("--db", help="SQLite file holding a crawl's raw pages.")] = Path("ita.db"),
    source: Annotated[str | None, typer.Option(help="Only pages of this pipeline.")] = None,
) -> None:
    """Re-parse and re-extract every stored page of a crawl, without fetching anything.

    Use it after changing the rules or a pipeline's selectors.

    Example:

        ita reparse --db ita.db
    """
    from ita_extract.errors import ItaError
    from ita_extract.sources.crawl import reparse as run_reparse

    try:
        stats = run_reparse(_existing_db(db), source=source, progress=sys.stderr.isatty())
    except ItaError as e:
        _fail(f"reparse: {e}")
    if not stats.fetched and not stats.articles and not stats.failed:
        err.print(f"reparse: no stored pages{f' of {source}' if source else ''} in {db}")
    _print_stats(stats, db)
    if stats.failed:
        raise typer.Exit(1)


@app.command()
def fetch(
    urls: Annotated[list[str], typer.Argument(help="Page URLs.")],
    source: Annotated[str | None, typer.Option(help="Pipeline whose selectors to use (default: by URL, else generic).")] = None,
) -> None:
    """Fetch pages politely and print each parsed article as JSON.

    Example:

        ita fetch https://itas.nacc.go.th/home/detailnews/123
    """
    from ita_extract.errors import ItaError
    from ita_extract.sources.crawl import fetch_and_parse

    failed = 0
    for url in urls:
        try:
            article = fetch_and_parse(url, source=source)
        except ItaError as e:
            err.print(f"failed {url}: {e}")
            failed += 1
            continue
        print(article.model_dump_json())
    if failed:
        raise typer.Exit(1)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Thai words or phrases; space-separated parts must all match.")],
    db: Annotated[Path, typer.Option("--db", help="SQLite file written by extract or crawl.")] = Path("ita.db"),
    limit: Annotated[int, typer.Option(min=1, max=10**6, help="Most rows to show.")] = 20,
    trigram: Annotated[bool, typer.Option("--trigram", help="Substring search (parts of 3 characters or more) instead of the Thai word index.")] = False,
) -> None:
    """Full-text search over titles, texts and evidence sentences, best first (bm25), one
    JSON object a line with a highlighted [snippet].

    The query is segmented into Thai syllables as the index is, so two-character words
    (ผล, ปี) are found; each space-separated part is one phrase. The database is opened
    read-only: documents stored since the last `ita index` are not searched (a line says
    how many).

    Example:

        ita search "ผล ITA ลำพูน" --db ita.db
    """
    from ita_extract import search as fts
    from ita_extract import store
    from ita_extract.errors import ItaError, QueryError

    try:
        database = store.open_db(_existing_db(db), readonly=True)  # a reader never writes
    except ItaError as e:
        _fail(str(e))
    try:
        behind = fts.stale(database)
        if behind:
            err.print(f"{behind} stored documents are not in the search index yet: `ita index --db {db}` adds them",
                      markup=False)
        for row in fts.search(database, query, limit=limit, engine="trigram" if trigram else "thai"):
            print(json.dumps(row, ensure_ascii=False))
    except QueryError as e:
        _fail(str(e))
    finally:
        database.close()


@app.command()
def index(
    db: Annotated[Path, typer.Option("--db", help="SQLite file written by extract or crawl.")] = Path("ita.db"),
) -> None:
    """Bring the full-text indexes up to date (the documents not indexed yet, in bulk).

    Example:

        ita index --db ita.db
    """
    from ita_extract import search as fts
    from ita_extract import store
    from ita_extract.errors import ItaError

    try:
        database = store.open_db(_existing_db(db))
    except ItaError as e:
        _fail(str(e))
    try:
        n = fts.refresh(database)
    finally:
        database.close()
    err.print(f"{n} documents indexed → {db}")


agencies_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                            help="The agency registry: one agency one row (built from the stored results).")
app.add_typer(agencies_app, name="agencies")


def _open_registry(db: Path):
    """The database with its registry and full-text indexes up to date."""
    from ita_extract import registry, store
    from ita_extract import search as fts

    database = store.open_db(_existing_db(db))
    fts.refresh(database)
    registry.ensure(database)
    return database


@agencies_app.command("build")
def agencies_build(
    db: Annotated[Path, typer.Option("--db", help="SQLite file written by extract or crawl.")] = Path("ita.db"),
) -> None:
    """Rebuild the registry (agencies, aliases, events, people) and print its counts as JSON.

    Example:

        ita agencies build --db ita.db
    """
    from ita_extract import registry, store

    database = store.open_db(_existing_db(db))
    try:
        print(json.dumps(registry.build(database), ensure_ascii=False))
    finally:
        database.close()


@agencies_app.command("explain")
def agencies_explain(
    name: Annotated[str, typer.Argument(help="An agency name, alias or abbreviation.")],
    db: Annotated[Path, typer.Option("--db", help="SQLite file written by extract or crawl.")] = Path("ita.db"),
) -> None:
    """Say which agency a name is and why: the merge key, the rules, every alias.

    Corrections go in ita_extract/registry/overrides.toml.

    Example:

        ita agencies explain "ธ.ก.ส." --db ita.db
    """
    from ita_extract import registry
    from ita_extract.errors import QueryError

    database = _open_registry(db)
    try:
        print(registry.explain(database, name))
    except QueryError as e:
        _fail(str(e))
    finally:
        database.close()


FORMATS = ("table", "csv", "json")


@app.command()
def query(
    agency: Annotated[str | None, typer.Option(help="Agency name, alias or abbreviation (ธ.ก.ส.).")] = None,
    agency_type: Annotated[str | None, typer.Option(help="ministry, department, province, provincial office, local government, bank, university, hospital, ...")] = None,
    province: Annotated[str | None, typer.Option(help="Province, Thai (ลำพูน).")] = None,
    tier: Annotated[str | None, typer.Option(help="AA, A, B, C, D, E, F.")] = None,
    stated_only: Annotated[bool, typer.Option("--stated-only", help="Only tiers the article states (not derived from the score).")] = False,
    score_min: Annotated[float | None, typer.Option(help="Lowest score.")] = None,
    score_max: Annotated[float | None, typer.Option(help="Highest score.")] = None,
    fiscal_year: Annotated[int | None, typer.Option(help="Fiscal year, BE (2566) or CE (2023).")] = None,
    since: Annotated[str | None, typer.Option(help="First reported on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="First reported on or before (YYYY-MM-DD).")] = None,
    assessment: Annotated[str | None, typer.Option(help="ITA or MORAL_ORG.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json (a JSON array).")] = "table",
    limit: Annotated[int | None, typer.Option(help="Most rows.")] = None,
    db: Annotated[Path, typer.Option("--db", help="SQLite file written by extract or crawl.")] = Path("ita.db"),
) -> None:
    """Results (one row per result, however many articles reported it), filtered; every row
    with its source url and evidence sentence.

    Example:

        ita query --province ลำพูน --fiscal-year 2566 --format csv --db ita.db
    """
    from ita_extract import query as q
    from ita_extract.errors import QueryError

    if fmt not in FORMATS:
        err.print(f"--format is one of {', '.join(FORMATS)}, not {fmt!r}")
        raise typer.Exit(2)
    database = _open_registry(db)
    try:
        rows = q.query(database, agency=agency, agency_type=agency_type, province=province, tier=tier,
                       stated_only=stated_only, score_min=score_min, score_max=score_max, fiscal_year=fiscal_year,
                       since=_date(since), until=_date(until), assessment=assessment, limit=limit)
    except QueryError as e:
        _fail(str(e))
    finally:
        database.close()
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        sys.stdout.write(q.to_csv(rows))
    else:
        from rich.table import Table

        table = Table(show_lines=False)
        for column in ("agency", "province", "fiscal_year_be", "assessment", "score", "tier", "mentions", "url", "evidence"):
            table.add_column(column, overflow="fold")
        for row in rows:
            tier_text = (row["tier"] or "") + ("*" if row["tier_derived"] else "")
            table.add_row(row["agency"], row["province"] or "", str(row["fiscal_year_be"] or ""), row["assessment"],
                          "" if row["score"] is None else f"{row['score']:.2f}", tier_text, str(row["mentions"]),
                          row["url"] or "", (row["evidence"] or "")[:160])
        from rich.console import Console

        Console(highlight=False).print(table)
        err.print(f"{len(rows)} results (* = tier derived from the score)")


@app.command()
def export(
    tables: Annotated[list[str], typer.Argument(help="Tables or views (events, agencies, results_view, ...).")],
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl (parquet is not supported).")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="Directory for TABLE.csv/.jsonl files (default: stdout).")] = None,
    db: Annotated[Path, typer.Option("--db", help="SQLite file written by extract or crawl.")] = Path("ita.db"),
) -> None:
    """Write whole tables as CSV or JSON lines, to stdout or one file each in --out.

    Example:

        ita export events agencies --format csv --out export/ --db ita.db
    """
    from ita_extract import query as q
    from ita_extract.errors import QueryError

    database = _open_registry(db)
    try:
        for table in tables:
            if out is None:
                n = q.export(database, table, fmt, sys.stdout)
            else:
                out.mkdir(parents=True, exist_ok=True)
                with (out / f"{table}.{fmt}").open("w", encoding="utf-8", newline="") as f:
                    n = q.export(database, table, fmt, f)
            err.print(f"{table}: {n} rows" + (f" → {out / f'{table}.{fmt}'}" if out else ""))
    except QueryError as e:
        _fail(str(e))
    finally:
        database.close()


@app.command()
def serve(
    db: Annotated[Path, typer.Argument(help="SQLite file written by extract or crawl.")] = Path("ita.db"),
    port: Annotated[int, typer.Option(help="Port.")] = 8001,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    evaluation: Annotated[Path | None, typer.Option(help="Figures from `ita evaluate --json` to show (default: gold/floors.toml).")] = None,
) -> None:
    """Browse the database in Datasette, read-only: facets, canned queries, Thai search.

    The search indexes and the agency registry are brought up to date first. The
    database is served under its file stem (ita.db at /ita).

    Example:

        ita serve ita.db --port 8001
    """
    from ita_extract import serve as ds

    path = _existing_db(db)
    try:
        ds.prepare(path)
    except Exception as e:  # noqa: BLE001 - a read-only file can still be served as it is
        err.print(f"cannot update the indexes of {path} ({e}); serving it as it is")
    err.print(f"serving {path} at http://{host}:{port}/{path.stem} (Ctrl-C to stop)")
    ds.serve(path, host=host, port=port, evaluation=evaluation)


@app.command()
def card(
    db: Annotated[Path, typer.Argument(help="SQLite file written by extract or crawl.")] = Path("ita.db"),
    out: Annotated[Path | None, typer.Option("--out", help="Directory for DB.card.md and DB.card.json (default: Markdown to stdout).")] = None,
    evaluation: Annotated[Path | None, typer.Option(help="Figures from `ita evaluate --json` (default: gold/floors.toml).")] = None,
) -> None:
    """Write the datasheet of a database: sources and crawl dates, counts, version,
    evaluation figures, field definitions, known limits, how to cite.

    Example:

        ita card ita.db --out .
    """
    from ita_extract import card as datasheet

    database = _open_registry(db)
    try:
        sheet = datasheet.datasheet(database, db, evaluation)
    finally:
        database.close()
    text = datasheet.markdown(sheet)
    if out is None:
        sys.stdout.write(text)
        return
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{db.stem}.card.md").write_text(text, encoding="utf-8")
    (out / f"{db.stem}.card.json").write_text(json.dumps(sheet, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    err.print(f"datasheet → {out / (db.stem + '.card.md')}, {out / (db.stem + '.card.json')}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of one `ita extract --jsonl` line.

    Example:

        ita schema > document.schema.json
    """
    from ita_extract.models import document_json_schema

    print(json.dumps(document_json_schema(), ensure_ascii=False, indent=2))


def _fail(message: str) -> NoReturn:
    """A user error: one line on stderr, exit 2."""
    err.print(" ".join(message.split()), markup=False)
    raise typer.Exit(2)


def _existing_db(path: Path) -> Path:
    """A database that must exist already (reading commands must not create an empty one)."""
    if path.is_dir():
        _fail(f"{path}: is a directory, not a database file")
    if not path.is_file():
        _fail(f"no database at {path} (run `ita extract ... --db {path}` or `ita crawl ... --db {path}` first)")
    return path


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a YYYY-MM-DD date") from None


def run(argv: list[str] | None = None) -> int:
    """Run ``ita`` with ``argv`` and return the exit code. Usage errors (a bad option value,
    a missing argument) are one line on stderr and exit 2, like every user error."""
    # typer vendors click: its UsageError is the base of the public typer.BadParameter.
    usage_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
    try:
        result = app(args=argv, prog_name="ita", standalone_mode=False)
    except usage_error as e:
        ctx = getattr(e, "ctx", None)
        if type(e).__name__ == "NoArgsIsHelpError" and ctx is not None:
            err.print(ctx.get_help(), markup=False)
            return 2
        command = ctx.command_path if ctx is not None else "ita"
        err.print(f"{command}: " + " ".join(e.format_message().split()), markup=False)
        return 2
    except typer.Exit as e:
        return e.exit_code
    except typer.Abort:
        err.print("aborted")
        return 130
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
