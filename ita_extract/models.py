"""The typed spine of the pipeline: one pydantic model per boundary between stages.

    Page (fetch) → Article (parse) → DocumentRecord (extract) → rows (store)

Every offset refers to ``Article.text``, the cleaned text (see ``ita_extract.thai.text``).
``DocumentRecord`` serialises to the JSON shape of ``gold/GUIDELINES.md``; it adds fields
(evidence, tier_derived) but never drops or renames the guideline's.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

Assessment = Literal["ITA", "MORAL_ORG"]
Metric = Literal[
    "average",
    "rank",
    "count_assessed",
    "count_tier",
    "count_pass",
    "count_fail",
    "percent_pass",
    "percent_fail",
    "participants",
]
METRICS: tuple[str, ...] = Metric.__args__  # type: ignore[attr-defined]


class Evidence(BaseModel):
    """Where a value was read: char offsets into the cleaned text, and its sentence."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sentence: str


class Result(BaseModel):
    """One assessed agency and what it got.

    ``agency_aliases``: other names of the same agency (an abbreviation's expansion, the
    short form the text uses); gold and scoring accept a match on any of them. Written out
    only when there is one, so a line without aliases keeps the guideline's shape.
    """

    agency: str
    agency_aliases: list[str] = []
    assessment: Assessment = "ITA"
    score: float | None = None
    tier: str | None = None
    fiscal_year_be: int | None = None
    tier_derived: bool = False
    evidence: Evidence | None = None

    @model_serializer(mode="wrap")
    def _omit_empty_aliases(self, handler: SerializerFunctionWrapHandler) -> dict:
        data = handler(self)
        if not data.get("agency_aliases"):
            data.pop("agency_aliases", None)
        return data


class Aggregate(BaseModel):
    """A figure about a group of agencies (an average, a count, a rank...)."""

    scope: str
    metric: Metric
    tier: str | None = None
    value: float
    fiscal_year_be: int | None = None
    evidence: Evidence | None = None


class Official(BaseModel):
    """A named person with a public role."""

    honorific: str | None = None
    name: str
    position: str | None = None
    evidence: Evidence | None = None


class Page(BaseModel):
    """A fetched HTTP response, kept whole with its provenance."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str] = {}
    fetched_at: dt.datetime
    sha256: str
    body: bytes = Field(repr=False)
    encoding: str | None = None


class Article(BaseModel):
    """A parsed article: the text extraction reads, without page furniture."""

    doc: str
    url: str | None = None
    title: str | None = None
    published: dt.date | None = None
    published_evidence: Evidence | None = Field(
        None, description="where the published date stands in ``text``, when it stands there")
    published_text: str | None = Field(None, description="the page's date line as written (a header, outside ``text``)")
    text: str = Field(repr=False, description="cleaned article text; all offsets refer to it")
    source_path: str | None = None
    source_sha256: str | None = None
    source_format: Literal["txt", "html", "corpus", "crawl"] = "txt"
    warnings: list[str] = []


class DocumentRecord(BaseModel):
    """What extraction found in one document (the guideline's JSON shape)."""

    doc: str
    url: str | None = None
    title: str | None = None
    published: dt.date | None = None
    event_date: dt.date | None = None
    results: list[Result] = []
    aggregates: list[Aggregate] = []
    officials: list[Official] = []
    notes: str | None = None
    event_date_evidence: Evidence | None = None
    warnings: list[str] = []


class Failure(BaseModel):
    """An input that did not make it through a stage, and why."""

    doc: str | None = None
    source: str
    stage: Literal["read", "fetch", "parse", "extract", "store", "validate"]
    error: str
    message: str


def document_json_schema() -> dict:
    """JSON Schema of one JSONL line (predictions and gold share it)."""
    return DocumentRecord.model_json_schema()
