"""A dataset to trust (issue 8): one article is one document, readers never write, runs
say what happened. Real SQLite files throughout."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ita_extract import search, store
from ita_extract.errors import QueryError, StoreError
from ita_extract.models import Article, DocumentRecord, Result

TEXT = "สำนักงานอุตสาหกรรมจังหวัดแพร่ ได้คะแนนการประเมิน ITA 98 คะแนน ระดับ AA"
URL = "https://www.thaigov.go.th/news/contents/details/74823"


def pair(doc: str, *, url: str | None = URL, text: str = TEXT, path: str | None = None) -> tuple[Article, DocumentRecord]:
    article = Article(doc=doc, url=url, title="ข่าว", text=text, source_path=path or f"in/{doc}.txt")
    record = DocumentRecord(doc=doc, url=url, title="ข่าว",
                            results=[Result(agency="สำนักงานอุตสาหกรรมจังหวัดแพร่", score=98, tier="AA")])
    return article, record


@pytest.fixture
def db(tmp_path: Path):
    database = store.open_db(tmp_path / "ita.db")
    yield database
    database.close()


def count(db, sql: str) -> int:
    return db.execute(sql).fetchone()[0]


# --- identity ----------------------------------------------------------------------------


def test_one_article_by_two_paths_is_one_document_with_an_alias(db):
    """The gold file 74823.txt and the crawled page thaigov-74823 share their canonical URL
    (http/https and www. aside): one documents row, one result, the other name an alias."""
    assert store.save_document(db, *pair("74823")) == "74823"
    crawled = pair("thaigov-74823", url=URL.replace("https://www.", "http://"), path="http://127.0.0.1/x")
    assert store.save_document(db, *crawled) == "74823"
    assert count(db, "SELECT count(*) FROM documents") == 1
    assert count(db, "SELECT count(*) FROM results_view") == 1
    assert db.execute("SELECT alias, doc FROM document_aliases").fetchall() == [("thaigov-74823", "74823")]
    assert store.resolve_doc(db, "thaigov-74823") == "74823"
    # saving it again (a re-crawl) still lands on the one document
    store.save_document(db, *crawled)
    assert count(db, "SELECT count(*) FROM documents") == 1


def test_without_a_url_the_text_decides(db):
    store.save_document(db, *pair("000_abc", url=None))
    store.save_document(db, *pair("copy-of-it", url=None, text=TEXT.replace(" ", "  ")))
    store.save_document(db, *pair("other", url=None, text=TEXT + " และอีกข่าว"))
    assert sorted(r[0] for r in db.execute("SELECT doc FROM documents")) == ["000_abc", "other"]


def test_a_different_article_under_a_taken_id_is_refused_not_overwritten(db):
    store.save_document(db, *pair("thaigov-74823", path="http://127.0.0.1/x"))
    intruder = pair("thaigov-74823", url="https://example.go.th/other", path="mine/thaigov-74823.txt")
    with pytest.raises(store.DocumentCollision, match="already holds another article"):
        store.save_document(db, *intruder)
    assert db.execute("SELECT url, source_path FROM documents").fetchall() == [(URL, "http://127.0.0.1/x")]


def test_the_same_file_edited_replaces_its_document(db):
    store.save_document(db, *pair("note", url=None, path="in/note.txt"))
    store.save_document(db, *pair("note", url=None, text=TEXT + " แก้ไข", path="in/note.txt"))
    assert db.execute("SELECT count(*), max(text_length) FROM documents").fetchone() == (1, len(TEXT) + 6)


# --- schema, migrations, who may open what -----------------------------------------------


def test_a_version_1_database_is_migrated_in_place(tmp_path: Path):
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    conn.executescript(store._SCHEMA_V1 + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO runs (tool_version, command, started_at) VALUES ('0.1.0', 'extract', 'x')")
    conn.commit()
    conn.close()
    db = store.open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert {"document_aliases", "results_fts", "results_view"} <= set(db.table_names()) | set(db.view_names())
    assert count(db, "SELECT count(*) FROM runs") == 1
    db.close()


def test_another_applications_database_is_refused_for_writing_and_reading(tmp_path: Path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    for readonly in (False, True):
        with pytest.raises(StoreError, match="not an ita-extract database|another application"):
            store.open_db(path, readonly=readonly)
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["customers"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


@pytest.mark.parametrize("readonly", [False, True])
def test_a_file_that_is_not_sqlite_or_a_folder_is_one_store_error(tmp_path: Path, readonly: bool):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    for path in (junk, tmp_path):
        with pytest.raises(StoreError) as info:
            store.open_db(path, readonly=readonly)
        assert "\n" not in str(info.value)


def _ita_db_in_rollback_journal(path: Path) -> None:
    db = store.open_db(path)
    store.save_document(db, *pair("74823"))
    search.refresh(db)
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def test_a_reader_opens_read_only_and_never_switches_the_journal(tmp_path: Path):
    path = tmp_path / "ita.db"
    _ita_db_in_rollback_journal(path)
    before = path.read_bytes()
    db = store.open_db(path, readonly=True)
    assert [r["doc"] for r in search.search(db, "อุตสาหกรรม")] == ["74823"]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("DELETE FROM documents")
    db.close()
    assert path.read_bytes() == before
    assert not Path(str(path) + "-wal").exists()


def test_a_reader_works_on_a_read_only_copy(tmp_path: Path, monkeypatch):
    """The copy and its folder are read-only (r-x), so SQLite cannot create the WAL
    database's -shm file: the reader falls back to an immutable open. Root (CI) may write
    anyway, so the refusal is also forced, as a read-only mount would make it."""
    source = tmp_path / "ita.db"
    db = store.open_db(source)  # WAL mode, as every writer leaves it
    store.save_document(db, *pair("74823"))
    search.refresh(db)
    db.close()
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    shutil.copy(source, shelf / "ita.db")
    before = (shelf / "ita.db").read_bytes()
    (shelf / "ita.db").chmod(0o444)
    shelf.chmod(0o555)
    real_connect = sqlite3.connect

    def no_shm(database, *args, **kwargs):
        if "immutable=1" not in str(database):
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(database, *args, **kwargs)

    try:
        for forced in (False, True):
            if forced:
                monkeypatch.setattr(sqlite3, "connect", no_shm)
            db = store.open_db(shelf / "ita.db", readonly=True)
            assert [r["doc"] for r in search.search(db, "แพร่")] == ["74823"]
            db.close()
    finally:
        shelf.chmod(0o755)
    assert (shelf / "ita.db").read_bytes() == before


# --- runs ------------------------------------------------------------------------------


def test_a_run_left_running_by_a_dead_process_is_interrupted_on_the_next_open(tmp_path: Path):
    path = tmp_path / "ita.db"
    db = store.open_db(path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_run = store.start_run(db, command="extract", args={})
    live_run = store.start_run(db, command="extract", args={})
    db.execute("UPDATE runs SET pid = ? WHERE id = ?", [int(dead.stdout), dead_run])
    db.conn.commit()
    db.close()
    db = store.open_db(path)
    status = dict(db.execute("SELECT id, status FROM runs").fetchall())
    assert status == {dead_run: "interrupted", live_run: "running"}  # this process is alive
    db.close()


def test_run_status_is_one_vocabulary(db):
    assert [store.outcome_status(d, f) for d, f in [(3, 0), (3, 1), (0, 2), (0, 0)]] == [
        "ok", "ok_with_failures", "failed", "ok"]
    run_id = store.start_run(db, command="extract", args={})
    with pytest.raises(ValueError):
        store.finish_run(db, run_id, status="partial", documents=0, failures=0)


def test_the_stored_version_names_the_rules(db):
    version = store.tool_version()
    assert version.startswith("0.") and ("+git." in version or "+rules." in version)
    store.start_run(db, command="extract", args={})
    assert db.execute("SELECT tool_version FROM runs").fetchone()[0] == version


# --- search ---------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["thai", "trigram"])
def test_a_snippet_holds_the_whole_match(db, engine):
    long_text = "ก" * 300 + " สำนักงานอุตสาหกรรมจังหวัดแพร่ ได้ 98 คะแนน " + "ข" * 300
    store.save_document(db, *pair("74823", text=long_text))
    search.refresh(db)
    [row] = search.search(db, "สำนักงานอุตสาหกรรมจังหวัดแพร่", engine=engine)
    # the Thai index highlights syllable by syllable: "[สำ][นัก]…" joined, the match is whole
    assert "[สำนักงานอุตสาหกรรมจังหวัดแพร่]" in row["snippet"].replace("][", "")


@pytest.mark.parametrize("query", ["ก", "AA", "  x ", "ผล ITA"])
def test_a_trigram_query_under_three_characters_says_why(db, query):
    store.save_document(db, *pair("74823"))
    search.refresh(db)
    with pytest.raises(QueryError, match="trigram index needs 3 characters"):
        search.search(db, query, engine="trigram")
