"""One error contract (issue 8): every user error is one line on stderr and exit 2, never a
traceback. The CLI is driven in-process (``cli.run``), on real files and SQLite files."""

from __future__ import annotations

import os
import sqlite3
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ita_extract import cli, store

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "tests" / "fixtures" / "inputs"
THAI = "สำนักงานอุตสาหกรรมจังหวัดแพร่ ได้คะแนน ITA 98.50 คะแนน ระดับ AA"


def ita(capsys, *args: str) -> tuple[int, list[str], str]:
    """(exit code, stderr lines, stdout) of ``ita ARGS``."""
    code = cli.run([str(a) for a in args])
    captured = capsys.readouterr()
    return code, [ln for ln in captured.err.splitlines() if ln.strip()], captured.out


def one_line_error(code: int, lines: list[str]) -> str:
    assert code == 2, lines
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    return lines[0]


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "a.txt"
    path.parent.mkdir()
    path.write_text(THAI, encoding="utf-8")
    return path


@pytest.fixture
def ita_db(tmp_path: Path) -> Path:
    path = tmp_path / "ita.db"
    store.open_db(path).close()
    return path


def test_a_db_that_is_not_sqlite_is_one_line(capsys, tmp_path, article):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite " * 50)
    assert "not a usable SQLite database" in one_line_error(*ita(capsys, "extract", article, "--db", junk)[:2])
    assert "not a usable SQLite database" in one_line_error(*ita(capsys, "search", "แพร่", "--db", junk)[:2])


def test_a_db_that_is_a_folder_is_one_line(capsys, tmp_path, article):
    folder = tmp_path / "folder.db"
    folder.mkdir()
    for args in (("extract", article, "--db", folder), ("search", "แพร่", "--db", folder),
                 ("reparse", "--db", folder)):
        assert "is a directory" in one_line_error(*ita(capsys, *args)[:2])


def test_jsonl_into_a_missing_folder_is_one_line(capsys, tmp_path, article):
    line = one_line_error(*ita(capsys, "extract", article, "--jsonl", tmp_path / "nope" / "x.jsonl")[:2])
    assert "cannot write --jsonl" in line


@pytest.mark.parametrize("limit", ["99999999999999999999", "0", "-3", "many"])
def test_an_impossible_limit_is_one_line(capsys, ita_db, limit):
    assert "--limit" in one_line_error(*ita(capsys, "search", "แพร่", "--db", ita_db, "--limit", limit)[:2])


def test_a_url_given_to_a_corpus_source_is_one_line(capsys, tmp_path):
    line = one_line_error(*ita(capsys, "crawl", "thaigov-corpus", "--base-url", "http://127.0.0.1:9/x",
                               "--db", tmp_path / "c.db")[:2])
    assert "is a URL; a corpus source reads a directory" in line
    assert not (tmp_path / "http:").exists()


def test_reparse_of_an_unknown_source_is_one_line(capsys, ita_db):
    assert "unknown source 'nosuch'" in one_line_error(*ita(capsys, "reparse", "--source", "nosuch", "--db", ita_db)[:2])


def test_an_empty_input_directory_says_so_and_exits_2(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("not an input")
    assert "nothing to extract" in one_line_error(*ita(capsys, "extract", tmp_path / "empty")[:2])


def test_evaluate_outside_the_repository_names_the_missing_gold_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = one_line_error(*ita(capsys, "evaluate")[:2])
    assert "no gold folder" in line and "SHA256SUMS" not in line


def test_a_short_trigram_query_says_why_it_finds_nothing(capsys, ita_db):
    assert "trigram" in one_line_error(*ita(capsys, "search", "กข", "--trigram", "--db", ita_db)[:2])


def test_search_refuses_another_applications_database_and_leaves_it_alone(capsys, tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    assert "not an ita-extract database" in one_line_error(*ita(capsys, "search", "แพร่", "--db", other)[:2])
    conn = sqlite3.connect(other)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["customers"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_usage_errors_are_one_line_too(capsys):
    assert "No such option" in one_line_error(*ita(capsys, "search", "--bogus")[:2])
    assert "Missing argument" in one_line_error(*ita(capsys, "search")[:2])


# --- random files and names ----------------------------------------------------------------

NAME = st.text(alphabet=string.ascii_letters + string.digits + "ก-_. ", min_size=1, max_size=20).filter(
    lambda s: s.strip(" .") == s and s not in (".", ".."))
CONTENT = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.text(alphabet="กขคงจ ๑๒3.<>/ptitlehmlbody\n", max_size=300).map(str.encode),
    st.sampled_from([THAI.encode("utf-16"), b"<html><body><p>" + THAI.encode() + b"</p></body></html>",
                     b"\x7fELF\x02\x01\x01" + bytes(60), b"SQLite format 3\x00" + bytes(100)]),
)
SUFFIX = st.sampled_from([".txt", ".html", ".htm", ".TXT", ""])


@pytest.mark.extract  # an input that parses is extracted
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(NAME, SUFFIX, CONTENT), min_size=1, max_size=4), db_bytes=st.none() | st.binary(max_size=200))
def test_random_files_and_names_give_one_line_errors_never_a_traceback(capsys, tmp_path_factory, files, db_bytes):
    where = tmp_path_factory.mktemp("random")
    inputs = where / "in"
    inputs.mkdir()
    for k, (name, suffix, content) in enumerate(files):
        (inputs / f"{k}{name}{suffix}").write_bytes(content)
    db = where / "x.db"
    if db_bytes is not None:
        db.write_bytes(db_bytes)
    for args in (("extract", inputs, "--db", db, "--jsonl", where / "out.jsonl"),
                 *(("extract", path) for path in sorted(inputs.iterdir()))):
        code, lines, _ = ita(capsys, *args)
        assert code in (0, 1, 2), lines
        assert not any("Traceback" in ln or ln.startswith((" ", "│", "╭")) for ln in lines), lines
        if code == 2:
            assert len(lines) == 1, lines
    if db_bytes and not db_bytes.startswith(b"SQLite"):
        # a file that is not SQLite is never turned into one
        assert db.read_bytes() == db_bytes


@pytest.mark.slow  # a subprocess
def test_make_bench_without_the_shared_corpus_is_one_clear_line(tmp_path):
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "benchmarks/bench_extract.py"], cwd=ROOT, capture_output=True, text=True,
                       timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHAINLP_OFFLINE": "1",
                                         "ITA_CORPUS_ITA_DIR": str(tmp_path / "no-shared")})
    assert p.returncode == 2 and p.stderr.count("\n") == 1, p.stderr
    assert "no .txt files in" in p.stderr and "--corpus DIR" in p.stderr


@pytest.mark.slow  # a server process and a crawl
def test_the_readmes_crawl_commands_work_as_written(tmp_path):
    """The README's three lines (serve the recorded pages, crawl them, stop the server),
    run as written; only the port is swapped for a free one, so the test never collides."""
    import re
    import socket
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    serve = re.search(r"^\$ \.venv/bin/python -m tests\.crawl_sites --port (\d+) &", readme, re.M)
    crawl = re.search(r"^\$ \.venv/bin/ita crawl thaigov --base-url http://127\.0\.0\.1:(\d+) --db ita\.db$", readme, re.M)
    assert serve and crawl and serve.group(1) == crawl.group(1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1"}
    server = subprocess.Popen([sys.executable, "-m", "tests.crawl_sites", "--port", port], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        assert server.stdout.readline().strip() == f"READY http://127.0.0.1:{port}"
        db = tmp_path / "ita.db"
        p = subprocess.run([sys.executable, "-m", "ita_extract", "crawl", "thaigov", "--base-url",
                            f"http://127.0.0.1:{port}", "--db", str(db)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    finally:
        server.terminate()
        server.wait(10)
    assert p.returncode == 1, p.stderr  # the two soft 404s the recording holds on purpose
    assert "6 articles, 2 failed (soft_404 2)" in p.stderr
