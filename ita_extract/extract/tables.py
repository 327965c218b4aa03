"""Flattened tables: a table scraped one cell per line (cabinet summaries do this).

    ประเภทหน่วยงาน / จำนวนหน่วยงาน / คะแนนเฉลี่ย ปีงบประมาณ พ.ศ. / พัฒนาการ / ร้อยละที่ผ่าน* / 2565 / 2564
    อบจ. / 76 / 93.29 / 92.18 / 1.11 / 92.11
    ...

The header cells come first (year cells last, under the one header that names a year);
each row is a label followed by the same number of numeric cells. Every numeric cell of a
known column becomes an aggregate scoped to the row label.

A column with a signed cell (``+5.71``, ``-1.06``) holds changes, never values. Rows whose
labels are tiers (``AA`` … ``ต้องปรับปรุงโดยด่วน``) count the agencies at each tier: their
first count column is a count_tier of that tier (a "รวม" row: the group's size), and their
scope is the group the text around the table names (``scope`` None here).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import cast

from ita_extract.extract.lexicon import load_lexicon
from ita_extract.models import Metric

# A cell is a short line; a paragraph is not part of a table.
CELL_MAX = 60
# Fewer rows than this is not worth calling a table.
MIN_ROWS = 2
NUMBER_CELL = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})*(?:\.\d+)?\*?$|^[-+]?\d+(?:\.\d+)?\*?$")
SIGNED_CELL = re.compile(r"^[-+]")
# The row of a tier table that sums the tiers ("รวม 8,325 100.00").
TOTAL_ROW = ("รวม", "รวมทั้งสิ้น", "ทั้งหมด")
YEAR_CELL = re.compile(r"^(?:พ\.ศ\.\s?)?(25\d\d)$")
METRIC_ORDER = ("skip", "percent_fail", "percent_pass", "count_fail", "count_pass", "count_assessed", "rank", "average")


@dataclass(frozen=True)
class TableCell:
    scope: str | None  # None: the group the text around the table names
    metric: Metric
    value: float
    year: int | None
    start: int
    end: int
    tier: str | None = None


def _metric(header: str) -> str | None:
    lex = load_lexicon()
    for key in METRIC_ORDER:
        if any(w in header for w in lex.cue("table", key)):
            return key
    return None


def _columns(labels: list[str], years: list[int], width: int) -> list[tuple[str | None, int | None]] | None:
    """Column (metric, year) pairs for ``width`` numeric cells.

    Year cells sit under the one header that names a year ("คะแนนเฉลี่ย ปีงบประมาณ พ.ศ."),
    which then spans one column per year; a reading that places the years wins. Header
    cells before the table's own (a caption short enough to look like a cell, or the
    row-label header) are dropped from the front until the columns fit."""
    plain: list[tuple[str | None, int | None]] | None = None
    for drop in range(len(labels)):
        kept = labels[drop:]
        if years:
            expanded: list[tuple[str | None, int | None]] = []
            for label in kept:
                if re.search(r"ปี|พ\.ศ\.", label) and not any(y is not None for _, y in expanded):
                    expanded += [(_metric(label), y) for y in years]
                else:
                    expanded.append((_metric(label), None))
            if len(expanded) == width:
                return expanded
        if plain is None and len(kept) == width:
            plain = [(_metric(label), None) for label in kept]
    return plain


def read_tables(text: str, start: int, end: int) -> list[TableCell]:
    """Aggregates read from the flattened tables between ``start`` and ``end``."""
    lines: list[tuple[int, int, str]] = []
    pos = start
    for raw in text[start:end].split("\n"):
        s = raw.strip()
        lines.append((pos, pos + len(raw), s))
        pos += len(raw) + 1
    out: list[TableCell] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j][2] and len(lines[j][2]) <= CELL_MAX:
            j += 1
        if j - i >= 6:
            out.extend(_read_block(lines[i:j]))
        i = max(j, i + 1)
    return out


def _read_block(block: list[tuple[int, int, str]]) -> list[TableCell]:
    cells = [c for _, _, c in block]
    is_num = [bool(NUMBER_CELL.match(c)) and not YEAR_CELL.match(c) for c in cells]
    # rows: a non-numeric label followed by numeric cells
    runs: list[tuple[int, int]] = []  # (label index, number of numeric cells after it)
    k = 0
    while k < len(cells):
        if not is_num[k]:
            n = 0
            while k + 1 + n < len(cells) and is_num[k + 1 + n]:
                n += 1
            if n:
                runs.append((k, n))
            k += 1 + n
        else:
            k += 1
    if not runs:
        return []
    width, count = Counter(n for _, n in runs).most_common(1)[0]
    rows = [r for r in runs if r[1] == width]
    if count < MIN_ROWS or width < 1:
        return []
    header = cells[: rows[0][0]]
    years = [int(m.group(1)) for c in header if (m := YEAR_CELL.match(c))]
    labels = [c for c in header if not YEAR_CELL.match(c)]
    columns = _columns(labels, years, width)
    tiers = load_lexicon().tiers
    tier_rows = sum(1 for li, _ in rows if block[li][2] in tiers)
    if columns is None:
        if tier_rows < MIN_ROWS:
            return []
        columns = [(None, None)] * width
    # a column with a signed cell holds changes
    signed = {c for li, _ in rows for c in range(width) if SIGNED_CELL.match(block[li + 1 + c][2])}
    out = []
    for label_index, _ in rows:
        s, e, scope = block[label_index]
        if tier_rows >= MIN_ROWS and (scope in tiers or scope in TOTAL_ROW):
            out.extend(_tier_row(block, label_index, width, signed, scope, tiers))
            continue
        for c, (metric, year) in enumerate(columns):
            if metric in (None, "skip") or c in signed:
                continue
            cs, ce, cell = block[label_index + 1 + c]
            value = float(cell.rstrip("*").replace(",", ""))
            if metric in ("average", "percent_pass", "percent_fail") and value > 100:
                continue
            if metric.startswith("count") and "." in cell:
                continue  # a count is written without decimals
            out.append(TableCell(scope, cast(Metric, metric), value, year, cs, ce))  # a METRIC_ORDER key but "skip"
    return out


def _tier_row(block: list[tuple[int, int, str]], label_index: int, width: int, signed: set[int],
              label: str, tiers: dict) -> list[TableCell]:
    """A row of a tier table: its first count cell (an integer, not a change)."""
    for c in range(width):
        cs, ce, cell = block[label_index + 1 + c]
        if c in signed or "." in cell:
            continue
        value = float(cell.rstrip("*").replace(",", ""))
        if label in tiers:
            return [TableCell(None, "count_tier", value, None, cs, ce, tier=label)]
        return [TableCell(None, "count_assessed", value, None, cs, ce)]
    return []
