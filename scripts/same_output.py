"""Same output before and after a refactoring: snapshot what the pipeline produces, compare.

    python scripts/same_output.py snapshot OUT_DIR [--corpus DIR]
    python scripts/same_output.py compare BEFORE_DIR AFTER_DIR

A snapshot holds the ``--jsonl`` of ``ita extract`` over ``gold/docs`` and over
``../shared/corpus/thaigov-ita/``, and the table contents of a database built by
``ita crawl thaigov-corpus`` over the unpacked corpus (when ``--corpus`` is given), with
row ids, run ids, timestamps and durations blanked: what a refactoring must not change.
The failures table's vocabulary (stage, reason) may change on purpose, so ``compare``
reports failures separately and judges them by their document and count only.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
ITA = [sys.executable, "-m", "ita_extract"]
# Columns that differ between two identical runs: provenance, not content.
VOLATILE = {"id", "run_id", "extracted_at", "started_at", "finished_at", "fetched_at", "created_at",
            "updated_at", "seconds", "elapsed", "duration", "last_run_id", "args", "tool_version"}
# Failure rows: their stage/reason/message wording may change; the document they name may not.
FAILURE_KEYS = ("document", "doc", "path", "url")


def _run(args: list[str]) -> None:
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")


def _dump_db(db: Path, out: Path) -> None:
    con = sqlite3.connect(db)
    tables = [r[0] for r in con.execute(
        "select name from sqlite_master where type='table' and name not like '%fts%' "
        "and name not like 'sqlite_%' order by name")]
    dump: dict[str, list] = {}
    for table in tables:
        cur = con.execute(f"select * from [{table}]")
        cols = [c[0] for c in cur.description]
        rows = [{c: v for c, v in zip(cols, row, strict=True) if c not in VOLATILE} for row in cur]
        dump[table] = sorted(rows, key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))
    out.write_text(json.dumps(dump, ensure_ascii=False, indent=0, sort_keys=True))


def snapshot(out: Path, corpus: Path | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        for name, src in (("gold", REPO / "gold" / "docs"), ("thaigov_ita", SHARED / "corpus" / "thaigov-ita")):
            _run([*ITA, "extract", str(src), "--db", str(t / f"{name}.db"), "--jsonl", str(out / f"{name}.jsonl")])
            _dump_db(t / f"{name}.db", out / f"{name}.tables.json")
        if corpus:
            _run([*ITA, "crawl", "thaigov-corpus", "--base-url", str(corpus), "--db", str(t / "corpus.db")])
            _dump_db(t / "corpus.db", out / "corpus.tables.json")
    print(f"snapshot → {out}")


def _portable(tables: dict) -> dict:
    """Paths under the repository that snapshotted them, made relative to it: a snapshot taken
    in one worktree compares with one taken in another."""
    for rows in tables.values():
        for row in rows:
            for key, value in row.items():
                if isinstance(value, str) and "/gold/docs/" in value:
                    row[key] = "gold/docs/" + value.split("/gold/docs/", 1)[1]
    return tables


def _split_failures(tables: dict) -> tuple[dict, list]:
    failures = tables.pop("failures", [])
    keys = sorted(str([f.get(k) for k in FAILURE_KEYS if k in f]) for f in failures)
    return tables, keys


def compare(before: Path, after: Path) -> int:
    bad = 0
    for path in sorted(before.iterdir()):
        other = after / path.name
        if not other.exists():
            print(f"MISSING {path.name}")
            bad += 1
            continue
        if path.suffix == ".jsonl":
            same = path.read_bytes() == other.read_bytes()
            print(f"{'same' if same else 'DIFFERENT'} {path.name} (byte for byte)")
            bad += not same
            continue
        a, fa = _split_failures(_portable(json.loads(path.read_text())))
        b, fb = _split_failures(_portable(json.loads(other.read_text())))
        for table in sorted(set(a) | set(b)):
            if table not in a or table not in b:
                print(f"note {path.name}:{table} only {'after' if table in b else 'before'}")
                continue
            same = a[table] == b[table]
            print(f"{'same' if same else 'DIFFERENT'} {path.name}:{table} ({len(a[table])} / {len(b[table])} rows)")
            bad += not same
        same = fa == fb
        print(f"{'same' if same else 'DIFFERENT'} {path.name}:failures documents ({len(fa)} / {len(fb)} rows; wording not compared)")
        bad += not same
    print("identical" if not bad else f"{bad} differences")
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("out", type=Path)
    s.add_argument("--corpus", type=Path, help="unpacked thaigov-v2-corpus directory")
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.cmd == "snapshot":
        snapshot(args.out, args.corpus)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
