"""The recorded site pages (tests/fixtures/sites/) as loopback routes, for crawl tests and the demo.

    routes = all_routes()                       # every family on one server
    with LoopbackSite(routes) as site:
        crawl("thaigov", db_path=..., base_url=site.base_url, policy=fast_policy())

One server can play every site at once because the families' paths do not collide:
``/cdx/search/cdx`` + ``/web/<ts>id_/<url>`` (the Wayback Machine, for ``thaigov``),
``/news/contents/...`` (thaigov live), ``/th/...`` + ``/ewt_news.php`` (PRD),
``/home/...`` (NACC), ``/th/news-governor/...`` + ``/provincial/`` (a province).

From a shell (``make demo``)::

    python -m tests.crawl_sites [--port 8765]    # prints READY http://127.0.0.1:<port>
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.loopback import LoggedRequest, LoopbackSite, Route, RouteLike, serve_until_signal

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"
MANIFEST: list[dict] = json.loads((SITES / "manifest.json").read_text(encoding="utf-8"))
THAIGOV = "https://www.thaigov.go.th"
THAIGOV_IDS = ["74823", "82875", "88046", "71972", "100137", "35549", "83160"]
SOFT_404_ID = "99999999"


def entry(file: str) -> dict:
    return next(e for e in MANIFEST if e["file"] == file)


def page(file: str) -> bytes:
    return (SITES / file).read_bytes()


def route_for(file: str, **kwargs) -> Route:
    e = entry(file)
    headers = {"Content-Type": e["content_type"], **kwargs.pop("headers", {})}
    return Route(page(file), headers=headers, **kwargs)


def fast_policy(**overrides):
    """Politeness switched down for tests: no waiting between requests, short timeouts."""
    from ita_extract.fetch import FetchPolicy

    options = dict(per_host_rate=1000.0, per_host_concurrency=2, global_concurrency=4, timeout=2.0,
                   max_retries=2, backoff_base=0.01, backoff_max=2.0)
    options.update(overrides)
    return FetchPolicy(**options)


# --- Wayback Machine -------------------------------------------------------------------------

def capture_path(timestamp: str, original: str) -> str:
    return f"/web/{timestamp}id_/{original}"


def cdx_rows(ids: Iterable[str], *, timestamp: str = "20240101000000") -> list[list[str]]:
    """CDX rows (without header) for thaigov article ids, one capture each."""
    rows = []
    for i in ids:
        original = f"{THAIGOV}/news/contents/details/{i}"
        rows.append([f"th,go,thaigov)/news/contents/details/{i}", timestamp, original, "text/html", "200",
                     f"DIGEST{i}", "12345"])
    return rows


CDX_HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


def cdx_route(rows: list[list[str]]) -> RouteLike:
    """A CDX endpoint answering like web.archive.org: from/to filters, limit + resume keys."""

    def answer(request: LoggedRequest) -> Route:
        q = {k: v[-1] for k, v in parse_qs(urlsplit(request.path).query).items()}
        selected = list(rows)
        if q.get("from"):
            selected = [r for r in selected if r[1][: len(q["from"])] >= q["from"]]
        if q.get("to"):
            selected = [r for r in selected if r[1][: len(q["to"])] <= q["to"]]
        start = int(q.get("resumeKey", "0"))
        limit = int(q.get("limit", "100000"))
        chunk = selected[start : start + limit]
        out: list[list[str]] = [CDX_HEADER, *chunk]
        if q.get("showResumeKey") == "true" and start + limit < len(selected):
            out += [[], [str(start + limit)]]
        return Route(json.dumps(out).encode(), headers={"Content-Type": "application/json"})

    return answer


def wayback_routes(ids: Iterable[str] = THAIGOV_IDS, *, soft_404: bool = True, timestamp: str = "20240101000000",
                   static_cdx: bool = False) -> dict[str, RouteLike]:
    """CDX + ``id_`` captures of the thaigov fixture pages (and a soft-404 capture with an
    older, good capture of the same article as its alternate)."""
    ids = list(ids)
    rows = cdx_rows(ids, timestamp=timestamp)
    routes: dict[str, RouteLike] = {}
    for i in ids:
        routes[capture_path(timestamp, f"{THAIGOV}/news/contents/details/{i}")] = route_for(f"thaigov/details_{i}.html")
    if soft_404:
        # The newest capture of 74823 is a soft 404 (captured after the page broke); an
        # older one holds the article.
        rows = [r for r in rows if not r[2].endswith("/74823")]
        original = f"{THAIGOV}/news/contents/details/74823"
        rows.append(["th,go,thaigov)/news/contents/details/74823", "20250101000000", original, "text/html", "200", "D404", "1"])
        rows.append(["th,go,thaigov)/news/contents/details/74823", "20231120000000", original, "text/html", "200", "DOK", "1"])
        routes[capture_path("20250101000000", original)] = route_for("thaigov/soft404.html")
        routes[capture_path("20231120000000", original)] = route_for("thaigov/details_74823.html")
        routes.pop(capture_path(timestamp, original), None)
        # An id that only ever answered with the soft 404.
        rows += cdx_rows([SOFT_404_ID], timestamp=timestamp)
        routes[capture_path(timestamp, f"{THAIGOV}/news/contents/details/{SOFT_404_ID}")] = route_for("thaigov/soft404.html")
    rows.sort()
    if static_cdx:
        routes["/cdx/search/cdx"] = Route(json.dumps([CDX_HEADER, *rows]).encode(), headers={"Content-Type": "application/json"})
    else:
        routes["/cdx/search/cdx"] = cdx_route(rows)
    return routes


# --- live sites ----------------------------------------------------------------------------------

def thaigov_live_routes() -> dict[str, RouteLike]:
    """thaigov itself: articles, the soft 404, category 21's listing pages 1-3 (the others
    are empty), and the search results page."""
    routes: dict[str, RouteLike] = {}
    for e in MANIFEST:
        if e["family"] == "thaigov":
            routes[e["path"]] = route_for(e["file"])
    for category in (22, 23, 28, 29, 30, 31, 32, 33):
        routes[f"/news/contents/index/{category}?page=1"] = route_for("thaigov/index_21_p3.html")
    return routes


def prd_routes() -> dict[str, RouteLike]:
    routes: dict[str, RouteLike] = {e["path"]: route_for(e["file"]) for e in MANIFEST if e["family"] == "prd"}
    routes["/th/content/category/index/id/9?page=2"] = Route(
        "<html><head><meta charset='utf-8'></head><body><div class='container'></div></body></html>")
    return routes


def nacc_routes() -> dict[str, RouteLike]:
    listing = """<html><head><meta charset="utf-8"><title>ข่าวประชาสัมพันธ์ - ITAS</title></head><body>
<ul class="news-list"><li><a href="/home/detailnews/321">ป.ป.ช.ประกาศผลประเมินคะแนนคุณธรรมความโปร่งใสฯ</a> <span>30 ก.ย. 63</span></li></ul>
</body></html>"""
    return {
        "/home/detailnews/321": route_for("nacc/detailnews_321.html"),
        "/home/news?page=1": Route(listing),
        "/home/news?page=2": Route("<html><body><ul class='news-list'></ul></body></html>"),
    }


PROVINCIAL_PAGES = {
    "/th/news-governor/1234/ita-meeting": "provincial/lamphun_news_1234.html",
    "/ewt_news.php?nid=45259": "provincial/ewt_news_45259_cp874.html",
    "/ewt_news.php?nid=57503": "provincial/ewt_news_57503_wrong_charset.html",
}


def provincial_routes() -> dict[str, RouteLike]:
    links = "\n".join(f'<li><a href="{p}">ข่าว {k}</a></li>' for k, p in enumerate(PROVINCIAL_PAGES))
    home = f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>จังหวัด</title></head><body>
<nav><a href="/th/">หน้าหลัก</a> <a href="/th/contact">ติดต่อเรา</a> <a href="https://www.moi.go.th/news/detail/9">มท.</a></nav>
<ul class="latest-news">{links}</ul></body></html>"""
    routes: dict[str, RouteLike] = {"/": Route(home)}
    for path, file in PROVINCIAL_PAGES.items():
        routes[path] = route_for(file)
    return routes


def all_routes() -> dict[str, RouteLike]:
    """Every family on one server (the demo): paths do not collide; ``/`` is the province's
    home page."""
    routes: dict[str, RouteLike] = {}
    for part in (wayback_routes(), thaigov_live_routes(), prd_routes(), nacc_routes(), provincial_routes()):
        routes.update(part)
    return routes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="serve the recorded sites on 127.0.0.1 (for make demo)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args(argv)
    return serve_until_signal(LoopbackSite(all_routes(), host=args.host, port=args.port, latency=args.latency))


if __name__ == "__main__":
    sys.exit(main())
