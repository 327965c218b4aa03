"""Sources: where articles come from, declared in ``pipelines/<name>.toml``; the crawl runner.

    discover    listing pages, RSS, sitemap.xml, Wayback CDX → article URLs
    state       crawl state and raw responses in the dataset's SQLite file; the crawl lock
    crawl       crawl(), fetch_and_parse(), reparse()
    corpus      the PyThaiNLP thaigov-v2-corpus directory, with a byte-level pre-filter

The definitions themselves (``SourceDefinition``, the strict TOML loader, the registry of
``pipelines/``) live in ``ita_extract.definition``, and the HTML page reader in
``ita_extract.html``: the parse stage needs both, and sits below this package. They are
re-exported here. This module imports nothing heavy and no runner.

Errors (all ``ItaError``, one line each, defined in ``ita_extract.errors``):
``SourceDefinitionError`` (``UnknownSource``, ``CorpusNotFound``: no corpus directory) and
``CrawlLocked`` (another crawl or reparse is writing to the same database).

The pipeline files live in the repository's top-level ``pipelines/`` directory; an
installed wheel carries them as ``ita_extract/pipelines/``. ``ITA_PIPELINES_DIR`` overrides
both.
"""

from __future__ import annotations

from ita_extract.definition import (
    SourceDefinition,
    list_sources,
    load_definition,
    load_source,
    pipelines_dir,
    source_for_url,
)
from ita_extract.errors import CorpusNotFound, CrawlLocked, SourceDefinitionError, UnknownSource

__all__ = [
    "CorpusNotFound",
    "CrawlLocked",
    "SourceDefinition",
    "SourceDefinitionError",
    "UnknownSource",
    "list_sources",
    "load_definition",
    "load_source",
    "pipelines_dir",
    "source_for_url",
]
