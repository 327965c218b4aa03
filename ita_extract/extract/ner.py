"""A trained NER beside the rules: AGENCY, PERSON and POSITION spans from a spaCy
``EntityRecognizer`` on the same blank Thai pipeline and tokenizer as ``nlp.py``.

Switch: ``ITA_NER=1`` turns it on, ``ITA_NER=0`` off; unset means :data:`DEFAULT_ON`
(off: on the held-out folds of ``benchmarks/ner_kfold.py`` it moved micro F1 by less than
0.002 in every family while extraction took ten times as long; the figures are in the README). ``ITA_NER_MODEL=DIR`` reads another trained model (the k-fold
benchmark points it at each fold's model). With the switch off no model is loaded
and the output is exactly the rules' own.

**Training data** (:func:`align`), from gold records and the cleaned text ``ita_extract.parse``
makes of each gold document (the text extraction reads):

- AGENCY: every result's ``agency`` and its ``agency_aliases``. Aggregate scopes are not
  taken: they name groups (a province's agencies, a ministry's departments, an agency
  type, ``ประเทศ``), which are not agency names; a scope that is also a result's agency
  comes in as that agency.
- PERSON: an official's ``name`` without the honorific (the rules keep the honorific apart
  too; titles like ``พล.ต.อ.`` vary more than names).
- POSITION: an official's ``position``.
- Every occurrence of each string is labelled (a later unlabelled mention would teach the
  model that the name is not an entity), matched with whitespace free (a page writes
  ``สำนักงานที่ดิน จังหวัดลำพูน`` where gold has no space, or the reverse). Strings not
  found are skipped and counted; documents that do not parse (English pages) are skipped.
- Token boundaries: PyThaiNLP tokens need not fall on gold boundaries, so a match becomes
  ``doc.char_span(..., alignment_mode="expand")`` (the same mode the rules use); a span
  whose expanded text differs from the match is counted as misaligned (and kept).
- Overlaps (an agency inside a position, ``ผู้ว่าราชการจังหวัดลำพูน``): the longest span wins,
  as in the rules, where an agency inside a title is not an agency of its own; of two as
  long (an agency expanded to the whole position token), the one that was on token
  boundaries already. Dropped spans are counted.
- Training examples are the text's lines (paragraphs): every line with a span, and every
  tenth line without one (negatives, kept few because gold does not list every agency a
  text names).

**Training** (:func:`train`): fixed seed, small CNN tok2vec, a fixed number of epochs,
examples in a fixed order shuffled by a seeded ``random.Random``; ``make train`` also pins
BLAS to 2 threads. The same data and seed give the same weights.

**Combination** (:func:`combine`, run by the ``ita_ner`` component after the rules'
``ita_entities``): rules win. An NER span that overlaps any rule mention (agency, person,
position, tier, date, fiscal year) is dropped. What is left fills in what the rules
missed, in a form the relation rules already read:

- an NER AGENCY becomes an agency mention, so a score or figure next to it can attach to it;
- an NER PERSON becomes a person only when an NER POSITION stands right after it (or right
  before it) — an official needs a position — with the honorific just before it, when there
  is one.

The NER reads the text line by line, as it was trained, with its own tokens of each line, so
the rules' entities do not constrain it.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ita_extract.extract.entities import Mention
from ita_extract.extract.lexicon import load_lexicon, tokenizer
from ita_extract.extract.people import Person
from ita_extract.models import DocumentRecord
from ita_extract.thai.tokenize import SpacyThaiTokenizer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from ita_extract.extract.nlp import DocumentMentions

LABELS = ("AGENCY", "PERSON", "POSITION")
MODEL_DIR = Path(__file__).with_name("model")
SWITCH_ENV = "ITA_NER"
MODEL_ENV = "ITA_NER_MODEL"
DEFAULT_ON = False
COMPONENT = "ita_ner"
SEED = 0
EPOCHS = 12
DROPOUT = 0.2
NEGATIVE_EVERY = 10  # keep every n-th line without a span
# How far an NER POSITION may stand from an NER PERSON to be that person's position.
POSITION_GAP = re.compile(r"^[\s,]{0,3}$")

# The model: a small CNN tok2vec (no vectors) under the transition-based NER.
MODEL_CONFIG: dict[str, Any] = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 64,
    "maxout_pieces": 2,
    "use_upper": True,
    "nO": None,
    "tok2vec": {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 96,
        "depth": 2,
        "embed_size": 2000,
        "window_size": 1,
        "maxout_pieces": 3,
        "subword_features": True,
    },
}


# ---------------------------------------------------------------------------- switch


def ner_setting() -> str | None:
    """The model directory to use, or None when the NER is off."""
    value = os.environ.get(SWITCH_ENV, "").strip()
    on = DEFAULT_ON if value == "" else value not in ("0", "false", "no", "off")
    if not on:
        return None
    return os.environ.get(MODEL_ENV) or str(MODEL_DIR)


# ---------------------------------------------------------------------------- alignment


@dataclass
class AlignStats:
    """What happened to the gold strings of the training documents."""

    strings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    not_found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    spans: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    misaligned: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    overlapping: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))

    def add(self, other: AlignStats) -> None:
        for name in ("strings", "not_found", "spans", "misaligned", "overlapping"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v


def gold_strings(record: DocumentRecord) -> list[tuple[str, str]]:
    """(label, string) pairs of one gold record, each once, in a fixed order."""
    pairs: list[tuple[str, str]] = []
    for r in record.results:
        pairs.append(("AGENCY", r.agency))
        pairs.extend(("AGENCY", a) for a in r.agency_aliases)
    for o in record.officials:
        pairs.append(("PERSON", o.name))
        if o.position:
            pairs.append(("POSITION", o.position))
    seen: set[tuple[str, str]] = set()
    out = []
    for label, s in pairs:
        s = s.strip()
        if s and (label, s) not in seen:
            seen.add((label, s))
            out.append((label, s))
    return out


def string_pattern(s: str) -> re.Pattern[str]:
    """``s`` with whitespace free: any run of spaces (or none) between any two of its characters."""
    return re.compile(r"\s*".join(re.escape(c) for c in s if not c.isspace()))


def locate(text: str, s: str) -> list[tuple[int, int]]:
    """Every (start, end) of ``s`` in ``text``, whitespace free, not overlapping."""
    return [(m.start(), m.end()) for m in string_pattern(s).finditer(text) if m.end() > m.start()]


def align(doc: Doc, record: DocumentRecord, stats: AlignStats | None = None) -> list[Span]:
    """The gold strings of ``record`` as labelled token spans of ``doc``: on overlap the
    longest wins, and of two as long the one whose boundaries were on tokens already."""
    stats = stats if stats is not None else AlignStats()
    text = doc.text
    candidates: list[tuple[Span, bool]] = []  # span, misaligned
    for label, s in gold_strings(record):
        stats.strings[label] += 1
        found = locate(text, s)
        if not found:
            stats.not_found[label] += 1
            continue
        for start, end in found:
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is None:  # pragma: no cover - expand always finds tokens inside the text
                stats.misaligned[label] += 1
                continue
            off = span.start_char != start or span.end_char != end
            stats.misaligned[label] += off
            candidates.append((span, off))
    kept: list[Span] = []
    used: set[int] = set()
    for span, _ in sorted(candidates, key=lambda c: (-len(c[0]), c[1], c[0].start)):
        if used.isdisjoint(range(span.start, span.end)):
            kept.append(span)
            used.update(range(span.start, span.end))
            stats.spans[span.label_] += 1
        else:
            stats.overlapping[span.label_] += 1
    return sorted(kept, key=lambda s: s.start)


# ---------------------------------------------------------------------------- training


def blank_nlp() -> Language:
    """The same blank Thai pipeline and tokenizer as ``nlp.build_nlp``, without components."""
    import spacy

    nlp = spacy.blank("th")
    nlp.tokenizer = SpacyThaiTokenizer(nlp.vocab, tokenizer())
    return nlp


def _line_docs(nlp: Language, text: str, record: DocumentRecord, stats: AlignStats) -> list[Doc]:
    """The text's lines as docs with the aligned gold spans as entities."""
    doc = nlp.make_doc(text)
    spans = align(doc, record, stats)
    out: list[Doc] = []
    pos = 0
    negatives = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        inside = [s for s in spans if s.start_char >= start and s.end_char <= end]
        if not inside:
            negatives += 1
            if negatives % NEGATIVE_EVERY:
                continue
        line_doc = nlp.make_doc(line)
        ents = []
        for s in inside:
            span = line_doc.char_span(s.start_char - start, s.end_char - start, label=s.label_,
                                      alignment_mode="expand")
            if span is not None:
                ents.append(span)
        from spacy.util import filter_spans

        line_doc.ents = filter_spans(ents)
        out.append(line_doc)
    return out


def training_docs(nlp: Language, items: Iterable[tuple[str, DocumentRecord]],
                  stats: AlignStats | None = None) -> list[Doc]:
    """Line docs with gold entities for (cleaned text, gold record) pairs."""
    stats = stats if stats is not None else AlignStats()
    docs: list[Doc] = []
    for text, record in items:
        docs.extend(_line_docs(nlp, text, record, stats))
    return docs


def train(items: Sequence[tuple[str, DocumentRecord]], *, epochs: int = EPOCHS, seed: int = SEED,
          stats: AlignStats | None = None, log: Any = None) -> Language:
    """A blank Thai pipeline with an NER trained on the gold spans of ``items``."""
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp = blank_nlp()
    ner = nlp.add_pipe("ner", config={"model": MODEL_CONFIG})
    for label in LABELS:
        ner.add_label(label)  # type: ignore[attr-defined]
    docs = training_docs(nlp, items, stats)
    examples = [Example(nlp.make_doc(d.text), d) for d in docs]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for epoch in range(epochs):
        order = list(examples)
        rng.shuffle(order)
        losses: dict[str, float] = {}
        for batch in minibatch(order, size=16):
            nlp.update(batch, drop=DROPOUT, sgd=optimizer, losses=losses)
        if log:
            log(f"epoch {epoch + 1}/{epochs}: loss {losses.get('ner', 0.0):.1f}")
    return nlp


def save(nlp: Language, path: Path, meta: dict[str, Any] | None = None) -> None:
    """The NER component (weights, labels) and a small meta.json into ``path``."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    nlp.get_pipe("ner").to_disk(path / "ner")  # type: ignore[attr-defined]  # a spaCy pipe, not a bare callable
    info = {"labels": list(LABELS), "model": MODEL_CONFIG, **(meta or {})}
    (path / "meta.json").write_text(json.dumps(info, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                    encoding="utf-8")


def load(path: Path) -> Language:
    """The trained NER pipeline saved by :func:`save` (reads only ``path``: offline)."""
    path = Path(path)
    if not (path / "ner").is_dir():
        raise FileNotFoundError(f"no trained NER in {path} (run `make train`)")
    nlp = blank_nlp()
    ner = nlp.add_pipe("ner", config={"model": MODEL_CONFIG})
    ner.from_disk(path / "ner")  # type: ignore[attr-defined]
    return nlp


def predict(ner_nlp: Language, text: str) -> list[Mention]:
    """The NER's spans in ``text``, line by line as it was trained (offsets into ``text``).
    It reads its own tokens of the text, so the rules' entities do not constrain it."""
    ner_pipe = ner_nlp.get_pipe("ner")
    found: list[Mention] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            for e in ner_pipe(ner_nlp.make_doc(line)).ents:
                found.append(Mention(e.label_, pos + e.start_char, pos + e.end_char, e.text,
                                     " ".join(e.text.split())))
        pos += len(line) + 1
    return found


# ---------------------------------------------------------------------------- combination


def combine(found: DocumentMentions, predicted: list[Mention], text: str) -> DocumentMentions:
    """The rules' mentions with the NER's additions (see the module docstring); rules win."""
    taken: list[tuple[int, int]] = [(p.start, p.end) for p in found.people]
    taken += [(p.position_start, p.position_end) for p in found.people
              if p.position_start is not None and p.position_end is not None]
    taken += [(m.start, m.end) for group in (found.agencies, found.tiers, found.dates, found.years)
              for m in group]
    free = [m for m in predicted if not any(s < m.end and m.start < e for s, e in taken)]
    agencies = sorted(found.agencies + [m for m in free if m.label == "AGENCY"], key=lambda m: m.start)
    positions = [m for m in free if m.label == "POSITION"]
    people = list(found.people)
    honorific = re.compile(rf"(?:{load_lexicon().honorific_alt})\s?$")
    for m in free:
        if m.label != "PERSON":
            continue
        pos = next((q for q in positions if q.start >= m.end and POSITION_GAP.match(text[m.end:q.start])), None)
        if pos is None:
            pos = next((q for q in positions if q.end <= m.start and POSITION_GAP.match(text[q.end:m.start])), None)
        if pos is None:
            continue
        hon = honorific.search(text, max(0, m.start - 30), m.start)
        start = hon.start() if hon else m.start
        people.append(Person(hon.group(0).strip() if hon else "", " ".join(m.text.split()), start, m.end,
                             pos.text.strip(), pos.start, pos.end))
    people.sort(key=lambda p: p.start)
    return replace(found, agencies=agencies, people=people)


class NerComponent:
    """The ``ita_ner`` component: adds the NER's spans the rules missed to
    ``doc.user_data["ita"]`` (what the relation rules read) and ``doc.spans["ita"]``."""

    def __init__(self, model_path: str):
        self.model_path = model_path
        self.ner_nlp = _loaded(model_path)

    def __call__(self, doc: Doc) -> Doc:
        found = doc.user_data["ita"]
        combined = combine(found, predict(self.ner_nlp, doc.text), doc.text)
        doc.user_data["ita"] = combined
        spans = list(doc.spans.get("ita", []))
        marks: list[tuple[str, int | None, int | None]] = [
            ("AGENCY", m.start, m.end) for m in combined.agencies if m not in found.agencies]
        for p in combined.people:
            if p not in found.people:
                marks += [("PERSON", p.start, p.end), ("POSITION", p.position_start, p.position_end)]
        for label, s, e in marks:
            if s is not None and e is not None:
                span = doc.char_span(s, e, label=label, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
        doc.spans["ita"] = spans
        return doc


_LOADED: dict[str, Language] = {}


def _loaded(path: str) -> Language:
    if path not in _LOADED:
        _LOADED[path] = load(Path(path))
    return _LOADED[path]


def _make_component(nlp: Language, name: str, model_path: str) -> NerComponent:
    return NerComponent(model_path)


def add_to(nlp: Language, path: str) -> None:
    """Append the ``ita_ner`` component (model at ``path``) to a pipeline built by ``nlp.py``,
    after the rules' component; raises FileNotFoundError when there is no model there."""
    from spacy.language import Language as SpacyLanguage

    if not SpacyLanguage.has_factory(COMPONENT):
        SpacyLanguage.factory(COMPONENT, default_config={"model_path": str(MODEL_DIR)},
                              func=_make_component)
    nlp.add_pipe(COMPONENT, config={"model_path": path})


def timed_train(items: Sequence[tuple[str, DocumentRecord]], out: Path, *, epochs: int = EPOCHS,
                seed: int = SEED, log: Any = None) -> dict[str, Any]:
    """Train on ``items``, save into ``out``; the alignment counts and seconds taken."""
    stats = AlignStats()
    t0 = time.perf_counter()
    nlp = train(items, epochs=epochs, seed=seed, stats=stats, log=log)
    seconds = time.perf_counter() - t0
    meta = {"documents": len(items), "epochs": epochs, "seed": seed, "alignment": asdict(stats)}
    save(nlp, out, meta)
    return {**meta, "seconds": round(seconds, 1)}


def read_items(pairs: Iterable[tuple[Path, DocumentRecord]]) -> tuple[list[tuple[str, DocumentRecord]], list[str]]:
    """(cleaned text, gold record) for (gold document file, record) pairs, the text read as
    extraction reads it (``ita_extract.parse``); the documents that do not parse (an English
    page refused as "no Thai text") are skipped and named."""
    from ita_extract.errors import InputError
    from ita_extract.parse import parse_file

    items: list[tuple[str, DocumentRecord]] = []
    skipped: list[str] = []
    for path, record in pairs:
        try:
            items.append((parse_file(path).text, record))
        except InputError:
            skipped.append(record.doc)
    return items, skipped
