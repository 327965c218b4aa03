"""Parse: raw input (text as scraped, or HTML) → Article, without the page furniture.

Text inputs come in two shapes: the PyThaiNLP thaigov corpus format (line 1 the page
title ``รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-<headline>``, a date line, the body, ``ที่มา : <url>``)
and text scraped from other sites with menus and related-news blocks around the article.
The published date is read only from the header lines before the body, so a date in
a related-news block can never become it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import stat
import tomllib
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from ita_extract.decode import THAI_CHAR, bom_encoding, decode_text
from ita_extract.errors import BinaryInput, EmptyInput, InputError, InputTooLarge, NotThaiInput
from ita_extract.models import Article, Evidence
from ita_extract.thai.dates import find_dates
from ita_extract.thai.text import clean_text

# The size limit, in characters of text: spaCy's ``nlp.max_length`` (1,000,000), which the
# extractor's passages must fit and a passage may be the whole text (``extract/nlp.py``
# sets the pipeline's max_length to this). The largest thaigov article is 0.55 M characters.
MAX_TEXT_CHARS = 1_000_000
# Files are read at most this far (a bounded read, before any decoding): no text of
# MAX_TEXT_CHARS takes more than 4 bytes a character, and HTML markup around it is allowed.
MAX_INPUT_BYTES = 16 * 2**20
HTML_SUFFIXES = (".html", ".htm")
# Sniffing reads this much of the head of an input.
SNIFF_BYTES = 4096
# What a page starts with; a .txt holding one of these is HTML whatever its name says.
_HTML_SIGNS = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
# Any tag: enough for a file named .html.
_ANY_TAG = re.compile(r"<[a-zA-Z!/][^>]{0,200}>")
# The magic numbers of binary formats users hand over by mistake.
_MAGIC = {b"\x7fELF": "an ELF executable", b"%PDF": "a PDF", b"PK\x03\x04": "a ZIP (or docx/xlsx) archive",
          b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
          b"\x1f\x8b": "gzip data", b"SQLite format 3\x00": "an SQLite database"}
# A header line (title, date, section name) is short; the body's first paragraph is not.
HEADER_LINE_MAX = 200
# Header lines looked at before the body starts.
HEADER_LINES = 12
# A site or section name printed above the headline is short ("สำนักข่าวแห่งชาติ").
SITE_NAME_MAX = 25
# A navigation menu: at least this many short lines in a row near the top of the text.
MENU_RUN = 4
MENU_ITEM_MAX = 25
MENU_SCAN = 80
# A headline is rarely longer than this; a first paragraph usually is.
HEADLINE_MAX = 150
# A line that only dates the item ("โพสต์เมื่อ 12 ธันวาคม 2567", "28 ส.ค. 69 14:54").
DATE_LINE_MAX = 60
# "หน้าแรก > ข่าวประชาสัมพันธ์ > ...": a breadcrumb trail, not a headline.
# A saved web capture starts "URL: <url>" / "TITLE: <page title>" / empty line.
CAPTURE_HEADER = re.compile(r"\A[^\S\n]*URL:[^\S\n]*(?P<url>\S+)[^\S\n]*\n(?:[^\S\n]*TITLE:(?P<title>[^\n]*)\n)?[^\S\n]*(?:\n|\Z)")
BREADCRUMB = re.compile(r"^(?:หน้าแรก|หน้าหลัก|Home)\s?[>»/|]|\s[>»]\s")


@functools.lru_cache(maxsize=1)
def furniture() -> dict:
    data = tomllib.loads((resources.files("ita_extract") / "furniture.toml").read_text("utf-8"))
    # a marker is furniture only as a whole line ("ข่าวที่เกี่ยวข้อง", "Total visits to the site");
    # a body line that merely starts with the same words ("ผู้เข้าชมงานครั้งนี้...") is text
    data["_tail"] = re.compile(
        r"^\s*(?:" + "|".join(re.escape(m) for m in data["tail_markers"]) + r")(?:\s*[:：]?\s*\S{0,25})?\s*$", re.M
    )
    data["_drop"] = {line.strip() for line in data["drop_lines"]}
    data["_source"] = re.compile(data["source_line"], re.M)
    return data


@functools.lru_cache(maxsize=1)
def english_topic() -> re.Pattern[str]:
    """What makes a text with no Thai in it worth reading: it is about the assessment in
    English (``languages.toml``); any other non-Thai text is refused as NotThaiInput."""
    data = tomllib.loads((resources.files("ita_extract") / "languages.toml").read_text("utf-8"))
    words = sorted(data["english_topic"], key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z])(?:" + "|".join(re.escape(w) for w in words) + r")(?![A-Za-z])")


def read_input(path: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> tuple[bytes, str]:
    """The bytes of an input file and their sha256; a clear error for what is not an article.

    Only regular files are read (a device or a FIFO would never end, or never start), and
    at most ``max_bytes`` + 1 of them, whatever ``stat()`` says."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    if not stat.S_ISREG(mode):
        raise InputError(f"{path}: not a regular file")
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    if len(data) > max_bytes:
        raise InputTooLarge(f"{path}: more than {max_bytes:,} bytes; an article's text may hold at most "
                            f"{MAX_TEXT_CHARS:,} characters")
    if not data.strip():
        raise EmptyInput(f"{path}: empty")
    return data, hashlib.sha256(data).hexdigest()


def sniff_kind(data: bytes, suffix: str = "") -> str:
    """``"html"`` or ``"text"`` from the content, not the name; binary data (NUL bytes, the
    magic number of an executable, archive or image) raises BinaryInput. A file named
    .html is HTML when it holds any tag; any other file only when it starts like a page."""
    head = data[:SNIFF_BYTES]
    codec = bom_encoding(head)
    if codec is None:
        kind = next((name for magic, name in _MAGIC.items() if head.startswith(magic)), None)
        if kind is not None:
            raise BinaryInput(f"binary data ({kind}), not text or HTML")
        if b"\x00" in head:
            raise BinaryInput("binary data (NUL bytes), not text or HTML")
    text = head.decode(codec or "utf-8", errors="replace")
    if _HTML_SIGNS.search(text) or (suffix.lower() in HTML_SUFFIXES and _ANY_TAG.search(text)):
        return "html"
    return "text"


def check_text_size(text: str, where: str) -> None:
    """Refuse, before any heavy work, a text longer than the extractor can read."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLarge(f"{where}: {len(text):,} characters of text, more than the {MAX_TEXT_CHARS:,} "
                            "an article may hold (the extractor's spaCy max_length)")


def parse_text(raw: str, *, doc: str, source_path: str | None = None, source_sha256: str | None = None,
               warnings: list[str] | None = None) -> Article:
    """An article from plain text (corpus format or scraped text with furniture)."""
    f = furniture()
    check_text_size(raw, source_path or doc)
    cleaned = clean_text(raw).text
    capture_url, capture_title, cleaned = capture_header(cleaned)
    url = None
    sources = list(f["_source"].finditer(cleaned))
    m = sources[-1] if sources else None  # the scraper's own "ที่มา :" line is the last one
    if m is not None:
        url = m.group("url")
        cleaned = cleaned[: m.start()] + cleaned[m.end():]
    tail = f["_tail"].search(cleaned)
    warnings = list(warnings or [])
    if tail:
        cleaned = cleaned[: tail.start()]
    lines = cleaned.split("\n")
    for i in _site_header_dates(lines, whole_page=capture_url is not None):
        lines[i] = ""
    title, date_text, body_start = _split_header(lines, f)
    body_lines = [ln for ln in lines[body_start:] if ln.strip() not in f["_drop"]]
    date_text, weak_date, restored = _page_date_line(lines[:body_start], title, date_text)
    body_lines = restored + body_lines
    dateline = None
    if date_text is None:
        dateline = body_dateline(body_lines)
        date_text = dateline.text if dateline is not None else None
    if date_text is None:
        # some sites date the item below it ("โพสต์เมื่อ 12 ธันวาคม 2567"): a short date-only line
        for k, line in enumerate(body_lines):
            dates = find_dates(line.strip()) if len(line.strip()) <= DATE_LINE_MAX else []
            if dates and _is_date_line(line.strip(), dates) and not EVENT_TIME_LINE.match(line.strip()):
                date_text = line.strip()
                del body_lines[k]
                break
    date_text = date_text or weak_date
    if title is None and not THAI_CHAR.search(cleaned):
        title = _english_headline(body_lines)
    elif capture_url is not None:
        title = _capture_headline(title, body_lines)
    body = "\n".join(body_lines)
    title, body = _headless_article(title, body, warnings)
    url = capture_url or url
    body = with_headline(title, body)
    title = capture_title or title
    article = build_article(doc, title=title, body=body, url=url, date_text=date_text,
                            source_format="txt", source_path=source_path, source_sha256=source_sha256,
                            warnings=warnings, cleaned=True)
    if dateline is not None and article.published is not None:
        at = article.text.find(dateline.line)
        if at >= 0:
            article.published_evidence = Evidence(start=at + dateline.start, end=at + dateline.end,
                                                  sentence=dateline.line[: dateline.end])
    return article


def _headless_article(title: str | None, body: str, warnings: list[str]) -> tuple[str | None, str]:
    """A short article has no separate headline: its one paragraph (behind at most a short
    label line or a short HTML ``<title>``) was taken for the title, leaving no body. Then
    the whole text is the body, analysed like any other, and a warning says the title was
    guessed."""
    if title is None or THAI_CHAR.search(body):
        return title, body
    warnings.append("no separate headline: the title was guessed from the text, which is analysed whole")
    return title, "\n".join(x for x in (title, body.strip()) if x)


def _split_header(lines: list[str], f: dict) -> tuple[str | None, str | None, int]:
    """(title, date line, index where the body starts) from the lines before the body.

    Breadcrumbs and menu lines are skipped; a short site name right before a longer
    headline is not the headline; the header ends at the first line that is neither a
    title, a date nor furniture."""
    title = date_text = None
    body_start = 0
    seen = 0
    menu = _menu_lines(lines)
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or s in f["_drop"] or BREADCRUMB.search(s) or (i in menu and title is None):
            body_start = i + 1
            continue
        if seen >= HEADER_LINES or len(s) > HEADER_LINE_MAX:
            break
        seen += 1
        prefix = next((p for p in f["title_prefixes"] if s.startswith(p)), None)
        dates = find_dates(s) if prefix is None else []
        if prefix is not None:
            title = s[len(prefix):].strip() or None
        elif dates and _is_date_line(s, dates):
            date_text = date_text or s
        elif title is None and THAI_CHAR.search(s) and len(s) >= 10:
            after = [ln.strip() for ln in lines[i + 1 : i + 6] if ln.strip()][:2]
            if (len(s) <= SITE_NAME_MAX and len(after) == 2 and len(s) < len(after[0]) <= HEADLINE_MAX
                    and not find_dates(after[0]) and _is_date_line(after[1], find_dates(after[1]))):
                body_start = i + 1  # a site or section name above "headline / date"
                continue
            title = s
        elif title is None and len(s) < 10:
            pass  # a section label ("ข่าวประชาสัมพันธ์")
        else:
            break
        body_start = i + 1
    return title, date_text, body_start


def _menu_lines(lines: list[str]) -> set[int]:
    """Indexes of navigation menus at the top of a page: runs of MENU_RUN or more short lines
    ("หน้าหลัก", "เกี่ยวกับเรา", "ติดต่อเรา", ...) with no date among them."""
    menu: set[int] = set()
    run: list[int] = []
    for i, line in enumerate(lines[:MENU_SCAN]):
        s = line.strip()
        if not s:
            continue
        if len(s) <= MENU_ITEM_MAX and not find_dates(s):
            run.append(i)
            continue
        if len(run) >= MENU_RUN:
            menu.update(run)
        run = []
    if len(run) >= MENU_RUN:
        menu.update(run)
    return menu


def _is_date_line(line: str, dates) -> bool:
    """A header line that is mostly a date ("วันพุธ, 21 กุมภาพันธ์ 2567", "ข่าวสารจังหวัด วันที่ 4 ม.ค. 2566, 11:27")."""
    if not dates:
        return False
    covered = sum(d.end - d.start for d in dates)
    return covered >= 0.4 * len(line) or len(line) <= 60


def build_article(doc: str, *, title: str | None, body: str, url: str | None, date_text: str | None,
                  source_format: str = "txt", source_path: str | None = None,
                  source_sha256: str | None = None, warnings: list[str] | None = None,
                  cleaned: bool = False) -> Article:
    """An Article from its parts: cleans the body (unless ``cleaned``) and reads the
    published date from ``date_text``."""
    warnings = list(warnings or [])
    text = (body if cleaned else clean_text(body).text).strip("\n")
    published = None
    if date_text:
        dates = find_dates(clean_text(date_text).text)
        if dates:
            d = dates[0]
            if d.placeholder:
                warnings.append("published date is the corpus's 1 มกราคม 2513 placeholder: no date")
            else:
                published = d.date
                if d.weekday_mismatch:
                    warnings.append(f"published date {d.text!r}: weekday contradicts the date")
    if title:
        title = clean_text(title).text.strip() or None
    return Article(doc=doc, url=url, title=title, published=published,
                   published_text=date_text.strip() if date_text else None,
                   text=text, source_path=source_path, source_sha256=source_sha256,
                   source_format=source_format, warnings=warnings)


def parse_html(data: bytes, *, doc: str, url: str | None = None, content_type: str | None = None,
               source_path: str | None = None, source_sha256: str | None = None) -> Article:
    """An article from an HTML page: the selectors of a known site when the page says where
    it comes from (its canonical URL or ``<base href>``), else generic main-text extraction.
    The parts are then read like scraped text, so a date line the selectors miss, above or
    below the article, is still found. The page is decoded and parsed once."""
    # lazy: bs4/lxml and the site definitions (pydantic models) cost ~0.25 s to import and
    # only HTML inputs need them; a text-only run never loads them
    from ita_extract.definition import source_for_url
    from ita_extract.html import base_href, canonical_url, parse_page, read_html

    where = source_path or url or doc
    page = read_html(data, content_type)
    page_url = canonical_url(page.soup, url) or url or base_href(page.soup, None)
    source = source_for_url(page_url) if page_url else None
    parts = parse_page(page, url=page_url if source is not None else url, content_type=content_type, source=source)
    body = parts.body_text
    lines = [ln.strip() for ln in parts.whole_text.split("\n")]
    if not body.strip():
        body = "\n".join(lines)  # the extractor found no main text: read it all
    if not body.strip():
        raise EmptyInput(f"{where}: no article text in the page")
    if not THAI_CHAR.search(body) and not english_topic().search(body):
        raise NotThaiInput(f"{where}: no Thai text")
    # headline, the page's date line, then the body, read like scraped text: the header rules
    # drop the date lines many bodies repeat at their top (thaigov's "16/11/2566", "พิมพ์")
    if source is None:
        body = _drop_trailing_furniture(lines, body)
    date_line = parts.date_text or _date_line_around(lines, body)
    header = "\n".join(x for x in (parts.title, date_line) if x)
    article = parse_text(header + "\n\n" + body, doc=doc, source_path=source_path, source_sha256=source_sha256)
    return article.model_copy(update={"url": page_url, "source_format": "html"})


def _drop_trailing_furniture(lines: list[str], body: str) -> str:
    """Generic main-text extraction sometimes keeps a related-news block while dropping its
    heading; the whole page still shows the heading, so body lines after it are cut."""
    marker = next((i for i, ln in enumerate(lines) if furniture()["_tail"].match(ln)), None)
    if marker is None:
        return body
    after = set(lines[marker:]) - set(lines[:marker])
    kept = [ln for ln in body.split("\n") if ln.strip() not in after]
    return "\n".join(kept)


def _date_line_around(lines: list[str], body: str) -> str | None:
    """The page's own date line, when main-text extraction left it out: the nearest short
    date-only line above the article's first line (within the header), else just below it."""
    first = next((ln.strip() for ln in body.split("\n") if len(ln.strip()) >= 20), "")[:30]
    last = next((ln.strip() for ln in reversed(body.split("\n")) if len(ln.strip()) >= 20), "")[:30]
    top = next((i for i, ln in enumerate(lines) if first and ln.startswith(first)), None)
    if top is None:
        return None
    bottom = next((i for i in range(len(lines) - 1, top - 1, -1) if last and lines[i].startswith(last)), top)
    in_body = {ln.strip() for ln in body.split("\n")}
    below = []
    for i in range(bottom + 1, min(len(lines), bottom + 3)):
        if furniture()["_tail"].match(lines[i]):
            break  # a related-news block: its dates are other items'
        below.append(i)
    # lines the extractor dropped inside the article's span, then above it, then just below it
    order = [i for i in range(top, min(bottom, top + HEADER_LINES)) if lines[i] not in in_body]
    order += [*range(top - 1, max(-1, top - HEADER_LINES), -1), *below]
    for i in order:
        line = lines[i]
        if len(line) <= DATE_LINE_MAX and _is_date_line(line, find_dates(clean_text(line).text)):
            return line
    return None


def parse_file(path: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> Article:
    """Read and parse one input file; the document id is the file stem."""
    data, digest = read_input(path, max_bytes=max_bytes)
    return parse_bytes(data, path, digest)


def parse_bytes(data: bytes, path: Path, digest: str) -> Article:
    """Parse the bytes of input file ``path``: HTML or text as :func:`sniff_kind` finds."""
    try:
        kind = sniff_kind(data, path.suffix)
    except BinaryInput as e:
        raise BinaryInput(f"{path}: {e}") from None
    if kind == "html":
        return parse_html(data, doc=path.stem, source_path=str(path), source_sha256=digest)
    warnings: list[str] = []
    text = decode_text(data, str(path), warnings, not_thai_ok=english_topic())
    return parse_text(text, doc=path.stem, source_path=str(path), source_sha256=digest, warnings=warnings)


# --- web captures (issue 7): capture header, headline, page dates, datelines -------------

def capture_header(text: str) -> tuple[str | None, str | None, str]:
    """(url, title, rest) of a saved web capture: ``URL: …`` and ``TITLE: …`` lines, then an
    empty line, ahead of the page text. The header is the capture tool's, not article text;
    an empty TITLE is None (the headline is then read from the text). Text without it is
    returned unchanged.

    >>> capture_header("URL: https://a.go.th/n/1\\nTITLE: \\n\\nหัวข้อข่าว")
    ('https://a.go.th/n/1', None, 'หัวข้อข่าว')
    """
    m = CAPTURE_HEADER.match(text)
    if m is None:
        return None, None, text
    title = (m.group("title") or "").strip() or None
    return m.group("url"), title, text[m.end():]


def with_headline(headline: str | None, body: str) -> str:
    """The article text extraction reads: the headline line, then the body. Headlines state
    facts ("… คว้า 98.60 คะแนน") the body may not repeat, so the headline is article text;
    it comes first, so every offset is into the one cleaned text (see models.py)."""
    if not headline or not headline.strip():
        return body
    first = next((ln for ln in body.split("\n") if ln.strip()), "")
    if headline.strip() in first:
        return body  # the body opens with it already
    return headline.strip() + "\n\n" + body


# A date line that opens an event sentence ("วันที่ 15 มีนาคม 2565 เวลา 08.30 น."), with no
# headline above it: the event's day and hour, body text, not the page's date (under a
# headline the same shape is a site's date line: NNT's "วันที่ 5 ก.ย. 2567 เวลา 10:21 น.").
EVENT_TIME_LINE = re.compile(r"^(?:เมื่อ)?วันที่.*เวลา\s?\d")


def _page_date_line(header: list[str], title: str | None, date_text: str | None
                    ) -> tuple[str | None, str | None, list[str]]:
    """(page date line, weaker date line, header lines given back to the body) of a text's header.

    A date line below the headline dates the item. One above it is the item's date only when
    it opens the page ("วันพุธ, 21 กุมภาพันธ์ 2567" then the headline); after a site name,
    tagline or menu it is the site header's "today" date and dates nothing ("ทุกสนามข่าว…" /
    "วันเสาร์ ที่ 4 กรกฎาคม พ.ศ. 2563." / headline), and even at the top a body dateline is
    stronger (it is written by the article's author), so it comes back as the weaker one.
    """
    if date_text is None:
        return None, None, []
    rows = [(i, ln.strip()) for i, ln in enumerate(header) if ln.strip()]
    head_at = next((i for i, s in rows if title and s.endswith(title)), None)
    above: list[tuple[int, str]] = []
    below: list[tuple[int, str]] = []
    restored: list[str] = []
    for i, s in rows:
        if i == head_at or not _is_date_line(s, find_dates(s)):
            continue
        if EVENT_TIME_LINE.match(s) and (head_at is None or i < head_at):
            restored.append(s)  # no headline above it: the body's first sentence
            continue
        (below if head_at is not None and i > head_at else above).append((i, s))
    if below:
        return below[0][1], None, restored
    if above and above[0][0] == rows[0][0]:
        return None, above[0][1], restored
    return None, None, restored


# How far below a site's "today" date the item's own date line may stand.
SITE_DATE_GAP = 4


def _site_header_dates(lines: list[str], *, whole_page: bool) -> list[int]:
    """Indexes of the site header's "today" date (and the site name or tagline above it) at
    the top of a page: never the item's date, never article text.

    A date line is the site's when another date line follows within a few lines with text
    (the headline) between them ("วันเสาร์ที่ 13 สิงหาคม พ.ศ. 2565" / headline / "On August 6,
    2022"). In a whole-page capture (the ``URL:`` header), whose text starts with the site's
    own header, a date line right under the short site name or tagline that opens the page,
    above the headline, is the site's too ("ทุกสนามข่าว เราคือตัวจริง" / date / headline); a
    date further down (under a page title and menu items) may be a blog's post date."""
    rows = [(i, ln.strip()) for i, ln in enumerate(lines[:MENU_SCAN]) if ln.strip()]
    dated = [len(s) <= DATE_LINE_MAX and _is_date_line(s, find_dates(s)) and not EVENT_TIME_LINE.match(s)
             for _, s in rows]
    out: list[int] = []
    if rows and any(rows[0][1].startswith(p) for p in furniture()["title_prefixes"]):
        return out  # the corpus format: page title, then the item's date line
    for k, (i, s) in enumerate(rows[:HEADER_LINES]):
        if not dated[k]:
            if SITE_NAME_MAX < len(s) <= HEADLINE_MAX and THAI_CHAR.search(s):
                break  # a headline: dates below it are the item's
            continue
        nxt = rows[k + 1 : k + 1 + SITE_DATE_GAP]
        later = [j for j in range(k + 1, min(len(rows), k + 1 + SITE_DATE_GAP)) if dated[j]]
        if later and any(not dated[j] and THAI_CHAR.search(rows[j][1]) for j in range(k + 1, later[0])):
            out.append(i)
            break
        if whole_page and k == 1 and nxt and not dated[k - 1] and len(rows[k - 1][1]) <= SITE_NAME_MAX \
                and not find_dates(nxt[0][1]) and len(rows[k - 1][1]) < len(nxt[0][1]) <= HEADLINE_MAX:
            out += [rows[k - 1][0], i]
            break
    return out


# "เรื่อง : <headline>": a label before a notice's headline.
TITLE_LABEL = re.compile(r"^(?:เรื่อง|หัวข้อ|ชื่อ)\s?[:：]\s?")
# A site's contact line ("ยินดีต้อนรับ… โทรศัพท์ : 053-131532 … อีเมล : …") is not a headline.
CONTACT = re.compile(r"โทรศัพท์|โทรสาร|อีเมล|[Ee]-?mail|@|\d{2,3}-\d{6,7}")
QUOTES = {'"': '"', "“": "”", "'": "'", "‘": "’"}


def _capture_headline(title: str | None, body_lines: list[str]) -> str | None:
    """The headline of a whole-page capture, whose first lines are often the site's: when
    the header's "title" is a short section label ("ข่าวประชาสัมพันธ์", "ข่าวภาคค่ำ") or a
    contact line, or there is none, the body's first line is the headline if it reads as
    one (Thai, headline-sized, undated); a label ("เรื่อง :") and enclosing quotes are dropped."""
    opening = [ln.strip() for ln in body_lines if ln.strip()][:3]
    first = TITLE_LABEL.sub("", next((ln for ln in opening if THAI_CHAR.search(ln)), ""))
    weak = title is None or bool(CONTACT.search(title)) or (len(title) <= SITE_NAME_MAX < len(first))
    if weak and 10 <= len(first) <= HEADLINE_MAX and not find_dates(first) and not CONTACT.search(first):
        title = first
    if title and len(title) > 2 and QUOTES.get(title[0]) == title[-1] and title.count(title[-1]) == 1 + (title[0] == title[-1]):
        title = title[1:-1].strip()
    return title


def _english_headline(body_lines: list[str]) -> str | None:
    """An English item's headline: its first line that is short, not a date line and not
    a sentence of the body (the Thai header rules look for Thai headlines only)."""
    line = next((ln.strip() for ln in body_lines if ln.strip()), "")
    if 10 <= len(line) <= HEADLINE_MAX and not find_dates(line) and not line.endswith("."):
        return line
    return None


class Dateline(NamedTuple):
    """A date written in the body's opening as the item's dateline: ``line`` holds it at
    ``start``:``end``; ``text`` is the date as written."""

    line: str
    start: int
    end: int
    text: str


# How far into the body a dateline may stand: the opening lines (a lead or a repeated
# headline may come first).
DATELINE_LINES = 3
DATELINE_SCAN = 160
# What may stand before a dateline's date: nothing, "date", "(เช้า)วันนี้ (", or a place
# ("กรุงเทพฯ 11 สิงหาคม 2565 –", then a dash).
DATELINE_LEAD = re.compile(r"^(?:|date|Date|(?:เช้า|บ่าย|เย็น|ค่ำ)?วันนี้\s?\(?)$")
DATELINE_PLACE = re.compile(r"^(?!.*(?:วัน|เมื่อ|ณ|ตั้งแต่|ถึง))[ก-๛A-Za-z.]{2,25}$")
DATELINE_DASH = re.compile(r"^\s?\)?\s?[–—-]")
# A line that is a date and little else ("วันอาทิตย์ที่ 29 สิงหาคม 2564").
DATE_ONLY_COVER = 0.6
PERIOD_DASH = re.compile(r"^\s*(?:[-–—]|ถึง)\s*$")
# "3 ม.ค. 2566,18:59น.": a date with its clock time and no "เวลา" is a publishing timestamp.
STAMP_TIME = re.compile(r"^[,\s]*[0-2]?\d:[0-5]\d")


def body_dateline(body_lines: list[str]) -> Dateline | None:
    """The item's dateline in the opening of its body, if it has one: a paragraph that opens
    with its date (``วันนี้ (5 ม.ค.67)``, ``(เช้า)วันนี้ 9 ธันวาคม 2565 เวลา …``, ``14 พฤษภาคม 2567
    ราชวิทยาลัย…``, ``กรุงเทพฯ 5 ม.ค. 2567 –``, ``date 2021-12-10``), or a publishing timestamp
    glued into the line (``… 3 ม.ค. 2566,18:59น. …``). A date after ``วันที่``/``เมื่อวันที่`` is
    the event's, a date range is a period, and a day and month without a year date nothing.

    >>> body_dateline(["กรุงเทพฯ 11 สิงหาคม 2565 – สมศ. ได้รับผล"]).text
    '11 สิงหาคม 2565'
    >>> body_dateline(["เมื่อวันที่ 11 สิงหาคม 2565 สมศ. ได้รับผล"]) is None
    True
    """
    opening = [ln.strip() for ln in body_lines if ln.strip()][:DATELINE_LINES]
    for line in opening:
        head = line[:DATELINE_SCAN]
        dates = [d for d in find_dates(head) if d.range_end is None and not d.placeholder]
        if not dates:
            continue
        if sum(d.end - d.start for d in dates) >= DATE_ONLY_COVER * len(line):
            continue  # a date line of its own: the page's, read as one (not in the text)
        d = dates[0]
        lead = head[: d.start].strip()
        after = head[d.end:]
        if len(dates) > 1 and PERIOD_DASH.match(head[d.end:dates[1].start]):
            continue  # "1 ต.ค. 2566 - 30 ก.ย. 2567": a period
        if (DATELINE_LEAD.match(lead) or (DATELINE_PLACE.match(lead) and d.time is None and DATELINE_DASH.match(after))
                or (d.time is not None and "เวลา" not in d.text and STAMP_TIME.match(head[d.start:][len(d.text.split(",")[0]):]))):
            return Dateline(line, d.start, d.end, d.text)
    return None
