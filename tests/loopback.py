"""A real HTTP server on the loopback interface, with fault injection, for fetch and crawl tests.

No test ever reaches the internet: sites are served from a dict of routes by a stdlib
``ThreadingHTTPServer`` on 127.0.0.1 (or 127.0.0.2, 127.0.0.3…: the whole 127/8 block routes to
loopback on Linux, so each address is a distinct "host" for robots.txt and rate limits; on
macOS use distinct ports instead, which are distinct origins too).

    site = LoopbackSite({"/a": Route("<html>…</html>")}, robots="User-agent: *\\nDisallow: /x")
    with site:                      # starts on a free port; stops on exit
        url = site.url("/a")        # http://127.0.0.1:<port>/a
        ...
        site.requests("/a")         # [LoggedRequest(time, method, path, headers), ...]

Faults (``Route.fault``; ``Route.times`` = how many requests of that path get the fault
before the route answers normally, None = all of them):

    "slow"          sleep ``slow_seconds`` before answering (past the client's timeout)
    "retry_after"   429 with ``Retry-After: <retry_after>``
    "flaky"         500, then 503, alternately
    "reset"         close the connection with a TCP RST and no response
    "truncate"      Content-Length ``truncate_missing`` bytes larger than the body sent, then close
    "redirect_loop" 302 to itself (always)
    "oversized"     ``size`` bytes of body (always; ``chunked=True`` sends no Content-Length)
    "drip"          headers at once, then ``drip_bytes`` of body every ``drip_seconds`` (always),
                    ``size`` bytes in all: each read is quick, the whole body never is

Wrong declared charsets and soft 404s are ordinary routes: see :func:`html_page` and
:func:`soft_404_route`. A route may also be a callable ``(LoggedRequest) -> Route`` for
dynamic answers (query strings, e.g. a Wayback CDX endpoint).

Pytest fixtures ``loopback`` (one started site) and ``loopback_factory`` (make several) are
defined here as ``loopback_fixture`` / ``loopback_factory_fixture``; import those into a test
module (``from tests.loopback import loopback_fixture  # noqa: F401``) and ask for
``loopback`` as an argument.

From a script or another process::

    python -m tests.loopback --routes-json routes.json [--host 127.0.0.1] [--port 0]
                             [--latency 0.05] [--log requests.jsonl]

prints ``READY http://127.0.0.1:<port>`` on stdout once listening, then serves until
SIGTERM/SIGINT (see :class:`LoopbackProcess` and :func:`write_routes_json`).
"""

from __future__ import annotations

import argparse
import base64
import json
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

#: thaigov.go.th answers a missing article id with 200 and this bare title (SITES.md).
SOFT_404_TITLE = "รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-"
#: Default sleep of the "slow" fault: longer than any test's client timeout.
SLOW_SECONDS = 2.0
#: Default size of the "oversized" fault: 2 MiB, past the small max_body_bytes tests set,
#: yet quick to send over loopback.
OVERSIZED_BYTES = 2 * 2**20
#: Chunk size for chunked transfer of big bodies.
CHUNK_BYTES = 64 * 1024
FAULTS = frozenset({"slow", "retry_after", "flaky", "reset", "truncate", "redirect_loop", "oversized", "drip"})


class LoggedRequest(NamedTuple):
    """One request as the server saw it; ``time`` is ``time.monotonic()`` at arrival (the
    same clock as the client's on this machine, across processes)."""

    time: float
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    #: Extra seconds before answering, on every request of this path.
    delay: float = 0.0
    fault: str | None = None
    #: Requests of this path that get the fault before normal answers (None: every one).
    times: int | None = 1
    retry_after: str | float = 1
    slow_seconds: float = SLOW_SECONDS
    truncate_missing: int = 1000
    size: int = OVERSIZED_BYTES
    chunked: bool = False
    drip_bytes: int = 8
    drip_seconds: float = 0.5
    #: Conditional requests: If-None-Match == etag or If-Modified-Since == last_modified → 304.
    etag: str | None = None
    last_modified: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.body, str):
            self.body = self.body.encode("utf-8")
        if self.fault is not None and self.fault not in FAULTS:
            raise ValueError(f"unknown fault {self.fault!r}; known: {sorted(FAULTS)}")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        assert isinstance(self.body, bytes)
        data.pop("body")
        data["body_b64"] = base64.b64encode(self.body).decode("ascii")
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], base: Path | None = None) -> Route:
        data = dict(data)
        if "body_b64" in data:
            data["body"] = base64.b64decode(data.pop("body_b64"))
        elif "body_file" in data:
            path = Path(data.pop("body_file"))
            data["body"] = ((base / path) if base and not path.is_absolute() else path).read_bytes()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


RouteLike = Route | Callable[[LoggedRequest], Route]


def html_page(
    title: str,
    text: str = "",
    *,
    encoding: str = "utf-8",
    declared: str | None = "same",
    meta: str | None = None,
    status: int = 200,
    extra_head: str = "",
) -> Route:
    """A small thaigov-shaped HTML page encoded in ``encoding``.

    ``declared``: the charset in the Content-Type header ("same" = ``encoding``, None = no
    charset parameter, anything else = a wrong declaration). ``meta``: a ``<meta charset>``.
    """
    meta_tag = f'<meta charset="{meta}">' if meta else ""
    html = (
        f"<!DOCTYPE html><html><head>{meta_tag}<title>{title}</title>{extra_head}</head>"
        f'<body><div class="border-normal clearfix">{text}</div></body></html>'
    )
    charset = encoding if declared == "same" else declared
    content_type = "text/html" + (f"; charset={charset}" if charset else "")
    return Route(html.encode(encoding), status=status, headers={"Content-Type": content_type})


def soft_404_route() -> Route:
    """thaigov's answer for a missing id: status 200, the bare title, no body text."""
    return html_page(SOFT_404_TITLE, "")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real servers; makes truncation visible
    #: Headers and body go out in separate writes; with Nagle on, the client's delayed ACK
    #: adds 40 ms to every response on loopback.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.site._serve(self)

    def do_HEAD(self) -> None:  # noqa: N802
        self.server.site._serve(self)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # the request log is LoopbackSite.log

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass  # the client went away (timeouts, aborted bodies): expected in fault tests


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    site: LoopbackSite

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # broken pipes and resets are what fault tests provoke
        super().handle_error(request, client_address)


class LoopbackSite:
    """One HTTP "host" on the loopback interface serving ``routes``; see the module docstring."""

    def __init__(
        self,
        routes: Mapping[str, RouteLike] | None = None,
        *,
        robots: str | None = None,
        latency: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        log_file: Path | None = None,
    ) -> None:
        self.routes: dict[str, RouteLike] = dict(routes or {})
        if robots is not None and "/robots.txt" not in self.routes:
            self.routes["/robots.txt"] = Route(robots, headers={"Content-Type": "text/plain"})
        #: Seconds added before every answer (robots.txt included): network + server latency.
        self.latency = latency
        self.host = host
        self.port = port
        self.log: list[LoggedRequest] = []
        self._log_file = log_file
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> LoopbackSite:
        server = _Server((self.host, self.port), _Handler)
        server.site = self
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            daemon=True,
            name=f"loopback-{self.port}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LoopbackSite:
        return self.start() if self._server is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- public helpers ----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def add(self, path: str, route: RouteLike) -> str:
        """Serve ``route`` at ``path``; returns its absolute URL."""
        self.routes[path] = route
        return self.url(path)

    def requests(self, path: str | None = None) -> list[LoggedRequest]:
        """Logged requests, all or those of one path (query string included)."""
        with self._lock:
            return [r for r in self.log if path is None or r.path == path]

    def count(self, path: str) -> int:
        return len(self.requests(path))

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()
            self._counts.clear()

    # -- serving -----------------------------------------------------------------------

    def _route_for(self, path: str) -> RouteLike | None:
        route = self.routes.get(path)
        if route is None:
            route = self.routes.get(urlsplit(path).path)
        return route

    def _serve(self, handler: _Handler) -> None:
        entry = LoggedRequest(time.monotonic(), handler.command, handler.path, dict(handler.headers.items()))
        with self._lock:
            self.log.append(entry)
            nth = self._counts[handler.path] = self._counts.get(handler.path, 0) + 1
            if self._log_file is not None:
                with self._log_file.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(entry._asdict(), ensure_ascii=False) + "\n")
        if self.latency:
            time.sleep(self.latency)
        found = self._route_for(handler.path)
        if found is None:
            self._send(handler, 404, {"Content-Type": "text/plain"}, b"not found")
            return
        route = found(entry) if callable(found) else found
        if route.delay:
            time.sleep(route.delay)
        fault = route.fault
        if fault not in ("redirect_loop", "oversized", "drip") and route.times is not None and nth > route.times:
            fault = None
        if fault == "slow":
            time.sleep(route.slow_seconds)
        elif fault == "retry_after":
            self._send(
                handler,
                429,
                {"Retry-After": str(route.retry_after), "Content-Type": "text/plain"},
                b"too many requests",
            )
            return
        elif fault == "flaky":
            self._send(handler, 500 if nth % 2 else 503, {"Content-Type": "text/plain"}, b"oops")
            return
        elif fault == "reset":
            # SO_LINGER 0: close() sends RST instead of FIN, i.e. "connection reset by peer".
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.close_connection = True
            handler.connection.close()
            return
        elif fault == "redirect_loop":
            self._send(handler, 302, {"Location": handler.path}, b"")
            return
        elif fault == "drip":
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(route.size))
            handler.end_headers()
            handler.wfile.flush()
            sent = 0
            while sent < route.size:
                time.sleep(route.drip_seconds)
                chunk = b"x" * min(route.drip_bytes, route.size - sent)
                handler.wfile.write(chunk)
                handler.wfile.flush()
                sent += len(chunk)
            return
        elif fault == "oversized":
            filler = route.body or b"x"
            assert isinstance(filler, bytes)
            big = (filler * (route.size // len(filler) + 1))[: route.size]
            self._send(
                handler, 200, {"Content-Type": "text/html; charset=utf-8", **route.headers}, big, chunked=route.chunked
            )
            return
        body = route.body
        assert isinstance(body, bytes)
        headers = {"Content-Type": "text/html; charset=utf-8", **route.headers}
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if (route.etag and handler.headers.get("If-None-Match") == route.etag) or (
            route.last_modified and handler.headers.get("If-Modified-Since") == route.last_modified
        ):
            headers.pop("Content-Type")
            self._send(handler, 304, headers, b"")
            return
        if fault == "truncate":
            headers["Content-Length"] = str(len(body) + route.truncate_missing)
            handler.close_connection = True
        self._send(handler, route.status, headers, body, chunked=route.chunked)

    @staticmethod
    def _send(
        handler: _Handler, status: int, headers: Mapping[str, str], body: bytes, *, chunked: bool = False
    ) -> None:
        handler.send_response(status)
        lowered = {k.lower() for k in headers}
        for key, value in headers.items():
            handler.send_header(key, value)
        if chunked:
            handler.send_header("Transfer-Encoding", "chunked")
        elif "content-length" not in lowered and status != 304:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command == "HEAD" or status == 304:
            return
        if chunked:
            for start in range(0, len(body), CHUNK_BYTES):
                chunk = body[start : start + CHUNK_BYTES]
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            handler.wfile.write(b"0\r\n\r\n")
        else:
            handler.wfile.write(body)


# --- JSON routes, subprocess ---------------------------------------------------------------


def write_routes_json(
    path: Path,
    routes: Mapping[str, Route],
    *,
    robots: str | None = None,
    latency: float = 0.0,
) -> Path:
    """Write routes in the ``--routes-json`` format (bodies base64-encoded)."""
    data = {
        "robots": robots,
        "latency": latency,
        "routes": {p: r.to_json() for p, r in routes.items()},
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def site_from_json(path: Path, **overrides: Any) -> LoopbackSite:
    """A LoopbackSite from a ``--routes-json`` file; route bodies may be ``body`` (UTF-8
    text), ``body_b64`` or ``body_file`` (relative to the JSON file)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    routes = {p: Route.from_json(r, path.parent) for p, r in data.get("routes", {}).items()}
    options: dict[str, Any] = {"robots": data.get("robots"), "latency": data.get("latency", 0.0)}
    options.update(overrides)
    return LoopbackSite(routes, **options)


class LoopbackProcess:
    """A LoopbackSite in a child process (``python -m tests.loopback``), for tests that kill
    or outlive processes. ``log_file`` receives one JSON line per request."""

    def __init__(
        self,
        routes: Mapping[str, Route],
        *,
        robots: str | None = None,
        latency: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        log_file: Path | None = None,
        startup_timeout: float = 10.0,
    ) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="loopback-")
        self.routes_json = write_routes_json(
            Path(self._tmp.name) / "routes.json", routes, robots=robots, latency=latency
        )
        self.log_file = log_file
        self._args = [
            sys.executable,
            "-m",
            "tests.loopback",
            "--routes-json",
            str(self.routes_json),
            "--host",
            host,
            "--port",
            str(port),
        ]
        if log_file is not None:
            self._args += ["--log", str(log_file)]
        self._startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""

    def start(self) -> LoopbackProcess:
        repo = Path(__file__).resolve().parent.parent
        self.process = subprocess.Popen(self._args, cwd=repo, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        ready: list[str] = []
        reader = threading.Thread(
            target=lambda: ready.append(self.process.stdout.readline()),  # type: ignore[union-attr]
            daemon=True,
        )
        reader.start()
        reader.join(self._startup_timeout)
        if not ready or not ready[0].startswith("READY "):
            self.stop()
            raise RuntimeError(f"loopback subprocess did not start: {ready!r}")
        self.base_url = ready[0].split()[1]
        return self

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._tmp.cleanup()

    def __enter__(self) -> LoopbackProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.loopback", description=__doc__.split("\n")[0])
    parser.add_argument("--routes-json", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=None)
    parser.add_argument("--log", type=Path, default=None, help="append one JSON line per request")
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {"host": args.host, "port": args.port, "log_file": args.log}
    if args.latency is not None:
        overrides["latency"] = args.latency
    return serve_until_signal(site_from_json(args.routes_json, **overrides))


def serve_until_signal(site: LoopbackSite) -> int:
    """The body of a server script's main: start ``site``, print ``READY <base_url>`` on
    stdout (what :class:`LoopbackProcess` and ``make demo`` wait for), serve until SIGTERM
    or SIGINT, stop. Returns the exit status (0)."""
    site.start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(f"READY {site.base_url}", flush=True)
    stop.wait()
    site.stop()
    return 0


# --- pytest fixtures -------------------------------------------------------------------------

try:
    import pytest
except ImportError:  # usable from scripts without pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture(name="loopback")
    def loopback_fixture() -> Iterator[LoopbackSite]:
        """A started LoopbackSite on 127.0.0.1 with no routes (add them with ``.add``)."""
        with LoopbackSite() as site:
            yield site

    @pytest.fixture(name="loopback_factory")
    def loopback_factory_fixture() -> Iterator[Callable[..., LoopbackSite]]:
        """``make(routes, robots=..., latency=..., host=...)`` → a started LoopbackSite;
        every site made is stopped after the test."""
        sites: list[LoopbackSite] = []

        def make(routes: Mapping[str, RouteLike] | None = None, **options: Any) -> LoopbackSite:
            site = LoopbackSite(routes, **options).start()
            sites.append(site)
            return site

        yield make
        for site in sites:
            site.stop()


if __name__ == "__main__":
    sys.exit(main())
