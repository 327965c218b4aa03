"""Crawl throughput against loopback hosts versus the ceiling the politeness settings allow.

Starts N loopback "hosts" (127.0.0.1, 127.0.0.2, … when the OS routes them, else distinct
ports) each answering with a realistic latency, then fetches M article pages per host through
one Fetcher with the given politeness, URLs interleaved across hosts as a crawl frontier would
hand them out. robots.txt is served and obeyed, and its request counts against the rate.

    pages/s achieved  = N·M / wall time (first request to last page)
    ceiling           = N × per_host_rate        (what politeness allows in steady state)
    ratio             = achieved / ceiling       (target ≥ 0.9)

It also checks politeness from the servers' side: the smallest gap between two requests to
one host must be ≥ 1/rate (less a few ms of arrival jitter).

    python benchmarks/bench_crawl_throughput.py                 # 4 hosts × 15 pages, 1 req/s
    python benchmarks/bench_crawl_throughput.py --rate 5 --pages 50 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ita_extract.fetch import Fetcher, FetchPolicy  # noqa: E402
from ita_extract.models import Page  # noqa: E402
from tests.loopback import LoopbackSite, html_page  # noqa: E402

#: Body text of each page: a real-sized thaigov article is 3–10 KB of Thai (≈ 3 bytes/char).
ARTICLE = "ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA) " * 60
ROBOTS = "User-agent: *\nDisallow: /private/\n"


def _loopback_addresses(count: int) -> list[str]:
    """127.0.0.1..N if they can be bound (Linux routes 127/8 to lo), else 127.0.0.1 × N."""
    hosts = [f"127.0.0.{i + 1}" for i in range(count)]
    try:
        for host in hosts:
            with socket.socket() as sock:
                sock.bind((host, 0))
    except OSError:
        return ["127.0.0.1"] * count
    return hosts


async def _crawl(urls: list[str], policy: FetchPolicy) -> tuple[float, int, int, list[tuple[float, str]]]:
    async with Fetcher(policy) as fetcher:
        started = time.monotonic()
        results = await fetcher.fetch_many(urls)
        elapsed = time.monotonic() - started
        ok = sum(isinstance(r, Page) for r in results)
        return elapsed, ok, fetcher.requests_sent, list(fetcher.request_log)


def _min_gap(times: list[float]) -> float:
    return min((b - a for a, b in zip(times, times[1:], strict=False)), default=float("inf"))


def run(
    hosts: int, pages: int, rate: float, latency: float, global_concurrency: int, per_host_concurrency: int
) -> dict[str, float]:
    sites = [
        LoopbackSite(
            {f"/news/{i}": html_page(f"ข่าว {i}", ARTICLE) for i in range(pages)},
            robots=ROBOTS,
            latency=latency,
            host=host,
        ).start()
        for host in _loopback_addresses(hosts)
    ]
    try:
        urls = [site.url(f"/news/{i}") for i in range(pages) for site in sites]
        policy = FetchPolicy(
            per_host_rate=rate, global_concurrency=global_concurrency, per_host_concurrency=per_host_concurrency
        )
        elapsed, ok, sent, sent_log = asyncio.run(_crawl(urls, policy))
        # As sent: the fetcher's own clock, exact.
        sent_gap = min(_min_gap([t for t, u in sent_log if u.startswith(site.base_url + "/")]) for site in sites)
        # As arrived, less each host's first gap: a new connection's setup sits between the
        # client's slot and the arrival of its first request (a few ms to tens of ms).
        arrived_gap = min(_min_gap([r.time for r in site.log][1:]) for site in sites)
    finally:
        for site in sites:
            site.stop()
    achieved = ok / elapsed
    ceiling = hosts * rate
    return {
        "hosts": hosts,
        "pages_per_host": pages,
        "per_host_rate": rate,
        "latency_s": latency,
        "pages_ok": ok,
        "requests_sent": sent,
        "seconds": round(elapsed, 3),
        "pages_per_s": round(achieved, 3),
        "ceiling_pages_per_s": ceiling,
        "ratio": round(achieved / ceiling, 3),
        "min_gap_sent_s": round(sent_gap, 4),
        "min_gap_arrived_s": round(arrived_gap, 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--pages", type=int, default=15, help="pages per host")
    parser.add_argument("--rate", type=float, default=1.0, help="requests/s/host (default: the fetcher's)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added by each server")
    parser.add_argument("--global-concurrency", type=int, default=8)
    parser.add_argument(
        "--per-host-concurrency", type=int, default=1, help="with 1, a host gives at most 1/latency pages/s"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(args.hosts, args.pages, args.rate, args.latency, args.global_concurrency, args.per_host_concurrency)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['hosts']} hosts × {result['pages_per_host']} pages, {result['per_host_rate']} req/s/host, "
            f"{result['latency_s'] * 1000:.0f} ms latency: {result['pages_ok']} pages "
            f"({result['requests_sent']} requests with robots.txt) in {result['seconds']} s"
        )
        print(
            f"achieved {result['pages_per_s']} pages/s; ceiling {result['ceiling_pages_per_s']} pages/s; "
            f"ratio {result['ratio']:.1%} (target ≥ 90%)"
        )
        print(
            f"smallest gap between two requests to one host: {result['min_gap_sent_s']} s as sent, "
            f"{result['min_gap_arrived_s']} s as arrived (interval {1 / result['per_host_rate']:.3f} s)"
        )
    return 0 if result["ratio"] >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
