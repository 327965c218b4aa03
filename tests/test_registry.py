"""The agency registry and `query`/`export` on a small real SQLite file."""

from __future__ import annotations

import io
import json

import pytest

from ita_extract import query, registry, store
from ita_extract.errors import QueryError
from ita_extract.models import Article, DocumentRecord, Evidence, Official, Result

BAAC = "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร"
TRAT = "สำนักงานอุตสาหกรรมจังหวัดตราด"


def _doc(db, doc: str, published: str, results: list[Result], officials: list[Official] = ()) -> None:
    text = " ".join(r.evidence.sentence for r in results if r.evidence) or "ข่าว ITA"
    article = Article(doc=doc, title=f"ข่าว {doc}", text=text, url=f"https://example.go.th/{doc}")
    store.save_document(db, article, DocumentRecord(doc=doc, title=article.title, url=article.url, published=published,
                                                    results=results, officials=list(officials)))


def _result(agency: str, score: float | None, fy: int = 2566, tier: str | None = None, derived: bool = False) -> Result:
    sentence = f"{agency} ได้คะแนน {score} ระดับ {tier}"
    return Result(agency=agency, score=score, tier=tier, tier_derived=derived, fiscal_year_be=fy,
                  evidence=Evidence(start=0, end=len(sentence), sentence=sentence))


@pytest.fixture
def db(tmp_path):
    database = store.open_db(tmp_path / "r.db")
    _doc(database, "a1", "2023-10-01", [_result(BAAC, 96.7, tier="AA"), _result(TRAT, 88.0, tier="A")],
         [Official(honorific="นาย", name="สมชาย ใจดี", position="ผู้ว่าราชการจังหวัดตราด")])
    # the same BAAC result, reported again by another article, the name written with a zero-width space
    _doc(database, "a2", "2023-10-05", [_result("ธนาคารเพื่อการเกษตร\u200bและสหกรณ์การเกษตร", 96.7, tier="AA"),
                                        _result("จังหวัดลำพูน", 91.0, tier="A", derived=True)],
         [Official(honorific="นาย", name="สมชาย  ใจดี", position="ผู้ว่าราชการจังหวัดลำพูน")])
    _doc(database, "a3", "2022-10-01", [_result("สอจ.ตราด", 70.5, fy=2565, tier="C")])
    registry.build(database)
    yield database
    database.close()


def test_one_agency_one_row_with_its_aliases_type_and_province(db):
    rows = db.execute("SELECT name, type, province, results, documents FROM agencies ORDER BY name").fetchall()
    assert rows == [
        ("จังหวัดลำพูน", "province", "ลำพูน", 1, 1),
        (BAAC, "bank", None, 2, 2),
        (TRAT, "provincial office", "ตราด", 2, 2),
    ]
    aliases = {a for (a,) in db.execute(
        "SELECT alias FROM agency_aliases JOIN agencies a ON a.id = agency_id WHERE a.name = ?", [BAAC])}
    assert {"ธ.ก.ส.", "ธกส.", "ธนาคารเพื่อการเกษตร\u200bและสหกรณ์การเกษตร"} <= aliases
    # every result points to its agency
    assert db.execute("SELECT count(*) FROM results WHERE id NOT IN (SELECT result_id FROM result_agency)").fetchone() == (0,)


def test_the_same_result_in_two_articles_is_one_event_with_two_mentions(db):
    events = db.execute("SELECT agency, score, mentions, first_published, url FROM events WHERE agency = ?", [BAAC]).fetchall()
    assert events == [(BAAC, 96.7, 2, "2023-10-01", "https://example.go.th/a1")]
    mentions = db.execute("SELECT m.doc, m.evidence FROM event_mentions m JOIN events e ON e.id = event_id WHERE e.agency = ?",
                          [BAAC]).fetchall()
    assert [m[0] for m in mentions] == ["a1", "a2"] and all("96.7" in m[1] for m in mentions)


def test_officials_become_people_with_positions(db):
    people = db.execute("SELECT p.name, p.mentions, group_concat(position, '|') FROM people p JOIN positions ON person_id = p.id"
                        " GROUP BY p.id").fetchall()
    assert people == [("สมชาย ใจดี", 2, "ผู้ว่าราชการจังหวัดตราด|ผู้ว่าราชการจังหวัดลำพูน")]


def test_explain_says_why(db):
    text = registry.explain(db, "สอจ.ตราด")
    assert TRAT in text and "abbreviation expanded" in text and "provincial office" in text and "ตราด" in text
    assert "no agency" in registry.explain(db, "กรมที่ไม่มี")


def test_overrides_are_data(db, monkeypatch):
    r = registry.rules()
    monkeypatch.setattr(registry, "rules", lambda: registry.Rules(
        **{**r.__dict__, "merge": {**r.merge, "จังหวัดลำพูน": TRAT}, "digest": "x"}))
    registry.build(db)
    assert db.execute("SELECT count(*) FROM agencies").fetchone() == (2,)
    assert "overrides.toml [merge]" in registry.explain(db, "จังหวัดลำพูน")


def test_query_filters_and_every_row_has_url_and_evidence(db):
    assert [r["agency"] for r in query.query(db, agency="ธ.ก.ส.")] == [BAAC]
    trat = query.query(db, agency="สำนักงานอุตสาหกรรมจังหวัด ตราด")
    assert [(r["score"], r["fiscal_year_be"]) for r in trat] == [(88.0, 2566), (70.5, 2565)]
    assert [r["score"] for r in query.query(db, province="ตราด", fiscal_year=2022)] == [70.5]
    assert [r["agency"] for r in query.query(db, stated_only=True, score_min=90)] == [BAAC]
    assert [r["agency"] for r in query.query(db, tier="a", agency_type="province")] == ["จังหวัดลำพูน"]
    from datetime import date
    assert len(query.query(db, since=date(2023, 1, 1), until=date(2023, 12, 31))) == 3
    for row in query.query(db):
        assert row["url"].startswith("https://example.go.th/") and row["evidence"]
    with pytest.raises(QueryError):
        query.query(db, agency="ไม่มีหน่วยงานนี้")
    with pytest.raises(QueryError):
        query.query(db, assessment="X")


@pytest.mark.parametrize("hostile", ["' OR 1=1 --", "x'); DROP TABLE events; --", '"', "%", "_"])
def test_hostile_filters_are_plain_values(db, hostile):
    before = db.conn.total_changes
    with pytest.raises(QueryError):
        query.query(db, agency=hostile)
    assert query.query(db, province=hostile) == [] and query.query(db, agency_type=hostile) == []
    with pytest.raises(QueryError):
        query.export(db, hostile, "csv", io.StringIO())
    assert db.conn.total_changes == before and db.execute("SELECT count(*) FROM events").fetchone() == (4,)


def test_export_csv_and_jsonl(db):
    out = io.StringIO()
    assert query.export(db, "events", "jsonl", out) == 4
    assert {json.loads(line)["agency"] for line in out.getvalue().splitlines()} >= {BAAC, TRAT}
    out = io.StringIO()
    assert query.export(db, "agencies", "csv", out) == 3 and out.getvalue().startswith("id,name,type")
    with pytest.raises(QueryError, match="parquet"):
        query.export(db, "events", "parquet", io.StringIO())


def test_the_registry_is_rebuilt_only_when_stale(db):
    assert not registry.ensure(db)
    _doc(db, "a4", "2024-01-01", [_result("กรมอนามัย", 90.0, tier="A")])
    assert registry.ensure(db) and not registry.ensure(db)
    assert query.query(db, agency="กรมอนามัย")[0]["agency_type"] == "department"
