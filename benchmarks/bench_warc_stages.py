"""Where `ita warc`'s time goes, per stage, in one process: read (gunzip + warcio + payload),
pre-filter (Thai + topic bytes), parse + extract (relevant pages), store (the single writer).

    python benchmarks/bench_warc_stages.py /tmp/warc-set/*.warc.gz
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ita_extract import store  # noqa: E402
from ita_extract.parse import parse_html  # noqa: E402
from ita_extract.pipeline import extract_article  # noqa: E402
from ita_extract.sources.corpus import is_relevant  # noqa: E402
from ita_extract.warc import _THAI, _records, ensure_schema  # noqa: E402


def main(paths: list[str]) -> None:
    t_read = t_filter = t_extract = t_store = 0.0
    records = nbytes = relevant = 0
    kept = []
    extract_article(parse_html(b"<html><body><p>\xe0\xb8\x81 ITA 95.00</p></body></html>", doc="warm"))
    for path in paths:
        t0 = time.perf_counter()
        for it, record in _records(path):
            if record.rec_type != "response":
                continue
            payload = record.content_stream().read()
            it.get_record_offset()
            t1 = time.perf_counter()
            t_read += t1 - t0
            records += 1
            nbytes += len(payload)
            ok = any(t in payload for t in _THAI) and is_relevant(payload)
            t2 = time.perf_counter()
            t_filter += t2 - t1
            if ok:
                relevant += 1
                article = parse_html(payload, doc=f"d{records}")
                kept.append((article, extract_article(article)))
                t_extract += time.perf_counter() - t2
            t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(Path(tmp) / "b.db")
        ensure_schema(db)
        t0 = time.perf_counter()
        db.begin()
        for article, record in kept:
            store.save_document(db, article, record, None)
        db.commit()
        t_store = time.perf_counter() - t0
    print(f"{records} records ({nbytes / 1e6:.0f} MB of payload), {relevant} relevant")
    for name, t, n in (("read", t_read, records), ("pre-filter", t_filter, records),
                       ("parse+extract", t_extract, relevant), ("store", t_store, relevant)):
        print(f"{name:14s} {t:7.2f} s  {1e3 * t / max(n, 1):8.3f} ms per {'record' if n == records else 'relevant page'}")


if __name__ == "__main__":
    main(sys.argv[1:])
