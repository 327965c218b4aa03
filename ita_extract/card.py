"""`ita card`: the datasheet of a database (Markdown + JSON), and the field definitions and
evaluation figures that `ita serve` shows too.

Field definitions, licence, citation and known limits are data (``fields.toml``). The
evaluation figures are the gold floors of this version (``gold/floors.toml``: measured
on the gold set and rounded down; CI fails below them), or the figures of an
``ita evaluate --json`` file when one is given.
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ita_extract import __version__, registry

FLOORS = Path(__file__).resolve().parent.parent / "gold" / "floors.toml"
HEADLINE = ("micro_f1", "results_f1", "aggregates_f1", "officials_f1", "tier_accuracy", "fiscal_year_accuracy")


def fields() -> dict[str, Any]:
    return tomllib.loads((resources.files("ita_extract") / "fields.toml").read_text(encoding="utf-8"))


def figures(evaluation: Path | None = None) -> dict[str, Any]:
    """{"source": ..., "all": {...}, "seeds": {...}, ...}: the gold figures of this version."""
    if evaluation is not None:
        data = json.loads(evaluation.read_text(encoding="utf-8"))
        return {"source": f"ita evaluate --json ({evaluation.name})",
                **{name: {k: v for k, v in s.items() if isinstance(v, int | float)} for name, s in data.items()}}
    if not FLOORS.is_file():
        return {"source": "not available (gold/floors.toml not found beside the package)"}
    floors = tomllib.loads(FLOORS.read_text(encoding="utf-8"))
    out: dict[str, Any] = {"source": "gold/floors.toml (measured on the gold set, rounded down; CI fails below them)",
                           "all": {k: v for k, v in floors.items() if not isinstance(v, dict)}}
    out.update({k: v for k, v in floors.items() if isinstance(v, dict)})
    return out


def datasheet(db: Any, path: Path, evaluation: Path | None = None) -> dict[str, Any]:
    c = db.conn
    defs = fields()
    counts = {t: c.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # names from sqlite_master
              for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
                                    " AND name NOT LIKE 'sqlite_%' ORDER BY name")}
    hosts = Counter(urlsplit(u).hostname or "?" for (u,) in c.execute("SELECT url FROM documents WHERE url IS NOT NULL"))
    no_url = c.execute("SELECT count(*) FROM documents WHERE url IS NULL").fetchone()[0]
    runs = [dict(zip(("id", "command", "tool_version", "started_at", "finished_at", "status", "documents", "failures"), row, strict=True))
            for row in c.execute("SELECT id, command, tool_version, started_at, finished_at, status, documents, failures FROM runs ORDER BY id")]
    published = c.execute("SELECT min(published), max(published) FROM documents").fetchone()
    years = dict(c.execute("SELECT fiscal_year_be, count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall())
    columns = {}
    for table, info in defs["tables"].items():
        if table in counts or c.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone():
            present = [row[1] for row in c.execute(f'PRAGMA table_info("{table}")')]
            columns[table] = {"title": info.get("title"), "description": info.get("description"),
                              "columns": {col: info.get("columns", {}).get(col, "") for col in present}}
    card = defs["card"]
    sources = ", ".join(f"{h} {n}" for h, n in hosts.most_common()) + (f", files without URL {no_url}" if no_url else "")
    built = runs[-1]["finished_at"] if runs else None
    return {
        "database": path.name, "tool": "ita-extract", "version": __version__,
        "sources": {"hosts": dict(hosts.most_common()), "documents_without_url": no_url, "runs": runs,
                    "published": {"first": published[0], "last": published[1]}},
        "counts": counts, "registry": registry.counts(db), "events_per_fiscal_year_be": years,
        "evaluation": figures(evaluation), "fields": columns, "known_limits": card["limits"], "licence": card["licence"],
        "cite": card["cite"].format(version=__version__, built=built, documents=counts.get("documents", 0), sources=sources),
    }


def markdown(sheet: dict[str, Any]) -> str:
    lines = [f"# Datasheet: {sheet['database']}", "",
             f"Built with {sheet['tool']} {sheet['version']}.", "", "## Sources and crawl dates", ""]
    for host, n in sheet["sources"]["hosts"].items():
        lines.append(f"- {host}: {n} articles")
    if sheet["sources"]["documents_without_url"]:
        lines.append(f"- files without a URL: {sheet['sources']['documents_without_url']}")
    p = sheet["sources"]["published"]
    lines += ["", f"Articles published {p['first']} to {p['last']}.", "", "| run | command | version | started | finished | status | documents | failures |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r['id']} | {r['command']} | {r['tool_version']} | {r['started_at']} | {r['finished_at']} | {r['status']} | {r['documents']} | {r['failures']} |"
              for r in sheet["sources"]["runs"]]
    lines += ["", "## Counts", "", "| table | rows |", "| --- | --- |"]
    lines += [f"| {t} | {n} |" for t, n in sheet["counts"].items()]
    reg = sheet["registry"]
    lines += ["", f"{reg['agency_strings']} agency spellings → {reg['agencies']} agencies; {reg['results']} results → {reg['events']} events "
              f"({reg['events_with_several_mentions']} reported by several articles); {reg['people']} people.", "",
              "Events per fiscal year (BE): " + ", ".join(f"{y}: {n}" for y, n in sheet["events_per_fiscal_year_be"].items()), "",
              "## Evaluation", "", f"Source: {sheet['evaluation']['source']}.", ""]
    ev = {k: v for k, v in sheet["evaluation"].items() if isinstance(v, dict)}
    if ev:
        names = list(ev)
        lines += ["| figure | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
        for figure in HEADLINE:
            lines.append(f"| {figure} | " + " | ".join(f"{ev[n].get(figure, ''):.3f}" if isinstance(ev[n].get(figure), float) else "" for n in names) + " |")
    lines += ["", "## Fields", ""]
    for table, info in sheet["fields"].items():
        lines += [f"### {table}: {info['title'] or ''}", "", info["description"] or "", ""]
        lines += [f"- `{col}`: {text}" for col, text in info["columns"].items()]
        lines.append("")
    lines += ["## Known limits", ""] + [f"- {limit}" for limit in sheet["known_limits"]]
    lines += ["", "## Licence", "", sheet["licence"], "", "## How to cite", "", sheet["cite"], ""]
    return "\n".join(lines)
