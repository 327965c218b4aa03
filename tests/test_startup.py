"""What the CLI loads: ``ita extract`` of .txt files runs without spaCy or any module of
another entry point, ``ita --help`` without the library or rich (start-up time,
``benchmarks/bench_process.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
# Modules of other entry points (ita warc, ita serve, ita plots, html input, fetch) and
# spaCy, whose Doc extraction does not build.
NEVER_FOR_TXT = ("spacy", "trafilatura", "datasette", "dask", "distributed", "matplotlib", "zstandard",
                 "httpx", "lxml", "bs4", "warcio", "numpy")


def loaded_modules(tmp_path: Path, *args: str) -> set[str]:
    """The top-level modules a run of ``ita ARGS`` has imported when it exits."""
    out = tmp_path / "modules.txt"
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(out)!r}, 'w').write('\\n'.join(sys.modules)))\n"
        f"sys.argv = ['ita', *{list(args)!r}]\n"
        "from ita_extract.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHAINLP_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    return {m.split(".")[0] for m in out.read_text().split("\n")}


def test_extract_of_text_files_loads_no_other_entry_points_modules(tmp_path):
    loaded = loaded_modules(tmp_path, "extract", "gold/docs/71972.txt", "--db", str(tmp_path / "x.db"))
    assert "ita_extract" in loaded and "sqlite_utils" in loaded
    assert not loaded & set(NEVER_FOR_TXT)


def test_help_loads_neither_the_library_nor_rich(tmp_path):
    loaded = loaded_modules(tmp_path, "--help")
    assert not loaded & {"rich", "pydantic", "sqlite_utils", "pythainlp", "spacy"}
