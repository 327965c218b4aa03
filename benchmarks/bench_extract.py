"""Extraction speed on the 158 thaigov ITA articles, beside bare nlpo3 tokenisation of the
same texts in the same run, and peak RSS.

    python benchmarks/bench_extract.py [--corpus DIR] [--repeat N]

DIR defaults to ../shared/corpus/thaigov-ita (env ITA_CORPUS_ITA_DIR overrides). The ratio
printed is extraction chars/s ÷ tokenisation chars/s (target ≥ 0.5): extraction reads only
the relevant passages of long articles, so it can beat tokenising everything.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from ita_extract.extract import extract_document  # noqa: E402
from ita_extract.parse import parse_text  # noqa: E402
from ita_extract.thai.tokenize import tokenize  # noqa: E402

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "thaigov-ita"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path(os.environ.get("ITA_CORPUS_ITA_DIR", DEFAULT)))
    ap.add_argument("--repeat", type=int, default=3, help="best of N timings")
    args = ap.parse_args()
    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        print(f"bench: no .txt files in {args.corpus} (the benchmark reads ../shared/corpus/thaigov-ita;"
              " give another with --corpus DIR or ITA_CORPUS_ITA_DIR)", file=sys.stderr)
        raise SystemExit(2)
    texts = [(f.stem, f.read_text(encoding="utf-8")) for f in files]
    chars = sum(len(t) for _, t in texts)
    # warm up both: the nlpo3 dictionary and the lexicon regexes load once per process
    tokenize(texts[0][1][:1000])
    extract_document(parse_text(texts[0][1], doc="warmup"))

    def best(fn) -> float:
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    t_tok = best(lambda: [tokenize(t) for _, t in texts])
    counts = {"results": 0, "aggregates": 0, "officials": 0}

    def run_extract():
        for k in counts:
            counts[k] = 0
        for doc, t in texts:
            rec = extract_document(parse_text(t, doc=doc))
            counts["results"] += len(rec.results)
            counts["aggregates"] += len(rec.aggregates)
            counts["officials"] += len(rec.officials)

    t_ext = best(run_extract)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {len(texts)}  characters: {chars:,}")
    print(f"nlpo3 tokenisation : {t_tok:7.2f} s  {chars / t_tok:12,.0f} chars/s  {len(texts) / t_tok:8.1f} docs/s")
    print(f"extraction (full)  : {t_ext:7.2f} s  {chars / t_ext:12,.0f} chars/s  {len(texts) / t_ext:8.1f} docs/s")
    print(f"ratio extraction/tokenisation (chars/s): {t_tok / t_ext:.2f}  (target >= 0.5)")
    print(f"found: {counts['results']} results, {counts['aggregates']} aggregates, {counts['officials']} officials")
    print(f"peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
