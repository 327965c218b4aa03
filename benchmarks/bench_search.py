"""Thai search on a database: latency (median, p95) of the test queries and recall of the
Thai index vs trigram, against what `tests/search_recall.py` counts as a hit.

    .venv/bin/python benchmarks/bench_search.py --db /tmp/corpus.db [--repeat 5]

The indexes are brought up to date first (timed apart: that is `ita index`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ita_extract import registry, store  # noqa: E402
from ita_extract import search as fts  # noqa: E402
from ita_extract.errors import QueryError
from tests.search_recall import expected, queries, recall  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    db = store.open_db(args.db)
    t = time.perf_counter()
    n = fts.refresh(db)
    print(f"index: {n} documents in {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    built = registry.build(db)
    print(f"registry: {built} in {time.perf_counter() - t:.2f} s")
    texts = {d: f"{title or ''}\n{text}" for d, title, text in db.execute(
        "SELECT d.doc, d.title, t.text FROM documents d JOIN documents_text t ON t.doc = d.doc").fetchall()}
    truth = {q: expected(q, texts) for q, _ in queries()}
    def hits(q: str, engine: str, **kw) -> list[dict]:
        try:
            return fts.search(db, q, engine=engine, **kw)
        except QueryError:  # a trigram part under 3 characters: it finds nothing, and says so
            return []

    for engine in ("thai", "trigram"):
        found = {q: {r["doc"] for r in hits(q, engine, limit=100_000, snippets=False)} for q in truth}
        times = []
        for _ in range(args.repeat):
            for q in truth:
                t = time.perf_counter()
                hits(q, engine, limit=20)
                times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{engine}: recall {recall(found, truth):.3f} over {sum(map(len, truth.values()))} (query, doc) pairs; "
              f"latency (top 20) median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms over {len(times)} searches")
        missed = [(q, len(truth[q] - found[q]), len(truth[q])) for q in truth if truth[q] - found[q]]
        print("  missed:", ", ".join(f"{q} {m}/{n}" for q, m, n in missed) or "none")
    db.close()


if __name__ == "__main__":
    main()
