"""The whole chain on what ships in the repo: extract the bundled gold articles, then crawl
the recorded news sites served on 127.0.0.1 (never the internet), all into one ita.db.

    python scripts/demo.py [--db ita.db]

Run by ``make demo``. The crawl step fetches politely (1 request/s/host, robots.txt), so
it takes about ten seconds; some recorded pages fail on purpose (a soft 404, a redirect
stub) and show up in the failures table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def ita(*args: str) -> int:
    print("$ ita " + " ".join(args), flush=True)
    return subprocess.run([sys.executable, "-m", "ita_extract", *args], cwd=ROOT).returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="ita.db")
    args = ap.parse_args()
    from ita_extract import store
    from tests.crawl_sites import all_routes
    from tests.loopback import LoopbackSite

    ita("extract", "gold/docs", "--db", args.db, "--jsonl", "ita.jsonl")
    with LoopbackSite(all_routes()) as site:
        code = ita("crawl", "thaigov", "--base-url", site.base_url, "--db", args.db)
    if code not in (0, 1):
        raise SystemExit(code)
    ita("index", "--db", args.db)  # the search index, in bulk: readers (ita search) never write
    s = store.summary(store.open_db(ROOT / args.db))
    print(
        f"\n{args.db}: {s['documents']} documents, {s['results']} results, {s['aggregates']} aggregates, "
        f"{s['officials']} officials, {s['failures']} failures in the last run, {s['runs']} runs"
    )
    print(f"try: sqlite3 {args.db} \"select agency, score, tier, fiscal_year_be from results_view limit 10\"")
    print(f"     .venv/bin/ita search \"ผล ITA ลำพูน\" --db {args.db}")


if __name__ == "__main__":
    main()
