"""Several ``ita extract`` processes writing one database at once (issue 8): all finish,
nothing is lost, nothing is stored twice. Real processes, a real SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AGENCIES = ["สำนักงานอุตสาหกรรมจังหวัดแพร่", "กรมสรรพากร", "กรมศุลกากร", "สำนักงานจังหวัดน่าน", "กรมป่าไม้"]
FILES_PER_PROCESS = 6


def article(i: int, k: int) -> str:
    agency = AGENCIES[k % len(AGENCIES)]
    return (f"ข่าวประชาสัมพันธ์ หมายเลข {i}-{k}\n"
            f"{agency} ได้คะแนนการประเมินคุณธรรมและความโปร่งใส (ITA) ประจำปี 2566 ได้ {90 + k}.{i:02d} คะแนน"
            f" อยู่ในระดับ A ข่าวที่ {i} เรื่องที่ {k}\n")


def inputs(tmp_path: Path, processes: int) -> list[Path]:
    """One folder per process (its own articles) plus one shared article every process reads."""
    folders = []
    for i in range(processes):
        folder = tmp_path / f"p{i}"
        folder.mkdir()
        for k in range(FILES_PER_PROCESS):
            (folder / f"doc-{i}-{k}.txt").write_text(article(i, k), encoding="utf-8")
        (folder / "shared.txt").write_text(article(99, 0), encoding="utf-8")
        folders.append(folder)
    return folders


def run_together(folders: list[Path], db: Path) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1"}
    procs = [subprocess.Popen([sys.executable, "-m", "ita_extract", "extract", str(f), "--db", str(db)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for f in folders]
    done = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        done.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return done


@pytest.mark.slow
@pytest.mark.parametrize("processes", [2, 4])
@pytest.mark.parametrize("database", ["new", "existing"])
def test_concurrent_extracts_lose_nothing_and_store_nothing_twice(tmp_path: Path, processes: int, database: str):
    db = tmp_path / "ita.db"
    runs_before = 0
    if database == "existing":
        seed = tmp_path / "seed"
        seed.mkdir()
        (seed / "seed.txt").write_text(article(50, 1), encoding="utf-8")
        first = run_together([seed], db)[0]
        assert first.returncode == 0, first.stderr
        runs_before = 1
    done = run_together(inputs(tmp_path, processes), db)
    for p in done:
        assert p.returncode == 0, p.stderr
        assert "locked" not in p.stderr and "already exists" not in p.stderr, p.stderr
    conn = sqlite3.connect(db)
    docs = {r[0] for r in conn.execute("SELECT doc FROM documents")}
    expected = {f"doc-{i}-{k}" for i in range(processes) for k in range(FILES_PER_PROCESS)} | {"shared"}
    if database == "existing":
        expected.add("seed")
    assert docs == expected
    assert conn.execute("SELECT count(*) FROM results").fetchone()[0] == len(expected)
    statuses = [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["ok"] * (processes + runs_before)
    assert conn.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
