"""Every exception ita-extract raises on purpose, in one tree.

    ItaError
    ├── InputError              an input cannot be read as an article          (decode, parse)
    │   ├── EmptyInput
    │   ├── BinaryInput
    │   ├── NotThaiInput
    │   └── InputTooLarge
    ├── FetchError              a page could not be fetched                     (fetch, html)
    │   ├── FetchFailure        the common shape: url, reason code, detail
    │   │   ├── RobotsDisallowed        reason "robots"
    │   │   ├── TooManyRedirects        reason "redirects"
    │   │   ├── BodyTooLarge            reason "too_large"
    │   │   ├── FetchTimeout            reason "timeout"
    │   │   ├── ConnectionFailed        reason "connection"
    │   │   ├── TruncatedBody           reason "truncated"
    │   │   ├── InvalidUrl              reason "invalid_url"
    │   │   └── HttpStatusError         reason "http_<status>"
    │   └── SoftNotFound        reason "soft_404": a 200 page saying the article is gone
    ├── SourceDefinitionError   a pipeline definition is missing or invalid      (definition)
    │   ├── UnknownSource       no definition has this name
    │   └── CorpusNotFound      the corpus directory is not configured or absent (sources.corpus)
    ├── CrawlLocked             another crawl or reparse writes to the database  (sources.state)
    ├── StoreError              the database cannot be used (a newer schema)     (store)
    ├── QueryError              a search or query the user typed cannot be run   (search, query, registry)
    └── GoldError               gold annotations do not validate                 (evaluate)

Library functions raise; only the runners (``pipeline``, ``sources.crawl``,
``sources.corpus``) and the CLI decide to go on, and a runner turns an exception into a
``Failure`` row with ``models.Failure.from_exception``: an error's ``reason`` attribute
is its reason code there, else its class name. The Thai normalisation errors
(``ThaiDateError``, ``ThaiNumberError``) are ValueErrors of their own in ``ita_extract.thai``,
which sits below this module's users and needs none of them.
"""

from __future__ import annotations


class ItaError(Exception):
    """Base class of every error ita-extract raises on purpose."""


class InputError(ItaError):
    """The input cannot be read as an article."""


class EmptyInput(InputError):
    """The input holds no text."""


class BinaryInput(InputError):
    """The input is binary data, not text or HTML."""


class NotThaiInput(InputError):
    """The input holds no Thai text."""


class InputTooLarge(InputError):
    """The input is larger than the configured maximum."""


class FetchError(ItaError):
    """A page could not be fetched."""


class FetchFailure(FetchError):
    """Common shape of the fetch errors: the requested URL, a reason code, a detail."""

    reason = "fetch"

    def __init__(self, url: str, detail: str = "") -> None:
        self.url = url
        self.detail = detail
        message = f"{self.reason}: {url}"
        super().__init__(f"{message} ({detail})" if detail else message)


class RobotsDisallowed(FetchFailure):
    """robots.txt forbids this URL to our user agent (or the host forbids robots.txt itself)."""

    reason = "robots"


class TooManyRedirects(FetchFailure):
    """More redirects than max_redirects, or a redirect back to a URL already visited."""

    reason = "redirects"


class BodyTooLarge(FetchFailure):
    """The body is larger than max_body_bytes (declared or streamed)."""

    reason = "too_large"


class FetchTimeout(FetchFailure):
    """The server did not answer in time, on every attempt."""

    reason = "timeout"


class ConnectionFailed(FetchFailure):
    """No response: connection refused or reset, DNS or TLS failure, closed before answering."""

    reason = "connection"


class TruncatedBody(FetchFailure):
    """The connection ended before Content-Length bytes arrived, on every attempt."""

    reason = "truncated"


class InvalidUrl(FetchFailure):
    """The URL is not an absolute http(s) URL."""

    reason = "invalid_url"


class HttpStatusError(FetchFailure):
    """The server answered 4xx/5xx (after the retries, for the retryable ones)."""

    def __init__(self, url: str, status: int, detail: str = "", page: object | None = None) -> None:
        self.status = status
        self.reason = f"http_{status}"
        #: The error response (a ``models.Page``, body up to max_body_bytes), kept for provenance.
        #: Typed ``object``: this module is the bottom of the package and imports none of it.
        self.page = page
        super().__init__(url, detail)


class SoftNotFound(FetchError):
    """The server answered 200 with a page that says the article does not exist."""

    reason = "soft_404"

    def __init__(self, url: str, message: str | None = None):
        super().__init__(message or f"{url}: soft 404 (the page says the article does not exist)")
        self.url = url


class SourceDefinitionError(ItaError):
    """A pipeline definition is missing, is not valid TOML or does not validate."""


class UnknownSource(SourceDefinitionError):
    """No pipeline definition has this name."""


class CorpusNotFound(SourceDefinitionError):
    """The corpus directory is not configured or does not exist."""


class CrawlLocked(ItaError):
    """Another crawl or reparse is writing to the same database."""


class StoreError(ItaError):
    """The database cannot be used by this version (its schema is newer)."""


class QueryError(ItaError):
    """A search string, filter or name given by the user cannot be run (empty, too long,
    unknown agency...): the CLI prints it as one line and exits 2."""


class GoldError(ItaError):
    """Gold annotations do not validate against the schema or the documents."""
