"""Polite HTTP fetching: robots.txt, per-host rate limits, retries, size limits, encodings.

One :class:`Fetcher` (one ``httpx.AsyncClient``) serves a whole crawl, so robots.txt is read
once per host and the per-host clocks see every request. Each request goes through, in order:
robots.txt of its origin → per-host concurrency → per-host rate limit (the larger of
``1/per_host_rate`` and robots' Crawl-delay; the robots.txt request counts too) → global
concurrency → one HTTP attempt. Redirects are followed here, hop by hop, so every hop is
checked against robots.txt and rate-limited like any other request.

Every error is a :class:`~ita_extract.errors.FetchError` carrying the requested ``.url`` and a
short ``.reason`` code (the crawler stores it as the failure reason)::

    FetchError (ita_extract.errors)
    ├── RobotsDisallowed   "robots"         robots.txt forbids the URL, or answered 401/403/5xx
    ├── TooManyRedirects   "redirects"      more than max_redirects hops, or a loop
    ├── BodyTooLarge       "too_large"      Content-Length or the streamed body past max_body_bytes
    ├── HttpStatusError    "http_<status>"  a 4xx/5xx answer (retryable ones after the retries);
    │                                       ``.status``, and ``.page``: the error response itself
    ├── FetchTimeout       "timeout"        no answer in time, after the retries; or the whole
    │                                       response not in by the deadline (not retried)
    ├── ConnectionFailed   "connection"     refused, reset, closed before a response, after the retries
    ├── TruncatedBody      "truncated"      fewer body bytes than Content-Length, after the retries
    └── InvalidUrl         "invalid_url"    not an http(s) URL

Retried (exponential backoff with full jitter, ``max_retries`` times): timeouts, connection
errors, truncated bodies, 408, 429 and 5xx except 501. A ``Retry-After`` (seconds or HTTP-date)
on a retryable answer replaces the backoff and holds back the whole host; when it asks for more
than ``backoff_max`` we give up on the URL rather than come back early.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import hashlib
import math
import random
import time
import urllib.robotparser
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from ita_extract import __version__
from ita_extract.decode import TEXT_TYPES, decode_body
from ita_extract.errors import (
    BodyTooLarge,
    ConnectionFailed,
    FetchError,
    FetchFailure,
    FetchTimeout,
    HttpStatusError,
    InvalidUrl,
    RobotsDisallowed,
    TooManyRedirects,
    TruncatedBody,
)
from ita_extract.models import Page

__all__ = [
    "BodyTooLarge",
    "ConnectionFailed",
    "FetchPolicy",
    "FetchTimeout",
    "Fetcher",
    "HttpStatusError",
    "InvalidUrl",
    "RobotsDisallowed",
    "TooManyRedirects",
    "TruncatedBody",
    "decode_body",
    "fetch_page",
]

# --- Policy defaults, each with its reason -------------------------------------------------

#: Identifies the crawler and gives site operators a contact URL (the issue requires both).
DEFAULT_USER_AGENT = f"ita-extract/{__version__} (+https://github.com/ita-extract/ita-extract; research crawler)"
#: requests/s/host: the issue's default; many .go.th hosts are small municipal servers.
DEFAULT_PER_HOST_RATE = 1.0
#: One request in flight per host: a research crawler should look like one slow reader.
DEFAULT_PER_HOST_CONCURRENCY = 1
#: Across hosts: bounds open sockets, and memory to 8 × max_body_bytes in the worst case.
DEFAULT_GLOBAL_CONCURRENCY = 8
#: Seconds per connect/read/write; provincial servers often take > 10 s to the first byte.
DEFAULT_TIMEOUT = 20.0
#: 5 attempts in all; with a 1 s base the waits average 0.5 + 1 + 2 + 4 s ≈ 7.5 s per URL.
DEFAULT_MAX_RETRIES = 4
#: Seconds; first backoff ceiling, doubled at each retry (full jitter draws in [0, ceiling]).
DEFAULT_BACKOFF_BASE = 1.0
#: Seconds; the longest single wait, and the most Retry-After we are willing to wait.
DEFAULT_BACKOFF_MAX = 60.0
#: News pages are well under 1 MiB; 10 MiB leaves room for inline images and still bounds memory.
DEFAULT_MAX_BODY_BYTES = 10 * 2**20
#: CMS stubs and http→https→www chains need 2–3 hops; browsers allow 20, a crawler needs fewer.
DEFAULT_MAX_REDIRECTS = 5

#: RFC 9309 §2.5: a crawler must parse at least the first 500 KiB of robots.txt; we read that much.
ROBOTS_MAX_BYTES = 500 * 1024
#: RFC 9309 §2.3.1.2: follow at least five redirects for robots.txt.
ROBOTS_MAX_REDIRECTS = 5
#: A whole attempt (connect + headers + body) may last this many times ``timeout`` (the policy's
#: ``deadline``): httpx's timeout is per read, so a server trickling a few bytes per period
#: could otherwise hold a slot for ever. An attempt cut by the deadline is not retried: a
#: slow-drip server does not get faster, and retrying it multiplied the wait (308 s for 20 s).
ATTEMPT_DEADLINE_FACTOR = 3.0
#: Entries kept in Fetcher.request_log: plenty for tests and benchmarks, bounded for long crawls.
REQUEST_LOG_SIZE = 10_000
#: 501 Not Implemented will not change on retry; every other 5xx may be transient.
NOT_RETRYABLE_5XX = frozenset({501})
#: 408 Request Timeout and 429 Too Many Requests invite a later retry.
RETRYABLE_4XX = frozenset({408, 429})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Sent with every request: we only want documents, and Thai first.
DEFAULT_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "th,en;q=0.5",
}

_RETRYABLE_ERRORS = (FetchTimeout, ConnectionFailed, TruncatedBody)


class _DeadlinePassed(FetchTimeout):
    """The whole response was not in by the policy's deadline (a FetchTimeout, not retried)."""


# --- Policy ------------------------------------------------------------------------------


@dataclass
class FetchPolicy:
    """How politely and how patiently to fetch. Every field can be overridden (tests use
    fast values; the defaults are the module constants above, each with its reason)."""

    user_agent: str = DEFAULT_USER_AGENT
    per_host_rate: float = DEFAULT_PER_HOST_RATE
    per_host_concurrency: int = DEFAULT_PER_HOST_CONCURRENCY
    global_concurrency: int = DEFAULT_GLOBAL_CONCURRENCY
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_base: float = DEFAULT_BACKOFF_BASE
    backoff_max: float = DEFAULT_BACKOFF_MAX
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    obey_robots: bool = True
    #: Total seconds for one request (connect + read + body); None: timeout × ATTEMPT_DEADLINE_FACTOR.
    deadline: float | None = None

    def __post_init__(self) -> None:
        if not self.per_host_rate > 0:
            raise ValueError("per_host_rate must be > 0 requests/s (math.inf: no limit)")
        if self.per_host_concurrency < 1 or self.global_concurrency < 1:
            raise ValueError("concurrency limits must be >= 1")
        if self.timeout <= 0 or self.max_retries < 0 or self.max_redirects < 0:
            raise ValueError("timeout must be > 0; max_retries and max_redirects >= 0")
        if self.deadline is None:
            self.deadline = self.timeout * ATTEMPT_DEADLINE_FACTOR
        if self.deadline <= 0:
            raise ValueError("deadline must be > 0")


def backoff_delay(retry: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Full-jitter exponential backoff (AWS architecture blog): uniform in [0, min(cap, base·2^n)].

    Full jitter spreads the retries of many failing URLs instead of bunching them.
    """
    ceiling = min(cap, base * 2.0**retry)
    return (rng or random).uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


# --- Per-host state ------------------------------------------------------------------------


@dataclass
class _Robots:
    """What robots.txt says for our user agent on one origin."""

    parser: urllib.robotparser.RobotFileParser | None
    allow_all: bool
    note: str
    crawl_delay: float | None = None

    def allows(self, url: str, user_agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(user_agent, url)


@dataclass
class _Host:
    """Clocks, limits and robots rules of one origin (scheme://host:port)."""

    origin: str
    interval: float
    semaphore: asyncio.Semaphore
    next_slot: float = -math.inf
    last_start: float = -math.inf
    robots: _Robots | None = None
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class _Response:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: dt.datetime


def _origin(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(url)
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{parts.hostname.lower()}:{port}"


def _without_fragment(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


def _crawl_delay(robots_text: str, user_agent: str) -> float | None:
    """Crawl-delay of the group that applies to us; urllib.robotparser reads integers only.

    Group choice follows urllib.robotparser: the first group naming a token contained in our
    product token, else the ``*`` group.
    """
    product = user_agent.split("/")[0].lower()
    groups: list[tuple[list[str], float | None]] = []
    agents: list[str] = []
    delay: float | None = None
    in_rules = False
    for raw in robots_text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if in_rules:
                groups.append((agents, delay))
                agents, delay, in_rules = [], None, False
            agents.append(value.lower())
        elif agents:
            in_rules = True
            if key == "crawl-delay":
                try:
                    delay = float(value)
                except ValueError:
                    pass
    if agents:
        groups.append((agents, delay))
    for names, group_delay in groups:
        if any(name != "*" and name in product for name in names):
            return group_delay
    for names, group_delay in groups:
        if "*" in names:
            return group_delay
    return None


# --- Fetcher -----------------------------------------------------------------------------


class Fetcher:
    """Polite async fetcher; use one per crawl, as ``async with Fetcher(policy) as f:``.

    ``transport`` is handed to httpx (tests can use ``httpx.MockTransport``); ``clock`` and
    ``sleep`` drive the rate limits and backoffs, so tests can replace time; ``rng`` draws the
    jitter.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._hosts: dict[str, _Host] = {}
        self._global: asyncio.Semaphore | None = None
        #: Requests actually sent (robots.txt, retries and redirect hops included).
        self.requests_sent = 0
        #: (clock time the request went out, URL) of the latest requests, oldest first.
        self.request_log: deque[tuple[float, str]] = deque(maxlen=REQUEST_LOG_SIZE)
        self._client = httpx.AsyncClient(
            headers={"User-Agent": self.policy.user_agent, **DEFAULT_HEADERS},
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=False,
            transport=transport,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- public ----------------------------------------------------------------------------

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Page:
        """Fetch ``url`` politely; a Page for 2xx, or status 304 (empty body) when the
        conditional request (``etag`` / ``last_modified`` of a previous fetch) says not
        modified. Raises a FetchError subclass otherwise (see the module docstring)."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = _without_fragment(url)
        seen = {current}
        hops = 0
        while True:
            host = self._host_for(url, current)
            await self._check_robots(url, current, host)
            response = await self._request(url, current, host, headers, self.policy.max_body_bytes)
            location = response.headers.get("location")
            if response.status in REDIRECT_STATUSES and location:
                target = _without_fragment(urljoin(current, location.strip()))
                # A redirect back to a visited URL is a loop, unless it just set a cookie (the
                # "cookie check" of some CMSs: set, then send back); max_redirects bounds that.
                if target in seen and "set-cookie" not in response.headers:
                    raise TooManyRedirects(url, f"redirect loop: {current} → {target}")
                if hops >= self.policy.max_redirects:
                    raise TooManyRedirects(url, f"more than {self.policy.max_redirects} redirects")
                seen.add(target)
                current = target
                hops += 1
                continue
            page = self._page(url, response)
            if 200 <= response.status < 300 or response.status == 304:
                return page
            raise HttpStatusError(url, response.status, f"final URL {current}", page=page)

    async def fetch_many(self, urls: Iterable[str]) -> list[Page | FetchError]:
        """Fetch all ``urls`` concurrently (within the limits); a failed URL yields its
        FetchError in its place and never stops the others. Results are in input order."""

        async def one(url: str) -> Page | FetchError:
            try:
                return await self.fetch(url)
            except FetchError as exc:
                return exc

        return list(await asyncio.gather(*(one(url) for url in urls)))

    # -- hosts, robots -----------------------------------------------------------------------

    def _host_for(self, requested: str, url: str) -> _Host:
        try:
            origin = _origin(url)
        except ValueError:
            raise InvalidUrl(requested, f"not an absolute http(s) URL: {url!r}") from None
        host = self._hosts.get(origin)
        if host is None:
            host = _Host(
                origin=origin,
                interval=1.0 / self.policy.per_host_rate,
                semaphore=asyncio.Semaphore(self.policy.per_host_concurrency),
            )
            self._hosts[origin] = host
        return host

    async def _check_robots(self, requested: str, url: str, host: _Host) -> None:
        if not self.policy.obey_robots:
            return
        if host.robots is None:
            async with host.robots_lock:
                if host.robots is None:
                    host.robots = await self._load_robots(host)
                    delay = host.robots.crawl_delay
                    if delay and delay > host.interval:
                        # Crawl-delay lowers the rate, from the robots.txt request on.
                        host.interval = delay
                        host.next_slot = max(host.next_slot, host.last_start + delay)
        if not host.robots.allows(url, self.policy.user_agent):
            raise RobotsDisallowed(requested, f"{url} ({host.robots.note})")

    async def _load_robots(self, host: _Host) -> _Robots:
        """robots.txt of one origin. 2xx: its rules. 401/403: disallow all (urllib.robotparser's
        and Google's historical rule; the conservative reading). Other 4xx, or unreachable
        (network errors, timeouts): allow all. 5xx/429 after the retries: disallow all (RFC 9309
        §2.3.1.4: the server may be overloaded; its pages would fail anyway)."""
        url = host.origin + "/robots.txt"
        for _ in range(ROBOTS_MAX_REDIRECTS + 1):
            target = self._host_for(url, url)
            try:
                response = await self._request(url, url, target, {}, ROBOTS_MAX_BYTES, cut=True)
            except HttpStatusError as exc:
                return _Robots(None, False, f"robots.txt answered {exc.status}: disallow all")
            except FetchFailure as exc:
                return _Robots(None, True, f"robots.txt unreachable ({exc.reason}): allow all")
            location = response.headers.get("location")
            if response.status in REDIRECT_STATUSES and location:
                url = _without_fragment(urljoin(url, location.strip()))
                continue
            break
        else:
            return _Robots(None, True, "robots.txt redirects too often: allow all")
        status = response.status
        if 200 <= status < 300:
            text = response.body.decode("utf-8", errors="replace").removeprefix("\ufeff")
            parser = urllib.robotparser.RobotFileParser(url)
            parser.parse(text.splitlines())
            parser.modified()  # can_fetch() refuses everything until a read is recorded
            delay = _crawl_delay(text, self.policy.user_agent)
            return _Robots(parser, True, "disallowed by robots.txt", delay)
        if status in (401, 403):
            return _Robots(None, False, f"robots.txt answered {status}: disallow all")
        if 400 <= status < 500:
            return _Robots(None, True, f"no robots.txt ({status}): allow all")
        return _Robots(None, False, f"robots.txt answered {status}: disallow all")

    # -- one request, with retries ---------------------------------------------------------

    async def _request(
        self,
        requested: str,
        url: str,
        host: _Host,
        headers: dict[str, str],
        max_bytes: int,
        *,
        cut: bool = False,
    ) -> _Response:
        """GET ``url`` with retries; return any non-retryable answer (the caller judges it)."""
        if self._global is None:
            self._global = asyncio.Semaphore(self.policy.global_concurrency)
        retry = 0
        while True:
            response: _Response | None = None
            error: FetchFailure
            async with host.semaphore:
                # Wait for the host's turn without holding a global slot other hosts could use.
                await self._wait_turn(host)
                async with self._global:
                    self.request_log.append((await self._take_slot(host), url))
                    try:
                        response = await self._attempt(requested, url, headers, max_bytes, cut)
                    except _RETRYABLE_ERRORS as exc:
                        if isinstance(exc, _DeadlinePassed):
                            raise
                        error = exc
            retry_after: float | None = None
            if response is not None:
                if not self._retryable(response.status):
                    return response
                page = self._page(requested, response)
                error = HttpStatusError(requested, response.status, f"URL {url}", page=page)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
            if retry >= self.policy.max_retries:
                raise error
            delay = backoff_delay(retry, self.policy.backoff_base, self.policy.backoff_max, self._rng)
            if retry_after is not None:
                if retry_after > self.policy.backoff_max:
                    error.detail += f"; Retry-After {retry_after:.0f}s > backoff_max, gave up"
                    raise error
                delay = retry_after
                # The whole host asked for a pause, not only this URL.
                host.next_slot = max(host.next_slot, self._clock() + retry_after)
            await self._sleep(delay)
            retry += 1

    @staticmethod
    def _retryable(status: int) -> bool:
        return status in RETRYABLE_4XX or (500 <= status <= 599 and status not in NOT_RETRYABLE_5XX)

    async def _wait_turn(self, host: _Host) -> None:
        """Sleep until the host's next slot is due (others may claim it meanwhile: loop)."""
        while (wait := host.next_slot - self._clock()) > 0:
            await self._sleep(wait)

    async def _take_slot(self, host: _Host) -> float:
        """Wait for the host's turn, then claim it: the next request may start one interval
        after this one *actually* starts (a late wake-up pushes the next slot, it never
        squeezes the gap). No await between the last check and the claim."""
        await self._wait_turn(host)
        now = self._clock()
        host.next_slot = now + host.interval
        host.last_start = now
        return now

    async def _attempt(self, requested: str, url: str, headers: dict[str, str], max_bytes: int, cut: bool) -> _Response:
        """One HTTP GET; maps httpx errors to ours. Body streamed and bounded by max_bytes
        (``cut``: keep the first max_bytes instead of failing, for robots.txt)."""
        self.requests_sent += 1
        phase = "connect"
        deadline = self.policy.deadline
        assert deadline is not None  # set by FetchPolicy.__post_init__
        started = time.monotonic()
        body = bytearray()
        try:
            async with asyncio.timeout(deadline):
                request = self._client.build_request("GET", url, headers=headers)
                response = await self._client.send(request, stream=True)
                fetched_at = dt.datetime.now(dt.UTC)
                try:
                    phase = "body"
                    declared = _content_length(response)
                    if declared is not None and declared > max_bytes and not cut:
                        raise BodyTooLarge(requested, f"Content-Length {declared} > {max_bytes}")
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            if cut:
                                del body[max_bytes:]
                                break
                            raise BodyTooLarge(requested, f"body past {max_bytes} bytes")
                    else:
                        # Bytes on the wire (compressed, if so); a transport that hands over
                        # ready content (httpx.MockTransport) counts nothing there.
                        received = max(response.num_bytes_downloaded, len(body))
                        if declared is not None and received < declared:
                            raise TruncatedBody(requested, f"{received} of {declared} bytes from {url}")
                finally:
                    await response.aclose()
        except TimeoutError:
            # asyncio.timeout: the deadline, however quick each read was
            where = f"{len(body):,} body bytes received" if phase == "body" else "no response headers"
            raise _DeadlinePassed(
                requested, f"{url}: response not complete within the {deadline:g}s deadline ({where} in "
                f"{time.monotonic() - started:.1f}s)"
            ) from None
        except httpx.TimeoutException as exc:
            what = "connect" if isinstance(exc, httpx.ConnectTimeout) else "data"
            raise FetchTimeout(requested, f"{url}: no {what} in {self.policy.timeout:g}s") from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise InvalidUrl(requested, f"{url}: {exc}") from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            detail = f"{url}: {type(exc).__name__}: {exc}"
            if phase == "body":
                raise TruncatedBody(requested, detail) from None
            raise ConnectionFailed(requested, detail) from None
        return _Response(
            url=url,
            status=response.status_code,
            headers=dict(response.headers.items()),
            body=bytes(body),
            fetched_at=fetched_at,
        )

    @staticmethod
    def _page(requested: str, response: _Response) -> Page:
        content_type = response.headers.get("content-type")
        encoding = None
        if response.body and (content_type is None or any(t in content_type for t in TEXT_TYPES)):
            encoding = decode_body(response.body, content_type)[1]
        return Page(
            url=requested,
            final_url=response.url,
            status=response.status,
            headers=response.headers,
            fetched_at=response.fetched_at,
            sha256=hashlib.sha256(response.body).hexdigest(),
            body=response.body,
            encoding=encoding,
        )


def _content_length(response: httpx.Response) -> int | None:
    """Declared body size in bytes on the wire (compressed, if so), or None."""
    value = response.headers.get("content-length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


def fetch_page(url: str, policy: FetchPolicy | None = None) -> Page:
    """Fetch one page synchronously (for ``ita fetch`` and scripts; not from a running loop)."""

    async def run() -> Page:
        async with Fetcher(policy) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(run())
