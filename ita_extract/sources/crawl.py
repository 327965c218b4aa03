"""Crawl a source into the dataset: discover → fetch politely → keep → parse → extract.

    crawl("thaigov", db_path=...)     Wayback captures of thaigov articles (live only with live=True)
    crawl("thaigov-corpus", ...)      an unpacked thaigov-v2-corpus directory, no HTTP
    fetch_and_parse(url)              one page → Article (``ita fetch``)
    reparse(db_path)                  stored pages → parse → extract again, no network

One loop drives a crawl: it takes rows from the frontier (articles first, discovery pages
when no article is waiting, so ``max_pages`` stops discovery early too), hands the fetches
to ``fetch.Fetcher`` (which enforces robots.txt, per-host rate and concurrency, global
concurrency, retries), and does every database write itself as each fetch completes, so
SQLite sees one writer and each transition is one transaction:

    fetch ok      → response row + frontier ``fetched``               (one transaction)
    article       → html.parse_page → build_article → extract (worker thread)
                  → document + ``done``                                  (one transaction)
    discovery     → response row + new frontier rows + ``done``          (one transaction)
    fetch failed  → error response row (if any) + ``failed`` with reason (one transaction)

A kill at any instant leaves each URL queued (fetched again), fetched (parsed from storage,
not fetched again) or done.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ita_extract import store
from ita_extract.definition import SourceDefinition, load_source, source_for_url
from ita_extract.errors import EmptyInput, FetchError, SoftNotFound, SourceDefinitionError
from ita_extract.extract.lexicon import topic_words
from ita_extract.fetch import Fetcher, FetchPolicy, fetch_page
from ita_extract.html import PageParts, parse_page
from ita_extract.models import Article, Failure, Page, Stage
from ita_extract.parse import build_article
from ita_extract.pipeline import extract_article
from ita_extract.sources import corpus
from ita_extract.sources import state as st
from ita_extract.sources.discover import Endpoints, article_doc, article_match, parse_discovery, seeds
from ita_extract.sources.runs import CrawlStats, recorded_run
from ita_extract.thai.dates import in_window

__all__ = ["CrawlStats", "crawl", "fetch_and_parse", "reparse"]

# Fetches kept in flight per unit of global concurrency: enough that every host's queue in
# the Fetcher is fed while the loop writes to SQLite, few enough that a kill loses little.
WINDOW_FACTOR = 2
# Fetched pages waiting for or in analysis before new fetches are held back (memory bound).
MAX_ANALYSING = 32
# Stub hops followed by fetch_and_parse (a stub pointing at a stub...).
MAX_STUB_HOPS = 3
# Seconds between progress lines on stderr.
PROGRESS_EVERY = 2.0


def _policy(source: SourceDefinition, policy: Any) -> Any:
    if policy is not None:
        return policy
    p = source.politeness
    overrides = {
        "per_host_rate": p.rate,
        "per_host_concurrency": p.concurrency,
        "timeout": p.timeout,
        "max_retries": p.max_retries,
    }
    return FetchPolicy(**{k: v for k, v in overrides.items() if v is not None})


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


def _content_type(page: Page) -> str | None:
    for k, v in page.headers.items():
        if k.lower() == "content-type":
            return v
    return None


def _relevant(source: SourceDefinition, text: str) -> bool:
    words = topic_words("relevance") if source.relevance is None else source.relevance
    return not words or any(word in text for word in words)


class _Progress:
    def __init__(self, enabled: bool, name: str) -> None:
        self.enabled = enabled
        self.name = name
        self.last = 0.0

    def update(self, stats: CrawlStats, db: Any, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        c = st.counts(db, self.name)
        _warn(
            f"crawl {self.name}: {stats.fetched} fetched, {stats.articles} articles, "
            f"{stats.failed} failed, {stats.skipped} skipped; queue {c['queued'] + c['fetched']}"
        )


@dataclass
class _Context:
    """What handling one page needs."""

    source: SourceDefinition
    ep: Endpoints
    db: Any
    run_id: int | None
    stats: CrawlStats
    since: dt.date | None = None
    until: dt.date | None = None
    follow_stubs: bool = True


def _fail(ctx: _Context, row: st.FrontierRow, failure: Failure, *, give_up: bool = False,
          attempted: bool = False) -> None:
    """Record ``failure`` for ``row``: the frontier mark and the failures row, together."""
    with ctx.db.atomic():
        st.mark(ctx.db, row.url, "failed", error=failure.error, attempted=attempted)
        if give_up:
            ctx.db.execute(
                "UPDATE crawl_frontier SET attempts = max(attempts, ?) WHERE url = ?",
                [ctx.source.max_attempts, row.url],
            )
        store.save_failure(ctx.db, failure, ctx.run_id)
    ctx.stats.count_failure(failure.error)


def _failure(row: st.FrontierRow, stage: Stage, exc: BaseException) -> Failure:
    return Failure.from_exception(stage, exc, doc=row.doc, source=row.url)


@dataclass
class _Outcome:
    """What the analysis of one article page decided (computed off the event loop)."""

    kind: str  # stub | soft_404 | not_relevant | out_of_window | failed | article
    parts: PageParts | None = None
    failure: Failure | None = None
    article: Article | None = None
    record: Any = None


def _analyse(source: SourceDefinition, row: st.FrontierRow, page: Page, since: dt.date | None,
             until: dt.date | None) -> _Outcome:
    """Parse and extract one stored article response; touches no database (so it can run
    in a worker thread while the event loop keeps fetching)."""
    try:
        parts = parse_page(page.body, url=page.final_url, content_type=_content_type(page), source=source)
    except Exception as e:  # a page the parser cannot read is a failed item, not a dead crawl
        return _Outcome("failed", failure=_failure(row, "parse", e))
    if parts.redirect_to:
        return _Outcome("stub", parts)
    if parts.is_soft_404:
        return _Outcome("soft_404", parts)
    if not _relevant(source, (parts.title or "") + "\n" + parts.body_text):
        return _Outcome("not_relevant", parts)
    if not parts.body_text.strip():
        return _Outcome("failed", failure=_failure(row, "parse", EmptyInput(f"{row.url}: no article text in the page")))
    doc = row.doc or article_doc(source, row.article_url or row.url)
    try:
        article = build_article(
            doc,
            title=parts.title,
            body=parts.body_text,
            url=row.article_url or row.url,
            date_text=parts.date_text,
            source_format="crawl",
            source_path=row.url,
            source_sha256=page.sha256,
        )
    except Exception as e:
        return _Outcome("failed", failure=_failure(row, "parse", e))
    if not in_window(article.published, since, until):
        return _Outcome("out_of_window", parts, article=article)
    try:
        record = extract_article(article)
    except Exception as e:
        return _Outcome("failed", failure=_failure(row, "extract", e))
    return _Outcome("article", parts, article=article, record=record)


def _apply(ctx: _Context, row: st.FrontierRow, outcome: _Outcome) -> None:
    """Write what ``_analyse`` decided: the document and the frontier mark, together."""
    source, db = ctx.source, ctx.db
    if outcome.kind == "failed":
        assert outcome.failure is not None
        _fail(ctx, row, outcome.failure)
    elif outcome.kind == "stub":
        assert outcome.parts is not None
        _handle_stub(ctx, row, outcome.parts)
    elif outcome.kind == "soft_404":
        alternates = list(row.meta.get("alternates", []))
        with db.atomic():
            if alternates and ctx.follow_stubs:
                # Another capture of the same article may hold it (Wayback).
                st.enqueue(
                    db,
                    source.name,
                    [
                        st.FrontierItem(
                            url=alternates[0],
                            kind="article",
                            article_url=row.article_url,
                            doc=row.doc,
                            meta={**row.meta, "alternates": alternates[1:]},
                        )
                    ],
                    unique_doc=False,
                )
            # A capture never changes: its soft 404 is final. A live site may recover.
            _fail(ctx, row, _failure(row, "fetch", SoftNotFound(row.url, f"{row.url}: the page says the article does not exist")),
                  give_up=ctx.ep.wayback is not None)
    elif outcome.kind in ("not_relevant", "out_of_window"):
        st.mark(db, row.url, "done", note=outcome.kind)
        ctx.stats.skipped += 1
    else:
        assert outcome.article is not None
        try:
            # The document and the done mark commit together: a kill between the two cannot
            # leave a stored document whose URL is still pending (or the reverse).
            with db.atomic():
                store.save_document(db, outcome.article, outcome.record, ctx.run_id)
                st.mark(db, row.url, "done", doc=outcome.article.doc, note="")
        except Exception as e:
            _fail(ctx, row, _failure(row, "store", e))
            return
        ctx.stats.articles += 1


def _handle_article(ctx: _Context, row: st.FrontierRow, page: Page) -> None:
    """A stored article response → parts → Article → extraction → store, inline."""
    _apply(ctx, row, _analyse(ctx.source, row, page, ctx.since, ctx.until))


def _handle_stub(ctx: _Context, row: st.FrontierRow, parts: PageParts) -> None:
    assert parts.redirect_to
    target = ctx.ep.original(parts.redirect_to)
    if ctx.ep.wayback:
        # Wayback answers /web/<ts>id_/<url> with its capture nearest to <ts>.
        fetch_url = ctx.ep.capture(row.meta.get("timestamp", "2"), target)
    else:
        fetch_url = ctx.ep.to_fetch(target)
    doc = article_doc(ctx.source, target) if article_match(ctx.source, target) else row.doc
    with ctx.db.atomic():
        if ctx.follow_stubs and fetch_url != row.url:
            st.enqueue(
                ctx.db,
                ctx.source.name,
                [st.FrontierItem(url=fetch_url, kind="article", article_url=target, doc=doc, meta={"stub": row.url})],
                unique_doc=False,
            )
        st.mark(ctx.db, row.url, "done", note=f"redirect_stub -> {target}")
    ctx.stats.skipped += 1


def _handle_discovery(ctx: _Context, row: st.FrontierRow, page: Page, *, fresh: bool) -> None:
    try:
        found = parse_discovery(
            row, page.body, ep=ctx.ep, content_type=_content_type(page), final_url=page.final_url,
            since=ctx.since, until=ctx.until,
        )
    except Exception as e:  # an unreadable listing/feed: kept, and failed with its reason
        with ctx.db.atomic():
            if fresh:
                st.save_response(ctx.db, row.url, page, source=ctx.source.name)
            _fail(ctx, row, _failure(row, "parse", e))
        return
    with ctx.db.atomic():
        if fresh:
            st.save_response(ctx.db, row.url, page, source=ctx.source.name)
        ctx.stats.discovered += st.enqueue(ctx.db, ctx.source.name, found.articles)
        st.enqueue(ctx.db, ctx.source.name, found.more)
        st.mark(ctx.db, row.url, "done")
    ctx.stats.skipped += found.skipped


class _Crawler:
    def __init__(self, ctx: _Context, *, policy: Any, max_pages: int | None, refresh: bool, progress: bool):
        self.ctx = ctx
        self.policy = policy
        self.max_pages = max_pages
        self.refresh = refresh
        self.progress = _Progress(progress, ctx.source.name)
        self.article_fetches = 0

    def _budget(self) -> int | None:
        return None if self.max_pages is None else self.max_pages - self.article_fetches

    def _next_rows(self, room: int, exclude: set[str]) -> list[st.FrontierRow]:
        db, name = self.ctx.db, self.ctx.source.name
        rows: list[st.FrontierRow] = []
        # Stored but not yet parsed: no network needed, not counted against max_pages.
        rows += [r for r in st.pending(db, name, kinds=["article"], exclude=exclude, limit=room) if r.status == "fetched"]
        budget = self._budget()
        room_articles = room - len(rows) if budget is None else min(room - len(rows), budget)
        if room_articles > 0:
            queued = [
                r for r in st.pending(db, name, kinds=["article"], exclude=exclude | {r.url for r in rows}, limit=room)
                if r.status == "queued"
            ][:room_articles]
            rows += queued
        if not rows and (budget is None or budget > 0):
            rows = st.pending(db, name, kinds=st.DISCOVERY_KINDS, exclude=exclude, limit=room)
        return rows

    async def _fetch(self, fetcher: Any, row: st.FrontierRow) -> Page | FetchError:
        if row.status == "fetched":
            page = st.latest_page(self.ctx.db, row.url)
            if page is not None:
                return page
        etag = last_modified = None
        if self.refresh:
            etag, last_modified = st.validators(self.ctx.db, row.url)
        try:
            return await fetcher.fetch(row.url, etag=etag, last_modified=last_modified)
        except FetchError as e:
            return e

    def _done(self, row: st.FrontierRow, result: Page | FetchError) -> Page | None:
        """Record a fetch's result; returns the page when it is an article to analyse."""
        ctx, db = self.ctx, self.ctx.db
        if isinstance(result, FetchError):
            error_page = getattr(result, "page", None)
            with db.atomic():
                # The error response is kept too (provenance); save_response counts the attempt.
                if isinstance(error_page, Page):
                    st.save_response(db, row.url, error_page, source=ctx.source.name)
                _fail(ctx, row, _failure(row, "fetch", result), attempted=not isinstance(error_page, Page))
            return None
        page = result
        fresh = row.status != "fetched"
        if fresh:
            ctx.stats.fetched += 1
        if page.status == 304:
            # Not modified: the stored response stands.
            st.mark(db, row.url, "done", attempted=True)
            ctx.stats.not_modified += 1
            ctx.stats.skipped += 1
            return None
        if row.kind == "article":
            if fresh:
                st.save_response(db, row.url, page, source=ctx.source.name)
            return page
        _handle_discovery(ctx, row, page, fresh=fresh)
        return None

    async def run(self) -> None:
        ctx = self.ctx
        loop = asyncio.get_running_loop()
        window = max(1, self.policy.global_concurrency * WINDOW_FACTOR)
        fetching: dict[asyncio.Future, st.FrontierRow] = {}
        analysing: dict[asyncio.Future, st.FrontierRow] = {}
        # Parsing and extraction (CPU, ~20 ms a page) run in one worker thread, so the
        # event loop keeps every host's request clock on time; only this thread writes to
        # SQLite. One thread: the extractor need not be thread-safe.
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ita-analyse")
        try:
            async with Fetcher(self.policy) as fetcher:
                try:
                    while True:
                        room = window - len(fetching)
                        if room > 0 and len(analysing) < MAX_ANALYSING:
                            busy = {r.url for r in fetching.values()} | {r.url for r in analysing.values()}
                            for row in self._next_rows(room, busy):
                                if row.kind == "article" and row.status == "queued":
                                    self.article_fetches += 1
                                fetching[asyncio.ensure_future(self._fetch(fetcher, row))] = row
                        if not fetching and not analysing:
                            break
                        done, _ = await asyncio.wait([*fetching, *analysing], return_when=asyncio.FIRST_COMPLETED)
                        for future in done:
                            if future in fetching:
                                row = fetching.pop(future)
                                page = self._done(row, future.result())
                                if page is not None:
                                    analysis = loop.run_in_executor(
                                        executor, _analyse, ctx.source, row, page, ctx.since, ctx.until
                                    )
                                    analysing[analysis] = row
                            else:
                                _apply(ctx, analysing.pop(future), future.result())
                        self.progress.update(ctx.stats, ctx.db)
                finally:
                    for future in fetching:
                        future.cancel()
                    if fetching:
                        await asyncio.gather(*fetching, return_exceptions=True)
        finally:
            # Pages whose analysis did not finish stay "fetched": the next run parses them.
            executor.shutdown(wait=True, cancel_futures=True)
        self.progress.update(ctx.stats, ctx.db, force=True)


def crawl(
    source: str,
    *,
    db_path: Path | str,
    since: dt.date | None = None,
    until: dt.date | None = None,
    max_pages: int | None = None,
    live: bool = False,
    refresh: bool = False,
    policy: Any = None,
    base_url: str | None = None,
    progress: bool = True,
) -> CrawlStats:
    """Crawl ``source`` (a pipeline name or .toml path) into the SQLite file ``db_path``.

    Re-running continues: done URLs are not fetched again unless ``refresh`` (then with
    conditional requests; Wayback captures never change and are not refreshed); failed
    URLs are retried up to the source's ``max_attempts``. ``base_url`` points the same
    code at another host (the Wayback base, or the site origin with ``live``; for a
    corpus source, the corpus directory). One crawl or reparse per database at a time:
    another one running on ``db_path`` raises ``CrawlLocked`` before anything is written.
    """
    definition = load_source(source)
    started = time.monotonic()
    if definition.kind == "corpus":
        return corpus.crawl_corpus(
            definition, db_path=Path(db_path), since=since, until=until, max_pages=max_pages,
            base_url=base_url, progress=progress,
        )
    if definition.site is None and base_url is None:
        raise SourceDefinitionError(
            f"{definition.name}: this definition names no site; give the site with --base-url URL"
        )
    if live and definition.access == "wayback" and definition.terms_warning:
        _warn(f"warning: {definition.terms_warning}")
    stats = CrawlStats()
    args = {
        "source": definition.name, "since": since, "until": until, "max_pages": max_pages,
        "live": live, "refresh": refresh, "base_url": base_url,
    }
    with recorded_run(db_path, command="crawl", args=args, stats=stats, started=started) as (db, run_id):
        ep = Endpoints.for_source(definition, live=live, base_url=base_url)
        ctx = _Context(definition, ep, db, run_id, stats, since=since, until=until)
        st.enqueue(db, definition.name, seeds(ep, since=since, until=until))
        st.requeue_failed(db, definition.name, definition.max_attempts)
        if refresh:
            st.requeue_done(db, definition.name, kinds=st.DISCOVERY_KINDS)
            if ep.wayback is None:
                st.requeue_done(db, definition.name, kinds=["article"])
        policy = _policy(definition, policy)
        asyncio.run(_Crawler(ctx, policy=policy, max_pages=max_pages, refresh=refresh, progress=progress).run())
    return stats


def fetch_and_parse(url: str, *, source: str | None = None, policy: Any = None) -> Article:
    """Fetch one page and parse it into an Article (``ita fetch URL``).

    ``source`` names a pipeline definition; by default the one whose hosts include the
    URL's host, else generic extraction. JS/meta-refresh stubs are followed; a soft 404
    raises ``SoftNotFound``.
    """
    definition = load_source(source) if source else source_for_url(url)
    current = url
    for _ in range(MAX_STUB_HOPS + 1):
        page = fetch_page(current, policy)
        parts = parse_page(page.body, url=page.final_url, content_type=_content_type(page), source=definition)
        if parts.redirect_to and parts.redirect_to != current:
            current = parts.redirect_to
            continue
        break
    else:
        raise SoftNotFound(url, f"{url}: more than {MAX_STUB_HOPS} redirect stubs")
    if parts.is_soft_404:
        raise SoftNotFound(url)
    if definition is not None:
        doc = article_doc(definition, current)
    else:
        doc = "url-" + hashlib.sha256(current.encode()).hexdigest()[:16]
    return build_article(
        doc, title=parts.title, body=parts.body_text, url=current, date_text=parts.date_text, source_format="crawl",
        source_path=current, source_sha256=page.sha256,
    )


def reparse(db_path: Path | str, *, source: str | None = None, progress: bool = False) -> CrawlStats:
    """Parse and extract every stored article response again, without fetching.

    For researchers who change a selector or the extractor: the crawl's raw responses
    (``crawl_pages``) are the input, the documents are replaced in place.
    """
    stats = CrawlStats()
    started = time.monotonic()
    definitions: dict[str, SourceDefinition] = {}
    if source is not None:
        definitions[source] = load_source(source)  # UnknownSource before touching the database
    with recorded_run(db_path, command="reparse", args={"source": source}, stats=stats, started=started) as (db, run_id):
        for row, page in st.stored_articles(db, source):
            if not 200 <= page.status < 300:
                continue
            if row.source not in definitions:
                definitions[row.source] = load_source(row.source)
            definition = definitions[row.source]
            ep = Endpoints.for_source(definition, live=False, base_url=None)
            ctx = _Context(definition, ep, db, run_id, stats, follow_stubs=False)
            _handle_article(ctx, row, page)
            if progress:
                _Progress(True, row.source).update(stats, db)
    return stats
