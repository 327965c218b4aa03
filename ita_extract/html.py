"""HTML page → its parts: title, date text, body text, links, soft 404, redirect stubs.

The parse stage's HTML reader (``parse.parse_html`` for files, the crawl for fetched
pages): :func:`read_html` decodes and parses a page once, :func:`parse_page` splits it.

BeautifulSoup with the lxml parser; the selectors come from the source's pipeline file.
For an unknown site (``source=None``) or when the selectors find no body, the main text
is taken by trafilatura with ``favor_precision`` (a fallback that the tests evaluate
against fixture pages whose article text is known, rather than trust).

Links are absolute, resolved against ``<base href>`` (thaigov sets one; its links are
relative to it, not to the page URL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, ProcessingInstruction, Tag

from ita_extract.decode import decode_body
from ita_extract.definition import SourceDefinition
from ita_extract.errors import SoftNotFound

__all__ = ["Html", "PageParts", "SoftNotFound", "base_href", "canonical_url", "html_text", "page_text",
           "parse_page", "read_html"]

# A page with less visible text than this that sets window.location is a redirect stub
# (prd.go.th's 2018 home page: ~60 characters of text around one script).
STUB_MAX_TEXT = 300
# A meta refresh that waits longer than this is a page reloading itself, not a stub.
STUB_MAX_REFRESH_SECONDS = 5

_BLOCK = frozenset(
    "address article aside blockquote body br dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul caption option title".split()
)
_SKIP = frozenset("script style noscript template iframe svg canvas object embed head".split())
_SPACES = re.compile(r"[ \t\n\r\f]+")
_JS_LOCATION = re.compile(
    r"""(?:window|document|top|self|parent)?\.?location(?:\.href)?\s*=\s*(['"])(?P<u>[^'"]+)\1"""
    r"""|location\.(?:replace|assign)\(\s*(['"])(?P<v>[^'"]+)\3\s*\)"""
)
_REFRESH = re.compile(r"^\s*(?P<delay>\d+(?:\.\d+)?)?\s*[;,]?\s*(?:url\s*=\s*)?(?P<url>.*)$", re.I)
# Generic headline (no source definition): the article's own heading before the page <title>,
# which on CMS sites is often the site's name ("ITAS - ระบบการประเมิน...").
_GENERIC_TITLE = (
    "h1", "meta[property='og:title']", "[class*='news-title']", "[class*='entry-title']",
    "[class*='post-title']", "[class*='article-title']", "title",
)
# Generic soft 404 (no source definition): a title that says so.
_GENERIC_404 = re.compile(r"\b404\b|not found|ไม่พบหน้า|ไม่พบข้อมูล|ไม่พบเพจ", re.I)
_GENERIC_DATE_META = (
    "meta[property='article:published_time']",
    "meta[name='date']",
    "meta[itemprop='datePublished']",
    "time[datetime]",
)


@dataclass
class PageParts:
    """What :func:`parse_page` found in one page. ``whole_text``: the visible text of the
    whole page (menus and footers included), as :func:`page_text` gives it."""

    title: str | None
    date_text: str | None
    body_text: str
    url: str | None
    encoding: str | None
    is_soft_404: bool = False
    redirect_to: str | None = None
    links: list[str] = field(default_factory=list)
    whole_text: str = ""


@dataclass
class Html:
    """A page decoded and parsed once: its text, the codec it was read with, its soup."""

    html: str
    encoding: str | None
    soup: BeautifulSoup


def read_html(body: bytes | str, content_type: str | None = None) -> Html:
    """Decode (``decode.decode_body``: header charset, BOM, meta, UTF-8, cp874) and parse."""
    if isinstance(body, str):
        html, encoding = body, None
    else:
        html, encoding = decode_body(body, content_type)
    return Html(html, encoding, BeautifulSoup(html, "lxml"))


def base_href(soup: BeautifulSoup, url: str | None) -> str | None:
    """The URL the page's relative links resolve against: ``<base href>`` (itself resolved
    against ``url``; thaigov sets one), else ``url``."""
    base_tag = soup.find("base", href=True)
    if base_tag is None:
        return url
    return urljoin(url or "", str(base_tag["href"]).strip())


def canonical_url(soup: BeautifulSoup, url: str | None) -> str | None:
    """The page's ``<link rel=canonical>`` made absolute against ``url``, else ``url``."""
    link = soup.find("link", rel="canonical", href=True)
    if link is None:
        return url
    return _absolute(url, str(link["href"])) or url


_BLOCK_END = object()


def html_text(node: Tag) -> str:
    """Visible text of ``node``, one line per block element, whitespace collapsed.

    Unlike ``get_text("\\n")`` it does not break lines at inline tags (``<b>``, ``<a>``),
    which would split Thai sentences; NBSP is kept (the Thai clean-up handles it). The walk
    is iterative: old CMS pages nest thousands of unclosed tags deep.
    """
    parts: list[str] = []
    # a stack of children iterators; a block element pushes "\n" markers around its children
    stack: list = [iter(node.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if child is _BLOCK_END:
            parts.append("\n")
        elif isinstance(child, Tag):
            name = child.name
            if name in _SKIP:
                continue
            if name == "br":
                parts.append("\n")
                continue
            if name in _BLOCK:
                parts.append("\n")
                stack.append(iter([_BLOCK_END]))
            stack.append(iter(child.children))
        elif isinstance(child, NavigableString) and not isinstance(
            child, Comment | Doctype | ProcessingInstruction
        ):
            parts.append(_SPACES.sub(" ", str(child)))
    lines = (line.strip(" ") for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line.strip())


def page_text(body: bytes | str, content_type: str | None = None) -> str:
    """The visible text of a whole page (menus and footers included), one block a line."""
    return _whole_text(read_html(body, content_type).soup)


def _whole_text(soup: BeautifulSoup) -> str:
    return html_text(soup.body) if soup.body is not None else html_text(soup)


def _absolute(base: str | None, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    url = urljoin(base or "", href)
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return urldefrag(url)[0]


def _first(soup: BeautifulSoup, selectors: list[str] | tuple[str, ...]) -> Tag | None:
    for selector in selectors:
        node = soup.select_one(selector)
        if node is not None:
            return node
    return None


def _node_text(node: Tag) -> str:
    if node.name == "meta":
        return str(node.get("content") or "").strip()
    if node.name == "time" and node.get("datetime") and not node.get_text(strip=True):
        return str(node["datetime"]).strip()
    return html_text(node).strip()


def _redirect_target(soup: BeautifulSoup, base: str | None, own_url: str | None, text: str) -> str | None:
    for meta in soup.find_all("meta"):
        if str(meta.get("http-equiv", "")).strip().lower() != "refresh":
            continue
        m = _REFRESH.match(str(meta.get("content") or ""))
        if not m or not m.group("url"):
            continue
        delay = float(m.group("delay") or 0)
        target = _absolute(base, m.group("url").strip().strip("'\""))
        if target and delay <= STUB_MAX_REFRESH_SECONDS and target != own_url:
            return target
    if len(text) > STUB_MAX_TEXT:
        return None
    for script in soup.find_all("script"):
        m = _JS_LOCATION.search(script.string or script.get_text() or "")
        if m:
            target = _absolute(base, m.group("u") or m.group("v"))
            if target and target != own_url:
                return target
    return None


def _is_soft_404(source: SourceDefinition | None, raw_title: str, body_text: str) -> bool:
    if source is None:
        return bool(raw_title) and bool(_GENERIC_404.search(raw_title)) and len(body_text) < 500
    rule = source.soft_404
    title = raw_title.strip()
    if title in {t.strip() for t in rule.title_equals}:
        return True
    if rule.title_regex and re.fullmatch(rule.title_regex, title):
        return True
    if any(phrase in body_text for phrase in rule.text_contains):
        return True
    return len(body_text) < rule.min_body_chars


def _fallback_body(html: str, url: str | None) -> str:
    import trafilatura  # heavy; only for pages the selectors cannot read

    text = trafilatura.extract(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
    )
    if not text:
        return ""
    # Old Thai CMSs lay pages out in tables, which trafilatura renders as "| a | b |" rows:
    # give each cell its own line, as the page shows it.
    lines = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = re.split(r"(?<!\\)\|", stripped[1:-1])
            lines += [c.replace("\\|", "|").strip() for c in cells if c.strip() and set(c.strip()) - set("-: ")]
        else:
            lines.append(line)
    return "\n".join(lines)


def _clean_lines(text: str, source: SourceDefinition | None) -> str:
    if source is None:
        return text
    drop = {d.strip() for d in source.selectors.drop_lines}
    out = []
    for line in text.split("\n"):
        stripped = line.strip()
        if any(stripped.startswith(stop) for stop in source.selectors.stop_at):
            break
        if stripped in drop:
            continue
        out.append(line)
    return "\n".join(out)


def parse_page(
    body: bytes | str | Html,
    *,
    url: str | None = None,
    content_type: str | None = None,
    source: SourceDefinition | None = None,
) -> PageParts:
    """Split an HTML page into title, date text, body text and links.

    ``body`` as bytes is decoded by ``decode.decode_body``; an ``Html`` from
    :func:`read_html` is used as it is (and consumed: the furniture is cut out of its soup).
    ``url`` is the page's final URL, used with ``<base href>`` to make links absolute.
    ``source`` gives the selectors; None = generic extraction.
    """
    page = body if isinstance(body, Html) else read_html(body, content_type)
    html, encoding, soup = page.html, page.encoding, page.soup

    base = base_href(soup, url)
    canonical = canonical_url(soup, url)

    links: list[str] = []
    seen: set[str] = set()
    for a in soup.find_all("a", href=True):
        target = _absolute(base, str(a["href"]))
        if target and target not in seen:
            seen.add(target)
            links.append(target)

    title_node = soup.find("title")
    raw_title = _SPACES.sub(" ", title_node.get_text()).strip() if title_node else ""

    whole_text = _whole_text(soup)
    redirect_to = _redirect_target(soup, base, url, whole_text)
    if redirect_to is not None:
        return PageParts(
            title=raw_title or None,
            date_text=None,
            body_text="",
            url=canonical,
            encoding=encoding,
            redirect_to=redirect_to,
            links=links,
            whole_text=whole_text,
        )

    selectors = source.selectors if source else None
    title = None
    title_el = _first(soup, selectors.title if selectors else _GENERIC_TITLE)
    if title_el is not None:
        title = _SPACES.sub(" ", _node_text(title_el)).strip()
        for prefix in selectors.title_strip if selectors else ():
            if title.startswith(prefix):
                title = title[len(prefix) :]
        title = title.strip("\u200b \u00a0") or None

    date_el = _first(soup, selectors.date) if selectors and selectors.date else None
    date_source = _node_text(date_el) if date_el is not None else None
    if selectors is None:
        date_el = _first(soup, _GENERIC_DATE_META)
        date_source = _node_text(date_el) if date_el is not None else None

    # Furniture goes before the body is read, so a related-news box inside the body
    # container does not leak into the text.
    for selector in selectors.furniture if selectors else ():
        for node in soup.select(selector):
            node.decompose()

    body_el = _first(soup, selectors.body) if selectors and selectors.body else None
    if body_el is not None:
        body_text = html_text(body_el)
    elif source is None or source.fallback_extractor:
        body_text = _fallback_body(html, url)
    else:
        body_text = ""
    body_text = _clean_lines(body_text, source)

    date_text = date_source
    if selectors and selectors.date_regex:
        pattern = re.compile(selectors.date_regex)
        m = pattern.search(date_source or "") or (pattern.search(body_text) if date_el is None else None)
        if m:
            date_text = m.group("date") if "date" in pattern.groupindex else m.group(0)
        elif date_el is None:
            date_text = None
    if date_text is not None:
        date_text = _SPACES.sub(" ", date_text).strip() or None

    return PageParts(
        title=title,
        date_text=date_text,
        body_text=body_text,
        url=canonical,
        encoding=encoding,
        is_soft_404=_is_soft_404(source, raw_title, body_text),
        links=links,
        whole_text=whole_text,
    )
