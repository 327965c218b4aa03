"""Tests of ita_extract.store on real SQLite files (and :memory: where a file adds nothing)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from ita_extract import search, store
from ita_extract.errors import ItaError
from ita_extract.models import (
    Aggregate,
    Article,
    DocumentRecord,
    Evidence,
    Failure,
    Official,
    Result,
)

GOLD = Path(__file__).resolve().parent.parent / "gold"

TEXT = (
    "ปลัดกระทรวงอุตสาหกรรม ยินดีกับสำนักงานอุตสาหกรรมจังหวัดกาญจนบุรี 100 คะแนน"
    " และสำนักงานอุตสาหกรรมจังหวัดแพร่ 98 คะแนน ระดับ AA"
)
AGENCY_1 = "สำนักงานอุตสาหกรรมจังหวัดกาญจนบุรี"
AGENCY_2 = "สำนักงานอุตสาหกรรมจังหวัดแพร่"


def span(text: str, needle: str) -> Evidence:
    start = text.index(needle)
    return Evidence(start=start, end=start + len(needle), sentence=text)


def make_pair(doc: str = "d1", text: str = TEXT) -> tuple[Article, DocumentRecord]:
    """An article and its record, with two items sharing one evidence span."""
    shared = span(text, "ระดับ AA")
    article = Article(
        doc=doc,
        url=f"https://example.go.th/{doc}",
        title="ข่าว ITA",
        published="2023-11-16",
        published_evidence=span(text, "ปลัด"),
        text=text,
        source_path=f"gold/docs/{doc}.txt",
        source_sha256="ab" * 32,
        warnings=["parse: no date line"],
    )
    record = DocumentRecord(
        doc=doc,
        url=article.url,
        title=article.title,
        published="2023-11-16",
        event_date="2023-11-15",
        results=[
            Result(agency=AGENCY_1, score=100, tier="AA", evidence=shared),
            Result(
                agency=AGENCY_2,
                score=98,
                tier="AA",
                tier_derived=True,
                fiscal_year_be=2566,
                evidence=shared,
            ),
            Result(agency="กองกลาง", assessment="MORAL_ORG", tier="องค์กรคุณธรรมต้นแบบ"),
        ],
        aggregates=[
            Aggregate(scope="จังหวัด", metric="count_tier", tier="AA", value=2),
            Aggregate(scope="ประเทศ", scope_level="national", metric="average", value=87.57, evidence=shared),
        ],
        officials=[
            Official(
                honorific="ดร.",
                name="ณัฐพล รังสิต",
                position="ปลัดกระทรวงอุตสาหกรรม",
                evidence=span(text, "ปลัดกระทรวงอุตสาหกรรม"),
            ),
            Official(name="สมชาย ใจดี"),
        ],
        notes="test record",
        event_date_evidence=span(text, "100 คะแนน"),
        warnings=["extract: tier derived"],
    )
    return article, record


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ita.db"


@pytest.fixture
def db(db_path: Path):
    database = store.open_db(db_path)
    yield database
    database.close()


def content(db) -> dict[str, list[tuple]]:
    """Every table's rows without row ids or provenance, evidence resolved to its span:
    what "the same content" means for idempotency."""
    skip = {"id", "run_id", "extracted_at", "at"}
    ev = {
        row["id"]: (row["doc"], row["start"], row["end"])
        for row in db.query("SELECT * FROM evidence")
    }
    out = {}
    for table in (
        "documents",
        "documents_text",
        "evidence",
        "results",
        "aggregates",
        "officials",
    ):
        rows = []
        for row in db.query(f"SELECT * FROM {table}"):
            rows.append(
                tuple(
                    (key, ev.get(value) if key.endswith("evidence_id") else value)
                    for key, value in sorted(row.items())
                    if key not in skip
                )
            )
        out[table] = sorted(rows, key=repr)
    search.refresh(db)
    out["documents_fts"] = sorted(
        db.execute("SELECT doc, title, text FROM documents_fts").fetchall()
    )
    out["search_fts"] = sorted(db.execute("SELECT doc, title, text, evidence FROM search_fts").fetchall())
    out["results_fts"] = sorted(db.execute("SELECT agency FROM results_fts").fetchall())
    return out


def test_schema_created(db):
    expected_tables = {
        "runs",
        "documents",
        "documents_text",
        "results",
        "aggregates",
        "officials",
        "evidence",
        "failures",
        "documents_fts",
        "results_fts",
        "search_fts",
        "search_docs",
    }
    assert expected_tables <= set(db.table_names())
    assert {"results_view", "aggregates_view", "officials_view"} <= set(db.view_names())
    assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.journal_mode == "wal"
    indexed = {
        (table, column)
        for table in ("documents", "results", "aggregates", "officials")
        for index in db[table].indexes
        for column in index.columns
    }
    assert {
        ("results", "doc"),
        ("results", "agency"),
        ("results", "fiscal_year_be"),
        ("aggregates", "doc"),
        ("aggregates", "metric"),
        ("officials", "doc"),
        ("documents", "published"),
    } <= indexed
    assert "tokenize='trigram'" in db["documents_fts"].schema
    assert "trigram" in db["results_fts"].schema


def test_open_is_idempotent(db_path):
    first = store.open_db(db_path)
    article, record = make_pair()
    store.save_document(first, article, record)
    schema = first.execute(
        "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    ).fetchall()
    first.close()
    again = store.open_db(db_path)
    assert (
        again.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
        == schema
    )
    assert store.load_records(again) == [record]


def test_a_version_1_dataset_gains_the_scope_level_column_and_keeps_its_rows(db_path):
    conn = sqlite3.connect(db_path)
    conn.executescript(store._MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO documents (doc, warnings) VALUES ('old', '[]')")
    conn.execute("INSERT INTO aggregates (doc, scope, metric, value) VALUES ('old', 'ประเทศ', 'average', 87.57)")
    conn.commit()
    conn.close()
    db = store.open_db(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    rows = list(db.query("SELECT scope, scope_level, value FROM aggregates_view"))
    assert rows == [{"scope": "ประเทศ", "scope_level": None, "value": 87.57}]


def test_newer_schema_is_refused(db_path):
    store.open_db(db_path).execute("PRAGMA user_version = 99")
    with pytest.raises(ItaError, match="schema version 99"):
        store.open_db(db_path)


@pytest.mark.parametrize("where", ["file", "memory"])
def test_round_trip(where, db_path):
    db = store.open_db(db_path if where == "file" else ":memory:")
    article, record = make_pair()
    store.save_document(db, article, record)
    assert store.load_records(db) == [record]


def test_round_trip_of_the_seed_gold(db):
    records = [
        DocumentRecord.model_validate_json(line)
        for line in (GOLD / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    for record in records:
        text = (GOLD / "docs" / f"{record.doc}.txt").read_text(encoding="utf-8")
        store.save_document(db, Article(doc=record.doc, text=text), record)
    assert store.load_records(db) == sorted(records, key=lambda r: r.doc)
    some = [records[3].doc, "no-such-doc", records[0].doc]
    assert store.load_records(db, some) == [records[3], records[0]]


def test_saving_twice_leaves_the_same_content(db):
    pairs = [make_pair("a"), make_pair("b")]
    run = store.start_run(db, command="extract", args={})
    for article, record in pairs:
        store.save_document(db, article, record, run)
    before = content(db)
    counts = store.summary(db)
    run = store.start_run(db, command="extract", args={})
    for article, record in pairs:
        store.save_document(db, article, record, run)
    assert content(db) == before
    assert {
        k: v for k, v in store.summary(db).items() if k not in ("runs", "latest_run")
    } == {k: v for k, v in counts.items() if k not in ("runs", "latest_run")}
    assert counts["results"] == 6 and counts["documents"] == 2


def test_saving_a_changed_record_replaces_the_old_rows(db):
    article, record = make_pair()
    store.save_document(db, article, record)
    smaller = record.model_copy(update={"results": record.results[:1], "officials": []})
    store.save_document(db, article, smaller)
    assert store.load_records(db) == [smaller]
    assert db["results"].count == 1 and db["officials"].count == 0


def test_evidence_is_deduplicated_per_span(db):
    article, record = make_pair()
    store.save_document(db, article, record)
    # spans: ระดับ AA (shared by 3 items), ปลัด (published), ปลัดกระทรวง... (official),
    # 100 คะแนน (event date)
    assert db["evidence"].count == 4
    shared_ids = {
        row["evidence_id"]
        for row in db.query("SELECT evidence_id FROM results WHERE score IS NOT NULL")
    }
    assert len(shared_ids) == 1


def test_a_failed_save_changes_nothing(db):
    article, record = make_pair()
    store.save_document(db, article, record)
    before = content(db)
    db.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON officials BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    changed = record.model_copy(update={"results": []})
    with pytest.raises(sqlite3.IntegrityError, match="boom"):
        store.save_document(db, article, changed)
    assert content(db) == before


def test_article_and_record_must_be_the_same_doc(db):
    article, _ = make_pair("a")
    _, record = make_pair("b")
    with pytest.raises(ValueError, match="differ"):
        store.save_document(db, article, record)


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute(
            "INSERT INTO results (doc, agency, assessment) VALUES ('nope', 'x', 'ITA')"
        )


def test_deleting_a_document_cascades(db):
    article, record = make_pair()
    store.save_document(db, article, record)
    search.refresh(db)
    assert search.search(db, "อุตสาหกรรม") != []
    db.execute("DELETE FROM documents WHERE doc = ?", [record.doc])
    for table in ("results", "aggregates", "officials", "evidence", "documents_text", "search_docs"):
        assert db[table].count == 0, table
    assert db.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM search_fts").fetchone()[0] == 0
    assert search.search(db, "อุตสาหกรรม") == []


def test_full_text_search_finds_a_thai_substring(db):
    article, record = make_pair()
    store.save_document(db, article, record)
    other = Article(doc="other", title="ข่าว ITA อื่น", text="ข่าวอื่น ไม่มีคำนั้น")
    store.save_document(db, other, DocumentRecord(doc="other", title=other.title))
    search.refresh(db)
    hits = search.search(db, "อุตสาหกรรม", engine="trigram")
    assert [hit["doc"] for hit in hits] == ["d1"]
    assert "[อุตสาหกรรม]" in hits[0]["snippet"]
    # the title is indexed with the text
    assert {hit["doc"] for hit in search.search(db, "ข่าว ITA", engine="trigram")} == {"d1", "other"}
    assert {hit["doc"] for hit in search.search(db, "ข่าว ITA")} == {"d1", "other"}
    agencies = db.execute(
        "SELECT agency FROM results_fts WHERE results_fts MATCH ? ORDER BY rowid",
        ['"อุตสาหกรรม"'],
    ).fetchall()
    assert agencies == [(AGENCY_1,), (AGENCY_2,)]


def test_failures_are_kept_per_run(db):
    failure = Failure(
        doc="bad",
        source="gold/docs/bad.txt",
        stage="read",
        error="EmptyInput",
        message="empty",
    )
    first = store.start_run(db, command="extract", args={"inputs": ["gold/docs"]})
    store.save_failure(db, failure, first)
    store.save_failure(db, failure.model_copy(update={"doc": "worse"}), first)
    store.finish_run(db, first, status="failed", documents=0, failures=2)
    assert store.summary(db)["failures"] == 2
    second = store.start_run(db, command="extract", args={})
    store.save_failure(db, failure, second)
    assert store.summary(db)["failures"] == 1
    assert db["failures"].count == 3
    row = next(db.query("SELECT * FROM failures WHERE run_id = ?", [second]))
    assert (row["doc"], row["stage"], row["error"], row["message"]) == (
        "bad",
        "read",
        "EmptyInput",
        "empty",
    )


def test_runs_record_their_provenance(db):
    digest = store.hash_inputs(["b" * 64, "a" * 64])
    assert digest == store.hash_inputs(["a" * 64, "b" * 64])
    run = store.start_run(
        db, command="extract", args={"jsonl": True}, inputs_sha256=digest
    )
    store.finish_run(db, run, status="ok", documents=3, failures=0)
    row = db["runs"].get(run)
    assert row["status"] == "ok" and row["documents"] == 3 and row["finished_at"]
    assert json.loads(row["args"]) == {"jsonl": True}
    assert row["inputs_sha256"] == digest and row["tool_version"]
    with pytest.raises(KeyError):
        store.finish_run(db, run + 1, status="ok", documents=0, failures=0)


def test_summary_counts(db):
    store.save_document(db, *make_pair())
    assert store.summary(db) == {
        "runs": 0,
        "documents": 1,
        "results": 3,
        "aggregates": 2,
        "officials": 2,
        "evidence": 4,
        "failures": 0,
        "latest_run": None,
    }


def test_the_database_opens_with_plain_sqlite3(db, db_path):
    store.save_document(db, *make_pair())
    search.refresh(db)
    db.close()
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT agency, score, tier, title, sentence FROM results_view ORDER BY agency"
        ).fetchall()
        assert (AGENCY_1, 100.0, "AA", "ข่าว ITA", TEXT) in rows
        assert conn.execute("SELECT count(*) FROM aggregates_view").fetchone()[0] == 2
        hits = conn.execute(
            "SELECT doc FROM documents_fts WHERE documents_fts MATCH '\"จังหวัดแพร่\"'"
        ).fetchall()
        assert hits == [("d1",)]
    conn.close()
