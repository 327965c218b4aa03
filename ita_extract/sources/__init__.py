"""Sources: where articles come from, declared in ``pipelines/<name>.toml``.

    definition  SourceDefinition + strict TOML loader
    html        extract_page: HTML → title, date, body text, links, soft 404, stubs
    discover    listing pages, RSS, sitemap.xml, Wayback CDX → article URLs
    state       crawl state and raw responses in the dataset's SQLite file; the crawl lock
    crawl       crawl(), fetch_and_parse(), reparse()
    corpus      the PyThaiNLP thaigov-v2-corpus directory, with a byte-level pre-filter

Errors (all ``ItaError``, one line each): ``SourceDefinitionError`` (``UnknownSource``,
``CorpusNotFound``: no corpus directory) and ``CrawlLocked`` (another crawl or reparse is
writing to the same database).

The pipeline files live in the repository's top-level ``pipelines/`` directory; an
installed wheel carries them as ``ita_extract/pipelines/``. ``ITA_PIPELINES_DIR`` overrides
both.
"""

from __future__ import annotations

import os
from pathlib import Path

from ita_extract.sources.corpus import CorpusNotFound
from ita_extract.sources.definition import (
    SourceDefinition,
    SourceDefinitionError,
    UnknownSource,
    load_definition,
)
from ita_extract.sources.state import CrawlLocked

__all__ = [
    "CorpusNotFound",
    "CrawlLocked",
    "SourceDefinition",
    "SourceDefinitionError",
    "UnknownSource",
    "list_sources",
    "load_source",
    "pipelines_dir",
    "source_for_url",
]

_PACKAGE = Path(__file__).resolve().parent.parent


def pipelines_dir() -> Path:
    """The directory holding the pipeline definitions."""
    env = os.environ.get("ITA_PIPELINES_DIR")
    if env:
        return Path(env)
    for candidate in (_PACKAGE / "pipelines", _PACKAGE.parent / "pipelines"):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / "pipelines"


def list_sources() -> list[str]:
    """Names of the pipeline definitions, sorted."""
    return sorted(p.stem for p in pipelines_dir().glob("*.toml"))


def load_source(name_or_path: str | Path) -> SourceDefinition:
    """A definition by name (``thaigov``) or by path to a ``.toml`` file."""
    text = str(name_or_path)
    if text.endswith(".toml") or os.sep in text or "/" in text:
        return load_definition(Path(text))
    path = pipelines_dir() / f"{text}.toml"
    if not path.is_file():
        known = ", ".join(list_sources()) or "none"
        raise UnknownSource(f"unknown source {text!r} (known: {known})")
    return load_definition(path)


def source_for_url(url: str) -> SourceDefinition | None:
    """The first definition whose hosts include the URL's host, else None (generic)."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    for name in list_sources():
        definition = load_source(name)
        if definition.kind == "http" and definition.matches_host(host):
            return definition
    return None
