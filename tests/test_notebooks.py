"""The researchers' notebooks run headless against a database built here, their committed
form has no outputs, and `ita plots` saves the same figures as PNG files."""

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ita_extract import analysis, plots
from ita_extract.pipeline import run_extract

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
GOLD = ROOT / "gold"
RESEARCH = ["ita_over_time.ipynb", "how_far_to_trust_it.ipynb"]


def test_committed_notebooks_have_no_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [] and cell.get("execution_count") is None, path.name


def test_agency_types_and_tables_read_the_file(tmp_path):
    assert analysis.agency_type("องค์การบริหารส่วนจังหวัดขอนแก่น") == "ท้องถิ่น"
    assert analysis.agency_type("ธนาคารออมสิน") == "รัฐวิสาหกิจ"
    assert analysis.agency_type("xyz") == analysis.OTHER_TYPE
    with pytest.raises(FileNotFoundError):
        analysis.connect(tmp_path / "none.db")


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory) -> Path:
    """The five seed articles and a few thaigov gold articles, extracted into a fresh file."""
    db = tmp_path_factory.mktemp("nb") / "ita.db"
    docs = sorted((GOLD / "docs").iterdir())[:25]
    summary = run_extract(docs, db_path=db)
    assert summary.documents > 0
    return db


@pytest.mark.slow  # starts a Jupyter kernel per notebook
@pytest.mark.parametrize("name", RESEARCH)
def test_notebook_runs_headless(name, seed_db, monkeypatch):
    monkeypatch.setenv("ITA_DB", str(seed_db))
    monkeypatch.setenv("ITA_GOLD", str(GOLD))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= (4 if name == "ita_over_time.ipynb" else 1)


@pytest.mark.slow  # scores the file against all gold
def test_plots_saves_every_figure(seed_db, tmp_path):
    before = seed_db.read_bytes()
    saved = plots.save_all(tmp_path / "png", seed_db, gold=GOLD)
    assert seed_db.read_bytes() == before  # read-only: a release's ita.db keeps its checksum
    assert [p.name for p in saved] == [f"{n}.png" for n in plots.FIGURES] + ["trust_by_field.png"]
    for path in saved:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000


def test_the_thai_font_has_every_glyph_the_labels_use():
    """No tofu: every Thai character of the plots' source has a glyph in the registered font."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(plots.thai_font_path()).getBestCmap()
    source = (ROOT / "ita_extract" / "plots.py").read_text(encoding="utf-8")
    source += (ROOT / "ita_extract" / "analysis.toml").read_text(encoding="utf-8")
    thai = {c for c in source if "\u0e00" <= c <= "\u0e7f"}
    assert thai and not [c for c in thai if ord(c) not in cmap]
    assert plots.thai_font()  # registered: matplotlib knows the family
