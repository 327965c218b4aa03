"""ita release: a corpus (folder or .tar.zst) → a release folder whose exports are
byte-identical from one run to the next, with a manifest that checks every file."""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
import zstandard

from ita_extract.release import CARD, EXPORT_TABLES, MANIFEST, make_release

SITES = Path(__file__).parent / "fixtures" / "sites"
pytestmark = pytest.mark.slow  # runs the corpus pipeline (extraction, SQLite) several times


def _small_corpus(root: Path) -> Path:
    """The sample corpus plus an irrelevant file and a file crawled on two days."""
    shutil.copytree(SITES / "corpus", root)
    (root / "data" / "2023" / "11" / "17" / "ข่าวอื่น_9.txt").write_text("ข่าวการท่องเที่ยว ไม่เกี่ยวข้อง\n", encoding="utf-8")
    first = sorted((root / "data").rglob("*.txt"))[0]
    again = root / "data" / "2024" / "01" / "02"
    again.mkdir(parents=True)
    shutil.copy(first, again / first.name)
    return root


def _archive(root: Path, dest: Path) -> Path:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        # Members in an order other than the walk's: the reader must sort them.
        for path in sorted(root.rglob("*.txt"), reverse=True):
            tar.add(path, arcname=path.relative_to(root).as_posix())
    dest.write_bytes(zstandard.ZstdCompressor().compress(buf.getvalue()))
    return dest


def _exports(folder: Path) -> dict[str, bytes]:
    names = [f"{kind}/{t}.{kind}" for t in EXPORT_TABLES for kind in ("csv", "jsonl")] + [CARD]
    return {name: (folder / name).read_bytes() for name in names}


def test_two_releases_have_identical_exports_and_a_checked_manifest(tmp_path):
    corpus = _small_corpus(tmp_path / "corpus")
    first = make_release(corpus, tmp_path / "a", gold=None, workers=0)
    second = make_release(corpus, tmp_path / "b", gold=None, workers=1)
    a, b = _exports(first.folder), _exports(second.folder)
    assert a == b

    manifest = json.loads((first.folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tool"]["name"] == "ita-extract"
    assert manifest["counts"]["documents_scanned"] == len(list(corpus.rglob("*.txt")))
    assert manifest["counts"]["ita_documents"] == manifest["counts"]["rows_documents"] > 0
    assert manifest["counts"]["results"] > 0
    assert manifest["source"]["kind"] == "directory"
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((first.folder / name).read_bytes()).hexdigest() == entry["sha256"]
    assert "ita.db" in manifest["files"] and "csv/results.csv" in manifest["files"]

    # No run metadata and no machine-specific path inside the data files.
    text = a["jsonl/documents.jsonl"].decode("utf-8")
    assert str(corpus) not in text and "extracted_at" not in text and "run_id" not in text
    assert json.loads(text.splitlines()[0])["source_path"].startswith("data/")
    # The file crawled on two days is one document.
    assert manifest["counts"]["relevant_files"] >= manifest["counts"]["ita_documents"] + 1


def test_the_archive_gives_the_same_exports_as_the_folder(tmp_path):
    corpus = _small_corpus(tmp_path / "corpus")
    archive = _archive(corpus, tmp_path / "thaigov-v2-corpus.tar.zst")
    from_dir = make_release(corpus, tmp_path / "a", gold=None, workers=0)
    from_tar = make_release(archive, tmp_path / "b", gold=None, workers=0)
    a, b = _exports(from_dir.folder), _exports(from_tar.folder)
    assert {k: v for k, v in a.items() if k != CARD} == {k: v for k, v in b.items() if k != CARD}
    manifest = json.loads((from_tar.folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["source"]["kind"] == "archive"
    assert manifest["counts"]["documents_scanned"] == len(list(corpus.rglob("*.txt")))
