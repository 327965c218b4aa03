"""The spaCy pipeline: a Thai ``Language`` on the nlpo3 tokenizer, with the entity rules as
a component.

    nlp = build_nlp()
    doc = annotate(nlp, "นายสันติธร ยิ้มละมัย ผู้ว่าราชการจังหวัดลำพูน ...")
    [(s.label_, s.text) for s in doc.spans["ita"]]

The ``ita_entities`` component runs the char-level rules of ``entities.py`` and projects
their spans onto tokens (``alignment_mode="expand"``, because Thai names need not fall on
token boundaries); the exact char-level mentions stay in ``doc.user_data["ita"]``, which
is what the relation rules read. A statistical NER component trained later can be added
after it and write to the same span group.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from ita_extract.extract.entities import (
    Mention,
    find_agencies,
    find_date_mentions,
    find_fiscal_years,
    find_number_mentions,
    find_people,
    find_tiers,
)
from ita_extract.thai.tokenize import SpacyThaiTokenizer

SPAN_KEY = "ita"


@Language.component("ita_entities")
def ita_entities(doc: Doc) -> Doc:
    """Rule-based AGENCY, PERSON, POSITION, TIER, DATE, FISCAL_YEAR and NUMBER spans."""
    text = doc.text
    abbreviations = doc.user_data.get("abbreviations", {})
    people = find_people(text)
    mentions = {
        "people": people,
        "agencies": find_agencies(text, abbreviations),
        "tiers": find_tiers(text),
        "dates": find_date_mentions(text),
        "years": find_fiscal_years(text),
        "numbers": find_number_mentions(text),
    }
    doc.user_data["ita"] = mentions
    spans: list[Span] = []
    flat: list[Mention] = []
    for p in people:
        flat.append(Mention("PERSON", p.start, p.end, text[p.start:p.end]))
        if p.position_start is not None:
            flat.append(Mention("POSITION", p.position_start, p.position_end, p.position or ""))
    for key in ("agencies", "tiers", "dates", "years"):
        flat.extend(mentions[key])
    for m in flat:
        span = doc.char_span(m.start, m.end, label=m.label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[SPAN_KEY] = spans
    doc.ents = spacy.util.filter_spans(spans)
    return doc


def build_nlp() -> Language:
    """A blank Thai pipeline with ita-extract's tokenizer and entity rules."""
    nlp = spacy.blank("th")
    nlp.tokenizer = SpacyThaiTokenizer(nlp.vocab)
    nlp.add_pipe("ita_entities")
    return nlp


@functools.lru_cache(maxsize=1)
def shared_nlp() -> Language:
    return build_nlp()


def annotate(nlp: Language, text: str, abbreviations: dict[str, str] | None = None) -> Doc:
    """Run the pipeline on ``text`` with the article's own abbreviations available."""
    doc = nlp.make_doc(text)
    doc.user_data["abbreviations"] = abbreviations or {}
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
