"""Plots: the figures of the notebooks, drawn with matplotlib, saved by ``ita plots``.

Each function takes a read-only connection (``analysis.connect``) or gold scores and
returns a ``matplotlib.figure.Figure`` (no pyplot state, so they draw headless). The data
come from ``analysis``; this module only draws.

Thai labels need a Thai font: matplotlib's bundled DejaVu has no Thai glyphs and draws
boxes. ``thai_font`` finds one (``$ITA_THAI_FONT``, else Debian's ``fonts-tlwg-loma-ttf``,
``fonts-thai-tlwg`` or ``fonts-noto-core``, which ``.ci/run`` installs) and registers it
explicitly with matplotlib's font manager; without one, plotting raises ``ThaiFontMissing``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from functools import cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.figure import Figure

from ita_extract import analysis
from ita_extract import evaluate as ev
from ita_extract.errors import ItaError

__all__ = ["FIGURES", "ThaiFontMissing", "save_all", "thai_font"]

# Thai TrueType fonts shipped by Debian packages, first found wins.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/tlwg/Loma.ttf",  # fonts-tlwg-loma-ttf (fonts-thai-tlwg)
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",  # fonts-noto-core
    "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
    "/usr/share/fonts/truetype/tlwg/Sarabun.ttf",
)
DPI = 110


class ThaiFontMissing(ItaError):
    """No Thai font to draw labels with (install fonts-tlwg-loma-ttf, or set ITA_THAI_FONT)."""


def thai_font_path() -> Path:
    """The Thai font file: ``$ITA_THAI_FONT``, else the first of ``FONT_CANDIDATES`` installed."""
    paths = [os.environ["ITA_THAI_FONT"]] if os.environ.get("ITA_THAI_FONT") else list(FONT_CANDIDATES)
    for path in paths:
        if Path(path).is_file():
            return Path(path)
    raise ThaiFontMissing(
        "no Thai font found (apt-get install fonts-tlwg-loma-ttf, or set ITA_THAI_FONT=/path/to/font.ttf)"
    )


@cache
def thai_font() -> str:
    """The family name of the Thai font, registered with matplotlib's font manager."""
    path = thai_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _figure(width: float = 8, height: float = 4.5) -> Figure:
    from matplotlib import rcParams

    rcParams["font.family"] = [thai_font(), "DejaVu Sans"]
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    return fig


def tiers_by_year(conn: sqlite3.Connection) -> Figure:
    """Stacked bars: ITA results per fiscal year by tier."""
    dist = analysis.tier_distribution(conn)
    tiers = analysis.tiers_present(dist)
    years = list(dist)
    fig = _figure()
    ax = fig.subplots()
    bottom = [0] * len(years)
    cmap = __import__("matplotlib").colormaps["tab20"]
    for i, tier in enumerate(tiers):
        counts = [dist[y].get(tier, 0) for y in years]
        ax.bar([str(y) for y in years], counts, bottom=bottom, label=tier, color=cmap(i % 20))
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_title("ผลการประเมิน ITA ตามระดับ ต่อปีงบประมาณ (ITA results by tier and fiscal year)")
    ax.set_xlabel("ปีงบประมาณ (พ.ศ.)")
    ax.set_ylabel("จำนวนผลการประเมิน")
    ax.legend(title="ระดับ", ncols=2, fontsize="small")
    return fig


def scores_by_type(conn: sqlite3.Connection) -> Figure:
    """Box plots: ITA scores by agency type."""
    groups = analysis.scores_by_agency_type(conn)
    fig = _figure(9, 4.8)
    ax = fig.subplots()
    labels = [f"{name}\n(n={len(v)})" for name, v in groups.items()]
    ax.boxplot(list(groups.values()), tick_labels=labels)
    ax.set_title("คะแนน ITA ตามประเภทหน่วยงาน (ITA scores by agency type)")
    ax.set_ylabel("คะแนน")
    ax.tick_params(axis="x", labelsize="small", labelrotation=20)
    return fig


def largest_changes(conn: sqlite3.Connection, limit: int = 12) -> Figure:
    """Horizontal bars: the agencies with the largest year-over-year score changes."""
    changes = analysis.year_over_year_changes(conn, limit=limit)[::-1]
    fig = _figure(9, 0.4 * max(len(changes), 3) + 1.2)
    ax = fig.subplots()
    labels = [f"{c.agency} ({c.year_from}→{c.year_to})" for c in changes]
    ax.barh(labels, [c.delta for c in changes], color=["tab:green" if c.delta > 0 else "tab:red" for c in changes])
    for i, c in enumerate(changes):
        # On the other side of the zero line from the bar, clear of the agency labels.
        ax.annotate(f"{c.score_from:.2f}→{c.score_to:.2f}", (0, i), fontsize="x-small", va="center",
                    ha="right" if c.delta > 0 else "left", xytext=(-3 if c.delta > 0 else 3, 0), textcoords="offset points")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_title("การเปลี่ยนแปลงคะแนนจากปีก่อนที่มากที่สุด\n(largest changes between an agency's consecutive reported years)")
    ax.set_xlabel("คะแนนที่เปลี่ยน")
    ax.tick_params(axis="y", labelsize="small")
    return fig


def national_average(conn: sqlite3.Connection) -> Figure:
    """Points: the national average per fiscal year as reported (size: articles stating it)."""
    rows = analysis.national_averages(conn)
    fig = _figure(7, 4)
    ax = fig.subplots()
    ax.scatter([r["fiscal_year_be"] for r in rows], [r["value"] for r in rows],
               s=[30 * r["articles"] for r in rows], alpha=0.7)
    for r in rows:
        ax.annotate(f"{r['value']:.2f}", (r["fiscal_year_be"], r["value"]), fontsize="x-small",
                    xytext=(5, 3), textcoords="offset points")
    ax.set_title("ค่าเฉลี่ยระดับประเทศตามที่ข่าวรายงาน (national average as reported)")
    ax.set_xlabel("ปีงบประมาณ (พ.ศ.)")
    ax.set_ylabel("คะแนนเฉลี่ย")
    years = sorted({r["fiscal_year_be"] for r in rows})
    ax.set_xticks(years)
    return fig


def trust_by_field(sets: ev.ScoreSets) -> Figure:
    """Grouped bars: each field's F1 or accuracy against gold, per source family."""
    rows = analysis.field_table(sets)
    families = list(sets)
    fig = _figure(10, 4.5)
    ax = fig.subplots()
    width = 0.8 / len(families)
    for i, family in enumerate(families):
        values = [float("nan") if r[family] is None else r[family] for r in rows]  # nan: no bar
        ax.bar([j + i * width for j in range(len(rows))], values, width, label=family)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(rows))], [r["field"] for r in rows],
                  rotation=35, ha="right", fontsize="small")
    ax.set_ylim(0, 1.05)
    ax.set_title("ความแม่นยำเทียบ gold ต่อช่องข้อมูลและกลุ่มแหล่งที่มา (gold evaluation per field and family)")
    ax.set_ylabel("F1 / accuracy (no bar: nothing to score)")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1, 1))
    return fig


# name → figure from a dataset connection (``trust_by_field`` needs gold: see save_all).
FIGURES: dict[str, Callable[[sqlite3.Connection], Figure]] = {
    "tiers_by_year": tiers_by_year,
    "scores_by_agency_type": scores_by_type,
    "largest_changes": largest_changes,
    "national_average": national_average,
}


def save_all(out: Path, db_path: Path, *, gold: Path | None = None) -> list[Path]:
    """Save every figure as ``out/<name>.png`` (with ``gold``, also ``trust_by_field``)."""
    out.mkdir(parents=True, exist_ok=True)
    thai_font()
    saved = []
    conn = analysis.connect(db_path)
    try:
        for name, draw in FIGURES.items():
            path = out / f"{name}.png"
            draw(conn).savefig(path, metadata={"Software": None})
            saved.append(path)
    finally:
        conn.close()
    if gold is not None:
        path = out / "trust_by_field.png"
        trust_by_field(analysis.trust_scores(gold, db_path)).savefig(path, metadata={"Software": None})
        saved.append(path)
    return saved
