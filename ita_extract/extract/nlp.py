"""The mentions of a text, and the spaCy pipeline that shows them on tokens: a Thai
``Language`` on the nlpo3 tokenizer, with the entity rules as a component. This is the only
module that imports spaCy.

    found = read_document("นายสันติธร ยิ้มละมัย ผู้ว่าราชการจังหวัดลำพูน ...", {})
    nlp = build_nlp()
    doc = annotate(nlp, "นายสันติธร ยิ้มละมัย ผู้ว่าราชการจังหวัดลำพูน ...")
    [(s.label_, s.text) for s in doc.spans["ita"]]

The rules of ``agencies.py``, ``people.py`` and ``entities.py`` are char-level
(:func:`find_mentions`), and the relation rules read only their char-level mentions, so
extraction (:func:`read_document`) runs them without building a ``Doc`` when the NER is off:
tokenising a passage and building its ``Doc`` cost as much as the rules themselves, and
importing spaCy as much again, for tokens nothing read (measured in
``benchmarks/bench_process.py``). The ``ita_entities`` component runs the same
:func:`find_mentions` and projects its spans onto tokens (``alignment_mode="expand"``,
because Thai names need not fall on token boundaries), keeping the char-level mentions in
``doc.user_data["ita"]`` (a :class:`DocumentMentions`). With the switch on (``ITA_NER=1``),
extraction builds the ``Doc`` and the trained NER of ``ner.py`` (the other module that
imports spaCy) runs after the rules and adds what they missed to both.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ita_extract.extract.agencies import find_agencies
from ita_extract.extract.entities import (
    Mention,
    find_date_mentions,
    find_fiscal_years,
    find_number_mentions,
    find_tiers,
)
from ita_extract.extract.lexicon import tokenizer
from ita_extract.extract.ner import ner_setting
from ita_extract.extract.people import Person, find_people
from ita_extract.parse import MAX_TEXT_CHARS
from ita_extract.thai.tokenize import SpacyThaiTokenizer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

SPAN_KEY = "ita"
COMPONENT = "ita_entities"


@dataclass(frozen=True)
class DocumentMentions:
    """The char-level mentions of one text, offsets into that text."""

    people: list[Person]
    agencies: list[Mention]
    tiers: list[Mention]
    dates: list[Mention]
    years: list[Mention]
    numbers: list[Mention]


def find_mentions(text: str, abbreviations: dict[str, str]) -> DocumentMentions:
    """What the char-level rules find in ``text``, the article's abbreviations known."""
    return DocumentMentions(
        people=find_people(text),
        agencies=find_agencies(text, abbreviations),
        tiers=find_tiers(text),
        dates=find_date_mentions(text),
        years=find_fiscal_years(text),
        numbers=find_number_mentions(text),
    )


def ita_entities(doc: Doc) -> Doc:
    """Rule-based AGENCY, PERSON, POSITION, TIER, DATE, FISCAL_YEAR and NUMBER spans."""
    # spaCy is loaded by now: build_nlp imported it to register this component
    from spacy.util import filter_spans

    text = doc.text
    found = find_mentions(text, doc.user_data.get("abbreviations", {}))
    doc.user_data["ita"] = found
    spans: list[Span] = []
    flat: list[Mention] = []
    for p in found.people:
        flat.append(Mention("PERSON", p.start, p.end, text[p.start:p.end]))
        if p.position_start is not None and p.position_end is not None:
            flat.append(Mention("POSITION", p.position_start, p.position_end, p.position or ""))
    for group in (found.agencies, found.tiers, found.dates, found.years):
        flat.extend(group)
    for m in flat:
        span = doc.char_span(m.start, m.end, label=m.label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[SPAN_KEY] = spans
    doc.ents = filter_spans(spans)
    return doc


def build_nlp(ner_model: str | None = None) -> Language:
    """A blank Thai pipeline with ita-extract's tokenizer and entity rules; with
    ``ner_model``, the trained NER of ``ner.py`` after them (see ``ner.py``)."""
    # spaCy takes a second to import (and brings requests, httpx, jinja2 with its CLI):
    # loaded only when a Doc is asked for, so extraction without the NER, the CLI and the
    # crawlers run without it
    import spacy
    from spacy.language import Language

    if not Language.has_factory(COMPONENT):
        Language.component(COMPONENT, func=ita_entities)
    nlp = spacy.blank("th")
    # the input size limit is stated once, in parse: texts over it are refused before here
    nlp.max_length = MAX_TEXT_CHARS
    nlp.tokenizer = SpacyThaiTokenizer(nlp.vocab, tokenizer())
    nlp.add_pipe(COMPONENT)
    if ner_model is not None:
        from ita_extract.extract.ner import add_to

        add_to(nlp, ner_model)
    return nlp


def shared_nlp() -> Language:
    """The pipeline of the current switch (``ITA_NER``, see ``ner.py``), built once per setting."""
    return _shared_nlp(ner_setting())


@functools.lru_cache(maxsize=4)
def _shared_nlp(ner_model: str | None) -> Language:
    return build_nlp(ner_model)


def annotate(nlp: Language, text: str, abbreviations: dict[str, str] | None = None) -> Doc:
    """Run the pipeline on ``text`` with the article's own abbreviations available."""
    doc = nlp.make_doc(text)
    doc.user_data["abbreviations"] = abbreviations or {}
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def read_document(text: str, abbreviations: dict[str, str]) -> DocumentMentions:
    """The mentions of ``text`` for extraction: those ``annotate(shared_nlp(), ...)`` keeps in
    ``doc.user_data["ita"]``. With the NER off they are found without the ``Doc`` (no
    component but the rules' own, whose tokens no rule reads); with it on, the pipeline runs."""
    if ner_setting() is None:
        return find_mentions(text, abbreviations)
    mentions: DocumentMentions = annotate(shared_nlp(), text, abbreviations).user_data["ita"]
    return mentions
