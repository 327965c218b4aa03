"""Discovery: listing pages (with pagination), RSS/Atom, sitemap.xml and Wayback CDX → URLs.

Discovery pages are frontier rows like articles (kinds ``listing``, ``rss``, ``sitemap``,
``cdx``), so a killed crawl resumes its discovery too and never asks for a listing page twice.
:func:`seeds` gives the first discovery rows of a source; :func:`parse_discovery` turns one
fetched discovery page into article rows and further discovery rows (the next listing page,
the sitemaps of a sitemap index, the next CDX page).

``Endpoints`` maps between a URL as the site knows it (``article_url``, which names the
document) and the URL actually fetched: a Wayback capture, or the same path on
``--base-url`` when tests and the demo point the crawler at 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree

from ita_extract.definition import WAYBACK_BASE, SourceDefinition
from ita_extract.html import base_href, read_html
from ita_extract.sources.state import FrontierItem, FrontierRow
from ita_extract.thai.dates import ThaiDateError, in_window, parse_thai_date

__all__ = ["Endpoints", "article_doc", "parse_date", "parse_discovery", "seeds"]

# Alternative captures of one article kept in case the chosen one is a soft 404.
MAX_ALTERNATE_CAPTURES = 3
_WAYBACK_CAPTURE = re.compile(r"/web/(?P<ts>\d{1,14})(?:[a-z]{2}_)?/(?P<url>.+)$")


def parse_date(text: str | None) -> dt.date | None:
    """A date from a listing/feed/sitemap: ISO 8601, RFC 822, or Thai (BE) text."""
    if not text:
        return None
    text = text.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        mention = parse_thai_date(text)
    except ThaiDateError:
        return None
    return None if mention.placeholder else mention.date


@dataclass(frozen=True)
class Endpoints:
    """Where a source's URLs are fetched from.

    ``site``: the live origin as the site knows it (``https://www.thaigov.go.th``).
    ``fetch_origin``: the origin actually contacted for live pages (``--base-url`` or site).
    ``wayback``: the Wayback Machine base when captures are read, else None.
    """

    source: SourceDefinition
    site: str | None
    fetch_origin: str | None
    wayback: str | None

    @classmethod
    def for_source(cls, source: SourceDefinition, *, live: bool, base_url: str | None) -> Endpoints:
        base = base_url.rstrip("/") if base_url else None
        if source.access == "wayback" and not live:
            return cls(source, source.site, source.site, base or WAYBACK_BASE)
        return cls(source, source.site, base or source.site, None)

    def own_host(self, host: str) -> bool:
        if self.source.matches_host(host):
            return True
        for origin in (self.site, self.fetch_origin):
            if origin and urlsplit(origin).netloc.lower() == host.lower():
                return True
        return False

    def original(self, url: str) -> str:
        """The site's own URL for a fetched URL (undoes --base-url and Wayback)."""
        parts = urlsplit(url)
        if self.wayback and url.startswith(self.wayback):
            m = _WAYBACK_CAPTURE.search(parts.path + (f"?{parts.query}" if parts.query else ""))
            if m:
                return m.group("url")
        if self.fetch_origin and self.site and self.fetch_origin != self.site:
            if url.startswith(self.fetch_origin):
                return self.site + url[len(self.fetch_origin) :]
        return url

    def to_fetch(self, url: str) -> str:
        """The URL to request for a site URL found in a page (maps onto --base-url)."""
        if self.fetch_origin and self.site and self.fetch_origin != self.site:
            parts = urlsplit(url)
            if self.own_host(parts.netloc):
                origin = urlsplit(self.fetch_origin)
                return urlunsplit((origin.scheme, origin.netloc, parts.path, parts.query, ""))
        return url

    def resolve(self, url: str) -> str:
        """A discovery URL from the pipeline file ("/path" = on the site) → URL to request."""
        if url.startswith("/"):
            if not self.fetch_origin:
                raise ValueError(f"{self.source.name}: relative URL {url!r} but no site")
            return self.fetch_origin + url
        return self.to_fetch(url)

    def capture(self, timestamp: str, original: str) -> str:
        assert self.wayback is not None
        return f"{self.wayback}/web/{timestamp}id_/{original}"


def article_match(source: SourceDefinition, url: str) -> re.Match[str] | None:
    """The source's article pattern searched in the URL's path and query."""
    if source.article is None:
        return None
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return re.search(source.article.url_pattern, target)


def article_doc(source: SourceDefinition, url: str) -> str:
    """The document id of an article URL (the site's own URL, not a capture's)."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    m = article_match(source, url)
    if m is None or source.article is None:
        return f"{source.name}-{digest}"
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    values = {k: v for k, v in m.groupdict().items() if v is not None}
    try:
        return source.article.doc_id.format(source=source.name, host=host, url_hash=digest, **values)
    except KeyError:
        return f"{source.name}-{digest}"


def _article_item(ep: Endpoints, url: str, *, date: dt.date | None = None, **meta: object) -> FrontierItem | None:
    """An article row for a link found on the site, or None when it is no article."""
    original = ep.original(url)
    # Stay on the source's hosts (a generic source: on the --base-url host).
    if (ep.source.hosts or ep.site or ep.fetch_origin) and not ep.own_host(urlsplit(original).netloc):
        return None
    if article_match(ep.source, original) is None:
        return None
    meta = {k: v for k, v in meta.items() if v}
    return FrontierItem(
        url=ep.to_fetch(original),
        kind="article",
        article_url=original,
        doc=article_doc(ep.source, original),
        date_hint=date,
        meta=meta,
    )


def _cdx_url(ep: Endpoints, *, since: dt.date | None, until: dt.date | None, resume_key: str | None = None) -> str:
    wb = ep.source.discover.wayback
    assert wb is not None and ep.wayback is not None
    params: list[tuple[str, str]] = [
        ("url", wb.url),
        ("matchType", wb.match_type),
        ("output", "json"),
        ("filter", "statuscode:200"),
        ("collapse", "digest"),
        ("limit", str(wb.limit)),
        ("showResumeKey", "true"),
    ]
    if since:
        params.append(("from", since.strftime("%Y%m%d")))
    if until:
        params.append(("to", (until + dt.timedelta(days=wb.capture_lag_days)).strftime("%Y%m%d")))
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{ep.wayback}/cdx/search/cdx?{urlencode(params, quote_via=quote)}"


def seeds(ep: Endpoints, *, since: dt.date | None = None, until: dt.date | None = None) -> list[FrontierItem]:
    """The first discovery rows of a source (Wayback: one CDX query; live: listings, feeds,
    sitemaps and any fixed URLs)."""
    d = ep.source.discover
    if ep.wayback:
        return [FrontierItem(url=_cdx_url(ep, since=since, until=until), kind="cdx")]
    items: list[FrontierItem] = []
    for i, listing in enumerate(d.listing):
        for category in listing.categories or [None]:
            url = ep.resolve(_listing_url(listing.url, category, listing.first_page))
            items.append(
                FrontierItem(url=url, kind="listing", meta={"listing": i, "category": category, "page": listing.first_page})
            )
    items += [FrontierItem(url=ep.resolve(f.url), kind="rss") for f in d.rss]
    items += [FrontierItem(url=ep.resolve(f.url), kind="sitemap") for f in d.sitemap]
    for url in d.urls:
        item = _article_item(ep, ep.resolve(url))
        if item is not None:
            items.append(item)
    return items


def _listing_url(template: str, category: object, page: int) -> str:
    return template.replace("{category}", "" if category is None else str(category)).replace("{page}", str(page))


@dataclass
class Discovered:
    """What one discovery page yielded."""

    articles: list[FrontierItem]
    more: list[FrontierItem]  # further discovery pages
    skipped: int = 0  # items outside --since/--until


def parse_discovery(
    row: FrontierRow,
    body: bytes,
    *,
    ep: Endpoints,
    content_type: str | None = None,
    final_url: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Discovered:
    """Article URLs and further discovery pages found in a fetched discovery page."""
    if row.kind == "cdx":
        return _parse_cdx(row, body, ep=ep, since=since, until=until)
    if row.kind == "listing":
        return _parse_listing(row, body, ep=ep, content_type=content_type, final_url=final_url or row.url, since=since, until=until)
    if row.kind in ("rss", "sitemap"):
        return _parse_xml(row, body, ep=ep, since=since, until=until)
    raise ValueError(f"not a discovery kind: {row.kind!r}")


def _parse_cdx(row: FrontierRow, body: bytes, *, ep: Endpoints, since, until) -> Discovered:
    text = body.decode("utf-8", errors="replace").strip()
    rows = json.loads(text) if text else []
    if not rows:
        return Discovered([], [])
    header, data = rows[0], rows[1:]
    resume_key = None
    # showResumeKey=true ends the page with an empty row and a one-element row: the key.
    if len(data) >= 2 and data[-2] == [] and len(data[-1]) == 1:
        resume_key = data[-1][0]
        data = data[:-2]
    data = [r for r in data if r]
    col = {name: i for i, name in enumerate(header)}
    # Per article: every capture, newest first; the newest is fetched, the others kept as
    # alternates in case it turns out to be a soft 404 or a challenge page.
    captures: dict[str, list[tuple[str, str]]] = {}
    order: list[str] = []
    for r in data:
        original, timestamp = r[col["original"]], r[col["timestamp"]]
        if "statuscode" in col and r[col["statuscode"]] not in ("200", "-"):
            continue
        if article_match(ep.source, original) is None:
            continue
        doc = article_doc(ep.source, original)
        if doc not in captures:
            captures[doc] = []
            order.append(doc)
        captures[doc].append((timestamp, original))
    articles = []
    for doc in order:
        caps = sorted(captures[doc], reverse=True)
        timestamp, original = caps[0]
        alternates = [ep.capture(ts, u) for ts, u in caps[1 : 1 + MAX_ALTERNATE_CAPTURES]]
        articles.append(
            FrontierItem(
                url=ep.capture(timestamp, original),
                kind="article",
                article_url=original,
                doc=doc,
                meta={"timestamp": timestamp, **({"alternates": alternates} if alternates else {})},
            )
        )
    more = []
    if resume_key:
        more.append(FrontierItem(url=_cdx_url(ep, since=since, until=until, resume_key=resume_key), kind="cdx"))
    return Discovered(articles, more)


def _parse_listing(row: FrontierRow, body: bytes, *, ep: Endpoints, content_type, final_url, since, until) -> Discovered:
    index = int(row.meta.get("listing", 0))
    listings = ep.source.discover.listing
    if index >= len(listings):
        return Discovered([], [])
    listing = listings[index]
    soup = read_html(body, content_type).soup
    base = base_href(soup, final_url)

    found: list[tuple[str, dt.date | None, str | None]] = []
    if listing.item_selector:
        for node in soup.select(listing.item_selector):
            a = node.select_one(listing.link_selector)
            if a is None or not a.get("href"):
                continue
            date_node = node.select_one(listing.date_selector) if listing.date_selector else None
            date = parse_date(date_node.get_text(" ", strip=True)) if date_node else None
            title = a.get(listing.title_attribute) if listing.title_attribute else None
            found.append((urljoin(base, str(a["href"])), date, str(title) if title else None))
    else:
        for a in soup.select(listing.link_selector):
            if a.get("href"):
                title = a.get(listing.title_attribute) if listing.title_attribute else None
                found.append((urljoin(base, str(a["href"])), None, str(title) if title else None))

    articles: list[FrontierItem] = []
    seen: set[str] = set()
    skipped = 0
    dated_older = []
    for url, date, title in found:
        item = _article_item(ep, url, date=date, title=title)
        if item is None or item.url in seen:
            continue
        seen.add(item.url)
        if date is not None:
            dated_older.append(since is not None and date < since)
        if not in_window(date, since, until):
            skipped += 1
            continue
        articles.append(item)

    more: list[FrontierItem] = []
    # Listings run newest first: once a whole page is older than --since, stop.
    all_older = bool(dated_older) and all(dated_older)
    page = int(row.meta.get("page", listing.first_page))
    last_page = listing.first_page + listing.max_pages - 1
    if seen and not all_older and page < last_page:
        next_url = None
        if listing.next_selector:
            nxt = soup.select_one(listing.next_selector)
            if nxt is not None and nxt.get("href"):
                next_url = ep.to_fetch(urljoin(base, str(nxt["href"])))
        elif "{page}" in listing.url:
            next_url = ep.resolve(_listing_url(listing.url, row.meta.get("category"), page + 1))
        if next_url and next_url != row.url:
            more.append(FrontierItem(url=next_url, kind="listing", meta={**row.meta, "page": page + 1}))
    return Discovered(articles, more, skipped)


def _parse_xml(row: FrontierRow, body: bytes, *, ep: Endpoints, since, until) -> Discovered:
    # No entities, no network: feeds and sitemaps are untrusted input.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    root = etree.fromstring(body.lstrip(), parser=parser)
    if root is None:
        return Discovered([], [])

    def local(tag: object) -> str:
        return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""

    def child_text(node, *names: str) -> str | None:
        for child in node:
            if local(child.tag) in names:
                if local(child.tag) == "link" and child.get("href"):
                    return child.get("href")
                return (child.text or "").strip() or None
        return None

    articles: list[FrontierItem] = []
    more: list[FrontierItem] = []
    skipped = 0
    kind = local(root.tag)
    for node in root.iter():
        name = local(node.tag)
        if kind == "sitemapindex" and name == "sitemap":
            loc = child_text(node, "loc")
            lastmod = parse_date(child_text(node, "lastmod"))
            if loc and (since is None or lastmod is None or lastmod >= since):
                more.append(FrontierItem(url=ep.to_fetch(loc), kind="sitemap"))
            continue
        if name == "url":
            link, date, title = child_text(node, "loc"), parse_date(child_text(node, "lastmod")), None
        elif name in ("item", "entry"):
            link = child_text(node, "link", "guid")
            date = parse_date(child_text(node, "pubdate", "published", "updated", "date"))
            title = child_text(node, "title")
        else:
            continue
        if not link:
            continue
        item = _article_item(ep, ep.to_fetch(link.strip()), date=date, title=title)
        if item is None:
            continue
        if not in_window(date, since, until):
            skipped += 1
            continue
        articles.append(item)
    return Discovered(articles, more, skipped)
