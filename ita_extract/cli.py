"""The ``ita`` command: a thin layer over the library; each command calls one function.

Data goes to stdout and files; progress and one-line errors to stderr. Exit codes:
0 all good, 1 some inputs failed (or a floor was missed), 2 bad usage.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ita_extract import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="ita-extract: Thai government news about the ITA integrity assessment → SQLite.\n\n"
    "Example:\n\n    ita extract gold/docs --db ita.db --jsonl ita.jsonl",
)
err = Console(stderr=True, highlight=False, soft_wrap=True)

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
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=err, transient=True)


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
    query: Annotated[str, typer.Argument(help="Thai text to find (3 characters or more).")],
    db: Annotated[Path, typer.Option("--db", help="SQLite file written by extract or crawl.")] = Path("ita.db"),
    limit: Annotated[int, typer.Option(min=1, max=10**6, help="Most rows to show.")] = 20,
) -> None:
    """Full-text search over the stored articles (Thai substring search).

    Example:

        ita search "สำนักงานอุตสาหกรรม" --db ita.db
    """
    from ita_extract import store
    from ita_extract.errors import ItaError

    try:
        database = store.open_db(_existing_db(db), readonly=True)
    except ItaError as e:
        _fail(str(e))
    try:
        for row in store.search(database, query, limit=limit):
            print(json.dumps(row, ensure_ascii=False))
    except store.QueryTooShort as e:
        _fail(str(e))
    finally:
        database.close()


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
