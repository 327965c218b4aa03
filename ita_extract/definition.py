"""Pipeline definitions: one TOML file per site family, validated strictly.

A definition says how to discover a site's article URLs (listing pages with pagination,
RSS, sitemap.xml, a Wayback CDX query), how to recognise an article URL and name its
document, where title/date/body/furniture sit in the page, how a missing page looks
(soft 404), the expected encoding and the politeness settings. Adding a province that runs
a known CMS is a new file, not new code; ``pipelines/README.md`` lists every key.

Validation is strict (unknown keys, wrong types and invalid regexes are errors) and every
error is one line naming the file and the key, e.g.
``pipelines/prd.toml: selectors.body: Input should be a valid list``.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ita_extract.errors import SourceDefinitionError, UnknownSource

# The real Wayback Machine. Tests and the demo point the same code at 127.0.0.1 instead.
WAYBACK_BASE = "https://web.archive.org"


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as e:
            raise ValueError(f"invalid regular expression: {e}") from None
    return value


Regex = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Politeness(_Strict):
    """Overrides of ``fetch.FetchPolicy`` for this site family (None = the fetcher's default)."""

    rate: float | None = Field(default=None, gt=0, description="requests/s/host")
    concurrency: int | None = Field(default=None, ge=1, description="requests in flight per host")
    timeout: float | None = Field(default=None, gt=0)
    max_retries: int | None = Field(default=None, ge=0)


class ArticleRule(_Strict):
    """How to recognise an article URL and name its document.

    ``url_pattern`` is searched in the URL's path and query (``/news/contents/details/1``),
    so the same rule works on the live host, on a Wayback capture's original URL and on
    the loopback test server. Its named groups, plus ``source`` (the definition's name),
    ``host`` and ``url_hash``, fill ``doc_id``, which must start with the source's name
    (``SourceDefinition`` checks it): crawled documents never take the id of another
    source's or of an extracted file's (``gold/docs/71972.txt`` is document ``71972``).
    """

    url_pattern: Regex
    doc_id: str = "{source}-{host}-{id}"

    _re = field_validator("url_pattern")(_check_regex)

    @model_validator(mode="after")
    def _groups_cover_doc_id(self) -> ArticleRule:
        groups = set(re.compile(self.url_pattern).groupindex) | {"source", "host", "url_hash"}
        wanted = set(re.findall(r"{(\w+)}", self.doc_id))
        missing = wanted - groups
        if missing:
            raise ValueError(
                f"doc_id uses {sorted(missing)} but url_pattern has no such named group"
            )
        return self


class Selectors(_Strict):
    """CSS selectors (soupsieve syntax); each list is tried in order, first match wins."""

    title: list[str] = ["h1", "meta[property='og:title']", "title"]
    # Literal prefixes removed from the title (thaigov puts the headline after a fixed prefix).
    title_strip: list[str] = []
    date: list[str] = []
    # Searched in the date element's text (or the body text when ``date`` finds nothing);
    # group 0 (or the group named ``date``) is the date text handed to the parser.
    date_regex: str | None = None
    body: list[str] = []
    # Removed from the body before its text is taken: menus, related news, counters...
    furniture: list[str] = []
    # Lines of the body text dropped when they equal one of these (e.g. "พิมพ์").
    drop_lines: list[str] = []
    # Cut the body text at the first line that starts with one of these ("ข่าวที่เกี่ยวข้อง").
    stop_at: list[str] = []

    _re = field_validator("date_regex")(_check_regex)


class Soft404(_Strict):
    """How the site answers a missing page with status 200."""

    title_equals: list[str] = []
    title_regex: str | None = None
    text_contains: list[str] = []
    # A page whose body text is shorter than this (characters) is a soft 404.
    min_body_chars: int = Field(default=0, ge=0)

    _re = field_validator("title_regex")(_check_regex)


class Listing(_Strict):
    """Listing pages: ``url`` may hold ``{page}`` and ``{category}``.

    Pagination follows ``next_selector`` when given, else increments ``{page}`` from
    ``first_page`` while a page yields new article links, up to ``max_pages``. Listings are
    newest first: a page whose dated items are all older than ``--since`` ends pagination.
    """

    url: str
    categories: list[str | int] = []
    first_page: int = Field(default=1, ge=0)
    max_pages: int = Field(default=50, ge=1)
    item_selector: str | None = None
    link_selector: str = "a[href]"
    # Attribute that holds the full headline (thaigov truncates link text with "...").
    title_attribute: str | None = None
    date_selector: str | None = None
    next_selector: str | None = None

    @field_validator("url")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        unknown = set(re.findall(r"{(\w*)}", value)) - {"page", "category"}
        if unknown:
            raise ValueError(f"unknown placeholder(s) {sorted(unknown)}; use {{page}}, {{category}}")
        return value


class Feed(_Strict):
    url: str


class Wayback(_Strict):
    """A Wayback Machine CDX query; each capture is fetched as ``/web/<timestamp>id_/<url>``."""

    url: str = Field(description="CDX url= parameter, e.g. www.thaigov.go.th/news/contents/details/")
    match_type: Literal["exact", "prefix", "host", "domain"] = "prefix"
    # Rows per CDX request; the next page is asked for with the resume key.
    limit: int = Field(default=5000, ge=1)
    # An article is captured on or after its publication, often months later, so ``to`` is
    # --until plus this lag (captures of older articles are filtered after parsing).
    capture_lag_days: int = Field(default=365, ge=0)


class Discover(_Strict):
    listing: list[Listing] = []
    rss: list[Feed] = []
    sitemap: list[Feed] = []
    # Used instead of the live discovery when the source reads Wayback captures.
    wayback: Wayback | None = None
    # Extra article URLs (absolute or site-relative) queued as they are.
    urls: list[str] = []


class SourceDefinition(_Strict):
    """One site family, as read from ``pipelines/<name>.toml``."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str
    kind: Literal["http", "corpus"] = "http"
    # Live site root (scheme + host); discovery URLs starting with "/" are resolved on it.
    site: str | None = None
    # Hosts that belong to this source (``*.prd.go.th`` wildcards allowed); used to pick a
    # source for a URL and to map links onto --base-url. Empty = any host (generic).
    hosts: list[str] = []
    # "wayback": read Wayback captures unless --live; "live": fetch the site itself.
    access: Literal["live", "wayback"] = "live"
    # Printed when the site is fetched live although its terms restrict it.
    terms_warning: str | None = None
    encoding: str = "utf-8"
    date_format: str = Field(default="", description="the site's date style, for people")
    # Only pages whose text mentions these reach extraction (all are stored regardless).
    # None: the assessment's topic words (extract/lexicon/topic.toml, "relevance"), resolved
    # by the crawl, which sits above extract; [] extracts every page.
    relevance: list[str] | None = None
    # Fall back to trafilatura when the selectors find no body.
    fallback_extractor: bool = True
    # Fetch attempts across runs before a failing URL is left alone.
    max_attempts: int = Field(default=3, ge=1)
    # kind = "corpus": the directory read when no --base-url is given (relative to the repo).
    corpus_dir: str | None = None

    politeness: Politeness = Politeness()
    article: ArticleRule | None = None
    selectors: Selectors = Selectors()
    soft_404: Soft404 = Soft404()
    discover: Discover = Discover()

    path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _consistent(self) -> SourceDefinition:
        if self.kind == "http" and self.article is None:
            raise ValueError("[article] is required for kind = 'http'")
        if self.access == "wayback" and self.discover.wayback is None:
            raise ValueError("access = 'wayback' needs a [discover.wayback] table")
        if self.kind == "corpus" and self.corpus_dir is None:
            raise ValueError("corpus_dir is required for kind = 'corpus'")
        if self.article is not None and not self.article.doc_id.startswith(("{source}-", f"{self.name}-")):
            raise ValueError(
                f"article.doc_id {self.article.doc_id!r} must start with '{{source}}-' or '{self.name}-'"
                " (document ids of different sources must not collide)"
            )
        return self

    def matches_host(self, host: str) -> bool:
        """Whether ``host`` belongs to this source (an empty host list matches nothing)."""
        host = host.lower().split(":")[0]
        for pattern in self.hosts:
            pattern = pattern.lower()
            if pattern.startswith("*."):
                if host == pattern[2:] or host.endswith(pattern[1:]):
                    return True
            elif host == pattern:
                return True
        return False


def _location(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def load_definition(path: str | Path) -> SourceDefinition:
    """Read and validate one pipeline file; errors are one line naming file and key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceDefinitionError(f"{path}: no such pipeline definition") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SourceDefinitionError(f"{path}: cannot read: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise SourceDefinitionError(f"{path}: invalid TOML: {e}") from None
    if "path" in data:
        raise SourceDefinitionError(f"{path}: path: not a pipeline key")
    try:
        definition = SourceDefinition.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        message = err["msg"].removeprefix("Value error, ")
        more = f" (and {len(e.errors()) - 1} more)" if len(e.errors()) > 1 else ""
        raise SourceDefinitionError(f"{path}: {_location(err['loc'])}: {message}{more}") from None
    if definition.name != path.stem:
        raise SourceDefinitionError(
            f"{path}: name: {definition.name!r} differs from the file name {path.stem!r}"
        )
    return definition.model_copy(update={"path": path})


# --- The registry: pipelines/*.toml ----------------------------------------------------------

_PACKAGE = Path(__file__).resolve().parent


def pipelines_dir() -> Path:
    """The directory holding the pipeline definitions: ``$ITA_PIPELINES_DIR``, else the
    installed ``ita_extract/pipelines/``, else the repository's top-level ``pipelines/``."""
    env = os.environ.get("ITA_PIPELINES_DIR")
    if env:
        return Path(env)
    for candidate in (_PACKAGE / "pipelines", _PACKAGE.parent / "pipelines"):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / "pipelines"


def list_sources() -> list[str]:
    """Names of the pipeline definitions, sorted."""
    return sorted(p.stem for p in pipelines_dir().glob("*.toml"))


def load_source(name_or_path: str | Path) -> SourceDefinition:
    """A definition by name (``thaigov``) or by path to a ``.toml`` file."""
    text = str(name_or_path)
    if text.endswith(".toml") or os.sep in text or "/" in text:
        return load_definition(Path(text))
    path = pipelines_dir() / f"{text}.toml"
    if not path.is_file():
        known = ", ".join(list_sources()) or "none"
        raise UnknownSource(f"unknown source {text!r} (known: {known})")
    return load_definition(path)


def source_for_url(url: str) -> SourceDefinition | None:
    """The first definition whose hosts include the URL's host, else None (generic)."""
    host = urlsplit(url).hostname or ""
    for name in list_sources():
        definition = load_source(name)
        if definition.kind == "http" and definition.matches_host(host):
            return definition
    return None
