"""The agency registry: one agency one row, one reported result one event, officials as people.

Built from the stored results, aggregates and officials by :func:`build`, wholesale, in
one transaction (the whole corpus takes well under a second), and rebuilt whenever the
results or the data files change (:func:`ensure`). Tables:

    agencies ──< agency_aliases        every spelling seen or known, with why it is this agency
       │──< result_agency >── results   each result's agency
       │──< aggregate_agency >── aggregates (scopes that name an agency)
       └──< events ──< event_mentions ── documents, evidence
    people ──< positions ── documents, evidence

Names are merged by a key: NFC, zero-width characters dropped, spaces dropped, a known
abbreviation (``extract/lexicon/abbreviations.tsv``) expanded, an ``(องค์การมหาชน)`` /
``(มหาชน)`` suffix dropped. The canonical name is the most reported spelling. The type
comes from the name's head (``types.tsv``, first match wins), the province from PyThaiNLP's
province list, the parent from the name (สำนักงานปลัดกระทรวงX → กระทรวงX) or from an
evidence sentence (``สังกัดกระทรวง...``). ``overrides.toml`` corrects all of it.
An event is one (agency, assessment, fiscal year, score, tier) reported by one or more
articles; its mentions are the results, with their documents and evidence.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ita_extract.errors import QueryError
from ita_extract.extract.lexicon import load_lexicon

DATA = resources.files("ita_extract.registry")
# Bump when the build rules in this module change: a registry built by other rules is stale.
BUILD_VERSION = 2
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")
_SUFFIX = re.compile(r"\s*\((?:องค์การมหาชน|มหาชน)\)\s*$")
_PARENT_IN_NAME = re.compile(r"^สำนักงานปลัด(กระทรวง\S+)$")
_PARENT_IN_TEXT = re.compile(r"สังกัด\s*(กระทรวง[^\s,()]+)")
# Aggregate scopes that name a category, not an agency.
GENERIC_SCOPES = frozenset({"ไม่ระบุ", "หน่วยงานภาครัฐ", "ประเทศ", "รัฐวิสาหกิจ", "จังหวัด", "กรม",
                            "กรมหรือเทียบเท่า", "เทศบาลเมือง", "เทศบาลตำบล", "เทศบาลนคร", "องค์การบริหารส่วนตำบล",
                            "องค์การบริหารส่วนจังหวัด", "องค์กรปกครองส่วนท้องถิ่น", "มหาวิทยาลัย", "สถาบันอุดมศึกษา"})

SCHEMA = """
DROP TABLE IF EXISTS event_mentions; DROP TABLE IF EXISTS events;
DROP TABLE IF EXISTS result_agency; DROP TABLE IF EXISTS aggregate_agency;
DROP TABLE IF EXISTS agency_aliases; DROP TABLE IF EXISTS positions; DROP TABLE IF EXISTS people;
DROP TABLE IF EXISTS agencies; DROP TABLE IF EXISTS registry_build;
CREATE TABLE agencies (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL, type_rule TEXT,
    province TEXT, parent_id INTEGER REFERENCES agencies(id), parent_source TEXT,
    english_name TEXT, results INTEGER NOT NULL, documents INTEGER NOT NULL
);
CREATE TABLE agency_aliases (
    alias TEXT NOT NULL, agency_id INTEGER NOT NULL REFERENCES agencies(id),
    kind TEXT NOT NULL, reason TEXT NOT NULL, reported INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (alias, agency_id)
);
CREATE TABLE result_agency (result_id INTEGER PRIMARY KEY REFERENCES results(id), agency_id INTEGER NOT NULL REFERENCES agencies(id));
CREATE TABLE aggregate_agency (aggregate_id INTEGER PRIMARY KEY REFERENCES aggregates(id), agency_id INTEGER NOT NULL REFERENCES agencies(id));
CREATE TABLE events (
    id INTEGER PRIMARY KEY, agency_id INTEGER NOT NULL REFERENCES agencies(id), agency TEXT NOT NULL,
    agency_type TEXT NOT NULL, province TEXT, assessment TEXT NOT NULL, fiscal_year_be INTEGER,
    score REAL, tier TEXT, tier_derived INTEGER NOT NULL, mentions INTEGER NOT NULL,
    first_published TEXT, url TEXT, evidence TEXT
);
CREATE TABLE event_mentions (
    event_id INTEGER NOT NULL REFERENCES events(id), result_id INTEGER NOT NULL REFERENCES results(id),
    doc TEXT NOT NULL REFERENCES documents(doc), url TEXT, published TEXT, evidence_id INTEGER REFERENCES evidence(id),
    evidence TEXT, PRIMARY KEY (event_id, result_id)
);
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, honorific TEXT, mentions INTEGER NOT NULL);
CREATE TABLE positions (
    id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES people(id), position TEXT,
    official_id INTEGER NOT NULL REFERENCES officials(id), doc TEXT NOT NULL, published TEXT,
    evidence_id INTEGER REFERENCES evidence(id), evidence TEXT
);
CREATE TABLE registry_build (built_at TEXT NOT NULL, stamp TEXT NOT NULL, seconds REAL NOT NULL);
CREATE INDEX idx_events_agency ON events(agency_id);
CREATE INDEX idx_events_fy ON events(fiscal_year_be);
CREATE INDEX idx_aliases_agency ON agency_aliases(agency_id);
CREATE INDEX idx_positions_person ON positions(person_id);
"""


@dataclass(frozen=True)
class Rules:
    """The data the registry is built from: name heads → types, provinces, abbreviations, overrides."""

    types: tuple[tuple[re.Pattern[str], str, str], ...]
    provinces: tuple[str, ...]
    abbreviations: dict[str, str]
    place_abbreviations: frozenset[str]
    merge: dict[str, str] = field(default_factory=dict)
    split: frozenset[str] = frozenset()
    english: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)
    type: dict[str, str] = field(default_factory=dict)
    digest: str = ""


@functools.lru_cache(maxsize=1)
def rules() -> Rules:
    from pythainlp.corpus import provinces  # PyThaiNLP ships the list; loaded only here

    types_text = (DATA / "types.tsv").read_text(encoding="utf-8")
    overrides_text = (DATA / "overrides.toml").read_text(encoding="utf-8")
    types = []
    for line in types_text.splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, kind = line.split("\t")
            types.append((re.compile(pattern), kind, pattern))
    overrides = tomllib.loads(overrides_text)
    lexicon = load_lexicon()
    details: Any = provinces(details=True)
    names = sorted((p["name_th"] for p in details), key=len, reverse=True)
    return Rules(
        types=tuple(types), provinces=tuple(names),
        abbreviations=dict(lexicon.abbreviations), place_abbreviations=frozenset(lexicon.place_abbreviations),
        merge={clean(k): clean(v) for k, v in overrides.get("merge", {}).items()},
        split=frozenset(clean(n) for n in overrides.get("split", {}).get("names", [])),
        english=dict(overrides.get("english", {})), parent=dict(overrides.get("parent", {})),
        type=dict(overrides.get("type", {})),
        digest=hashlib.sha256((types_text + overrides_text).encode()).hexdigest()[:16],
    )


def clean(name: str) -> str:
    """NFC, zero-width characters dropped, runs of spaces made one.

    >>> clean("ธนาคาร\\u200bออมสิน  ")
    'ธนาคารออมสิน'
    """
    return _SPACE.sub(" ", ZERO_WIDTH.sub("", unicodedata.normalize("NFC", name))).strip()


def key(name: str, r: Rules | None = None) -> tuple[str, list[str]]:
    """The merge key of a name, and the steps that made it (the explanation)."""
    r = r or rules()
    steps = []
    text = clean(name)
    if text != name:
        steps.append("zero-width characters or extra spaces removed")
    if text in r.merge:
        steps.append(f"overrides.toml [merge] says {text!r} is {r.merge[text]!r}")
        text = r.merge[text]
    expanded = _expand(text, r)
    if expanded != text:
        steps.append(f"abbreviation expanded (lexicon/abbreviations.tsv): {text!r} → {expanded!r}")
        text = expanded
    if text in r.split:
        steps.append("overrides.toml [split]: kept apart")
        return text, steps
    unsuffixed = _SUFFIX.sub("", text)
    if unsuffixed != text:
        steps.append("suffix (องค์การมหาชน)/(มหาชน) ignored")
    nospace = unsuffixed.replace(" ", "")
    if nospace != unsuffixed:
        steps.append("spaces ignored")
    return nospace, steps


def _expand(text: str, r: Rules) -> str:
    if text in r.abbreviations:
        return r.abbreviations[text]
    for abbreviation in r.place_abbreviations:
        if text.startswith(abbreviation) and len(text) > len(abbreviation):
            return r.abbreviations[abbreviation] + text[len(abbreviation):].strip()
    return text


def agency_type(name: str, r: Rules | None = None) -> tuple[str, str]:
    """(type, the rule that gave it) for a canonical name."""
    r = r or rules()
    if name in r.type:
        return r.type[name], "overrides.toml [type]"
    for pattern, kind, source in r.types:
        if pattern.match(name):
            return kind, f"types.tsv head {source!r}"
    return "other", "no head in types.tsv matched"


def province(name: str, r: Rules | None = None) -> str | None:
    r = r or rules()
    for p in r.provinces:
        if p in name:
            return p
    return None


def build(db: Any) -> dict:
    """(Re)build every registry table from results, aggregates and officials; return counts."""
    started = dt.datetime.now(dt.UTC)
    r = rules()
    conn = db.conn
    results = conn.execute(
        "SELECT r.id, r.doc, r.agency, r.assessment, r.score, r.tier, r.tier_derived, r.fiscal_year_be,"
        " d.url, d.published, r.evidence_id, e.sentence FROM results r JOIN documents d ON d.doc = r.doc"
        " LEFT JOIN evidence e ON e.id = r.evidence_id ORDER BY r.id").fetchall()
    scopes = conn.execute("SELECT id, scope FROM aggregates ORDER BY id").fetchall()
    names: Counter[str] = Counter(row[2] for row in results)
    groups: dict[str, list[str]] = defaultdict(list)
    for name in names:
        groups[key(name, r)[0]].append(name)
    with conn:
        conn.executescript(SCHEMA)
        agency_of: dict[str, int] = {}
        for k, spellings in sorted(groups.items()):
            best = max(spellings, key=lambda s: (names[s], -len(key(s, r)[1]), s))
            canonical = _expand(clean(r.merge.get(clean(best), clean(best))), r)
            kind, rule = agency_type(canonical, r)
            docs = len({row[1] for row in results if row[2] in spellings})
            agency_id = conn.execute(
                "INSERT INTO agencies (name, type, type_rule, province, english_name, results, documents)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [canonical, kind, rule, province(canonical, r), r.english.get(canonical),
                 sum(names[s] for s in spellings), docs]).lastrowid
            aliases = {canonical: ("canonical", "the most reported spelling")}
            for s in spellings:
                steps = key(s, r)[1]
                aliases.setdefault(s, ("spelling", "; ".join(steps) or "same key"))
            for abbreviation, expansion in r.abbreviations.items():
                if expansion == canonical or key(expansion, r)[0] == k:
                    aliases.setdefault(abbreviation, ("abbreviation", "lexicon/abbreviations.tsv"))
            for alias, target in r.merge.items():
                if key(target, r)[0] == k:
                    aliases.setdefault(alias, ("override", "overrides.toml [merge]"))
            if canonical in r.english:
                aliases.setdefault(r.english[canonical], ("english", "overrides.toml [english]"))
            for alias, (alias_kind, reason) in aliases.items():
                conn.execute("INSERT INTO agency_aliases VALUES (?, ?, ?, ?, ?)",
                             [alias, agency_id, alias_kind, reason, names.get(alias, 0)])
            for s in spellings:
                agency_of[s] = agency_id
        # parents: from the name, then from evidence, then overrides
        ids = {name: i for i, name in conn.execute("SELECT id, name FROM agencies")}
        for name, agency_id in ids.items():
            m = _PARENT_IN_NAME.match(name)
            if m and m.group(1) in ids:
                conn.execute("UPDATE agencies SET parent_id = ?, parent_source = 'name' WHERE id = ?", [ids[m.group(1)], agency_id])
        for row in results:
            m = _PARENT_IN_TEXT.search(row[11] or "")
            if m and m.group(1) in ids and ids[m.group(1)] != agency_of[row[2]]:
                conn.execute("UPDATE agencies SET parent_id = ?, parent_source = ? WHERE id = ? AND parent_id IS NULL",
                             [ids[m.group(1)], f"evidence of result {row[0]}", agency_of[row[2]]])
        for child, parent in r.parent.items():
            if child in ids and parent in ids:
                conn.execute("UPDATE agencies SET parent_id = ?, parent_source = 'overrides.toml [parent]' WHERE id = ?",
                             [ids[parent], ids[child]])
        conn.executemany("INSERT INTO result_agency VALUES (?, ?)", [(row[0], agency_of[row[2]]) for row in results])
        # an aggregate's scope is an agency when it is one that results name (not a
        # category such as หน่วยงานภาครัฐ or กรมหรือเทียบเท่า)
        by_key = {key(s, r)[0]: i for s, i in agency_of.items()}
        conn.executemany("INSERT INTO aggregate_agency VALUES (?, ?)",
                         [(i, by_key[key(s, r)[0]]) for i, s in scopes
                          if _expand(clean(s), r) not in GENERIC_SCOPES and key(s, r)[0] in by_key])
        _events(conn, results, agency_of)
        _people(conn)
        seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
        conn.execute("INSERT INTO registry_build VALUES (?, ?, ?)", [started.isoformat(timespec="seconds"), stamp(db), seconds])
    return counts(db)


def _events(conn: Any, results: list, agency_of: dict[str, int]) -> None:
    agencies = {i: (name, kind, prov) for i, name, kind, prov in conn.execute("SELECT id, name, type, province FROM agencies")}
    grouped: dict[tuple, list] = defaultdict(list)
    for row in results:
        rid, doc, agency, assessment, score, tier, derived, fy = row[:8]
        # with a score, the tier follows from it (stated or derived): the score is the result
        grouped[(agency_of[agency], assessment, fy, score, tier if score is None else None)].append(row)
    for (agency_id, assessment, fy, score, _), rows in sorted(grouped.items(), key=lambda kv: repr(kv[0])):
        rows.sort(key=lambda row: (row[9] or "9999", row[0]))
        first = rows[0]
        stated = [row for row in rows if not row[6]]
        tier = (stated or rows)[0][5]
        name, kind, prov = agencies[agency_id]
        event_id = conn.execute(
            "INSERT INTO events (agency_id, agency, agency_type, province, assessment, fiscal_year_be, score, tier,"
            " tier_derived, mentions, first_published, url, evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [agency_id, name, kind, prov, assessment, fy, score, tier, int(not stated), len(rows), first[9], first[8], first[11]],
        ).lastrowid
        conn.executemany("INSERT INTO event_mentions VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [(event_id, row[0], row[1], row[8], row[9], row[10], row[11]) for row in rows])


def _people(conn: Any) -> None:
    rows = conn.execute(
        "SELECT o.id, o.honorific, o.name, o.position, o.doc, d.published, o.evidence_id, e.sentence FROM officials o"
        " JOIN documents d ON d.doc = o.doc LEFT JOIN evidence e ON e.id = o.evidence_id ORDER BY d.published, o.id").fetchall()
    person: dict[str, int] = {}
    mentions: Counter[str] = Counter(clean(row[2]).replace(" ", "") for row in rows)
    for oid, honorific, name, position, doc, published, evidence_id, sentence in rows:
        k = clean(name).replace(" ", "")
        if k not in person:
            person[k] = conn.execute("INSERT INTO people (name, honorific, mentions) VALUES (?, ?, ?)",
                                     [clean(name), honorific, mentions[k]]).lastrowid
        conn.execute("INSERT INTO positions (person_id, position, official_id, doc, published, evidence_id, evidence)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)", [person[k], position, oid, doc, published, evidence_id, sentence])


def stamp(db: Any) -> str:
    """What the registry was built from: the results/aggregates/officials and the data files."""
    row = db.conn.execute("SELECT (SELECT count(*) || ':' || ifnull(max(id), 0) FROM results),"
                          " (SELECT count(*) || ':' || ifnull(max(id), 0) FROM aggregates),"
                          " (SELECT count(*) || ':' || ifnull(max(id), 0) FROM officials)").fetchone()
    return json.dumps([*row, rules().digest, BUILD_VERSION])


def is_current(db: Any) -> bool:
    try:
        row = db.conn.execute("SELECT stamp FROM registry_build ORDER BY rowid DESC LIMIT 1").fetchone()
    except Exception:  # noqa: BLE001 - no registry_build table: never built
        return False
    return row is not None and row[0] == stamp(db)


def ensure(db: Any) -> bool:
    """Build the registry when it is missing or stale; True when it was (re)built."""
    if is_current(db):
        return False
    build(db)
    return True


def counts(db: Any) -> dict:
    c = db.conn
    return {
        "agency_strings": c.execute("SELECT count(DISTINCT agency) FROM results").fetchone()[0],
        "agencies": c.execute("SELECT count(*) FROM agencies").fetchone()[0],
        "aliases": c.execute("SELECT count(*) FROM agency_aliases").fetchone()[0],
        "results": c.execute("SELECT count(*) FROM result_agency").fetchone()[0],
        "events": c.execute("SELECT count(*) FROM events").fetchone()[0],
        "events_with_several_mentions": c.execute("SELECT count(*) FROM events WHERE mentions > 1").fetchone()[0],
        "people": c.execute("SELECT count(*) FROM people").fetchone()[0],
        "seconds": c.execute("SELECT seconds FROM registry_build ORDER BY rowid DESC LIMIT 1").fetchone()[0],
    }


def resolve(db: Any, name: str) -> list[int]:
    """The agency ids a name (canonical, alias, abbreviation, any spelling) stands for."""
    if not name or not name.strip():
        raise QueryError("empty agency name")
    k = key(name)[0]
    ids = {i for (i,) in db.conn.execute(
        "SELECT DISTINCT agency_id FROM agency_aliases WHERE alias IN (?, ?)", [name, clean(name)])}
    for i, alias in db.conn.execute("SELECT agency_id, alias FROM agency_aliases"):
        if key(alias)[0] == k:
            ids.add(i)
    return sorted(ids)


def explain(db: Any, name: str) -> str:
    """Why ``name`` is the agency it is: its key, the steps, the type/province/parent rules,
    the aliases merged into it."""
    k, steps = key(name)
    ids = resolve(db, name)
    lines = [f"{name!r}: merge key {k!r}" + (f" ({'; '.join(steps)})" if steps else "")]
    if not ids:
        lines.append("  no agency in this database has this name or key")
        return "\n".join(lines)
    for agency_id in ids:
        a = db.conn.execute("SELECT name, type, type_rule, province, parent_id, parent_source, results, documents, english_name"
                            " FROM agencies WHERE id = ?", [agency_id]).fetchone()
        parent = db.conn.execute("SELECT name FROM agencies WHERE id = ?", [a[4]]).fetchone() if a[4] else None
        lines.append(f"→ agency {agency_id}: {a[0]}" + (f" ({a[8]})" if a[8] else ""))
        lines.append(f"  type: {a[1]} — {a[2]}")
        lines.append(f"  province: {a[3] or '—'}" + (" — named in the canonical name (PyThaiNLP province list)" if a[3] else ""))
        lines.append(f"  parent: {parent[0]} — from {a[5]}" if parent else "  parent: —")
        lines.append(f"  {a[6]} results in {a[7]} documents; aliases:")
        for alias, kind, reason, reported in db.conn.execute(
                "SELECT alias, kind, reason, reported FROM agency_aliases WHERE agency_id = ? ORDER BY reported DESC, alias", [agency_id]):
            lines.append(f"    {alias} [{kind}, reported {reported}×] — {reason}")
    return "\n".join(lines)
