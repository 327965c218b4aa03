"""Sources without the network: pipeline definitions, page parsing, discovery, crawl state,
the corpus reader. Crawls against the loopback server are in test_crawl.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ita_extract import store
from ita_extract.definition import load_definition
from ita_extract.errors import ItaError
from ita_extract.html import html_text, parse_page
from ita_extract.models import Page
from ita_extract.sources import (
    CorpusNotFound,
    SourceDefinitionError,
    UnknownSource,
    list_sources,
    load_source,
    source_for_url,
)
from ita_extract.sources import state as st
from ita_extract.sources.corpus import (
    corpus_doc_id,
    crawl_corpus,
    default_corpus_dir,
    is_relevant,
    iter_corpus,
    iter_files,
)
from ita_extract.sources.crawl import crawl
from ita_extract.sources.discover import Endpoints, article_doc, parse_date, parse_discovery, seeds
from tests.crawl_sites import MANIFEST, SITES, THAIGOV, cdx_rows, page

REPO = Path(__file__).resolve().parent.parent
FAMILY_SOURCE = {"thaigov": "thaigov", "prd": "prd", "nacc-itas": "nacc-itas", "provincial": "provincial"}
ARTICLES = [e for e in MANIFEST if "body" in e]


def norm(text: str) -> str:
    return " ".join(text.split())


# --- pipeline definitions ------------------------------------------------------------------


def test_every_pipeline_file_loads():
    assert set(list_sources()) >= {"thaigov", "thaigov-corpus", "prd", "nacc-itas", "provincial"}
    for name in list_sources():
        definition = load_source(name)
        assert definition.name == name and definition.description


def test_thaigov_reads_wayback_by_default_and_warns_about_live():
    tg = load_source("thaigov")
    assert tg.access == "wayback" and tg.discover.wayback is not None
    assert "forbid" in (tg.terms_warning or "")


def test_source_for_url_picks_by_host():
    assert source_for_url("https://www.thaigov.go.th/news/contents/details/1").name == "thaigov"
    assert source_for_url("https://chiangmai.prd.go.th/th/content/category/detail/id/9/iid/1").name == "prd"
    assert source_for_url("https://itas.nacc.go.th/home/detailnews/5").name == "nacc-itas"
    assert source_for_url("https://www.lamphun.go.th/th/news-governor/1/x") is None


def test_unknown_source_lists_the_known_ones():
    with pytest.raises(UnknownSource, match="known: .*thaigov"):
        load_source("nope")


MINIMAL = """name = "{name}"
description = "x"
site = "https://example.go.th"
[article]
url_pattern = '/news/(?P<id>\\d+)'
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("colour = 'red'\n", r"colour: Extra inputs are not permitted"),
        ("[selectors]\nbody = 'div.x'\n", r"selectors\.body: Input should be a valid list"),
        ("[selectors]\ndate_regex = '(unclosed'\n", r"selectors\.date_regex: invalid regular expression"),
        ("[politeness]\nrate = 0\n", r"politeness\.rate: Input should be greater than 0"),
        ("[[discover.listing]]\nurl = '/x?p={pg}'\n", r"discover\.listing\[0\]\.url: unknown placeholder"),
        ("[extra]\n", r"extra: Extra inputs are not permitted"),
    ],
)
def test_invalid_definitions_fail_in_one_line_naming_file_and_key(tmp_path, extra, message):
    path = tmp_path / "site.toml"
    path.write_text(MINIMAL.format(name="site") + extra, encoding="utf-8")
    with pytest.raises(SourceDefinitionError) as info:
        load_definition(path)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(f"{path}: ")
    assert re.search(message, text), text


def test_definition_consistency_errors_name_the_top_level(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text("access = 'wayback'\n" + MINIMAL.format(name="site"), encoding="utf-8")
    with pytest.raises(SourceDefinitionError, match=r"site\.toml: \(top level\): access = 'wayback' needs"):
        load_definition(path)


def test_definition_errors_toml_syntax_name_and_doc_id(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n", encoding="utf-8")
    with pytest.raises(SourceDefinitionError, match=r"bad\.toml: invalid TOML"):
        load_definition(bad)
    other = tmp_path / "other.toml"
    other.write_text(MINIMAL.format(name="site"), encoding="utf-8")
    with pytest.raises(SourceDefinitionError, match=r"name: 'site' differs from the file name 'other'"):
        load_definition(other)
    nogroup = tmp_path / "nogroup.toml"
    nogroup.write_text(MINIMAL.format(name="nogroup").replace("(?P<id>\\d+)", "\\d+"), encoding="utf-8")
    with pytest.raises(SourceDefinitionError, match=r"article: .*doc_id uses \['id'\]"):
        load_definition(nogroup)
    with pytest.raises(SourceDefinitionError, match="no such pipeline definition"):
        load_definition(tmp_path / "missing.toml")


def test_doc_ids_start_with_the_source_name(tmp_path):
    """Crawled documents never take another source's ids, nor an extracted file's (gold/docs
    names documents by bare article ids)."""
    for name in list_sources():
        definition = load_source(name)
        if definition.article is not None:
            assert definition.article.doc_id.startswith(("{source}-", f"{name}-")), name
    bare = tmp_path / "bare.toml"
    bare.write_text(MINIMAL.format(name="bare") + "doc_id = '{id}'\n", encoding="utf-8")
    with pytest.raises(SourceDefinitionError, match=r"bare\.toml: .*article\.doc_id '\{id\}' must start with"):
        load_definition(bare)
    # The default, and {source} in a copied file, follow the file's name.
    assert article_doc(load_definition(_write(tmp_path, "yala", "")), "https://www.yala.go.th/news/7") == "yala-yala.go.th-7"
    copy = (REPO / "pipelines" / "provincial.toml").read_text(encoding="utf-8").replace('name = "provincial"', 'name = "yala"')
    doc = article_doc(load_definition(_write(tmp_path, "yala", copy, whole=True)), "https://www.yala.go.th/news/view/7")
    assert doc.startswith("yala-yala.go.th-")


def _write(tmp_path: Path, name: str, extra: str, *, whole: bool = False) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(extra if whole else MINIMAL.format(name=name) + extra, encoding="utf-8")
    return path


def test_a_new_province_is_a_new_file_not_new_code(tmp_path):
    path = tmp_path / "yala.toml"
    path.write_text(
        MINIMAL.format(name="yala")
        + "[selectors]\ntitle = ['h2.news-title']\nbody = ['div.news-body']\nfurniture = ['aside']\n",
        encoding="utf-8",
    )
    yala = load_source(str(path))
    parts = parse_page(page("provincial/lamphun_news_1234.html"), url="https://yala.go.th/news/1", source=yala)
    assert parts.title.startswith("จังหวัดลำพูน จัดประชุม ITA")
    assert "InfoComm" not in parts.body_text


# --- page parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize("e", ARTICLES, ids=[e["file"] for e in ARTICLES])
def test_parse_page_finds_title_date_body_of_every_fixture(e):
    source = load_source(FAMILY_SOURCE[e["family"]])
    parts = parse_page(page(e["file"]), url="http://127.0.0.1:9" + e["path"], content_type=e["content_type"], source=source)
    assert not parts.is_soft_404 and parts.redirect_to is None
    assert norm(parts.title) == norm(e["title"])
    body = norm(parts.body_text)
    missing = [line for line in e["body"] if norm(line) and norm(line) not in body]
    assert not missing
    if e.get("date"):
        assert parts.date_text and norm(parts.date_text) in norm(e["date"]) + " " + norm(e["date"])
        assert parse_date(parts.date_text) is not None
    for furniture in e.get("furniture", []):
        assert furniture not in parts.body_text
    assert parts.encoding == e.get("encoding", "utf-8")


def test_thaigov_page_drops_menus_print_and_related_news():
    parts = parse_page(page("thaigov/details_74823.html"), url=f"{THAIGOV}/news/contents/details/74823",
                         source=load_source("thaigov"))
    for furniture in ("ข่าวกระทรวง", "แผนผังเว็บไซต์", "ข่าวที่เกี่ยวข้อง", "dateNow"):
        assert furniture not in parts.body_text
    lines = parts.body_text.split("\n")
    assert "พิมพ์" not in lines and "แชร์" not in lines
    assert parts.date_text == "วันพฤหัสบดีที่ 16 พฤศจิกายน 2566"


def test_links_are_resolved_against_base_href():
    # The page is served from a Wayback capture URL, its links are relative to <base href>.
    parts = parse_page(page("thaigov/details_74823.html"),
                         url="http://127.0.0.1:9/web/2024id_/https://www.thaigov.go.th/news/contents/details/74823",
                         source=load_source("thaigov"))
    assert "http://www.thaigov.go.th/news/contents/index/21" in parts.links
    assert "http://www.thaigov.go.th/news/contents/details/82875" in parts.links
    assert not any(link.startswith("javascript") for link in parts.links)


def test_real_cp874_page_decodes_from_its_meta_charset():
    raw = page("provincial/ewt_news_45259_cp874.html")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b"windows-874" in raw
    parts = parse_page(raw, url="http://127.0.0.1:9/ewt_news.php?nid=45259", content_type="text/html",
                         source=load_source("provincial"))
    assert parts.encoding == "cp874"
    assert "คุณธรรมและความโปร่งใส" in parts.body_text and "\ufffd" not in parts.body_text


def test_wrong_declared_charset_falls_through_to_cp874():
    raw = page("provincial/ewt_news_57503_wrong_charset.html")
    parts = parse_page(raw, url="http://127.0.0.1:9/ewt_news.php?nid=57503",
                         content_type="text/html; charset=utf-8", source=load_source("provincial"))
    assert parts.encoding == "cp874"
    assert parts.title.startswith("บขส. ผ่านการประเมินคุณธรรมและความโปร่งใส")


def test_thaigov_soft_404_is_judged_by_its_bare_title():
    parts = parse_page(page("thaigov/soft404.html"), url=f"{THAIGOV}/news/contents/details/99999999",
                         source=load_source("thaigov"))
    assert parts.is_soft_404
    generic = parse_page("<html><head><title>404 Not Found</title></head><body><p>The page is gone</p></body></html>")
    assert generic.is_soft_404
    ok = parse_page(page("thaigov/details_74823.html"), source=load_source("thaigov"))
    assert not ok.is_soft_404


def test_prd_javascript_stub_gives_its_target():
    parts = parse_page(page("prd/ewt_news_5519.html"), url="https://www.prd.go.th/ewt_news.php?nid=5519",
                         source=load_source("prd"))
    assert parts.redirect_to == "https://www.prd.go.th/th/content/category/detail/id/9/iid/178224"
    # The real 2018 home page has the same shape (main.php?filename=index_2015).
    real = (SITES / "prd" / "ewt_news_5519.html").read_text(encoding="utf-8").replace(
        "/th/content/category/detail/id/9/iid/178224", "main.php?filename=index_2015")
    assert parse_page(real, url="http://www.prd.go.th/").redirect_to == "http://www.prd.go.th/main.php?filename=index_2015"


def test_meta_refresh_stub_but_not_a_page_that_reloads_itself():
    stub = '<html><head><meta http-equiv="refresh" content="0; url=/news/2"></head><body></body></html>'
    assert parse_page(stub, url="http://a.go.th/news/1").redirect_to == "http://a.go.th/news/2"
    reloading = ('<html><head><meta http-equiv="Refresh" content="300"><title>ข่าว</title></head>'
                 "<body><p>" + "ข้อความข่าว " * 100 + "</p></body></html>")
    assert parse_page(reloading, url="http://a.go.th/news/1").redirect_to is None
    # A long page whose script sets location on a click is not a stub.
    long_page = ("<html><body><p>" + "ข่าว ITA " * 200 + "</p><script>function go(){window.location.href='/x'}</script></body></html>")
    assert parse_page(long_page, url="http://a.go.th/n").redirect_to is None


def test_html_text_keeps_inline_tags_on_one_line():
    from bs4 import BeautifulSoup

    soup = BeautifulSoup("<div><p>ผล<b>การ</b>ประเมิน <a href='#'>ITA</a></p><p>ปี&nbsp;2566</p>x<br>y</div>", "lxml")
    assert html_text(soup.div) == "ผลการประเมิน ITA\nปี\u00a02566\nx\ny"


def _leak(extracted: str, body: list[str], allowed: list[str]) -> tuple[float, float]:
    """(recall, precision) of extracted text against the known article, by characters:
    recall = share of the body lines' characters found; precision = share of extracted
    characters that belong to the article (its body, title and date)."""
    got = norm(extracted)
    lines = [norm(line) for line in body if norm(line)]
    recall = sum(len(line) for line in lines if line in got) / sum(len(line) for line in lines)
    rest = got
    for line in sorted(lines + [norm(a) for a in allowed if a and norm(a)], key=len, reverse=True):
        rest = rest.replace(line, "")
    rest = re.sub(r"[\s|]", "", rest)
    precision = 1 - len(rest) / max(1, len(got.replace(" ", "")))
    return recall, precision


def test_fallback_extractor_is_evaluated_on_pages_with_known_text(capsys):
    """The generic path (no selectors → trafilatura, favor_precision) on every fixture page
    with a known article; floors pinned from the measured figures."""
    rows = []
    for e in ARTICLES:
        parts = parse_page(page(e["file"]), url="http://127.0.0.1:9" + e["path"], content_type=e["content_type"])
        recall, precision = _leak(parts.body_text, e["body"], [e["title"], e.get("date") or ""])
        rows.append((e["file"], recall, precision))
    with capsys.disabled():
        print("\nfallback extractor (trafilatura, favor_precision) vs known article text")
        for file, recall, precision in rows:
            print(f"  {file:48} recall {recall:.3f}  precision {precision:.3f}")
    assert min(r for _, r, _ in rows) >= 0.99
    # Table-layout (EWT) pages leak their menu and visit-counter cells (~4% of the text).
    assert min(p for _, _, p in rows) >= 0.95
    assert sum(p for _, _, p in rows) / len(rows) >= 0.98


# --- discovery ------------------------------------------------------------------------------


def _row(url: str, kind: str, **meta) -> st.FrontierRow:
    return st.FrontierRow(url=url, source="x", kind=kind, status="queued", attempts=0, last_error=None,
                          article_url=url, doc=None, date_hint=None, meta=meta)


def test_wayback_endpoints_and_cdx_query():
    tg = load_source("thaigov")
    ep = Endpoints.for_source(tg, live=False, base_url="http://127.0.0.1:9")
    (seed,) = seeds(ep, since=dt.date(2023, 1, 1), until=dt.date(2023, 12, 31))
    assert seed.kind == "cdx"
    assert seed.url.startswith("http://127.0.0.1:9/cdx/search/cdx?url=www.thaigov.go.th%2Fnews%2Fcontents%2Fdetails%2F")
    for param in ("output=json", "filter=statuscode%3A200", "collapse=digest", "from=20230101", "to=20241230",
                  "matchType=prefix", "showResumeKey=true"):
        assert param in seed.url
    capture = ep.capture("20240101000000", f"{THAIGOV}/news/contents/details/5")
    assert capture == f"http://127.0.0.1:9/web/20240101000000id_/{THAIGOV}/news/contents/details/5"
    assert ep.original(capture) == f"{THAIGOV}/news/contents/details/5"
    assert Endpoints.for_source(tg, live=False, base_url=None).wayback == "https://web.archive.org"
    live = Endpoints.for_source(tg, live=True, base_url="http://127.0.0.1:9")
    assert live.wayback is None
    assert live.to_fetch("http://www.thaigov.go.th/news/contents/details/5") == "http://127.0.0.1:9/news/contents/details/5"
    assert live.original("http://127.0.0.1:9/news/contents/details/5") == f"{THAIGOV}/news/contents/details/5"
    assert live.to_fetch("https://other.go.th/x") == "https://other.go.th/x"


def test_cdx_page_gives_one_capture_per_article_newest_first_and_the_next_page():
    tg = load_source("thaigov")
    ep = Endpoints.for_source(tg, live=False, base_url="http://wb")
    rows = cdx_rows(["1", "2"]) + cdx_rows(["1"], timestamp="20250101000000")
    rows.append(["th,go,thaigov)/news/contents/details/3", "2024", "http://www.thaigov.go.th/news/contents/ministry_details/3", "text/html", "200", "d", "1"])
    rows.append(["th,go,thaigov)/", "2024", "http://www.thaigov.go.th/", "text/html", "200", "d", "1"])
    body = json.dumps([["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
                       *rows, [], ["resume-key-1"]]).encode()
    found = parse_discovery(_row("http://wb/cdx/search/cdx?url=x", "cdx"), body, ep=ep)
    by_doc = {a.doc: a for a in found.articles}
    assert set(by_doc) == {"thaigov-1", "thaigov-2", "thaigov-3"}  # the home page is no article; ministry_details is
    assert by_doc["thaigov-1"].url == f"http://wb/web/20250101000000id_/{THAIGOV}/news/contents/details/1"
    assert by_doc["thaigov-1"].meta["alternates"] == [f"http://wb/web/20240101000000id_/{THAIGOV}/news/contents/details/1"]
    assert by_doc["thaigov-1"].article_url == f"{THAIGOV}/news/contents/details/1"
    (more,) = found.more
    assert more.kind == "cdx" and "resumeKey=resume-key-1" in more.url
    assert parse_discovery(_row("http://wb/cdx", "cdx"), b"[]", ep=ep).articles == []


def test_thaigov_listing_pages_paginate_and_take_full_headlines():
    tg = load_source("thaigov")
    ep = Endpoints.for_source(tg, live=True, base_url="http://127.0.0.1:9")
    first = [s for s in seeds(ep) if s.meta.get("category") == 21][0]
    assert first.url == "http://127.0.0.1:9/news/contents/index/21?page=1"
    found = parse_discovery(_row(first.url, "listing", **first.meta), page("thaigov/index_21_p1.html"), ep=ep,
                            final_url=first.url)
    assert [a.doc for a in found.articles] == ["thaigov-74823", "thaigov-82875", "thaigov-88046", "thaigov-71972"]
    assert found.articles[0].url == "http://127.0.0.1:9/news/contents/details/74823"
    assert found.articles[0].meta["title"].startswith("ปลัดฯ ณัฐพล ยินดีกับ สอจ. 7 จังหวัด")
    assert [m.url for m in found.more] == ["http://127.0.0.1:9/news/contents/index/21?page=2"]
    empty = parse_discovery(_row("http://127.0.0.1:9/news/contents/index/21?page=3", "listing", listing=1, category=21, page=3),
                            page("thaigov/index_21_p3.html"), ep=ep)
    assert empty.articles == [] and empty.more == []


def test_prd_listing_dates_filter_and_stop_pagination():
    prd = load_source("prd")
    ep = Endpoints.for_source(prd, live=False, base_url="http://127.0.0.1:9")
    row = _row("http://127.0.0.1:9/th/content/category/index/id/9?page=1", "listing", listing=0, category=9, page=1)
    found = parse_discovery(row, page("prd/index_9_p1.html"), ep=ep, since=dt.date(2024, 1, 1))
    assert [a.doc for a in found.articles] == ["prd-prd.go.th-178224"]
    assert found.articles[0].date_hint == dt.date(2024, 2, 21)
    assert found.skipped == 1 and found.more  # one item is newer than --since: go on
    old = parse_discovery(row, page("prd/index_9_p1.html"), ep=ep, since=dt.date(2025, 1, 1))
    assert old.articles == [] and old.more == []  # everything older than --since: stop


def test_rss_and_sitemaps():
    prd = load_source("prd")
    ep = Endpoints.for_source(prd, live=False, base_url="http://127.0.0.1:9")
    found = parse_discovery(_row("http://127.0.0.1:9/th/rss/page/content/id/1/cid/9", "rss"), page("prd/rss_1_9.xml"), ep=ep)
    assert [a.url for a in found.articles] == [
        "http://127.0.0.1:9/th/content/category/detail/id/9/iid/178224",
        "http://127.0.0.1:9/ewt_news.php?nid=5519",
    ]
    assert found.articles[0].date_hint == dt.date(2024, 2, 21)
    assert found.articles[0].article_url == "https://www.prd.go.th/th/content/category/detail/id/9/iid/178224"
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://www.prd.go.th/sitemap-2024.xml</loc><lastmod>2024-03-01</lastmod></sitemap>
      <sitemap><loc>https://www.prd.go.th/sitemap-2019.xml</loc><lastmod>2019-03-01</lastmod></sitemap></sitemapindex>"""
    found = parse_discovery(_row("http://127.0.0.1:9/sitemap.xml", "sitemap"), index, ep=ep, since=dt.date(2023, 1, 1))
    assert [m.url for m in found.more] == ["http://127.0.0.1:9/sitemap-2024.xml"]
    urlset = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://www.prd.go.th/th/content/category/detail/id/9/iid/7</loc><lastmod>2024-03-01T10:00:00+07:00</lastmod></url>
      <url><loc>https://www.prd.go.th/th/page/item/index/id/1</loc></url>
      <url><loc>https://evil.example/th/content/category/detail/id/9/iid/8</loc></url></urlset>"""
    found = parse_discovery(_row("http://127.0.0.1:9/sitemap-2024.xml", "sitemap"), urlset, ep=ep)
    assert [a.doc for a in found.articles] == ["prd-prd.go.th-7"]


def test_article_doc_ids():
    assert article_doc(load_source("thaigov"), f"{THAIGOV}/news/contents/ministry_details/42") == "thaigov-42"
    assert article_doc(load_source("nacc-itas"), "https://itas.nacc.go.th/home/detailnews/7") == "nacc-itas-7"
    assert article_doc(load_source("prd"), "https://www.prd.go.th/th/content/category/detail/id/9/iid/5") == "prd-prd.go.th-5"
    # A URL without the named group falls back to a stable hash.
    doc = article_doc(load_source("prd"), "https://www.prd.go.th/ewt_news.php?nid=5519")
    assert doc.startswith("prd-") and doc == article_doc(load_source("prd"), "https://www.prd.go.th/ewt_news.php?nid=5519")


# --- crawl state ------------------------------------------------------------------------------


def _page(url: str, body: bytes = b"<html>x</html>", **headers) -> Page:
    import hashlib

    return Page(url=url, final_url=url, status=200, headers={"Content-Type": "text/html", **headers},
                fetched_at=dt.datetime.now(dt.UTC), sha256=hashlib.sha256(body).hexdigest(), body=body)


def test_state_frontier_and_pages(tmp_path):
    db = store.open_db(tmp_path / "d.db")
    st.ensure_schema(db)
    st.ensure_schema(db)  # idempotent
    items = [st.FrontierItem("http://a/1", doc="1"), st.FrontierItem("http://a/1-again", doc="1"),
             st.FrontierItem("http://a/2", doc="2"), st.FrontierItem("http://a/list", kind="listing")]
    assert st.enqueue(db, "s", items) == 3  # the second capture of doc 1 is not added
    assert st.enqueue(db, "s", items) == 0
    assert [r.url for r in st.pending(db, "s", kinds=["article"])] == ["http://a/1", "http://a/2"]
    validators = {"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
    assert st.save_response(db, "http://a/1", _page("http://a/1", **validators))
    assert not st.save_response(db, "http://a/1", _page("http://a/1", **validators))  # same body: no new row
    assert st.get(db, "http://a/1").status == "fetched" and st.get(db, "http://a/1").attempts == 2
    assert st.validators(db, "http://a/1") == ('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT")
    assert st.latest_page(db, "http://a/1").body == b"<html>x</html>"
    st.mark(db, "http://a/2", "failed", error="timeout", attempted=True)
    assert st.requeue_failed(db, "s", max_attempts=1) == 0
    assert st.requeue_failed(db, "s", max_attempts=2) == 1
    assert st.counts(db, "s") == {"queued": 2, "fetched": 1, "done": 0, "failed": 0}
    with pytest.raises(ValueError):
        st.mark(db, "http://a/2", "lost")


def test_a_response_that_comes_back_is_the_latest_again(tmp_path):
    """A → B → A: the third response adds no row (same body as the first), but the first
    row takes its time and headers, so A is what latest_page, validators and reparse see."""
    db = store.open_db(tmp_path / "d.db")
    st.ensure_schema(db)
    st.enqueue(db, "s", [st.FrontierItem("http://a/1")])
    assert st.save_response(db, "http://a/1", _page("http://a/1", b"<p>A</p>", ETag='"a1"'))
    assert st.save_response(db, "http://a/1", _page("http://a/1", b"<p>B</p>", ETag='"b"'))
    assert st.latest_page(db, "http://a/1").body == b"<p>B</p>"
    assert not st.save_response(db, "http://a/1", _page("http://a/1", b"<p>A</p>", ETag='"a2"'))
    assert db.execute("SELECT count(*) FROM crawl_pages").fetchone()[0] == 2
    latest = st.latest_page(db, "http://a/1")
    assert latest.body == b"<p>A</p>" and latest.headers["etag"] == '"a2"'
    assert st.validators(db, "http://a/1") == ('"a2"', None)
    ((_, page),) = list(st.stored_articles(db, "s"))
    assert page.body == b"<p>A</p>"


def test_save_response_is_one_transaction(tmp_path):
    db = store.open_db(tmp_path / "d.db")
    st.ensure_schema(db)
    st.enqueue(db, "s", [st.FrontierItem("http://a/1")])
    bad = _page("http://a/1")
    object.__setattr__(bad, "body", None)  # the insert fails after nothing was written...
    with pytest.raises(sqlite3.IntegrityError):
        st.save_response(db, "http://a/1", bad)
    # ...and neither the page nor the frontier moved.
    assert db.execute("SELECT count(*) FROM crawl_pages").fetchone()[0] == 0
    assert st.get(db, "http://a/1").status == "queued"


def test_export_warc_round_trips(tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    db = store.open_db(tmp_path / "d.db")
    st.ensure_schema(db)
    body = page("thaigov/details_74823.html")
    st.enqueue(db, "s", [st.FrontierItem("http://a/1")])
    st.save_response(db, "http://a/1", _page("http://a/1", body))
    assert st.export_warc(db, tmp_path / "crawl.warc.gz") == 1
    with open(tmp_path / "crawl.warc.gz", "rb") as f:
        seen = []
        for record in ArchiveIterator(f):
            assert record.rec_headers.get_header("WARC-Target-URI") == "http://a/1"
            assert record.content_stream().read() == body
            seen.append(record.rec_type)
    assert seen == ["response"]


# --- corpus ----------------------------------------------------------------------------------

CORPUS = SITES / "corpus"


def test_corpus_prefilter_and_streaming_order():
    assert is_relevant("ผลการประเมิน ITA".encode()) and is_relevant("องค์กรคุณธรรม".encode())
    assert not is_relevant("ข่าวทั่วไป".encode()) and not is_relevant(b"ita")
    files = list(iter_files(CORPUS))
    assert len(files) == 7 and files == sorted(files)
    relevant = [p.name for p, _ in iter_corpus(CORPUS)]
    assert len(relevant) == 6 and not any("ด้านความมั่นคง" in n for n in relevant)  # the non-ITA article
    assert "Government News_2.txt" in relevant  # spaces in names
    since = [p for p in iter_files(CORPUS, since=dt.date(2024, 1, 1))]
    assert all("/2024/" in p.as_posix() for p in since) and len(since) == 3


def test_corpus_doc_ids():
    text = (CORPUS / "data/2024/09/16/Government News_2.txt").read_text(encoding="utf-8")
    assert corpus_doc_id(text, "data/2024/09/16/Government News_2.txt") == "thaigov-88046"
    nosource = (CORPUS / "data/2023/09/06/ข่าวกระทรวง_4.txt").read_text(encoding="utf-8")
    doc = corpus_doc_id(nosource, "data/2023/09/06/ข่าวกระทรวง_4.txt")
    assert doc.startswith("thaigov-corpus-") and len(doc) == len("thaigov-corpus-") + 16


@pytest.mark.slow  # crawls the corpus sample: extraction and SQLite
def test_corpus_source_builds_the_dataset(tmp_path):
    definition = load_source("thaigov-corpus")
    db_path = tmp_path / "ita.db"
    # One extraction worker process (the default on two cores), then all in-process.
    stats = crawl_corpus(definition, db_path=db_path, base_url=str(CORPUS), progress=False, workers=1)
    assert stats.articles == 5 and stats.skipped == 1 and stats.failed == 0  # 74823 twice → once
    db = store.open_db(db_path)
    docs = {r[0]: r[1] for r in db.execute("SELECT doc, published FROM documents").fetchall()}
    # Named as the thaigov crawl names the same articles.
    assert set(docs) >= {"thaigov-74823", "thaigov-82875", "thaigov-88046", "thaigov-35549"} and len(docs) == 5
    assert docs["thaigov-74823"] == "2023-11-16"
    assert db.execute("SELECT count(*) FROM results").fetchone()[0] > 0
    # Re-running leaves the same rows; --since skips by folder, then by published date.
    results = db.execute("SELECT doc, agency, score FROM results ORDER BY 1, 2, 3").fetchall()
    crawl_corpus(definition, db_path=db_path, base_url=str(CORPUS), progress=False, workers=0)
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    assert db.execute("SELECT doc, agency, score FROM results ORDER BY 1, 2, 3").fetchall() == results
    late = crawl_corpus(definition, db_path=tmp_path / "late.db", base_url=str(CORPUS), since=dt.date(2024, 6, 1),
                        progress=False, workers=0)
    assert late.articles == 1


@pytest.mark.slow  # crawls the corpus sample: extraction and SQLite
def test_a_document_that_breaks_parsing_or_extraction_is_a_failure_row_and_the_run_goes_on(tmp_path, monkeypatch):
    """Library raises, the runner records: any exception for one file (not only InputError)
    is that file's failure row."""
    import ita_extract.sources.corpus as corpus

    parse_text, extract_article = corpus.parse_text, corpus.extract_article

    def parse_breaks_on_88046(raw: str, **kwargs):
        if kwargs["doc"] == "thaigov-88046":
            raise KeyError("a parser bug")
        return parse_text(raw, **kwargs)

    def extract_breaks_on_82875(article):
        if article.doc == "thaigov-82875":
            raise ZeroDivisionError("an extractor bug")
        return extract_article(article)

    monkeypatch.setattr(corpus, "parse_text", parse_breaks_on_88046)
    monkeypatch.setattr(corpus, "extract_article", extract_breaks_on_82875)
    db_path = tmp_path / "ita.db"
    stats = crawl_corpus(load_source("thaigov-corpus"), db_path=db_path, base_url=str(CORPUS), progress=False,
                         workers=0)  # in this process: the patches apply
    assert stats.articles == 3 and stats.failures == {"parse_error": 1, "extract_error": 1}
    db = store.open_db(db_path)
    failures = db.execute("SELECT doc, stage, error, message FROM failures ORDER BY doc").fetchall()
    assert failures == [("thaigov-82875", "extract", "extract_error", "ZeroDivisionError: an extractor bug"),
                        ("thaigov-88046", "parse", "parse_error", "KeyError: 'a parser bug'")]
    # some inputs failed, the others made it: the one vocabulary of every runner (issue 8)
    assert db.execute("SELECT status, documents, failures FROM runs").fetchall() == [("ok_with_failures", 3, 2)]


@pytest.mark.slow  # crawls the corpus sample: extraction and SQLite
def test_a_missing_corpus_directory_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.delenv("ITA_CORPUS_DIR", raising=False)
    missing = tmp_path / "no-corpus-here"
    db = tmp_path / "ita.db"
    with pytest.raises(CorpusNotFound) as info:
        crawl("thaigov-corpus", db_path=db, base_url=str(missing), progress=False)
    message = str(info.value)
    assert isinstance(info.value, ItaError) and "\n" not in message
    assert str(missing) in message and "--base-url DIR" in message and "ITA_CORPUS_DIR" in message
    assert not db.exists()  # refused before anything was written
    cli = subprocess.run([sys.executable, "-m", "ita_extract", "crawl", "thaigov-corpus", "--base-url", str(missing),
                          "--db", str(db)], cwd=REPO, env={**os.environ, "PYTHAINLP_OFFLINE": "1"},
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 2 and cli.stderr.strip().splitlines() == [f"crawl thaigov-corpus: {message}"]


def _corpus_pipeline(root: Path, corpus_dir: str) -> Path:
    """pipelines/thaigov-corpus.toml copied to ``root/pipelines/`` with another corpus_dir."""
    text = (REPO / "pipelines" / "thaigov-corpus.toml").read_text(encoding="utf-8")
    shipped = load_source("thaigov-corpus").corpus_dir
    assert f'corpus_dir = "{shipped}"' in text
    path = root / "pipelines" / "thaigov-corpus.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text.replace(f'corpus_dir = "{shipped}"', f'corpus_dir = "{corpus_dir}"'), encoding="utf-8")
    return path


@pytest.mark.slow  # crawls the corpus sample: extraction and SQLite
def test_corpus_dir_default_is_relative_to_the_repository_only_when_there_is_one(tmp_path, monkeypatch):
    monkeypatch.delenv("ITA_CORPUS_DIR", raising=False)
    # The shipped file in this checkout: relative to the repository (named, never read here).
    shipped = load_source("thaigov-corpus")
    assert default_corpus_dir(shipped) == Path(os.path.normpath(REPO / shipped.corpus_dir))

    # A checkout (pyproject.toml above pipelines/): corpus_dir is found without --base-url.
    repo = tmp_path / "checkout"
    in_repo = _corpus_pipeline(repo, "corpus")
    (repo / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    shutil.copytree(CORPUS, repo / "corpus")
    assert default_corpus_dir(load_definition(in_repo)) == repo / "corpus"
    assert crawl_corpus(load_definition(in_repo), db_path=tmp_path / "repo.db", progress=False, workers=0).articles == 5

    # Installed (site-packages/ita_extract/pipelines/): no repository, a relative default
    # means nothing; --base-url or ITA_CORPUS_DIR is required.
    installed = _corpus_pipeline(tmp_path / "site-packages" / "ita_extract", "../shared/corpus")
    assert default_corpus_dir(load_definition(installed)) is None
    with pytest.raises(CorpusNotFound, match="no corpus directory configured; give it with --base-url DIR or"
                                             " the ITA_CORPUS_DIR environment variable"):
        crawl(str(installed), db_path=tmp_path / "installed.db", progress=False)
    monkeypatch.setenv("ITA_CORPUS_DIR", str(CORPUS))
    assert default_corpus_dir(load_definition(installed)) == CORPUS
    assert crawl_corpus(load_definition(installed), db_path=tmp_path / "installed.db", progress=False,
                        workers=0).articles == 5
