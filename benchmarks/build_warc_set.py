"""Build a WARC benchmark set for `ita warc` from the thaigov-v2-corpus texts.

Each corpus text becomes one HTML `response` record (title in <h1>, lines as <p>), written
in corpus path order into FILES gzipped WARC files, so the set has the corpus's own mix of
relevant (~0.5 %) and irrelevant pages, as a news crawl would.

    python benchmarks/build_warc_set.py --corpus /tmp/thaigov-v2-corpus --out /tmp/warc-set --records 24000 --files 12
    ita warc '/tmp/warc-set/*.warc.gz' --db /tmp/warc1.db --workers 1
"""

from __future__ import annotations

import argparse
import html
import io
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ita_extract.sources.corpus import iter_files  # noqa: E402


def page(text: str) -> bytes:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    title = html.escape(lines[0]) if lines else ""
    body = "\n".join(f"<p>{html.escape(ln)}</p>" for ln in lines[1:])
    return (f'<!doctype html><html lang="th"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><nav><a href='/'>หน้าหลัก</a></nav><article><h1>{title}</h1>\n{body}</article></body></html>").encode()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path("../shared/corpus/thaigov-v2-corpus"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--records", type=int, default=24000)
    ap.add_argument("--files", type=int, default=12)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    paths = [p for _, p in zip(range(args.records), iter_files(args.corpus), strict=False)]
    per_file = -(-len(paths) // args.files)
    total = 0
    for n in range(args.files):
        chunk = paths[n * per_file:(n + 1) * per_file]
        if not chunk:
            break
        with open(args.out / f"thaigov-{n:03d}.warc.gz", "wb") as f:
            writer = WARCWriter(f, gzip=True)
            for path in chunk:
                rel = path.relative_to(args.corpus).as_posix()
                uri = "https://corpus.example/" + quote(rel)  # names hold spaces and Thai
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(page(path.read_text(encoding="utf-8", errors="replace"))),
                    http_headers=headers, warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri)}>"}))
                total += 1
    print(f"{total} records in {n + 1} files → {args.out}")


if __name__ == "__main__":
    main()
