"""Tests of ita_extract.fetch against a real HTTP server on 127.0.0.1 (tests/loopback.py).

Every fault the issue lists has a test asserting its outcome from the server's request log:
retried and fetched (the path was requested k+1 times), or raised with the right ``.reason``.
Politeness values are scaled down (20 req/s, 10 ms backoff base) so the file runs in seconds.
"""

from __future__ import annotations

import asyncio
import codecs
import datetime as dt
import email.utils
import hashlib
import itertools
import math
import random
import socket
import statistics
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_extract.errors import FetchError
from ita_extract.fetch import (
    DEFAULT_USER_AGENT,
    BodyTooLarge,
    ConnectionFailed,
    Fetcher,
    FetchPolicy,
    FetchTimeout,
    HttpStatusError,
    InvalidUrl,
    RobotsDisallowed,
    TooManyRedirects,
    TruncatedBody,
    _crawl_delay,
    backoff_delay,
    decode_body,
    fetch_page,
    parse_retry_after,
)
from ita_extract.models import Page
from tests.loopback import (
    SOFT_404_TITLE,
    LoggedRequest,
    LoopbackProcess,
    LoopbackSite,
    Route,
    html_page,
    loopback_factory_fixture,  # noqa: F401 (pytest fixture "loopback_factory")
    loopback_fixture,  # noqa: F401 (pytest fixture "loopback")
    soft_404_route,
)

T = TypeVar("T")
#: Real Thai text: the phrase the crawler looks for.
THAI = "ผลการประเมินคุณธรรมและความโปร่งใส"
THAI_LABELS = ["windows-874", "x-windows-874", "tis-620", "tis620", "iso-8859-11", "iso8859-11"]
#: The server logs a request a few ms after the client's slot (a new connection, parsing), and
#: not always the same few ms: spacing asserted on the server's clock gets this slack.
CLOCK_SLACK = 0.015
#: The fetcher's own log uses the clock that schedules it; asyncio timers never fire early.
CLIENT_SLACK = 1e-6
#: Fast politeness for tests: no rate limit unless a test sets one, 10 ms backoff base.
FAST: dict[str, Any] = {
    "per_host_rate": math.inf,
    "timeout": 1.0,
    "max_retries": 2,
    "backoff_base": 0.01,
    "backoff_max": 2.0,
}


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def fetch(url: str, **policy: Any) -> Page:
    """One fetch with the FAST policy, overridable; raises like Fetcher.fetch."""

    async def go() -> Page:
        async with Fetcher(FetchPolicy(**{**FAST, **policy})) as fetcher:
            return await fetcher.fetch(url)

    return run(go())


Results = list[Page | FetchError]


def fetch_logged(urls: list[str], **policy: Any) -> tuple[Results, list[tuple[float, str]]]:
    """fetch_many with the FAST policy; also returns the fetcher's own (time, URL) log."""

    async def go() -> tuple[Results, list[tuple[float, str]]]:
        async with Fetcher(FetchPolicy(**{**FAST, **policy})) as fetcher:
            return await fetcher.fetch_many(urls), list(fetcher.request_log)

    return run(go())


def fetch_all(urls: list[str], **policy: Any) -> Results:
    return fetch_logged(urls, **policy)[0]


def spacing(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def server_gaps(site: LoopbackSite) -> list[float]:
    """Gaps between arrivals at the server, but the first: the first request of a client pays
    connection setup between its slot and its arrival, which under CPU load can take tens of
    ms and make the next gap look short although the client kept it."""
    return spacing([r.time for r in site.requests()])[1:]


def typical_server_gap(site: LoopbackSite) -> float:
    """The median gap between arrivals at the server. Not the minimum: under CPU load the
    server thread may log one arrival late, which makes that gap long and the next one
    short although the client kept both (its own log, ``client_gaps``, is exact and is
    checked gap by gap); one late arrival cannot move the median below the interval."""
    return statistics.median(server_gaps(site))


def client_gaps(log: list[tuple[float, str]], site: LoopbackSite) -> list[float]:
    """Gaps between the times the fetcher sent requests to ``site`` (its own clock: exact)."""
    return spacing([t for t, url in log if url.startswith(site.base_url + "/")])


@pytest.fixture(scope="module", autouse=True)
def _warm_httpx() -> None:
    """httpx's first request in a process pays ~40 ms of one-time setup between the client's
    slot and the server's log; pay it here so spacing tests measure the limiter, not imports."""
    with LoopbackSite({"/": Route("warm")}) as site:
        fetch(site.url("/"), obey_robots=False)


# --- plain fetching ------------------------------------------------------------------------


def test_fetch_returns_page_with_provenance(loopback: LoopbackSite) -> None:
    url = loopback.add("/news/contents/details/74823", html_page("ITA", THAI))
    page = fetch(url)
    assert page.status == 200
    assert page.url == page.final_url == url
    assert page.encoding == "utf-8"
    assert THAI.encode() in page.body
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.fetched_at.tzinfo is not None
    assert page.sha256 == hashlib.sha256(page.body).hexdigest()
    ua = loopback.requests("/news/contents/details/74823")[0].headers["User-Agent"]
    assert ua == DEFAULT_USER_AGENT
    assert ua.startswith("ita-extract/") and "+https://" in ua


def test_sync_fetch_page(loopback: LoopbackSite) -> None:
    url = loopback.add("/a", html_page("a", THAI))
    assert fetch_page(url, FetchPolicy(**FAST)).status == 200


@pytest.mark.parametrize("url", ["ftp://example.org/x", "not a url", "http:///nohost"])
def test_invalid_url(url: str) -> None:
    with pytest.raises(InvalidUrl) as info:
        fetch(url)
    assert info.value.reason == "invalid_url" and info.value.url == url


def test_404_raises_http_status_not_retried(loopback: LoopbackSite) -> None:
    with pytest.raises(HttpStatusError) as info:
        fetch(loopback.url("/missing"))
    assert info.value.reason == "http_404" and info.value.status == 404
    assert info.value.page is not None and info.value.page.body == b"not found"
    assert loopback.count("/missing") == 1


def test_soft_404_is_a_200_page_with_the_bare_title(loopback: LoopbackSite) -> None:
    """The fetcher does not judge content: the page comes back (status 200, kept for
    provenance) and html.parse_page flags it by its bare title."""
    page = fetch(loopback.add("/news/contents/details/999999", soft_404_route()))
    text, _ = decode_body(page.body, page.headers.get("content-type"))
    assert page.status == 200
    assert f"<title>{SOFT_404_TITLE}</title>" in text


# --- faults: retried and fetched, or raised with their reason -----------------------------


def test_slow_once_is_retried_and_fetched(loopback: LoopbackSite) -> None:
    url = loopback.add("/slow", Route("ok", fault="slow", slow_seconds=1.0))
    assert fetch(url, timeout=0.2).body == b"ok"
    assert loopback.count("/slow") == 2


def test_slow_always_raises_timeout(loopback: LoopbackSite) -> None:
    url = loopback.add("/slow", Route("ok", fault="slow", times=None, slow_seconds=10.0))
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as info:
        fetch(url, timeout=0.2, max_retries=1)
    assert info.value.reason == "timeout" and info.value.url == url
    assert loopback.count("/slow") == 2
    # Gave up on the timeouts (2 × 0.2 s), not the server's sleep (10 s before any answer):
    # the bound leaves seconds of slack for a loaded machine.
    assert time.monotonic() - started < 5.0


def test_retry_after_seconds_is_honoured(loopback: LoopbackSite) -> None:
    url = loopback.add("/busy", Route("ok", fault="retry_after", retry_after=1))
    assert fetch(url).body == b"ok"
    first, second = loopback.requests("/busy")
    assert second.time - first.time >= 1.0


def test_retry_after_http_date_is_honoured(loopback: LoopbackSite) -> None:
    """The wait is until the date, judged on the wall clock when the 429 came back. The
    fetcher's clock and sleep are injected (a real server, no real waiting), so the test
    checks the logic with no race between two clocks; the real wait is
    test_retry_after_seconds_is_honoured's."""
    when = int(time.time()) + 2  # HTTP-dates have 1 s resolution
    header = email.utils.formatdate(when, usegmt=True)
    url = loopback.add("/busy", Route("ok", fault="retry_after", retry_after=header))
    waits: list[tuple[float, float]] = []  # (wall clock as the wait began, seconds)
    now = [0.0]

    async def fake_sleep(seconds: float) -> None:
        waits.append((time.time(), seconds))
        now[0] += seconds

    async def go() -> Page:
        async with Fetcher(FetchPolicy(**FAST), clock=lambda: now[0], sleep=fake_sleep) as fetcher:
            return await fetcher.fetch(url)

    assert run(go()).body == b"ok"
    assert loopback.count("/busy") == 2
    ((began, seconds),) = waits  # one wait: the Retry-After (the rate is unlimited)
    assert began + seconds >= when  # not back before the date...
    assert began + seconds - max(when, began) < 0.5  # ...and no later (0 s if already past)


def test_retry_after_beyond_backoff_max_gives_up_instead_of_coming_back_early(
    loopback: LoopbackSite,
) -> None:
    url = loopback.add("/busy", Route("ok", fault="retry_after", retry_after=3600, times=None))
    with pytest.raises(HttpStatusError) as info:
        fetch(url, backoff_max=1.0)
    assert info.value.reason == "http_429"
    assert loopback.count("/busy") == 1


def test_retry_after_holds_back_the_whole_host(loopback: LoopbackSite) -> None:
    busy = loopback.add("/busy", Route("ok", fault="retry_after", retry_after=1))
    other = loopback.add("/other", Route("other", delay=0.05))
    results = fetch_all([busy, other, other + "?2"], per_host_concurrency=2)
    assert all(isinstance(r, Page) for r in results)
    first_busy = loopback.requests("/busy")[0].time
    later = [r.time for r in loopback.requests() if r.path == "/other?2"]
    # /other?2 was queued behind the 429: it waited out the host's Retry-After too.
    assert later and later[0] - first_busy >= 1.0 - CLOCK_SLACK


def test_flaky_500_503_then_success(loopback: LoopbackSite) -> None:
    url = loopback.add("/flaky", Route("ok", fault="flaky", times=2))
    assert fetch(url).body == b"ok"
    assert loopback.count("/flaky") == 3


def test_flaky_forever_raises_last_status_with_its_response(loopback: LoopbackSite) -> None:
    url = loopback.add("/flaky", Route("ok", fault="flaky", times=None))
    with pytest.raises(HttpStatusError) as info:
        fetch(url, max_retries=2)
    assert info.value.reason == "http_500" and info.value.status == 500  # 500, 503, 500
    assert info.value.page is not None and info.value.page.body == b"oops"
    assert loopback.count("/flaky") == 3


def test_connection_reset_once_is_retried(loopback: LoopbackSite) -> None:
    url = loopback.add("/reset", Route("ok", fault="reset"))
    assert fetch(url).body == b"ok"
    assert loopback.count("/reset") == 2


def test_connection_reset_always_raises_connection(loopback: LoopbackSite) -> None:
    url = loopback.add("/reset", Route("ok", fault="reset", times=None))
    with pytest.raises(ConnectionFailed) as info:
        fetch(url, max_retries=1)
    assert info.value.reason == "connection"
    assert loopback.count("/reset") == 2


def test_connection_refused_raises_connection() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ConnectionFailed):
        fetch(f"http://127.0.0.1:{port}/x", max_retries=0)


def test_truncated_once_is_retried(loopback: LoopbackSite) -> None:
    url = loopback.add("/cut", Route(THAI, fault="truncate"))
    assert fetch(url).body == THAI.encode()
    assert loopback.count("/cut") == 2


def test_truncated_always_raises_truncated(loopback: LoopbackSite) -> None:
    url = loopback.add("/cut", Route(THAI, fault="truncate", times=None))
    with pytest.raises(TruncatedBody) as info:
        fetch(url, max_retries=1)
    assert info.value.reason == "truncated"
    assert loopback.count("/cut") == 2


def test_redirect_loop(loopback: LoopbackSite) -> None:
    url = loopback.add("/loop", Route(fault="redirect_loop"))
    with pytest.raises(TooManyRedirects) as info:
        fetch(url)
    assert info.value.reason == "redirects"
    assert loopback.count("/loop") == 1  # the loop is seen at once, not after max_redirects


def test_two_page_redirect_loop(loopback: LoopbackSite) -> None:
    loopback.add("/a", Route(status=302, headers={"Location": "/b"}))
    loopback.add("/b", Route(status=301, headers={"Location": "/a"}))
    with pytest.raises(TooManyRedirects):
        fetch(loopback.url("/a"))
    assert loopback.count("/a") == 1 and loopback.count("/b") == 1


def test_cookie_check_redirect_to_itself_is_followed(loopback: LoopbackSite) -> None:
    """Some CMSs set a cookie and redirect to the same URL; the client sends the cookie back."""

    def cookie_check(request: LoggedRequest) -> Route:
        if "visited=1" in request.headers.get("Cookie", ""):
            return Route("content")
        return Route(status=302, headers={"Location": request.path, "Set-Cookie": "visited=1; Path=/"})

    page = fetch(loopback.add("/check", cookie_check))
    assert page.body == b"content" and loopback.count("/check") == 2


def test_redirect_chain_followed_up_to_the_limit(loopback: LoopbackSite) -> None:
    for i in range(6):
        loopback.add(f"/r{i}", Route(status=307, headers={"Location": f"/r{i + 1}"}))
    loopback.add("/r6", Route("end"))
    page = fetch(loopback.url("/r4"), max_redirects=2)
    assert page.body == b"end" and page.final_url == loopback.url("/r6")
    assert page.url == loopback.url("/r4")
    with pytest.raises(TooManyRedirects):
        fetch(loopback.url("/r0"), max_redirects=5)  # 6 hops needed
    assert loopback.count("/r6") == 1


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "streamed"])
def test_oversized_body_is_refused_and_not_retried(loopback: LoopbackSite, chunked: bool) -> None:
    url = loopback.add("/big", Route(fault="oversized", size=2 * 2**20, chunked=chunked))
    with pytest.raises(BodyTooLarge) as info:
        fetch(url, max_body_bytes=64 * 1024)
    assert info.value.reason == "too_large"
    assert ("Content-Length" in info.value.detail) is not chunked
    assert loopback.count("/big") == 1


def test_body_at_the_limit_is_accepted(loopback: LoopbackSite) -> None:
    url = loopback.add("/exact", Route(b"x" * 1000))
    assert len(fetch(url, max_body_bytes=1000).body) == 1000


def test_failures_do_not_lose_the_rest_of_the_run(loopback_factory: Callable[..., LoopbackSite]) -> None:
    a = loopback_factory(robots="User-agent: *\nDisallow: /private\n")
    b = loopback_factory()
    good = [a.add(f"/ok{i}", html_page(str(i), THAI)) for i in range(3)]
    good += [b.add("/flaky", Route("fine", fault="flaky", times=1))]
    bad = {
        a.add("/reset", Route(fault="reset", times=None)): "connection",
        a.url("/private/1"): "robots",
        b.add("/big", Route(fault="oversized")): "too_large",
        b.url("/gone"): "http_404",
        b.add("/loop", Route(fault="redirect_loop")): "redirects",
    }
    urls = [u for pair in itertools.zip_longest(good, bad) for u in pair if u is not None]
    results = fetch_all(urls, max_retries=1, max_body_bytes=10_000)
    assert len(results) == len(urls)
    for url, result in zip(urls, results, strict=True):
        if url in bad:
            assert isinstance(result, FetchError), url
            assert (result.reason, result.url) == (bad[url], url)  # type: ignore[attr-defined]
        else:
            assert isinstance(result, Page) and result.status == 200 and result.url == url
    for i in range(3):
        assert a.count(f"/ok{i}") == 1  # each good page fetched exactly once
    assert b.count("/flaky") == 2
    assert a.count("/private/1") == 0


# --- robots.txt ----------------------------------------------------------------------------


def test_robots_disallowed_never_requested_and_read_once(loopback: LoopbackSite) -> None:
    loopback.add("/robots.txt", Route("User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}))
    urls = [loopback.add(f"/news/{i}", Route("ok")) for i in range(3)]
    urls += [loopback.add(f"/private/{i}", Route("secret")) for i in range(3)]
    results = fetch_all(urls)
    assert [isinstance(r, Page) for r in results] == [True] * 3 + [False] * 3
    assert all(isinstance(r, RobotsDisallowed) and r.reason == "robots" for r in results[3:])
    assert not [r for r in loopback.requests() if r.path.startswith("/private")]
    assert loopback.count("/robots.txt") == 1


def test_robots_group_for_our_user_agent(loopback: LoopbackSite) -> None:
    loopback.add("/robots.txt", Route("User-agent: ita-extract\nDisallow: /news/\n\nUser-agent: *\nDisallow: /\n"))
    loopback.add("/other", Route("ok"))
    assert fetch(loopback.url("/other")).status == 200
    with pytest.raises(RobotsDisallowed):
        fetch(loopback.url("/news/1"))
    assert loopback.count("/news/1") == 0


def test_redirect_into_disallowed_path_is_not_followed(loopback: LoopbackSite) -> None:
    loopback.add("/robots.txt", Route("User-agent: *\nDisallow: /private\n"))
    url = loopback.add("/open", Route(status=302, headers={"Location": "/private/x"}))
    with pytest.raises(RobotsDisallowed) as info:
        fetch(url)
    assert info.value.url == url
    assert loopback.count("/private/x") == 0


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (410, True), (401, False), (403, False), (503, False)])
def test_robots_status_rules(loopback: LoopbackSite, status: int, allowed: bool) -> None:
    """404/410: no rules, allow. 401/403: disallow all (urllib.robotparser's rule).
    5xx after the retries: disallow all (RFC 9309 §2.3.1.4)."""
    loopback.add("/robots.txt", Route("no", status=status))
    url = loopback.add("/page", Route("ok"))
    if allowed:
        assert fetch(url, max_retries=0).status == 200
    else:
        with pytest.raises(RobotsDisallowed):
            fetch(url, max_retries=0)
        assert loopback.count("/page") == 0


def test_robots_unreachable_allows(loopback: LoopbackSite) -> None:
    loopback.add("/robots.txt", Route(fault="reset", times=None))
    assert fetch(loopback.add("/page", Route("ok")), max_retries=0).status == 200


def test_obey_robots_false_skips_robots(loopback: LoopbackSite) -> None:
    loopback.add("/robots.txt", Route("User-agent: *\nDisallow: /\n"))
    assert fetch(loopback.add("/page", Route("ok")), obey_robots=False).status == 200
    assert loopback.count("/robots.txt") == 0


def test_crawl_delay_lowers_the_rate(loopback: LoopbackSite) -> None:
    loopback.add("/robots.txt", Route("User-agent: *\nCrawl-delay: 0.2\n"))
    urls = [loopback.add(f"/p{i}", Route("ok")) for i in range(4)]
    results, log = fetch_logged(urls, per_host_rate=20.0)  # 0.05 s, but robots asks for 0.2 s
    assert all(isinstance(r, Page) for r in results)
    sent = client_gaps(log, loopback)
    assert len(sent) == 4  # robots.txt itself counts
    assert min(sent) >= 0.2 - CLIENT_SLACK
    assert typical_server_gap(loopback) >= 0.2 - CLOCK_SLACK


def test_crawl_delay_parsing() -> None:
    text = (
        "User-agent: other\nCrawl-delay: 9\n\nUser-agent: ita-extract\nUser-agent: x\n"
        "Crawl-delay: 2.5 # ours\nDisallow: /a\n\nUser-agent: *\nCrawl-delay: 1\n"
    )
    assert _crawl_delay(text, DEFAULT_USER_AGENT) == 2.5
    assert _crawl_delay(text, "somebot/1.0") == 1.0
    assert _crawl_delay("User-agent: *\nDisallow:\n", DEFAULT_USER_AGENT) is None
    assert _crawl_delay("Crawl-delay: 5\n", DEFAULT_USER_AGENT) is None  # outside any group


# --- rate limits and concurrency -------------------------------------------------------------


def test_per_host_rate_limit(loopback: LoopbackSite) -> None:
    urls = [loopback.add(f"/p{i}", Route("ok")) for i in range(8)]
    started = time.monotonic()
    results, log = fetch_logged(urls, per_host_rate=20.0, obey_robots=False)
    elapsed = time.monotonic() - started
    assert all(isinstance(r, Page) for r in results)
    assert min(client_gaps(log, loopback)) >= 1 / 20 - CLIENT_SLACK
    assert typical_server_gap(loopback) >= 1 / 20 - CLOCK_SLACK
    assert elapsed >= 7 / 20  # 8 requests, 7 intervals; the first one did not wait


def test_first_request_to_a_host_does_not_wait(loopback: LoopbackSite) -> None:
    """Logic, so on the fetcher's injected clock: the first request goes at once, the second
    waits the interval exactly."""
    urls = [loopback.add(f"/p{i}", Route("ok")) for i in range(2)]
    sleeps: list[float] = []
    now = [0.0]

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    async def go() -> list[Page]:
        policy = FetchPolicy(**{**FAST, "per_host_rate": 0.5, "obey_robots": False})  # interval 2 s
        async with Fetcher(policy, clock=lambda: now[0], sleep=fake_sleep) as fetcher:
            return [await fetcher.fetch(url) for url in urls]

    assert [p.status for p in run(go())] == [200, 200]
    assert sleeps == [2.0]


def test_robots_request_counts_against_the_rate(loopback: LoopbackSite) -> None:
    url = loopback.add("/p", Route("ok"))
    _, log = fetch_logged([url], per_host_rate=5.0)
    assert [u for _, u in log] == [loopback.url("/robots.txt"), url]
    assert client_gaps(log, loopback)[0] >= 0.2 - CLIENT_SLACK
    assert [r.path for r in loopback.requests()] == ["/robots.txt", "/p"]


def test_hosts_are_limited_separately(loopback_factory: Callable[..., LoopbackSite]) -> None:
    sites = [loopback_factory() for _ in range(3)]
    urls = [s.add(f"/p{i}", Route("ok")) for i in range(5) for s in sites]
    _, log = fetch_logged(urls, per_host_rate=10.0, obey_robots=False)
    for site in sites:
        assert site.count("/p0") == 1
        assert min(client_gaps(log, site)) >= 0.1 - CLIENT_SLACK
        assert typical_server_gap(site) >= 0.1 - CLOCK_SLACK
    # In parallel the 15 requests go out within 4 intervals (0.4 s); one clock for all hosts
    # would space them by 14 (1.4 s). Below that is proof of parallelism, with 1 s for load.
    sent = [t for t, _ in log]
    assert max(sent) - min(sent) < 1.4


def test_per_host_concurrency_one_means_no_overlap(loopback: LoopbackSite) -> None:
    urls = [loopback.add(f"/p{i}", Route("ok", delay=0.1)) for i in range(4)]
    fetch_all(urls, obey_robots=False)  # rate unlimited: only the semaphore spaces them
    # A request leaves only after the previous answer, which left 0.1 s after its arrival.
    assert min(spacing([r.time for r in loopback.requests()])) >= 0.1


def test_global_concurrency(loopback_factory: Callable[..., LoopbackSite]) -> None:
    """Requests in flight over all hosts, counted by the servers: never more than
    global_concurrency, and that many do run together. The first two requests wait for each
    other in the server, so their overlap does not hang on timing; a third arriving while
    they are in would be counted."""
    lock = threading.Condition()
    count = {"in": 0, "most": 0, "arrived": 0}

    def slow(request: LoggedRequest) -> Route:
        with lock:
            count["in"] += 1
            count["arrived"] += 1
            count["most"] = max(count["most"], count["in"])
            lock.notify_all()
            lock.wait_for(lambda: count["arrived"] >= 2, timeout=10)
        time.sleep(0.2)
        with lock:
            count["in"] -= 1  # before the answer leaves: the next request cannot overlap it
        return Route("ok")

    sites = [loopback_factory() for _ in range(4)]
    urls = [s.add("/p", slow) for s in sites]
    started = time.monotonic()
    results = fetch_all(urls, global_concurrency=2, obey_robots=False, timeout=20.0)
    elapsed = time.monotonic() - started
    assert all(isinstance(r, Page) for r in results)
    assert count["most"] == 2
    assert elapsed >= 0.4  # 4 slow requests, 2 at a time: two waves of 0.2 s
    arrivals = sorted(s.requests()[0].time for s in sites)
    assert arrivals[2] - arrivals[0] >= 0.2 - CLOCK_SLACK


def test_several_loopback_addresses(loopback_factory: Callable[..., LoopbackSite]) -> None:
    try:
        sites = [loopback_factory(host=f"127.0.0.{i}") for i in (1, 2, 3)]
    except OSError:
        pytest.skip("127.0.0.2/3 are not routed to loopback on this OS")
    urls = [s.add("/p", Route(s.host)) for s in sites]
    pages = fetch_all(urls)
    assert [p.body.decode() for p in pages if isinstance(p, Page)] == [s.host for s in sites]


# --- conditional requests ----------------------------------------------------------------------


def test_conditional_request_304(loopback: LoopbackSite) -> None:
    lm = "Wed, 01 Jan 2025 00:00:00 GMT"
    url = loopback.add("/doc", Route(THAI, etag='"v1"', last_modified=lm))
    first = fetch(url)
    assert first.status == 200 and first.headers["etag"] == '"v1"'

    async def again() -> list[Page]:
        async with Fetcher(FetchPolicy(**FAST)) as fetcher:
            return [
                await fetcher.fetch(url, etag=first.headers["etag"]),
                await fetcher.fetch(url, last_modified=first.headers["last-modified"]),
                await fetcher.fetch(url, etag='"v0"'),
            ]

    by_etag, by_date, changed = run(again())
    assert by_etag.status == 304 and by_etag.body == b"" and by_etag.encoding is None
    assert by_date.status == 304
    assert changed.status == 200 and changed.body == THAI.encode()
    sent = loopback.requests("/doc")
    assert sent[1].headers["If-None-Match"] == '"v1"'
    assert sent[2].headers["If-Modified-Since"] == lm
    assert "If-None-Match" not in sent[0].headers


# --- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("label", THAI_LABELS)
def test_cp874_page_with_each_header_label(loopback: LoopbackSite, label: str) -> None:
    page = fetch(loopback.add("/p", html_page("t", THAI, encoding="cp874", declared=label)))
    text, codec = decode_body(page.body, page.headers["content-type"])
    assert (codec, page.encoding) == ("cp874", "cp874")
    assert THAI in text


@pytest.mark.parametrize("label", THAI_LABELS)
def test_cp874_page_with_each_meta_label(loopback: LoopbackSite, label: str) -> None:
    page = fetch(loopback.add("/p", html_page("t", THAI, encoding="cp874", declared=None, meta=label)))
    text, codec = decode_body(page.body, page.headers["content-type"])
    assert codec == "cp874" and THAI in text


def test_meta_http_equiv_and_xml_declaration() -> None:
    body = THAI.encode("cp874")
    equiv = b'<meta http-equiv="Content-Type" content="text/html; charset=TIS-620">' + body
    assert decode_body(equiv, "text/html") == (equiv.decode("cp874"), "cp874")
    xml = b'<?xml version="1.0" encoding="windows-874"?><rss>' + body + b"</rss>"
    assert decode_body(xml, "application/rss+xml")[1] == "cp874"


def test_wrong_declared_charset_falls_through(loopback: LoopbackSite) -> None:
    """cp874 bytes served as charset=utf-8: the strict UTF-8 decode fails, cp874 wins."""
    page = fetch(loopback.add("/p", html_page("t", THAI, encoding="cp874", declared="utf-8")))
    text, codec = decode_body(page.body, page.headers["content-type"])
    assert codec == "cp874" and THAI in text and "\ufffd" not in text


def test_no_charset_anywhere_cp874(loopback: LoopbackSite) -> None:
    page = fetch(loopback.add("/p", html_page("t", THAI, encoding="cp874", declared=None)))
    assert page.headers["content-type"] == "text/html"
    text, codec = decode_body(page.body, page.headers["content-type"])
    assert codec == "cp874" and THAI in text


def test_no_charset_anywhere_utf8() -> None:
    assert decode_body(THAI.encode(), None) == (THAI, "utf-8")


def test_wrong_meta_charset_falls_through() -> None:
    body = b'<meta charset="utf-8">' + THAI.encode("cp874")
    assert decode_body(body, None)[1] == "cp874"


def test_latin1_header_is_weak() -> None:
    """Apache's default charset=ISO-8859-1 decodes anything; the meta and UTF-8 come first."""
    body = b'<meta charset="tis-620">' + THAI.encode("cp874")
    assert decode_body(body, "text/html; charset=ISO-8859-1")[1] == "cp874"
    assert decode_body(THAI.encode(), "text/html; charset=iso-8859-1") == (THAI, "utf-8")
    assert decode_body("café".encode("latin-1"), "text/html; charset=iso-8859-1")[0] == "café"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_bom(loopback: LoopbackSite, bom: bytes, codec: str) -> None:
    body = bom + f"<title>{THAI}</title>".encode(codec)
    page = fetch(loopback.add("/p", Route(body, headers={"Content-Type": "text/html"})))
    assert decode_body(page.body, page.headers["content-type"]) == (f"<title>{THAI}</title>", codec)


def test_header_charset_wins_and_bom_is_stripped() -> None:
    body = codecs.BOM_UTF8 + THAI.encode()
    assert decode_body(body, "text/html; charset=UTF-8") == (THAI, "utf-8")
    assert decode_body(THAI.encode("cp874"), 'text/html; charset="TIS-620"') == (THAI, "cp874")


def test_unknown_and_non_web_labels_are_ignored() -> None:
    assert decode_body(THAI.encode(), "text/html; charset=x-no-such")[1] == "utf-8"
    assert decode_body(b"+AGEAYgBj-", "text/html; charset=utf-7")[1] == "utf-8"
    assert decode_body(b"abc", "text/html; charset=rot13") == ("abc", "utf-8")
    assert decode_body(b"abc", "text/html; charset=base64") == ("abc", "utf-8")


def test_undecodable_bytes_fall_back_to_cp874_with_replacement() -> None:
    text, codec = decode_body(b"\xff\xfe\xfd\xdb", "text/plain")
    assert codec == "cp874" and "\ufffd" in text


@settings(max_examples=300, deadline=None)
@given(
    body=st.binary(max_size=600),
    content_type=st.one_of(
        st.none(),
        st.text(max_size=40),
        st.sampled_from(THAI_LABELS + ["utf-8", "utf-16", "latin-1", "x", "", "utf-7"]).map(
            lambda label: f"text/html; charset={label}"
        ),
    ),
    prefix=st.sampled_from(
        [
            b"",
            b'<meta charset="utf-16">',
            b'<meta charset="tis-620">',
            codecs.BOM_UTF8,
            codecs.BOM_UTF16_LE,
            b"<?xml encoding='idna'?>",
        ]
    ),
)
def test_decode_body_never_raises(body: bytes, content_type: str | None, prefix: bytes) -> None:
    text, codec = decode_body(prefix + body, content_type)
    assert isinstance(text, str) and isinstance(codec, str)
    assert codecs.lookup(codec)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B).filter(
            lambda c: c.encode("cp874", "ignore") != b""
        ),
        min_size=1,
        max_size=80,
    ),
    st.sampled_from(THAI_LABELS),
)
def test_thai_round_trips_through_every_label(text: str, label: str) -> None:
    assert decode_body(text.encode("cp874"), f"text/html; charset={label}") == (text, "cp874")


# --- units: backoff, Retry-After, injected time --------------------------------------------------


def test_backoff_is_full_jitter_and_capped() -> None:
    rng = random.Random(1)
    for retry in range(10):
        for _ in range(50):
            assert 0.0 <= backoff_delay(retry, 1.0, 60.0, rng) <= min(60.0, 2.0**retry)
    assert max(backoff_delay(3, 1.0, 60.0, rng) for _ in range(200)) > 4.0  # spreads wide


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert parse_retry_after("Wed, 01 Jan 2025 00:00:30 GMT", now) == 30.0
    assert parse_retry_after("Tue, 31 Dec 2024 00:00:00 GMT", now) == 0.0


def test_injected_sleep_records_backoff_and_retry_after_without_waiting() -> None:
    """transport= and sleep= let the retry logic run with no server and no real waiting."""
    answers = iter([503, 429, 500, 200])
    sleeps: list[float] = []
    now = [1000.0]  # a fake monotonic clock that only the fake sleep moves

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        headers = {"Retry-After": "7"} if status == 429 else {}
        return httpx.Response(status, headers=headers, content=b"ok")

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    async def go() -> Page:
        policy = FetchPolicy(
            per_host_rate=math.inf, obey_robots=False, backoff_base=1.0, backoff_max=30.0, max_retries=3
        )
        async with Fetcher(
            policy, transport=httpx.MockTransport(handler), sleep=fake_sleep, clock=lambda: now[0], rng=random.Random(0)
        ) as fetcher:
            return await fetcher.fetch("http://example.org/x")

    assert run(go()).status == 200
    assert len(sleeps) == 3  # no real time passed: the test is instant
    assert sleeps[0] <= 1.0 and sleeps[1] == 7.0 and sleeps[2] <= 4.0


# --- the server as a subprocess ------------------------------------------------------------------


def test_loopback_subprocess(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with LoopbackProcess({"/p": html_page("t", THAI)}, robots="User-agent: *\nDisallow: /x\n", log_file=log) as server:
        page = fetch(server.url("/p"))
        with pytest.raises(RobotsDisallowed):
            fetch(server.url("/x"))
    assert THAI.encode() in page.body
    assert [line.count('"/robots.txt"') for line in log.read_text().splitlines()] == [1, 0, 1]


# --- the total deadline (issue 8) ----------------------------------------------------------


def test_a_slow_drip_body_fails_at_the_deadline_with_an_honest_message(loopback: LoopbackSite) -> None:
    """8 bytes every 0.5 s: every read is well within the timeout, the whole body never
    comes. The request ends at its total deadline (not retried), and the message says so."""
    url = loopback.add("/drip", Route(fault="drip", size=10_000, drip_bytes=8, drip_seconds=0.5))
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as info:
        fetch(url, timeout=1.0, deadline=2.0, max_retries=3)
    elapsed = time.monotonic() - started
    assert 2.0 <= elapsed < 6.0  # the deadline, with slack for a loaded machine; not 4 × 2 s
    assert loopback.count("/drip") == 1
    message = str(info.value)
    assert "2s deadline" in message and "body bytes received" in message, message


def test_the_deadline_defaults_to_three_timeouts() -> None:
    assert FetchPolicy(timeout=2.0).deadline == 6.0
    with pytest.raises(ValueError):
        FetchPolicy(deadline=0)
