"""The journalist's commands in-process: search, index, agencies, query, export, card."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from ita_extract.cli import app
from tests.test_card import _db

BAAC = "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร"


@pytest.fixture
def db_path(tmp_path):
    _db(tmp_path).close()
    return tmp_path / "ita.db"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_search_and_its_hostile_inputs(db_path):
    result = run("search", "คะแนน ธ.ก.ส.", "--db", db_path)
    assert result.exit_code == 0 and json.loads(result.stdout.splitlines()[0])["doc"] == "d"
    for hostile in ('NEAR("', "' OR 1=1 --", "*", "title:x"):
        result = run("search", hostile, "--db", db_path)
        assert result.exit_code == 0 and result.stdout == "", hostile
    for bad in ("", "ก" * 10_000):
        result = run("search", bad, "--db", db_path)
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1


def test_query_formats_carry_url_and_evidence(db_path):
    rows = json.loads(run("query", "--agency", "ธ.ก.ส.", "--format", "json", "--db", db_path).stdout)
    assert [r["agency"] for r in rows] == [BAAC] and rows[0]["url"] and "96.74" in rows[0]["evidence"]
    table = list(csv.DictReader(io.StringIO(run("query", "--fiscal-year", "2020", "--format", "csv", "--db", db_path).stdout)))
    assert table[0]["agency"] == BAAC and table[0]["url"].startswith("https://")
    assert "96.74" in run("query", "--tier", "AA", "--db", db_path).stdout
    result = run("query", "--agency", "x'; DROP TABLE events; --", "--db", db_path)
    assert result.exit_code == 2 and "no agency" in result.stderr
    assert run("query", "--format", "xml", "--db", db_path).exit_code == 2


def test_export_explain_and_card(db_path, tmp_path):
    out = tmp_path / "out"
    assert run("export", "events", "agencies", "--format", "jsonl", "--out", out, "--db", db_path).exit_code == 0
    assert json.loads((out / "events.jsonl").read_text().splitlines()[0])["agency"] == BAAC
    assert run("export", "nope", "--db", db_path).exit_code == 2
    result = run("agencies", "explain", "ธกส.", "--db", db_path)
    assert result.exit_code == 0 and BAAC in result.stdout and "abbreviation" in result.stdout
    assert run("card", db_path, "--out", out).exit_code == 0
    assert "## How to cite" in (out / "ita.card.md").read_text()
    assert json.loads((out / "ita.card.json").read_text())["counts"]["events"] == 1
