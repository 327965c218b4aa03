"""ita warc: WARC files built here from the recorded fixture pages, run on a 2-worker Dask
LocalCluster on loopback: Thai ITA pages are kept with their provenance, a rerun skips the
files done, a killed worker's file is retried, nothing is stored twice."""

import io
import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ita_extract.warc import CRASH_ONCE_ENV, WarcError, expand_paths, process_file, run_warc

SITES = Path(__file__).parent / "fixtures" / "sites"
HOSTS = {"thaigov": "https://www.thaigov.go.th", "prd": "https://www.prd.go.th", "nacc": "https://www.nacc.go.th",
         "provincial": "https://www.example.go.th"}
pytestmark = pytest.mark.slow  # Dask clusters of worker processes


def _pages() -> list[dict]:
    return [e for e in json.loads((SITES / "manifest.json").read_text(encoding="utf-8"))
            if e["file"].endswith(".html") and e.get("content_type", "").startswith("text/html")]


def _write_warc(path: Path, entries: list[dict], *, extra_english: bool = True) -> Path:
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "ita-extract tests"}))
        for e in entries:
            body = (SITES / e["file"]).read_bytes()
            uri = HOSTS.get(e["family"], "https://example.go.th") + e["path"]
            headers = StatusAndHeaders("200 OK", [("Content-Type", e["content_type"])], protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers,
                                               warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri)}>"})
            writer.write_record(record)
        if extra_english:  # mentions ITA but has no Thai: the pre-filter drops it
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                "https://example.com/ita", "response", payload=io.BytesIO(b"<html><p>ITA score 95</p></html>"),
                http_headers=headers))
    return path


@pytest.fixture
def warcs(tmp_path) -> list[Path]:
    pages = _pages()
    assert len(pages) >= 4
    half = len(pages) // 2
    return [_write_warc(tmp_path / "a.warc.gz", pages[:half]), _write_warc(tmp_path / "b.warc.gz", pages[half:])]


def _db_rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_worker_reads_one_file_with_provenance(warcs):
    outcome = process_file(str(warcs[0]))
    assert outcome.records > outcome.html >= outcome.relevant > 0
    assert outcome.relevant == len(outcome.documents) + len(outcome.failures)
    prov, article, record = outcome.documents[0]
    assert prov.file == str(warcs[0]) and prov.offset > 0 and prov.record_id.startswith("<urn:uuid:")
    assert prov.target_uri.startswith("https://") and prov.warc_date
    assert record.doc.startswith("warc-") and article.source_format == "warc"
    # The offset is where the record starts: a reader seeking there finds that record.
    from warcio.archiveiterator import ArchiveIterator

    with open(warcs[0], "rb") as f:
        f.seek(prov.offset)
        found = next(iter(ArchiveIterator(f)))
        assert found.rec_headers.get_header("WARC-Record-ID") == prov.record_id


def test_warc_on_two_workers_retries_a_killed_worker_resumes_and_stores_once(warcs, tmp_path, monkeypatch):
    db = tmp_path / "ita.db"
    monkeypatch.setenv(CRASH_ONCE_ENV, str(warcs[1]))  # the first worker to read this file dies
    stats = run_warc([str(tmp_path / "*.warc.gz")], db_path=db, workers=2)
    assert Path(str(warcs[1]) + ".crashed").exists()  # it did die, and its file was done again
    assert stats.workers == 2 and stats.files == 2 and stats.failed_files == 0 and stats.documents > 0
    assert len(stats.worker_peak_rss_mb) == 2
    assert _db_rows(db, "SELECT count(*) FROM warc_files")[0][0] == 2
    assert _db_rows(db, "SELECT count(DISTINCT file) FROM warc_records")[0][0] == 2
    docs = _db_rows(db, "SELECT count(*) FROM documents")[0][0]
    assert docs == stats.documents == _db_rows(db, "SELECT count(*) FROM warc_records")[0][0]
    assert _db_rows(db, "SELECT count(*) FROM results")[0][0] > 0
    (file, offset, uri), = _db_rows(db, "SELECT file, offset, target_uri FROM warc_records ORDER BY doc LIMIT 1")
    assert file.endswith(".warc.gz") and offset > 0 and uri.startswith("https://")
    monkeypatch.delenv(CRASH_ONCE_ENV)

    # A rerun skips both files; naming a file twice (and by glob) changes nothing.
    again = run_warc([str(warcs[0]), str(warcs[0]), str(tmp_path / "*.gz")], db_path=db, workers=2)
    assert again.skipped_files == 2 and again.files == 0
    # The same records in a new file are stored once (ids come from the WARC-Record-ID).
    copy = _write_warc(tmp_path / "c.warc.gz", _pages())
    third = run_warc([str(copy)], db_path=db, workers=1)
    assert third.files == 1 and third.documents == docs
    assert _db_rows(db, "SELECT count(*) FROM documents")[0][0] == docs
    assert _db_rows(db, "SELECT count(*) FROM warc_records")[0][0] == docs


def test_no_such_file_is_one_error(tmp_path):
    with pytest.raises(WarcError, match="no such WARC file"):
        expand_paths([str(tmp_path / "none-*.warc.gz")])
