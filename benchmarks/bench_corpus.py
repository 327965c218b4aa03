"""Whole-corpus benchmark: the unpacked thaigov-v2-corpus → the ITA dataset, beside grep.

    .venv/bin/python benchmarks/bench_corpus.py [--corpus DIR] [--runs 3] [--json]

Measures, in the same run and on the same (warm) page cache:

    grep      grep -rlE 'ITA|คุณธรรมและความโปร่งใส' DIR      (the issue's yardstick)
    prefilter the corpus reader alone: walk + read + byte pre-filter, no parsing
    dataset   crawl("thaigov-corpus", base_url=DIR): pre-filter, parse, extract, store
              into a fresh SQLite file (what ``ita crawl thaigov-corpus`` runs)

Each job runs in its own child process; wall time is taken around it and peak RSS is the
child's own ``ru_maxrss`` from ``os.wait4`` (so the measurements do not mix). A warm-up
grep runs first; jobs are interleaved ``--runs`` times and the median is reported.
Target (issue 3): dataset wall time ≤ 3 × grep.

The corpus directory is ``--corpus``, else ``$ITA_CORPUS_DIR``, else
``../shared/corpus/thaigov-v2-corpus`` relative to the repository (unpack
``thaigov-v2-corpus.tar.zst`` there, or anywhere outside the repository).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "thaigov-v2-corpus"
GREP_PATTERN = "ITA|คุณธรรมและความโปร่งใส"

PREFILTER_JOB = """
import sys
from ita_extract.sources.corpus import iter_corpus
print(sum(1 for _ in iter_corpus(sys.argv[1])))
"""

DATASET_JOB = """
import json, resource, sys
from ita_extract.sources.crawl import crawl
from ita_extract import store
stats = crawl("thaigov-corpus", db_path=sys.argv[2], base_url=sys.argv[1], progress=False)
s = store.summary(store.open_db(sys.argv[2]))
# The extraction workers are this process's children: their largest peak RSS (KiB).
workers_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"articles": stats.articles, "failed": stats.failed, "skipped": stats.skipped,
                  "documents": s["documents"], "results": s["results"], "aggregates": s["aggregates"],
                  "officials": s["officials"], "worker_peak_rss_kib": workers_rss}))
"""


def run(argv: list[str], *, env: dict | None = None) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in KiB, stdout) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=env)
    # wait4 reports this child's own rusage (ru_maxrss in KiB on Linux).
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # grep exits 1 when nothing matches
        raise RuntimeError(f"{argv[:3]} failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss, out.decode("utf-8", errors="replace")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("ITA_CORPUS_DIR", DEFAULT_CORPUS)))
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs of each job (median reported)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"{corpus}: no corpus directory; unpack thaigov-v2-corpus.tar.zst and pass --corpus", file=sys.stderr)
        return 2

    env = {**os.environ, "PYTHAINLP_OFFLINE": "1"}
    grep = ["grep", "-rlE", GREP_PATTERN, str(corpus)]
    python = sys.executable
    run(grep)  # warm-up: the page cache holds the corpus for every timed job

    times: dict[str, list[float]] = {"grep": [], "prefilter": [], "dataset": []}
    rss: dict[str, list[int]] = {k: [] for k in times}
    grep_files = prefilter_files = dataset = None
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        for n in range(args.runs):
            wall, peak, out = run(grep)
            times["grep"].append(wall)
            rss["grep"].append(peak)
            grep_files = len(out.splitlines())

            wall, peak, out = run([python, "-c", PREFILTER_JOB, str(corpus)], env=env)
            times["prefilter"].append(wall)
            rss["prefilter"].append(peak)
            prefilter_files = int(out.strip())

            db = Path(tmp) / f"ita-{n}.db"
            wall, peak, out = run([python, "-c", DATASET_JOB, str(corpus), str(db)], env=env)
            times["dataset"].append(wall)
            rss["dataset"].append(peak)
            dataset = json.loads(out.strip().splitlines()[-1])

    median = {k: statistics.median(v) for k, v in times.items()}
    peak_rss = {k: max(v) / 1024 for k, v in rss.items()}
    worker_rss = (dataset or {}).pop("worker_peak_rss_kib", 0) / 1024
    # Main process + its largest worker: an upper bound of the job's resident memory when
    # there is one worker (the default on two cores).
    peak_rss["dataset_with_workers"] = peak_rss["dataset"] + worker_rss
    report = {
        "corpus": str(corpus),
        "files": sum(1 for _, _, names in os.walk(corpus) for name in names if name.endswith(".txt")),
        "grep_matching_files": grep_files,
        "prefilter_matching_files": prefilter_files,
        "runs": args.runs,
        "wall_seconds_median": {k: round(v, 2) for k, v in median.items()},
        "wall_seconds_all": {k: [round(x, 2) for x in v] for k, v in times.items()},
        "peak_rss_mib": {k: round(v, 1) for k, v in peak_rss.items()},
        "dataset_vs_grep": round(median["dataset"] / median["grep"], 2),
        "prefilter_vs_grep": round(median["prefilter"] / median["grep"], 2),
        "dataset": dataset,
        "target": "dataset wall time <= 3 x grep",
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"corpus {corpus}: {report['files']} files; grep matches {grep_files}, "
          f"pre-filter (adds องค์กรคุณธรรม) matches {report['prefilter_matching_files']}")
    print(f"{'job':<10} {'wall s (median)':>16} {'peak RSS MiB':>13} {'× grep':>7}")
    for job in ("grep", "prefilter", "dataset"):
        print(f"{job:<10} {median[job]:>16.2f} {peak_rss[job]:>13.1f} {median[job] / median['grep']:>7.2f}")
    print(f"{'':<10} {'':>16} {peak_rss['dataset_with_workers']:>13.1f}  (dataset main + extraction worker)")
    print(f"dataset: {json.dumps(dataset, ensure_ascii=False)}")
    print(f"all runs: {report['wall_seconds_all']}")
    verdict = "meets" if report["dataset_vs_grep"] <= 3 else "misses"
    print(f"target dataset ≤ 3 × grep: {verdict} ({report['dataset_vs_grep']}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
