"""Evaluate: score extracted records against the gold annotations.

The one scorer shared by the CI check (floors) and the benchmarks, so their figures cannot
drift. Gold is validated before it is scored: every line against the JSON Schema and the
pydantic model, every document against ``gold/SHA256SUMS``.

Matching (``gold/GUIDELINES.md``, "Scoring"), one-to-one within a document:

- results on agency (one name contains the other, whitespace and zero-width characters
  ignored; any of ``agency_aliases`` on either side may be the name that matches),
  assessment, and score (both null, or within ``SCORE_TOLERANCE``);
- aggregates on metric, value (within ``SCORE_TOLERANCE``) and normalised tier;
- officials on name (whitespace ignored).

Among the pairs that may match, a minimum-cost assignment (Hungarian algorithm) first
maximises the number of matched pairs, then prefers pairs that agree on the rest (exact
agency, tier, fiscal year, scope, position), so that two identical predictions for one gold
item give one TP and one FP, and a checked field is not judged on an arbitrary partner.

Then, on matched pairs: tier accuracy (results), fiscal-year accuracy (results and
aggregates), scope accuracy (aggregates), position accuracy (officials); per gold document:
published and event_date accuracy.

*Strict* counts make the scope and year part of the fact: a matched result is a strict
true positive only when it carries the gold fiscal year (where gold states one), a matched
aggregate only when it carries the gold fiscal year (where gold states one) and its scope
(gold scope contained in the predicted one or the reverse, spaces ignored); a matched pair
that fails counts as a false positive and a false negative. ``strict_micro_f1`` pools them.

Figures are reported for all gold, and per family: one family per gold file
(``FAMILIES``: seeds, thaigov, web), each with its own floors. A gold document missing from the predictions counts all its items as FN and its
two dates as wrong; predicted documents absent from gold are ignored (and counted).

Ratios whose denominator is zero are 1.0 (nothing to get wrong); reports show the counts.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import jsonschema
from pydantic import BaseModel, Field, ValidationError, computed_field

from ita_extract.errors import GoldError
from ita_extract.models import (
    Aggregate,
    DocumentRecord,
    Official,
    Result,
    document_json_schema,
)

# Scores and percentages are given to two decimals: half a unit of the last place.
SCORE_TOLERANCE = 0.005
# Float noise: 95.005 - 95.0 is 0.00500000000000966 in binary floating point.
_FLOAT_SLACK = 1e-9

SEEDS_FILE = "seeds.jsonl"
# Gold file → family reported (and floored) on its own; "all" pools every file.
FAMILIES = {"seeds.jsonl": "seeds", "corpus.jsonl": "thaigov", "web.jsonl": "web"}
ALL = "all"
MANIFEST = "SHA256SUMS"
DOCS_DIR = "docs"
DOC_SUFFIXES = (".txt", ".html")
# Gold files are the *.jsonl directly in the gold directory. Subdirectories are not read:
# annotations/ holds per-annotator drafts (for agreement), which are not gold.
GOLD_GLOB = "*.jsonl"

LISTS = ("results", "aggregates", "officials")
ACCURACIES = ("tier", "fiscal_year", "scope", "position", "published", "event_date")
# The figures floors.toml pins, for the whole gold set and (under [seeds], [thaigov], [web])
# for each family.
FLOOR_KEYS = (
    "results_f1",
    "aggregates_f1",
    "officials_f1",
    "micro_f1",
    "strict_micro_f1",
    "tier_accuracy",
    "fiscal_year_accuracy",
    "scope_accuracy",
    "position_accuracy",
    "published_accuracy",
    "event_date_accuracy",
)
FLOOR_DECIMALS = Decimal("0.001")

# GUIDELINES.md: "Scoring treats AA, ผ่านดีเยี่ยม and ดีเยี่ยม as one tier, and A and ผ่านดี as one."
TIER_EQUIVALENTS = {"ผ่านดีเยี่ยม": "AA", "ดีเยี่ยม": "AA", "ผ่านดี": "A"}

# Whitespace, plus the zero-width characters Thai web text is littered with.
_IGNORED_CHARS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


# ---------------------------------------------------------------------------- gold


def load_gold_files(gold_dir: Path, only: Path | None = None) -> dict[str, list[DocumentRecord]]:
    """Validated gold records per gold file name (``seeds.jsonl``, ``corpus.jsonl``...);
    ``only``: just that file (an annotation batch), its documents looked up in ``gold_dir``."""
    gold_dir = Path(gold_dir)
    validator = _strict_validator()
    by_file: dict[str, list[DocumentRecord]] = {}
    seen: dict[str, str] = {}  # doc → "file:line" where it was first annotated
    for path in [Path(only)] if only else sorted(gold_dir.glob(GOLD_GLOB)):
        records = by_file[path.name] = []
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            record = _parse_gold_line(line, where, validator)
            if record.doc in seen:
                raise GoldError(
                    f"{where}: doc {record.doc!r} already annotated at {seen[record.doc]}"
                )
            seen[record.doc] = where
            if doc_path(gold_dir, record.doc) is None:
                raise GoldError(
                    f"{where}: no document {DOCS_DIR}/{record.doc}.txt or .html in {gold_dir}"
                )
            records.append(record)
    _check_manifest(gold_dir, {doc_path(gold_dir, doc) for doc in seen})
    return by_file


def load_gold(gold_dir: Path) -> list[DocumentRecord]:
    """Every validated gold record, file by file (see ``load_gold_files``)."""
    return [
        record for records in load_gold_files(gold_dir).values() for record in records
    ]


def doc_path(gold_dir: Path, doc: str) -> Path | None:
    """The text of a gold document, or None when it has none."""
    for suffix in DOC_SUFFIXES:
        path = Path(gold_dir) / DOCS_DIR / f"{doc}{suffix}"
        if path.is_file():
            return path
    return None


def _strict_validator() -> jsonschema.protocols.Validator:
    """The shared JSON Schema, closed: in gold, an unknown key is a typo ("offcials") that
    would silently drop a list. Predictions may add fields; gold may not."""
    schema = copy.deepcopy(document_json_schema())
    for obj in [schema, *schema.get("$defs", {}).values()]:
        if obj.get("type") == "object":
            obj["additionalProperties"] = False
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _parse_gold_line(line: str, where: str, validator: Any) -> DocumentRecord:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise GoldError(f"{where}: not JSON: {e}") from None
    error = jsonschema.exceptions.best_match(validator.iter_errors(obj))
    if error is not None:
        field = "/".join(str(p) for p in error.absolute_path) or "(line)"
        raise GoldError(f"{where}: {field}: {error.message}")
    try:
        record = DocumentRecord.model_validate(obj)
    except ValidationError as e:
        first = e.errors()[0]
        field = "/".join(str(p) for p in first["loc"])
        raise GoldError(f"{where}: {field}: {first['msg']}") from None
    if (
        not record.doc
        or "/" in record.doc
        or "\\" in record.doc
        or record.doc.startswith(".")
    ):
        raise GoldError(f"{where}: doc {record.doc!r} is not a file stem")
    for i, aggregate in enumerate(record.aggregates):
        if aggregate.metric == "count_tier" and not aggregate.tier:
            raise GoldError(f"{where}: aggregates/{i}: count_tier without its tier")
    for i, result in enumerate(record.results):
        if result.tier_derived:
            raise GoldError(
                f"{where}: results/{i}: gold states tiers, it never derives them"
            )
    return record


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(gold_dir: Path) -> Path:
    """(Re)write ``SHA256SUMS`` over every file in ``docs/``, in ``sha256sum`` format
    (``cd gold && sha256sum -c SHA256SUMS`` checks it)."""
    gold_dir = Path(gold_dir)
    lines = [
        f"{_sha256(path)}  {path.relative_to(gold_dir).as_posix()}\n"
        for path in sorted((gold_dir / DOCS_DIR).iterdir())
        if path.is_file()
    ]
    manifest = gold_dir / MANIFEST
    manifest.write_text("".join(lines), encoding="utf-8")
    return manifest


def _check_manifest(gold_dir: Path, needed: Iterable[Path | None]) -> None:
    """Every listed file exists with its hash, and every annotated document is listed."""
    manifest = gold_dir / MANIFEST
    hint = "run evaluate.write_manifest after a deliberate change"
    if not manifest.is_file():
        raise GoldError(f"{manifest}: missing; {hint}")
    listed: set[Path] = set()
    for lineno, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([0-9a-f]{64}) [ *](\S.*)", line)
        if match is None:
            raise GoldError(f"{manifest}:{lineno}: not a sha256sum line")
        digest, name = match.groups()
        path = gold_dir / name
        if not path.is_file():
            raise GoldError(
                f"{manifest}:{lineno}: {name} is listed but missing; {hint}"
            )
        if _sha256(path) != digest:
            raise GoldError(
                f"{manifest}:{lineno}: {name} differs from its hash (edited?); {hint}"
            )
        listed.add(path.resolve())
    for path in sorted(p for p in needed if p is not None):
        if path.resolve() not in listed:
            raise GoldError(
                f"{manifest}: {path.relative_to(gold_dir)} is not listed; {hint}"
            )


def predictions_from_jsonl(path: Path) -> list[DocumentRecord]:
    """Records as ``ita extract --jsonl`` writes them, one per line."""
    records = []
    for lineno, line in enumerate(
        Path(path).read_text(encoding="utf-8").splitlines(), 1
    ):
        if line.strip():
            try:
                records.append(DocumentRecord.model_validate_json(line))
            except ValidationError as e:
                raise ValueError(f"{path}:{lineno}: {e.errors()[0]['msg']}") from None
    return records


# ---------------------------------------------------------------------------- scores


class Counts(BaseModel):
    """TP/FP/FN of one list, and what follows."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @computed_field
    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @computed_field
    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @computed_field
    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


class Accuracy(BaseModel):
    correct: int = 0
    total: int = 0

    @computed_field
    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def add(self, ok: bool) -> bool:
        self.correct += ok
        self.total += 1
        return ok


class Mismatch(BaseModel):
    """A matched pair (or a document) right on the match but wrong on a checked field."""

    field: str
    item: str
    gold: Any
    pred: Any


class DocumentDetail(BaseModel):
    """What went wrong in one document: missed (fn) and spurious (fp) items per list."""

    doc: str
    missing: bool = False
    fn: dict[str, list[dict]] = {}
    fp: dict[str, list[dict]] = {}
    mismatches: list[Mismatch] = []

    @property
    def perfect(self) -> bool:
        return not (
            self.missing
            or any(self.fn.values())
            or any(self.fp.values())
            or self.mismatches
        )


class Scores(BaseModel):
    documents: int = 0
    missing_documents: list[str] = []
    extra_documents: int = 0
    results: Counts = Field(default_factory=Counts)
    aggregates: Counts = Field(default_factory=Counts)
    officials: Counts = Field(default_factory=Counts)
    strict_results: Counts = Field(default_factory=Counts)
    strict_aggregates: Counts = Field(default_factory=Counts)
    tier: Accuracy = Field(default_factory=Accuracy)
    fiscal_year: Accuracy = Field(default_factory=Accuracy)
    scope: Accuracy = Field(default_factory=Accuracy)
    position: Accuracy = Field(default_factory=Accuracy)
    published: Accuracy = Field(default_factory=Accuracy)
    event_date: Accuracy = Field(default_factory=Accuracy)
    details: list[DocumentDetail] = []

    @computed_field
    @property
    def micro(self) -> Counts:
        lists = [self.results, self.aggregates, self.officials]
        return Counts(
            tp=sum(c.tp for c in lists),
            fp=sum(c.fp for c in lists),
            fn=sum(c.fn for c in lists),
        )

    @computed_field
    @property
    def strict_micro(self) -> Counts:
        """Micro counts with scope and fiscal year part of the fact (officials as they are)."""
        lists = [self.strict_results, self.strict_aggregates, self.officials]
        return Counts(
            tp=sum(c.tp for c in lists),
            fp=sum(c.fp for c in lists),
            fn=sum(c.fn for c in lists),
        )

    def figures(self) -> dict[str, float]:
        """Flat figures, named as in floors.toml (``micro_f1``, ``tier_accuracy``...)."""
        out = {}
        for name in (*LISTS, "micro", "strict_results", "strict_aggregates", "strict_micro"):
            counts = getattr(self, name)
            for measure in ("precision", "recall", "f1"):
                out[f"{name}_{measure}"] = getattr(counts, measure)
        for name in ACCURACIES:
            out[f"{name}_accuracy"] = getattr(self, name).value
        return out

    def to_dict(self) -> dict:
        """Figures, counts, and the details of the documents that were not perfect."""
        data = self.model_dump(mode="json", exclude={"details"})
        data["figures"] = self.figures()
        data["details"] = [
            d.model_dump(mode="json") for d in self.details if not d.perfect
        ]
        return data


# ---------------------------------------------------------------------------- matching


def _compact(text: str | None) -> str | None:
    """Text with whitespace and zero-width characters removed. NFKC so that sara am (ำ)
    and nikhahit + sara aa (ํา), which render identically, compare equal."""
    if text is None:
        return None
    return _IGNORED_CHARS.sub("", unicodedata.normalize("NFKC", text))


def normalise_tier(tier: str | None) -> str | None:
    """The tier key scoring compares: AA ≡ ผ่านดีเยี่ยม ≡ ดีเยี่ยม, A ≡ ผ่านดี."""
    key = _compact(tier)
    if not key:
        return None
    return TIER_EQUIVALENTS.get(key, key)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= SCORE_TOLERANCE + _FLOAT_SLACK


def _contains(a: str | None, b: str | None) -> bool:
    """One text contains the other, whitespace and zero-width characters ignored."""
    x, y = _compact(a), _compact(b)
    return bool(x and y) and (x in y or y in x)


def _agency_match(g: Result, p: Result) -> bool:
    return any(
        _contains(gold, pred)
        for gold in (g.agency, *g.agency_aliases)
        for pred in (p.agency, *p.agency_aliases)
    )


def _scope_ok(g: Aggregate, p: Aggregate) -> bool:
    return _contains(g.scope, p.scope)


def _fiscal_year_stated_ok(g: Result | Aggregate, p: Result | Aggregate) -> bool:
    """Strict scoring's year check: the gold year, where gold states one."""
    return g.fiscal_year_be is None or g.fiscal_year_be == p.fiscal_year_be


def strict_ok(g: BaseModel, p: BaseModel) -> bool:
    """Whether a matched pair is also a strict true positive (see the module docstring)."""
    if isinstance(g, Result) and isinstance(p, Result):
        return _fiscal_year_stated_ok(g, p)
    if isinstance(g, Aggregate) and isinstance(p, Aggregate):
        return _fiscal_year_stated_ok(g, p) and _scope_ok(g, p)
    return True


def _result_cost(g: Result, p: Result) -> int | None:
    """None when the pair cannot match; otherwise how much it disagrees on the rest."""
    if g.assessment != p.assessment or not _close(g.score, p.score):
        return None
    if not _agency_match(g, p):
        return None
    return (
        2 * (_compact(g.agency) != _compact(p.agency))  # prefer exact names first
        + (not _tier_ok(g, p))
        + (g.fiscal_year_be != p.fiscal_year_be)
    )


def _aggregate_cost(g: Aggregate, p: Aggregate) -> int | None:
    if g.metric != p.metric or not _close(g.value, p.value):
        return None
    if normalise_tier(g.tier) != normalise_tier(p.tier):
        return None
    # scope as strict scoring reads it first, then the exact wording
    return 2 * (not _scope_ok(g, p)) + (_compact(g.scope) != _compact(p.scope)) + 2 * (
        g.fiscal_year_be != p.fiscal_year_be
    )


def _official_cost(g: Official, p: Official) -> int | None:
    if _compact(g.name) != _compact(p.name):
        return None
    return int(_compact(g.position) != _compact(p.position))


def _tier_ok(g: Result, p: Result) -> bool:
    """A tier the text does not state is null in gold; the extractor may derive one, marked."""
    if g.tier is None:
        return p.tier is None or p.tier_derived
    return normalise_tier(g.tier) == normalise_tier(p.tier)


def _assign(cost: list[list[int]]) -> list[tuple[int, int]]:
    """Minimum-cost assignment of rows to columns (Hungarian algorithm, O(n²m)).

    Returns (row, column) pairs; every row is assigned when rows ≤ columns.
    """
    n = len(cost)
    m = len(cost[0]) if n else 0
    if not n or not m:
        return []
    if n > m:
        return [(i, j) for j, i in _assign([list(col) for col in zip(*cost, strict=True)])]
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    owner, way = (
        [0] * (m + 1),
        [0] * (m + 1),
    )  # owner[j]: row assigned to column j (1-based)
    for i in range(1, n + 1):
        owner[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < minv[j]:
                        minv[j], way[j] = reduced, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    return [(owner[j] - 1, j - 1) for j in range(1, m + 1) if owner[j]]


def match(
    gold: list, pred: list, cost: Callable[[Any, Any], int | None]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """One-to-one matching: (matched index pairs, unmatched gold, unmatched pred).

    Pairs that cannot match cost more than any set of pairs that can, so the assignment
    maximises the number of matches before it minimises disagreement.
    """
    costs = [[cost(g, p) for p in pred] for g in gold]
    worst = max((c for row in costs for c in row if c is not None), default=0)
    forbidden = (worst + 1) * (min(len(gold), len(pred)) + 1)
    table = [[forbidden if c is None else c for c in row] for row in costs]
    pairs = sorted((i, j) for i, j in _assign(table) if costs[i][j] is not None)
    matched_gold, matched_pred = {i for i, _ in pairs}, {j for _, j in pairs}
    return (
        pairs,
        [i for i in range(len(gold)) if i not in matched_gold],
        [j for j in range(len(pred)) if j not in matched_pred],
    )


def _describe(item: BaseModel) -> str:
    """A short label for an item in mismatch reports."""
    for field in ("agency", "name", "metric"):
        if hasattr(item, field):
            label = getattr(item, field)
            if field == "metric":
                label = f"{item.scope} {label}={item.value}"
            return label
    return repr(item)


def _dump(item: BaseModel) -> dict:
    return item.model_dump(mode="json", exclude_none=True)


def score(gold: list[DocumentRecord], pred: list[DocumentRecord]) -> Scores:
    """Score predictions against gold (see the module docstring for the rules)."""
    predicted: dict[str, DocumentRecord] = {}
    for record in pred:
        if record.doc in predicted:
            raise ValueError(f"doc {record.doc!r} is predicted twice")
        predicted[record.doc] = record
    gold_docs = {record.doc for record in gold}
    scores = Scores(
        documents=len(gold),
        extra_documents=sum(1 for doc in predicted if doc not in gold_docs),
    )
    costs = {
        "results": _result_cost,
        "aggregates": _aggregate_cost,
        "officials": _official_cost,
    }
    for g in gold:
        p = predicted.get(g.doc)
        detail = DocumentDetail(doc=g.doc, missing=p is None)
        if p is None:
            scores.missing_documents.append(g.doc)
            p = DocumentRecord(doc=g.doc)
            scores.published.add(False)
            scores.event_date.add(False)
        else:
            for field in ("published", "event_date"):
                if not getattr(scores, field).add(
                    getattr(g, field) == getattr(p, field)
                ):
                    detail.mismatches.append(
                        Mismatch(
                            field=field,
                            item=g.doc,
                            gold=getattr(g, field),
                            pred=getattr(p, field),
                        )
                    )
        for name in LISTS:
            gold_items, pred_items = getattr(g, name), getattr(p, name)
            pairs, missed, spurious = match(gold_items, pred_items, costs[name])
            counts: Counts = getattr(scores, name)
            counts.tp += len(pairs)
            counts.fn += len(missed)
            counts.fp += len(spurious)
            detail.fn[name] = [_dump(gold_items[i]) for i in missed]
            detail.fp[name] = [_dump(pred_items[j]) for j in spurious]
            for i, j in pairs:
                _check_pair(scores, detail, gold_items[i], pred_items[j])
            if name != "officials":
                strict: Counts = getattr(scores, f"strict_{name}")
                loose = sum(strict_ok(gold_items[i], pred_items[j]) for i, j in pairs)
                strict.tp += loose
                strict.fn += len(missed) + len(pairs) - loose
                strict.fp += len(spurious) + len(pairs) - loose
        scores.details.append(detail)
    return scores


def _check_pair(
    scores: Scores, detail: DocumentDetail, g: BaseModel, p: BaseModel
) -> None:
    """Tally the fields checked on a matched pair, noting the ones that are wrong."""
    checks: list[tuple[str, bool, Any, Any]] = []
    if isinstance(g, Result):
        checks.append(("tier", _tier_ok(g, p), g.tier, p.tier))
    if isinstance(g, (Result, Aggregate)):
        checks.append(
            (
                "fiscal_year",
                g.fiscal_year_be == p.fiscal_year_be,
                g.fiscal_year_be,
                p.fiscal_year_be,
            )
        )
    if isinstance(g, Aggregate):
        checks.append(("scope", _scope_ok(g, p), g.scope, p.scope))
    if isinstance(g, Official):
        # A null gold position means the text gives none: any predicted position is wrong.
        checks.append(
            (
                "position",
                _compact(g.position) == _compact(p.position),
                g.position,
                p.position,
            )
        )
    for field, ok, gold_value, pred_value in checks:
        if not getattr(scores, field).add(ok):
            detail.mismatches.append(
                Mismatch(
                    field=field, item=_describe(g), gold=gold_value, pred=pred_value
                )
            )


# ---------------------------------------------------------------------------- floors

ScoreSets = dict[str, Scores]  # "all", then one per family (seeds, thaigov, web)


def load_floors(path: Path) -> dict[str, float]:
    """Floors from floors.toml, flat: ``micro_f1`` for the whole gold set, ``web.micro_f1``
    for the family under ``[web]``. Unknown keys and sections are errors, so a misspelt
    floor cannot go unchecked."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    families = set(FAMILIES.values())
    floors = {}
    tables = [("", {k: v for k, v in data.items() if not isinstance(v, dict)})]
    for section, table in data.items():
        if isinstance(table, dict):
            if section not in families:
                raise ValueError(f"{path}: unknown section [{section}] (known: {', '.join(sorted(families))})")
            tables.append((f"{section}.", table))
    for prefix, table in tables:
        for key, value in table.items():
            if key not in FLOOR_KEYS:
                raise ValueError(
                    f"{path}: unknown floor {prefix}{key} (known: {', '.join(FLOOR_KEYS)})"
                )
            if (
                not isinstance(value, (int, float))
                or isinstance(value, bool)
                or not 0 <= value <= 1
            ):
                raise ValueError(
                    f"{path}: floor {prefix}{key} = {value!r} is not a number in [0, 1]"
                )
            floors[prefix + key] = float(value)
    return floors


def measured_figures(sets: ScoreSets) -> dict[str, float]:
    """The floored figures as measured, keyed like ``load_floors``."""
    out = {}
    for name, scores in sets.items():
        prefix = "" if name == ALL else f"{name}."
        figures = scores.figures()
        out.update({prefix + key: figures[key] for key in FLOOR_KEYS})
    return out


def check_floors(sets: ScoreSets, floors: dict[str, float]) -> list[str]:
    """One line per figure below its floor (or floored but not measured); empty when all hold."""
    measured = measured_figures(sets)
    return [
        f"{key} {measured[key]:.4f} < floor {floor:.4f}" if key in measured else f"{key}: no such gold set"
        for key, floor in floors.items()
        if key not in measured or measured[key] < floor
    ]


def _floor_down(value: float) -> float:
    """Round down to 3 decimals, via the shortest repr, so 0.857 stays 0.857."""
    return float(Decimal(repr(value)).quantize(FLOOR_DECIMALS, rounding=ROUND_FLOOR))


def update_floors(
    path: Path, measured: dict[str, float], *, allow_lower: bool
) -> list[str]:
    """Pin floors to ``measured`` (keys as in ``load_floors``), rounded down to 3 decimals.

    Raises ValueError, writing nothing, when a floor would go down and ``allow_lower`` is
    false. Returns one line per floor that changed.
    """
    path = Path(path)
    old = load_floors(path) if path.exists() else {}
    missing = [key for key in FLOOR_KEYS if key not in measured]
    if missing:
        raise ValueError(f"no measured figure for {', '.join(missing)}")
    new = {key: _floor_down(value) for key, value in measured.items()}
    lowered = [key for key in new if key in old and new[key] < old[key]]
    if lowered and not allow_lower:
        raise ValueError(
            "refusing to lower floors without allow_lower: "
            + ", ".join(f"{key} {old[key]:.3f} → {new[key]:.3f}" for key in lowered)
        )
    changes = [
        f"{key} {old.get(key, 0.0):.3f} → {new[key]:.3f}"
        for key in new
        if key not in old or new[key] != old[key]
    ]
    path.write_text(_floors_toml(new), encoding="utf-8")
    return changes


_FLOORS_HEADER = """\
# Minimum figures of the evaluation on gold/: CI fails when one drops below its floor.
# Top-level keys: the whole gold set; [seeds], [thaigov], [web]: the documents of
# seeds.jsonl, corpus.jsonl (thaigov.go.th) and web.jsonl (other Thai sites).
# strict_micro_f1 counts a result or aggregate only with its fiscal year (and scope).
# Written by ita_extract.evaluate.update_floors (measured, rounded down to 3 decimals),
# which refuses to lower a floor unless explicitly allowed.
"""


def _floors_toml(floors: dict[str, float]) -> str:
    lines = [_FLOORS_HEADER]
    lines += [f"{key} = {floors[key]:.3f}" for key in FLOOR_KEYS]
    sections = sorted({key.split(".")[0] for key in floors if "." in key},
                      key=lambda name: list(FAMILIES.values()).index(name))
    for section in sections:
        lines += ["", f"[{section}]"]
        lines += [f"{key} = {floors[f'{section}.{key}']:.3f}" for key in FLOOR_KEYS if f"{section}.{key}" in floors]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- report


def format_report(sets: ScoreSets) -> str:
    """A plain-text table of P/R/F1 and accuracies, for the whole gold set and each family."""
    width = 30
    items = list(sets.items())
    head = "".join(f"{f'{label} ({s.documents} docs)':<{width}}" for label, s in items)
    lines = [f"{'':<14}{head}".rstrip()]
    columns = f"{'P     R     F1    tp/fp/fn':<{width}}" * len(items)
    lines.append(f"{'':<14}{columns}".rstrip())
    for name in (*LISTS, "micro", "strict_micro"):
        row = f"{name:<14}"
        for _, s in items:
            c: Counts = getattr(s, name)
            cell = f"{c.precision:.3f} {c.recall:.3f} {c.f1:.3f} {c.tp}/{c.fp}/{c.fn}"
            row += f"{cell:<{width}}"
        lines.append(row.rstrip())
    lines.append("")
    for name in ACCURACIES:
        row = f"{name:<14}"
        for _, s in items:
            a: Accuracy = getattr(s, name)
            row += f"{f'{a.value:.3f}  ({a.correct}/{a.total})':<{width}}"
        lines.append(row.rstrip())
    lines.append("")
    whole = sets[ALL]
    lines.append(
        f"missing documents: {len(whole.missing_documents)}; "
        f"predicted documents not in gold: {whole.extra_documents}"
    )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- run


def family_of(gold_file: str) -> str:
    """The family a gold file's documents are reported under (its stem when not listed)."""
    return FAMILIES.get(gold_file, Path(gold_file).stem)


def run_evaluation(
    gold_dir: Path,
    pred_path: Path | None,
    *,
    extract: Callable[[list[Path]], list[DocumentRecord]],
    only: Path | None = None,
) -> ScoreSets:
    """Validate gold, get predictions (from ``pred_path``, else by calling ``extract`` on the
    gold documents), and score them: the whole gold set under "all", then each family.
    ``only``: score this one annotation file instead (its documents in ``gold_dir``)."""
    by_file = load_gold_files(gold_dir, only=only)
    gold = [record for records in by_file.values() for record in records]
    if pred_path is not None:
        pred = predictions_from_jsonl(pred_path)
    else:
        pred = extract([doc_path(gold_dir, record.doc) for record in gold])
    sets: ScoreSets = {ALL: score(gold, pred)}
    for name in sorted(by_file, key=lambda f: (f not in FAMILIES, list(FAMILIES).index(f) if f in FAMILIES else 0, f)):
        if by_file[name]:
            sets[family_of(name)] = score(by_file[name], pred)
    return sets
