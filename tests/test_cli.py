"""The `ita` command end to end, in a subprocess, on real files and a real SQLite file."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from ita_extract.cli import app
from ita_extract.models import document_json_schema

ROOT = Path(__file__).resolve().parent.parent
INPUTS = Path(__file__).parent / "fixtures" / "inputs"
GUIDELINE_KEYS = {"doc", "url", "title", "published", "event_date", "results", "aggregates", "officials"}


def ita(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "ita_extract", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _commands() -> list[str]:
    return [c.name or c.callback.__name__ for c in app.registered_commands]


@pytest.mark.unit
@pytest.mark.parametrize("command", [None, *_commands()])
def test_every_help_ends_with_an_example(command):
    """In-process (typer's CliRunner): --help loads no library module, so no subprocess."""
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*([command] if command else []), "--help"], prog_name="ita")
    assert result.exit_code == 0, result.output
    tail = result.stdout.strip().split("Example:")[-1]
    assert "Example:" in result.stdout and "ita " in tail


@pytest.mark.slow
def test_help_runs_as_a_command():
    p = ita("--help")
    assert p.returncode == 0 and "Example:" in p.stdout, p.stderr


@pytest.mark.unit
def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in _commands():
        assert re.search(rf"\bita {command}\b", readme), command


def test_bad_inputs_fail_one_line_each_and_the_run_goes_on(tmp_path):
    work = tmp_path / "in"
    shutil.copytree(INPUTS, work)
    big = work / "huge.txt"
    with big.open("wb") as f:  # sparse: 101 MB on paper, nothing on disk
        f.truncate(101 * 2**20)
    db = tmp_path / "ita.db"
    out = tmp_path / "out.jsonl"
    p = ita("extract", str(work), "--db", str(db), "--jsonl", str(out))
    assert p.returncode == 1, p.stderr
    failed = [line for line in p.stderr.splitlines() if line.startswith("failed: ")]
    assert sorted(Path(line.split(": ")[1]).name for line in failed) == [
        "binary.txt", "empty.txt", "english_only.txt", "huge.txt"]
    con = sqlite3.connect(db)
    rows = dict(con.execute("select doc, error from failures").fetchall())
    assert rows == {"binary": "BinaryInput", "empty": "EmptyInput", "english_only": "NotThaiInput", "huge": "InputTooLarge"}
    docs = {r[0] for r in con.execute("select doc from documents")}
    assert docs == {"cp874_article", "lamphun_with_furniture", "truncated"}
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert {x["doc"] for x in lines} == docs
    cp874 = next(x for x in lines if x["doc"] == "cp874_article")
    assert cp874["results"] and cp874["results"][0]["agency"] == "ธนาคารอิสลามแห่งประเทศไทย"


def test_jsonl_has_the_guideline_shape_and_validates(tmp_path):
    out = tmp_path / "out.jsonl"
    p = ita("extract", str(ROOT / "gold" / "docs" / "000_6370b3e3eddcf34a.txt"), "--jsonl", str(out))
    assert p.returncode == 0, p.stderr
    (line,) = out.read_text(encoding="utf-8").splitlines()
    obj = json.loads(line)
    assert GUIDELINE_KEYS <= set(obj)
    jsonschema.validate(obj, document_json_schema())
    assert len(obj["results"]) == 7 and all(r["evidence"]["sentence"] for r in obj["results"])


def test_extract_twice_leaves_the_same_rows(tmp_path):
    db = tmp_path / "ita.db"
    docs = ROOT / "gold" / "docs"
    picks = [docs / n for n in ("000_6370b3e3eddcf34a.txt", "002_110bbf2fb3d83a22.txt", "003_10888737d164c3dd.txt")]

    def snapshot():
        con = sqlite3.connect(db)
        out = {}
        for table, cols in {"results": "doc, agency, assessment, score, tier, fiscal_year_be",
                            "aggregates": "doc, scope, metric, tier, value, fiscal_year_be",
                            "officials": "doc, honorific, name, position",
                            "documents": "doc, url, title, published, event_date"}.items():
            out[table] = sorted(con.execute(f"select {cols} from {table}").fetchall(), key=repr)
        return out

    assert ita("extract", *map(str, picks), "--db", str(db)).returncode == 0
    first = snapshot()
    assert ita("extract", *map(str, picks), "--db", str(db)).returncode == 0
    assert snapshot() == first
    assert len(first["results"]) == 15
    runs = sqlite3.connect(db).execute("select count(*), count(inputs_sha256) from runs").fetchone()
    assert runs == (2, 2)


def test_evaluate_exits_non_zero_below_a_floor(tmp_path):
    gold = tmp_path / "gold"
    shutil.copytree(ROOT / "gold", gold)
    (gold / "floors.toml").write_text((gold / "floors.toml").read_text().replace("[seeds]\nresults_f1 = ", "[seeds]\nresults_f1 = 1.0\n#"), encoding="utf-8")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    p = ita("evaluate", str(gold), "--pred", str(empty))
    assert p.returncode == 1
    assert "below floor: seeds.results_f1" in p.stderr


def test_two_inputs_with_one_document_id_are_one_failure(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(ROOT / "gold" / "docs" / "000_6370b3e3eddcf34a.txt", tmp_path / sub / "x.txt")
    db = tmp_path / "ita.db"
    p = ita("extract", str(tmp_path / "a"), str(tmp_path / "b"), "--db", str(db))
    assert p.returncode == 1
    assert "document id 'x' is already taken" in p.stderr
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from documents").fetchone() == (1,)
    assert con.execute("select stage, error from failures").fetchall() == [("read", "InputError")]
