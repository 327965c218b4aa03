"""Thai full-text search (ita_extract.search) on a database of the gold texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ita_extract import search, store
from ita_extract.errors import InputError, QueryError
from ita_extract.models import Article, DocumentRecord, Evidence
from ita_extract.parse import parse_bytes, read_input
from tests.search_recall import expected, queries, recall

# The fixture parses and indexes the 217 gold texts (~15 s): not for `make quick`.
pytestmark = pytest.mark.slow

GOLD_DOCS = Path(__file__).parent.parent / "gold" / "docs"
LAMPHUN = "002_110bbf2fb3d83a22"


@pytest.fixture(scope="module")
def gold_db(tmp_path_factory):
    """The gold texts parsed (not extracted: search needs only title and text), indexed."""
    db = store.open_db(tmp_path_factory.mktemp("search") / "gold.db")
    texts = {}
    for path in sorted(GOLD_DOCS.glob("*.txt")):
        try:
            data, digest = read_input(path)
            article = parse_bytes(data, path, digest)
        except InputError:
            continue
        store.save_document(db, article, DocumentRecord(doc=article.doc, title=article.title))
        texts[article.doc] = f"{article.title or ''}\n{article.text}"
    assert search.refresh(db) == len(texts)
    yield db, texts
    db.close()




def test_the_lamphun_seed_comes_first(gold_db):
    db, _ = gold_db
    hits = search.search(db, "ผล ITA ลำพูน")
    assert hits[0]["doc"] == LAMPHUN
    assert "[ลำพูน]" in hits[0]["snippet"] and "[ITA]" in hits[0]["snippet"]
    assert "\u200b" not in hits[0]["snippet"]


def _trigram_hits(db, query: str) -> set[str]:
    """What the trigram index finds: nothing for a part under 3 characters (it says so)."""
    try:
        return {r["doc"] for r in search.search(db, query, limit=10_000, engine="trigram", snippets=False)}
    except QueryError:
        return set()


def test_recall_of_the_thai_index_and_where_trigram_fails(gold_db):
    db, texts = gold_db
    truth = {q: expected(q, texts) for q, _ in queries()}
    assert len(truth) >= 25 and all(truth.values())
    found = {q: {r["doc"] for r in search.search(db, q, limit=10_000, snippets=False)} for q in truth}
    trigram = {q: _trigram_hits(db, q) for q in truth}
    assert recall(found, truth) >= 0.95
    assert recall(trigram, truth) < recall(found, truth)
    # two-character words: the trigram index cannot find them at all, the Thai index does
    for word in ("ผล", "ปี"):
        assert trigram[word] == set() and len(found[word] & truth[word]) >= 0.95 * len(truth[word])
    # a syllable inside a compound, and not inside another word: ปี in ปีงบประมาณ; ผล is not in ผลิต
    assert truth["ปีงบประมาณ"] <= found["ปี"]
    assert not any("[ผล]ิ" in hit["snippet"] for hit in search.search(db, "ผล", limit=10_000))


HOSTILE = [
    '"', '""', "'", "ผล\"", "ITA OR", "AND", "NOT ผล", "NEAR(", "NEAR(ผล ปี, 2)", "*", "ผล*", "^ผล",
    "title:ผล", "{title text}: ผล", "ผล'); DROP TABLE documents; --", "' OR 1=1 --", "\\", "(((", ")",
    "-", "+", ":", "\x00", "\u200b", "  \t ", "ผล" * 5000,
]


@pytest.mark.parametrize("query", HOSTILE + [""])
def test_hostile_queries_answer_or_say_why_and_change_nothing(gold_db, query):
    db, _ = gold_db
    before = db.conn.total_changes
    for engine in ("thai", "trigram"):
        try:
            rows = search.search(db, query, engine=engine)
        except QueryError as e:
            assert str(e) and "\n" not in str(e)
        else:
            assert isinstance(rows, list)
    assert db.conn.total_changes == before


def test_empty_and_overlong_queries_are_explained(gold_db):
    db, _ = gold_db
    for query in ("", "   ", "ก" * 10_000):
        with pytest.raises(QueryError):
            search.search(db, query)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_text_is_a_query_or_a_clear_error(gold_db, query):
    db, _ = gold_db
    before = db.conn.total_changes
    try:
        search.search(db, query, limit=3)
    except QueryError:
        pass
    assert db.conn.total_changes == before


def test_refresh_indexes_new_and_changed_documents_once(tmp_path):
    db = store.open_db(tmp_path / "x.db")
    article = Article(doc="a", title="ผลการประเมิน", text="จังหวัดลำพูนได้คะแนน", source_path="a.txt")
    record = DocumentRecord(doc="a", title=article.title, results=[],
                            event_date_evidence=Evidence(start=0, end=12, sentence="จังหวัดลำพูนได้คะแนน"))
    store.save_document(db, article, record)
    assert search.stale(db) == 1 and search.refresh(db) == 1 and search.refresh(db) == 0
    assert [r["doc"] for r in search.search(db, "ลำพูน")] == ["a"]
    # a re-extracted document drops its index rows (trigger) and is indexed anew
    changed = Article(doc="a", title="ข่าวใหม่", text="จังหวัดแพร่", source_path="a.txt")  # the same file, edited
    store.save_document(db, changed, DocumentRecord(doc="a", title=changed.title))
    assert search.stale(db) == 1 and search.search(db, "ลำพูน") == []
    assert search.refresh(db) == 1
    assert [r["doc"] for r in search.search(db, "แพร่")] == ["a"] and search.search(db, "ลำพูน") == []
    assert db.execute("SELECT count(*) FROM search_fts").fetchone()[0] == 1
    db.close()
