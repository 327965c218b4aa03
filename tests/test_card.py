"""`ita card` and the metadata `ita serve` gives Datasette: every column described."""

from __future__ import annotations

import json

from ita_extract import card, registry, serve, store
from ita_extract import search as fts
from ita_extract.models import Article, DocumentRecord, Evidence, Result


def _db(tmp_path):
    db = store.open_db(tmp_path / "ita.db")
    sentence = "ธ.ก.ส. ได้คะแนน 96.74 ระดับ AA"
    article = Article(doc="d", title="ข่าว", text=sentence, url="https://www.thaigov.go.th/news/contents/details/1")
    store.save_document(db, article, DocumentRecord(
        doc="d", title="ข่าว", url=article.url, published="2020-10-16",
        results=[Result(agency="ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร", score=96.74, tier="AA", fiscal_year_be=2563,
                        evidence=Evidence(start=0, end=len(sentence), sentence=sentence))]))
    fts.refresh(db)
    registry.build(db)
    return db


def test_every_table_and_column_of_a_fresh_database_is_described(tmp_path):
    db = _db(tmp_path)
    described = card.fields()["tables"]
    tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'")]
    for table in tables:
        assert table in described, table
        for (column,) in db.execute(f'SELECT name FROM pragma_table_info("{table}")'):
            assert described[table].get("columns", {}).get(column), (table, column)
    db.close()


def test_the_datasheet_has_sources_counts_figures_fields_limits_and_citation(tmp_path):
    db = _db(tmp_path)
    sheet = card.datasheet(db, tmp_path / "ita.db")
    db.close()
    assert sheet["sources"]["hosts"] == {"www.thaigov.go.th": 1}
    assert sheet["counts"]["events"] == 1 and sheet["registry"]["agencies"] == 1
    assert sheet["evaluation"]["all"]["micro_f1"] > 0.5
    assert "score" in sheet["fields"]["events"]["columns"] and sheet["known_limits"]
    assert "ita-extract" in sheet["cite"]
    text = card.markdown(sheet)
    for heading in ("## Sources", "## Counts", "## Evaluation", "## Fields", "## Known limits", "## How to cite"):
        assert heading in text
    json.dumps(sheet, default=str)


def test_serve_metadata_names_the_database_after_the_file_and_has_facets_and_queries(tmp_path):
    meta = serve.metadata(tmp_path / "ita.db")
    database = meta["databases"]["ita"]
    assert database["tables"]["events"]["facets"] == serve.FACETS
    assert set(database["queries"]) >= {"agency_history", "province_agencies", "tier_counts", "year_over_year",
                                        "lowest_scorers", "search"}
    assert "micro_f1" in meta["about"]


def test_thai_match_never_raises(tmp_path):
    for query in ("", None, "ผล" * 1000, 'NEAR("', "*"):
        assert isinstance(serve.thai_match(query), str)
    assert serve.thai_match("ผล ITA") == '"ผล" "ITA"'


def test_the_canned_queries_run(tmp_path):
    db = _db(tmp_path)
    serve.prepare_connection(db.conn)
    params = {"agency": "ธ.ก.ส.", "province": "ลำพูน", "q": "คะแนน"}
    for name, q in serve.CANNED.items():
        rows = db.conn.execute(q["sql"], params).fetchall()
        if name in ("agency_history", "tier_counts", "lowest_scorers", "search"):
            assert rows, name
    db.close()
