"""What the crawl and corpus runners share: their stats, and a run under the crawl lock.

Both record runs with ``store.recorded_run`` (as ``ita extract`` does), here wrapped in the
database's crawl lock.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ita_extract import store
from ita_extract.sources import state as st

__all__ = ["CrawlStats", "recorded_run"]


@dataclass
class CrawlStats:
    """What one run did. ``fetched``: responses received in this run (discovery pages
    included); ``articles``: documents extracted and stored; ``skipped``: pages kept but not
    extracted (not relevant, outside --since/--until, redirect stubs, 304 Not Modified);
    ``failed``: URLs that failed this run, by reason in ``failures``."""

    discovered: int = 0
    fetched: int = 0
    skipped: int = 0
    failed: int = 0
    articles: int = 0
    seconds: float = 0.0
    not_modified: int = 0
    failures: dict[str, int] = field(default_factory=dict)

    def count_failure(self, reason: str) -> None:
        self.failed += 1
        self.failures[reason] = self.failures.get(reason, 0) + 1


@contextmanager
def recorded_run(
    db_path: Path | str, *, command: str, args: dict[str, Any], stats: CrawlStats, started: float
) -> Iterator[tuple[Any, int]]:
    """``(db, run_id)`` for one crawl or reparse of ``db_path``, under the database's crawl
    lock (``state.exclusive``: a second run on the same file raises ``CrawlLocked``), with
    the run bookkeeping of ``store.recorded_run`` (status, rollback) and the stats' counts.

    Runs left ``running`` by a killed crawl or reparse are marked ``interrupted`` (the lock
    proves they are dead). The database is closed whatever happens.
    """
    with st.exclusive(db_path, command):
        db = store.open_db(db_path)
        try:
            st.ensure_schema(db)
            with db.atomic():
                db.execute(
                    "UPDATE runs SET status = 'interrupted' WHERE status = 'running' AND command IN ('crawl', 'reparse')"
                )
            with store.recorded_run(
                db, command=command, args={k: v for k, v in args.items() if v not in (None, False)}
            ) as run:
                try:
                    yield db, run.id
                finally:
                    stats.seconds = time.monotonic() - started
                    run.documents, run.failures = stats.articles, stats.failed
                    run.status = store.outcome_status(stats.articles, stats.failed)
        finally:
            db.close()
