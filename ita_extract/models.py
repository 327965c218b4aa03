"""The typed spine of the pipeline: one pydantic model per boundary between stages.

    Page (fetch) → Article (parse) → DocumentRecord (extract) → rows (store)

**The offset contract** (stated here only): every offset — ``Evidence.start``/``end``,
every span the extractor works with — is a character index into ``Article.text``, the
cleaned text (``thai.text.clean_text``), which is what ``documents_text`` stores; never into
the raw input. ``CleanText.to_source`` maps a cleaned span back to the raw text when
that is wanted.
``DocumentRecord`` serialises to the JSON shape of ``gold/GUIDELINES.md``; it adds fields
(evidence, tier_derived) but never drops or renames the guideline's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from ita_extract.errors import ItaError

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
ScopeLevel = Literal["national", "ministry", "province", "district", "group", "agency"]


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
    def _omit_empty_aliases(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        if not data.get("agency_aliases"):
            data.pop("agency_aliases", None)
        return data


class Aggregate(BaseModel):
    """A figure about a group of agencies (an average, a count, a rank...)."""

    scope: str
    # The scope's kind, read from its wording: national, ministry, province, district,
    # group (a type or set of agencies) or agency; null when the text names no group.
    scope_level: ScopeLevel | None = None
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
        None, description="where the published date stands in ``text``, when it stands there (a body dateline)")
    published_text: str | None = Field(None, description="the page's date line as written (a header, outside ``text``)")
    text: str = Field(repr=False, description="cleaned article text, the headline line first; all offsets refer to it")
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


Stage = Literal["read", "fetch", "parse", "extract", "store", "validate"]
#: Longest failure message kept (a traceback-sized message says nothing more).
FAILURE_MESSAGE_MAX = 500


class Failure(BaseModel):
    """An input that did not make it through a stage, and why: one vocabulary for every runner.

    ``stage`` is where it failed:

    - ``read``: the input file could not be read (too large, empty, a duplicate document id)
    - ``fetch``: no usable response (robots.txt, HTTP status, timeout, soft 404...)
    - ``parse``: bytes → Article failed (binary, not Thai, no article text; an unreadable listing)
    - ``extract``: Article → DocumentRecord failed
    - ``store``: the database refused the document
    - ``validate``: gold or predictions do not validate

    ``error`` is the reason code: an ``ItaError``'s ``reason`` attribute when it has one
    (``robots``, ``http_404``, ``soft_404``, ``timeout``...), else its class name
    (``EmptyInput``, ``NotThaiInput``, ``InputTooLarge``...); any other exception is a bug,
    ``<stage>_error`` (``parse_error``, ``extract_error``, ``store_error``), with the
    exception's type at the head of the message. Build it with :meth:`from_exception`.
    """

    doc: str | None = None
    source: str
    stage: Stage
    error: str
    message: str

    @classmethod
    def from_exception(cls, stage: Stage, exc: BaseException, *, doc: str | None, source: str) -> Failure:
        """The failure row of ``exc`` at ``stage``.

        >>> from ita_extract.errors import EmptyInput
        >>> f = Failure.from_exception("read", EmptyInput("a.txt: empty"), doc="a", source="a.txt")
        >>> f.stage, f.error, f.message
        ('read', 'EmptyInput', 'a.txt: empty')
        >>> Failure.from_exception("extract", ZeroDivisionError("bug"), doc="a", source="a.txt").error
        'extract_error'
        """
        if isinstance(exc, ItaError):
            reason = str(getattr(exc, "reason", "") or type(exc).__name__)
            message = str(exc) or repr(exc)
        else:
            reason = f"{stage}_error"
            message = f"{type(exc).__name__}: {exc}"
        return cls(doc=doc, source=source, stage=stage, error=reason, message=message[:FAILURE_MESSAGE_MAX])


def document_json_schema() -> dict[str, Any]:
    """JSON Schema of one JSONL line (predictions and gold share it)."""
    return DocumentRecord.model_json_schema()
