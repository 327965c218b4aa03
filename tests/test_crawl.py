"""Crawls against a real HTTP server on 127.0.0.1 (tests/loopback.py) serving the recorded
site pages (tests/crawl_sites.py): discovery → polite fetch → kept responses → parse →
extraction → SQLite; faults; re-runs, refresh, reparse; and a crawler killed with SIGKILL."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ita_extract import store
from ita_extract.errors import SoftNotFound
from ita_extract.sources import CrawlLocked, SourceDefinitionError
from ita_extract.sources import state as st
from ita_extract.sources.crawl import crawl, fetch_and_parse, reparse
from tests.crawl_sites import (
    CDX_HEADER,
    PROVINCIAL_PAGES,
    THAIGOV,
    capture_path,
    cdx_rows,
    fast_policy,
    nacc_routes,
    page,
    prd_routes,
    provincial_routes,
    route_for,
    thaigov_live_routes,
    wayback_routes,
)
from tests.loopback import LoopbackProcess, LoopbackSite, Route, loopback_factory_fixture  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
RELEVANT = ["74823", "82875", "88046", "71972", "100137", "35549"]


def tg(article_id: str) -> str:
    """The document id of a thaigov article (the source's name, then the site's id)."""
    return f"thaigov-{article_id}"


def rows(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def frontier(db_path: Path) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in rows(db_path, "SELECT url, kind, status, attempts, last_error, doc, note FROM crawl_frontier")}


def page_requests(site: LoopbackSite) -> list[str]:
    return [r.path for r in site.log if r.path != "/robots.txt"]


def thaigov_copy(tmp_path: Path, **replace: str) -> str:
    """pipelines/thaigov.toml with some lines replaced (same name, so same source)."""
    text = (REPO / "pipelines" / "thaigov.toml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "defs" / "thaigov.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- whole crawls --------------------------------------------------------------------------


def test_thaigov_wayback_crawl_keeps_everything_and_lands_events(tmp_path, loopback_factory):
    site = loopback_factory(wayback_routes())
    db = tmp_path / "ita.db"
    # Three CDX rows per page, so discovery follows resume keys.
    source = thaigov_copy(tmp_path, **{"limit = 5000": "limit = 3"})
    stats = crawl(source, db_path=db, base_url=site.base_url, policy=fast_policy(), progress=False)

    assert stats.articles == 6 and stats.failures == {"soft_404": 2}
    docs = dict(rows(db, "SELECT doc, url FROM documents"))
    assert set(docs) == {tg(i) for i in RELEVANT}
    assert docs[tg("74823")] == f"{THAIGOV}/news/contents/details/74823"  # the original, not the capture
    assert rows(db, "SELECT published FROM documents WHERE doc = 'thaigov-74823'") == [("2023-11-16",)]
    assert (95.44,) in rows(db, "SELECT score FROM results WHERE doc = 'thaigov-71972'")
    assert rows(db, "SELECT count(*) FROM results")[0][0] > 10

    f = frontier(db)
    soft = capture_path("20250101000000", f"{THAIGOV}/news/contents/details/74823")
    assert f[site.url(soft)][1:4] == ("failed", 3, "soft_404")  # a capture's soft 404 is final
    alternate = capture_path("20231120000000", f"{THAIGOV}/news/contents/details/74823")
    assert f[site.url(alternate)][1] == "done"  # ...and the older capture was read instead
    not_ita = capture_path("20240101000000", f"{THAIGOV}/news/contents/details/83160")
    assert f[site.url(not_ita)][1] == "done" and f[site.url(not_ita)][5] == "not_relevant"
    assert {r[0] for r in rows(db, "SELECT error FROM failures")} == {"soft_404"}

    # Every response kept with its provenance, once.
    pages = rows(db, "SELECT url, final_url, status, headers, fetched_at, sha256, length(body) FROM crawl_pages")
    assert len(pages) == len({p[0] for p in pages}) == len(page_requests(site))
    assert all(p[2] == 200 and p[5] and p[6] > 0 and json.loads(p[3]) for p in pages)
    cdx = [p for p in page_requests(site) if p.startswith("/cdx/")]
    assert len(cdx) == 3 and all("output=json" in p and "collapse=digest" in p for p in cdx)

    # Re-running fetches nothing it already has.
    before = len(site.log)
    again = crawl(source, db_path=db, base_url=site.base_url, policy=fast_policy(), progress=False)
    assert again.fetched == 0 and again.articles == 0 and len(site.log) == before

    # Re-parse without the network (the server is gone).
    site.stop()
    counts = rows(db, "SELECT count(*) FROM results")[0][0]
    re_stats = reparse(db)
    assert re_stats.articles == 6
    assert rows(db, "SELECT count(*) FROM documents")[0][0] == 6
    assert rows(db, "SELECT count(*) FROM results")[0][0] == counts


def test_thaigov_live_only_on_request_with_a_warning(tmp_path, loopback_factory, capsys):
    site = loopback_factory(thaigov_live_routes())
    db = tmp_path / "ita.db"
    stats = crawl("thaigov", db_path=db, base_url=site.base_url, live=True, policy=fast_policy(), progress=False)
    assert "terms forbid automated access" in capsys.readouterr().err
    assert not any(p.startswith(("/cdx", "/web/")) for p in page_requests(site))
    # Category 21's listing: page 1 → 2 → 3 (empty: pagination stops).
    listing = [p for p in page_requests(site) if p.startswith("/news/contents/index/21")]
    assert listing == [f"/news/contents/index/21?page={n}" for n in (1, 2, 3)]
    assert set(dict(rows(db, "SELECT doc, title FROM documents"))) == {tg(i) for i in RELEVANT}
    assert stats.failures == {"soft_404": 1}
    (attempts,) = rows(db, "SELECT attempts FROM crawl_frontier WHERE doc = 'thaigov-99999999'")[0]
    assert attempts == 1  # a live soft 404 may recover: retried on later runs


def test_prd_rss_listing_stub_and_since(tmp_path, loopback_factory):
    routes = prd_routes()
    # The feed lists only the old EWT URL, a JavaScript stub: the article is reached through it.
    stub_only = page("prd/rss_1_9.xml").decode().replace(
        "https://www.prd.go.th/th/content/category/detail/id/9/iid/178224", "https://www.prd.go.th/ewt_news.php?nid=5519")
    routes["/th/rss/page/content/id/1/cid/9"] = Route(stub_only, headers={"Content-Type": "application/rss+xml"})
    routes["/th/content/category/index/id/9?page=1"] = routes["/th/content/category/index/id/9?page=2"]
    site = loopback_factory(routes)
    db = tmp_path / "ita.db"
    stats = crawl("prd", db_path=db, base_url=site.base_url, since=dt.date(2024, 1, 1), policy=fast_policy(), progress=False)
    assert stats.articles == 1
    stub = site.url("/ewt_news.php?nid=5519")
    f = frontier(db)
    assert f[stub][1] == "done" and f[stub][5].startswith("redirect_stub -> https://www.prd.go.th/th/content/")
    (doc, url, published) = rows(db, "SELECT doc, url, published FROM documents")[0]
    assert (doc, url, published) == ("prd-prd.go.th-178224",
                                     "https://www.prd.go.th/th/content/category/detail/id/9/iid/178224", "2024-02-21")
    text = rows(db, "SELECT text FROM documents_text")[0][0]
    assert "Clinic Amphoe ITA 2566" in text and "เรื่องที่เกี่ยวข้อง" not in text and "Loading" not in text


def test_prd_listing_dates_filter_discovery(tmp_path, loopback_factory):
    site = loopback_factory(prd_routes())
    db = tmp_path / "ita.db"
    crawl("prd", db_path=db, base_url=site.base_url, since=dt.date(2024, 1, 1), policy=fast_policy(), progress=False)
    requested = page_requests(site)
    assert "/th/content/category/detail/id/9/iid/170001" not in requested  # listed as 2018: skipped
    assert "/th/content/category/detail/id/9/iid/178224" in requested
    assert requested.count("/th/content/category/detail/id/9/iid/178224") == 1  # listing + RSS: once


def test_nacc_and_a_generic_province(tmp_path, loopback_factory):
    nacc = loopback_factory(nacc_routes())
    db = tmp_path / "ita.db"
    stats = crawl("nacc-itas", db_path=db, base_url=nacc.base_url, policy=fast_policy(), progress=False)
    assert stats.articles == 1
    assert rows(db, "SELECT doc, published FROM documents") == [("nacc-itas-321", "2020-09-30")]
    assert "ภาพรวมระดับประเทศ" not in rows(db, "SELECT text FROM documents_text")[0][0]

    province = loopback_factory(provincial_routes())
    with pytest.raises(SourceDefinitionError, match="--base-url"):
        crawl("provincial", db_path=db, policy=fast_policy(), progress=False)
    stats = crawl("provincial", db_path=db, base_url=province.base_url, policy=fast_policy(), progress=False)
    assert stats.articles == 3
    texts = dict(rows(db, "SELECT d.url, t.text FROM documents d JOIN documents_text t USING (doc) WHERE d.doc LIKE 'provincial-127.0.0.1-%'"))
    assert set(texts) == {province.url(p) for p in PROVINCIAL_PAGES}
    lamphun = texts[province.url("/th/news-governor/1234/ita-meeting")]
    assert "ค่าเฉลี่ยความโปร่งใสทั้งประเทศอยู่ที่ 87.57" in lamphun
    for furniture in ("InfoComm", "Total visits", "เลือกภาษา", "Read More"):
        assert furniture not in lamphun
    cp874 = texts[province.url("/ewt_news.php?nid=45259")]
    assert "คุณธรรมและความโปร่งใส" in cp874 and "\ufffd" not in cp874
    stored = rows(db, "SELECT encoding FROM crawl_pages WHERE url = ?", (province.url("/ewt_news.php?nid=57503"),))
    assert stored == [("cp874",)]  # declared UTF-8, really cp874


# --- faults ----------------------------------------------------------------------------------

GOOD = "provincial/lamphun_news_1234.html"


FAULT_ROBOTS = "User-agent: *\nDisallow: /news/detail/9\n"


def fault_routes() -> dict[str, Route]:
    routes: dict[str, Route] = {
        "/news/detail/1": route_for(GOOD),
        # Far past the client's timeout: waiting for it instead of timing out would take minutes.
        "/news/detail/2": route_for(GOOD, fault="slow", times=None, slow_seconds=60),
        "/news/detail/3": route_for(GOOD, fault="retry_after", retry_after=1),  # delta-seconds: an integer
        "/news/detail/4": route_for(GOOD, fault="flaky", times=2),
        "/news/detail/5": route_for(GOOD, fault="reset"),
        "/news/detail/6": route_for(GOOD, fault="truncate"),
        "/news/detail/7": route_for(GOOD, fault="redirect_loop"),
        "/news/detail/8": route_for(GOOD, fault="oversized", size=300_000),
        "/news/detail/9": route_for(GOOD),  # disallowed by robots.txt
        "/news/detail/10": Route("<html><head><title>404 Not Found</title></head><body><p>ไม่พบ</p></body></html>"),
        "/news/detail/11": route_for("provincial/ewt_news_57503_wrong_charset.html"),
        # /news/detail/12: no route, a real 404
    }
    links = "".join(f'<a href="/news/detail/{n}">ข่าว {n}</a>' for n in range(1, 13))
    routes["/"] = Route(f"<html><head><meta charset='utf-8'></head><body>{links}</body></html>")
    return routes


# The server runs in its own process (no GIL shared with the crawler's parsing), and the
# timeout leaves a loaded machine seconds to answer the pages that are not slow on purpose.
FAULT_POLICY = dict(timeout=1.5, max_retries=2, backoff_base=0.01, backoff_max=1.0, max_body_bytes=100_000,
                    per_host_concurrency=4, global_concurrency=8)


class ServerLog:
    """The request log of a LoopbackProcess (a JSON line per request), read like a site's."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def requests(self, path: str) -> list[dict]:
        return [r for r in logged(self.path) if r["path"] == path]

    def count(self, path: str) -> int:
        return len(self.requests(path))


def test_faults_are_retried_or_recorded_and_nothing_else_is_lost(tmp_path):
    log = tmp_path / "requests.jsonl"
    with LoopbackProcess(fault_routes(), robots=FAULT_ROBOTS, log_file=log) as server:
        db = tmp_path / "ita.db"
        started = time.monotonic()
        stats = crawl("provincial", db_path=db, base_url=server.base_url, policy=fast_policy(**FAULT_POLICY),
                      progress=False)
        # The slow page cost its three timeouts, not the server's 60 s sleeps.
        assert time.monotonic() - started < 40
    site = ServerLog(log)
    base_url = server.base_url
    by_path = {url.removeprefix(base_url): v for url, v in frontier(db).items()}
    outcome = {p: (v[1], v[3]) for p, v in by_path.items() if p.startswith("/news/detail/")}
    assert outcome == {
        "/news/detail/1": ("done", None),
        "/news/detail/2": ("failed", "timeout"),
        "/news/detail/3": ("done", None),  # 429 + Retry-After, then 200
        "/news/detail/4": ("done", None),  # 500, 503, then 200
        "/news/detail/5": ("done", None),  # connection reset, then 200
        "/news/detail/6": ("done", None),  # truncated body, then 200
        "/news/detail/7": ("failed", "redirects"),
        "/news/detail/8": ("failed", "too_large"),
        "/news/detail/9": ("failed", "robots"),
        "/news/detail/10": ("failed", "soft_404"),
        "/news/detail/11": ("done", None),  # wrong declared charset: decoded as cp874
        "/news/detail/12": ("failed", "http_404"),
    }
    assert stats.articles == 6
    # http_404 twice: the article, and the province's /sitemap.xml (a discovery page).
    assert stats.failures == {"timeout": 1, "redirects": 1, "too_large": 1, "robots": 1, "soft_404": 1, "http_404": 2}
    assert sorted(r[0] for r in rows(db, "SELECT error FROM failures")) == sorted(
        ["timeout", "redirects", "too_large", "robots", "soft_404", "http_404", "http_404"])
    # Retried the transient faults the expected number of times.
    assert site.count("/news/detail/2") == 3  # 1 + max_retries, all timed out
    assert site.count("/news/detail/4") == 3 and site.count("/news/detail/5") == 2 and site.count("/news/detail/6") == 2
    assert site.count("/news/detail/9") == 0  # robots.txt obeyed
    first, second = site.requests("/news/detail/3")
    assert second["time"] - first["time"] >= 0.95  # Retry-After: 1 honoured (the backoff would be ~0.01 s)
    # The 404 answer itself is kept, with its status.
    assert rows(db, "SELECT status FROM crawl_pages WHERE url = ?", (base_url + "/news/detail/12",)) == [(404,)]
    texts = [r[0] for r in rows(db, "SELECT text FROM documents_text")]
    assert len(texts) == 6 and all("คุณธรรมและความโปร่งใส" in t for t in texts)


def test_failed_urls_are_retried_on_later_runs_up_to_max_attempts(tmp_path, loopback_factory):
    routes = {"/news/detail/1": route_for(GOOD), "/news/detail/7": route_for(GOOD, fault="redirect_loop"),
              "/": Route("<html><body><a href='/news/detail/1'>a</a><a href='/news/detail/7'>b</a></body></html>")}
    site = loopback_factory(routes)
    db = tmp_path / "ita.db"
    for _ in range(4):
        crawl("provincial", db_path=db, base_url=site.base_url, policy=fast_policy(), progress=False)
    assert site.count("/news/detail/7") == 3  # max_attempts = 3, then left alone
    assert site.count("/news/detail/1") == 1 and site.count("/") == 1
    assert frontier(db)[site.url("/news/detail/7")][1:4] == ("failed", 3, "redirects")
    assert rows(db, "SELECT count(*) FROM failures WHERE error = 'redirects'") == [(3,)]


def test_refresh_sends_conditional_requests(tmp_path, loopback_factory):
    routes = provincial_routes()
    for n, path in enumerate(routes):
        route = routes[path]
        route.etag = f'"v{n}"'
    site = loopback_factory(routes)
    db = tmp_path / "ita.db"
    crawl("provincial", db_path=db, base_url=site.base_url, policy=fast_policy(), progress=False)
    n_pages = rows(db, "SELECT count(*) FROM crawl_pages")[0][0]
    site.clear_log()
    unchanged = crawl("provincial", db_path=db, base_url=site.base_url, refresh=True, policy=fast_policy(), progress=False)
    assert unchanged.not_modified == 4 and unchanged.articles == 0  # home page + 3 articles: 304
    assert all(r.headers.get("If-None-Match") for r in site.log if r.path != "/robots.txt" and r.path != "/sitemap.xml")
    assert rows(db, "SELECT count(*) FROM crawl_pages")[0][0] == n_pages
    # A page that changed is stored again (its old response kept) and re-extracted.
    path = "/th/news-governor/1234/ita-meeting"
    changed = page(PROVINCIAL_PAGES[path]).replace(b"87.57", b"88.88")
    routes[path].body, routes[path].etag = changed, '"v-new"'
    again = crawl("provincial", db_path=db, base_url=site.base_url, refresh=True, policy=fast_policy(), progress=False)
    assert again.articles == 1 and again.not_modified == 3
    assert rows(db, "SELECT count(*) FROM crawl_pages WHERE url = ?", (site.url(path),)) == [(2,)]
    assert any("88.88" in r[0] for r in rows(db, "SELECT text FROM documents_text"))


def test_a_page_that_changes_back_is_the_latest_response_again(tmp_path, loopback_factory):
    """A → B → A on refresh: the third answer has the first's body, so no new row is stored,
    but the stored A must become the latest again: its ETag is what the next refresh sends,
    and what reparse reads."""
    routes = provincial_routes()
    path = "/th/news-governor/1234/ita-meeting"
    page_a = page(PROVINCIAL_PAGES[path])
    page_b = page_a.replace(b"87.57", b"88.88")
    routes[path].etag = '"A"'
    site = loopback_factory(routes)
    db = tmp_path / "ita.db"

    def refresh() -> None:
        crawl("provincial", db_path=db, base_url=site.base_url, refresh=True, policy=fast_policy(), progress=False)

    crawl("provincial", db_path=db, base_url=site.base_url, policy=fast_policy(), progress=False)
    routes[path].body, routes[path].etag = page_b, '"B"'
    refresh()
    routes[path].body, routes[path].etag = page_a, '"A"'
    refresh()
    assert rows(db, "SELECT count(*) FROM crawl_pages WHERE url = ?", (site.url(path),)) == [(2,)]
    assert rows(db, "SELECT etag FROM crawl_pages WHERE url = ? ORDER BY fetched_at DESC LIMIT 1",
                (site.url(path),)) == [('"A"',)]

    site.clear_log()
    refresh()
    (request,) = site.requests(path)
    assert request.headers["If-None-Match"] == '"A"'  # not B's: the page is A again, 304
    reparse(db)
    (text,) = rows(db, "SELECT t.text FROM documents d JOIN documents_text t USING (doc) WHERE d.url = ?",
                   (site.url(path),))[0]
    assert "87.57" in text and "88.88" not in text


def test_max_pages_then_continue_and_since_until(tmp_path, loopback_factory):
    site = loopback_factory(wayback_routes(soft_404=False))
    db = tmp_path / "ita.db"
    first = crawl("thaigov", db_path=db, base_url=site.base_url, max_pages=2, policy=fast_policy(), progress=False)
    assert first.articles == 2 and len([p for p in page_requests(site) if p.startswith("/web/")]) == 2
    rest = crawl("thaigov", db_path=db, base_url=site.base_url, policy=fast_policy(), progress=False)
    assert rest.articles == 4 and rest.skipped == 1  # the non-ITA article
    assert len([p for p in page_requests(site) if p.startswith("/web/")]) == 7  # each capture once

    windowed = tmp_path / "window.db"
    site.clear_log()
    stats = crawl("thaigov", db_path=windowed, base_url=site.base_url, since=dt.date(2024, 1, 1),
                  until=dt.date(2024, 12, 31), policy=fast_policy(), progress=False)
    (cdx,) = [p for p in page_requests(site) if p.startswith("/cdx/")]
    assert "from=20240101" in cdx and "to=20251231" in cdx
    # Captured in 2024, but only two were published in 2024.
    assert stats.articles == 2
    assert {r[0] for r in rows(windowed, "SELECT doc FROM documents")} == {tg("82875"), tg("88046")}
    notes = [v[5] for v in frontier(windowed).values() if v[5]]
    assert notes.count("out_of_window") == 4


# --- ita fetch --------------------------------------------------------------------------------


def test_fetch_and_parse_one_page(loopback_factory):
    site = loopback_factory({**thaigov_live_routes(), **prd_routes()})
    policy = fast_policy()
    article = fetch_and_parse(site.url("/news/contents/details/71972"), source="thaigov", policy=policy)
    assert article.doc == tg("71972") and article.published == dt.date(2023, 9, 6)
    assert article.title.startswith("สปอ. ได้รับผลการประเมินด้วยคะแนน 95.44") and "95.44" in article.text
    followed = fetch_and_parse(site.url("/ewt_news.php?nid=5519"), source="prd", policy=policy)
    assert followed.url == site.url("/th/content/category/detail/id/9/iid/178224")
    assert followed.published == dt.date(2024, 2, 21)
    with pytest.raises(SoftNotFound):
        fetch_and_parse(site.url("/news/contents/details/99999999"), source="thaigov", policy=policy)
    generic = fetch_and_parse(site.url("/th/content/category/detail/id/9/iid/178224"), policy=policy)
    assert generic.doc.startswith("url-") and "Clinic Amphoe ITA 2566" in generic.text


# --- kill -9 ----------------------------------------------------------------------------------

CRAWLER = """
import sys
from ita_extract.fetch import FetchPolicy
from ita_extract.sources.crawl import crawl
crawl("thaigov", db_path=sys.argv[1], base_url=sys.argv[2], progress=False,
      policy=FetchPolicy(per_host_rate=float(sys.argv[3]), timeout=5.0, max_retries=1, backoff_base=0.01))
"""
RESUME_IDS = [str(50000 + n) for n in range(16)]


def resume_routes() -> dict:
    """16 captures (the relevant fixture pages under new ids) behind a static CDX answer."""
    ts = "20240101000000"
    routes: dict = {}
    for n, i in enumerate(RESUME_IDS):
        routes[capture_path(ts, f"{THAIGOV}/news/contents/details/{i}")] = route_for(f"thaigov/details_{RELEVANT[n % 6]}.html")
    routes["/cdx/search/cdx"] = Route(json.dumps([CDX_HEADER, *cdx_rows(RESUME_IDS, timestamp=ts)]),
                                      headers={"Content-Type": "application/json"})
    return routes


def run_crawler(db: Path, base_url: str, rate: float) -> subprocess.Popen:
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-c", CRAWLER, str(db), base_url, str(rate)], cwd=REPO, env=env)


def logged(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def done_articles(db: Path) -> int:
    """Article rows marked done, read from the SQLite file a crawler is writing (0 until the
    crawler has created it and its tables)."""
    if not db.exists():
        return 0
    try:
        return rows(db, "SELECT count(*) FROM crawl_frontier WHERE status = 'done' AND kind = 'article'")[0][0]
    except sqlite3.OperationalError:  # no such table (yet)
        return 0


def wait_until_done(db: Path, crawler: subprocess.Popen, *, timeout: float = 90.0) -> None:
    """Until the crawler has stored at least one article (it is then surely mid-crawl and
    holding the database's crawl lock)."""
    deadline = time.monotonic() + timeout
    while done_articles(db) < 1:
        assert crawler.poll() is None, "crawler finished before it could be killed"
        assert time.monotonic() < deadline, "crawler too slow"
        time.sleep(0.02)


def test_sigkill_mid_crawl_then_rerun_loses_nothing_and_fetches_nothing_twice(tmp_path):
    db = tmp_path / "ita.db"
    log = tmp_path / "requests.jsonl"
    with LoopbackProcess(resume_routes(), log_file=log) as server:
        # 1 request/s: the first article is stored after ~3 captures (5 s, model loading
        # included), so a slow machine still kills it with most captures never requested.
        crawler = run_crawler(db, server.base_url, rate=1.0)
        try:
            # Killed the moment the database shows a stored article: a capture may be in
            # flight, stored and not yet analysed, or being stored.
            wait_until_done(db, crawler)
        finally:
            crawler.kill()  # SIGKILL
            crawler.wait(10)
        assert crawler.returncode == -signal.SIGKILL
        killed_log = logged(log)
        stored_after_kill = {r[0] for r in rows(db, "SELECT url FROM crawl_pages")}
        done_after_kill = done_articles(db)
        assert 0 < done_after_kill < len(RESUME_IDS)
        requested_before_kill = {r["path"] for r in killed_log if r["path"].startswith("/web/")}
        assert len(requested_before_kill) < len(RESUME_IDS)  # genuinely mid-crawl

        rerun = run_crawler(db, server.base_url, rate=50.0)  # the same command (faster, to finish)
        assert rerun.wait(60) == 0
        full_log = logged(log)

    # None fetched twice: every capture requested once, except at most the one whose
    # request was in flight at the kill — and that one had not been stored.
    captures = [r["path"] for r in full_log if r["path"].startswith("/web/")]
    twice = {p for p in captures if captures.count(p) > 1}
    assert len(set(captures)) == len(RESUME_IDS) and all(captures.count(p) <= 2 for p in captures)
    last_before_kill = [r["path"] for r in killed_log if r["path"].startswith("/web/")][-1]
    assert twice <= {last_before_kill}
    assert not any(server.base_url + p in stored_after_kill for p in twice)
    assert sum(r["path"].startswith("/cdx/") for r in full_log) == 1  # discovery resumed, not redone

    # No page lost, no duplicate rows.
    assert rows(db, "SELECT status, count(*) FROM crawl_frontier GROUP BY status") == [("done", len(RESUME_IDS) + 1)]
    pages = rows(db, "SELECT url FROM crawl_pages")
    assert len(pages) == len(set(pages)) == len(RESUME_IDS) + 1
    assert sorted(r[0] for r in rows(db, "SELECT doc FROM documents")) == sorted(tg(i) for i in RESUME_IDS)

    # The dataset equals one uninterrupted crawl's.
    clean = tmp_path / "clean.db"
    with LoopbackSite(resume_routes()) as site:
        crawl("thaigov", db_path=clean, base_url=site.base_url, policy=fast_policy(), progress=False)
    query = "SELECT doc, agency, score, tier, fiscal_year_be FROM results ORDER BY 1, 2, 3, 4, 5"
    assert rows(db, query) == rows(clean, query) and rows(db, query)
    query = "SELECT doc, name, position FROM officials ORDER BY 1, 2, 3"
    assert rows(db, query) == rows(clean, query)


def test_a_second_crawl_of_the_same_database_is_refused_and_a_killed_one_blocks_nothing(tmp_path):
    db = tmp_path / "ita.db"
    log = tmp_path / "requests.jsonl"
    with LoopbackProcess(resume_routes(), log_file=log) as server:
        crawler = run_crawler(db, server.base_url, rate=1.0)  # 16 captures: > 16 s
        try:
            wait_until_done(db, crawler)
            with pytest.raises(CrawlLocked) as info:
                crawl("thaigov", db_path=db, base_url=server.base_url, policy=fast_policy(), progress=False)
            message = str(info.value)
            assert "\n" not in message and str(db) in message
            assert f"another crawl (pid {crawler.pid}) is already writing to this database" in message
            cli = subprocess.run(
                [sys.executable, "-m", "ita_extract", "crawl", "thaigov", "--base-url", server.base_url, "--db", str(db)],
                cwd=REPO, env={**os.environ, "PYTHAINLP_OFFLINE": "1"}, capture_output=True, text=True, timeout=120,
            )
            assert cli.returncode == 2, cli.stderr
            assert cli.stderr.strip().splitlines() == [f"crawl thaigov: {message}"]
            assert crawler.poll() is None  # refused because the first one is still crawling
        finally:
            crawler.kill()  # SIGKILL: the kernel drops its lock, the lock file stays
            crawler.wait(10)
        assert st.lock_path(db).exists()
        # The refused runs did nothing: one run row (the killed one), one CDX query.
        assert rows(db, "SELECT command, status FROM runs") == [("crawl", "running")]
        assert sum(r["path"].startswith("/cdx/") for r in logged(log)) == 1

        # A kill -9 leaves nothing that blocks the resume.
        stats = crawl("thaigov", db_path=db, base_url=server.base_url, policy=fast_policy(), progress=False)
    assert stats.articles > 0 and done_articles(db) == len(RESUME_IDS)
    assert sorted(r[0] for r in rows(db, "SELECT doc FROM documents")) == sorted(tg(i) for i in RESUME_IDS)
    # The killed run is marked as such (the lock proves it dead); the lock file is gone.
    assert rows(db, "SELECT status FROM runs ORDER BY id") == [("interrupted",), ("ok",)]
    assert not st.lock_path(db).exists()


def test_a_crawl_or_reparse_that_raises_finishes_its_run_and_closes_the_database(tmp_path, loopback_factory,
                                                                                  monkeypatch):
    site = loopback_factory(nacc_routes())
    db = tmp_path / "ita.db"
    wal = Path(f"{db}-wal")

    def broken(*args, **kwargs):
        raise RuntimeError("bug after the run started")

    # Endpoints are built after the run row is written: an error there must not leave the
    # run "running" and the database open.
    with monkeypatch.context() as patch:
        patch.setattr("ita_extract.sources.crawl.Endpoints.for_source", broken)
        with pytest.raises(RuntimeError, match="bug after the run started"):
            crawl("nacc-itas", db_path=db, base_url=site.base_url, policy=fast_policy(), progress=False)
        # The traceback (alive here) still holds the crawl's frame: only an explicit close
        # let SQLite checkpoint and delete the WAL file.
        assert not wal.exists()
    assert not st.lock_path(db).exists()
    assert rows(db, "SELECT command, status, finished_at IS NOT NULL FROM runs") == [("crawl", "failed", 1)]

    assert crawl("nacc-itas", db_path=db, base_url=site.base_url, policy=fast_policy(), progress=False).articles == 1
    with monkeypatch.context() as patch:
        patch.setattr("ita_extract.sources.crawl.load_source", broken)
        with pytest.raises(RuntimeError):
            reparse(db)
        assert not wal.exists()
    assert rows(db, "SELECT command, status FROM runs ORDER BY id") == [
        ("crawl", "failed"), ("crawl", "ok"), ("reparse", "failed")]


def test_crawled_documents_never_replace_extracted_files(tmp_path, loopback_factory):
    """make demo: ``ita extract gold/docs``, then a thaigov crawl of the recorded pages, into
    one ita.db. Gold files are named by the article id (71972.txt is document 71972); the
    crawl names the same articles thaigov-71972: one article, one document (issue 8), the
    crawled name an alias of the extracted file's document, whose content stays."""
    db = tmp_path / "ita.db"
    gold = [str(REPO / "gold" / "docs" / f"{i}.txt") for i in ("71972", "100137", "35549")]
    extract = subprocess.run([sys.executable, "-m", "ita_extract", "extract", *gold, "--db", str(db)], cwd=REPO,
                             env={**os.environ, "PYTHAINLP_OFFLINE": "1"}, capture_output=True, text=True, timeout=300)
    assert extract.returncode == 0, extract.stderr
    query = "SELECT doc, source_path, source_sha256, text_length FROM documents WHERE doc NOT LIKE 'thaigov-%' ORDER BY doc"
    extracted = rows(db, query)
    assert [r[0] for r in extracted] == ["100137", "35549", "71972"]

    site = loopback_factory(wayback_routes())
    crawl("thaigov", db_path=db, base_url=site.base_url, policy=fast_policy(), progress=False)
    assert rows(db, query) == extracted
    gold_ids = {"71972", "100137", "35549"}
    crawled_only = {tg(i) for i in RELEVANT if i not in gold_ids}
    assert {r[0] for r in rows(db, "SELECT doc FROM documents WHERE doc LIKE 'thaigov-%'")} == crawled_only
    assert rows(db, "SELECT alias, doc FROM document_aliases ORDER BY doc") == [(tg(i), i) for i in sorted(gold_ids)]
    assert rows(db, "SELECT count(*) FROM (SELECT url FROM documents GROUP BY url HAVING count(*) > 1)") == [(0,)]
    # Stable across runs: a refresh, a re-run and a reparse name them the same.
    crawl("thaigov", db_path=db, base_url=site.base_url, refresh=True, policy=fast_policy(), progress=False)
    reparse(db)
    assert rows(db, query) == extracted
    assert rows(db, "SELECT count(*) FROM documents") == [(len(extracted) + len(crawled_only),)]


def test_demo_server_script_serves_every_family(tmp_path):
    """``python -m tests.crawl_sites`` (for make demo) starts and serves the recorded sites."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.crawl_sites"], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("READY http://127.0.0.1:")
        base = line.split()[1]
        stats = crawl("nacc-itas", db_path=tmp_path / "demo.db", base_url=base, policy=fast_policy(), progress=False)
        assert stats.articles == 1
    finally:
        proc.terminate()
        proc.wait(5)


def test_crawl_state_lives_in_the_dataset_file(tmp_path, loopback_factory):
    site = loopback_factory(nacc_routes())
    db = tmp_path / "ita.db"
    crawl("nacc-itas", db_path=db, base_url=site.base_url, policy=fast_policy(), progress=False)
    tables = {r[0] for r in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"crawl_frontier", "crawl_pages", "documents", "runs"} <= tables
    assert rows(db, "SELECT command, status FROM runs") == [("crawl", "ok")]
    # The store still opens it (the crawl tables do not disturb its migrations).
    store.open_db(db).close()


def test_an_unreadable_cdx_answer_is_kept_and_failed(tmp_path, loopback_factory):
    site = loopback_factory({"/cdx/search/cdx": Route("<html>Wayback is down for maintenance</html>")})
    db = tmp_path / "ita.db"
    stats = crawl("thaigov", db_path=db, base_url=site.base_url, policy=fast_policy(), progress=False)
    assert stats.failures == {"parse_error": 1}
    ((url, status, error),) = rows(db, "SELECT url, status, last_error FROM crawl_frontier")
    assert url.startswith(site.url("/cdx/search/cdx?")) and (status, error) == ("failed", "parse_error")
    assert rows(db, "SELECT count(*) FROM crawl_pages WHERE url = ?", (url,)) == [(1,)]
