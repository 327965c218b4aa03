"""The Thai search test set (``search_queries.tsv``) and what counts as a hit, shared by
``test_search.py`` and ``benchmarks/bench_search.py``.

A document is expected for a query when every space-separated part of the query occurs
in its title or text as a whole Thai unit: not followed by a vowel, ำ or a tone mark (so ผล
in ผลิต does not count, the word there is ผลิต) and not preceded by a leading vowel
(เ แ โ ใ ไ, which belong to the syllable the part would start inside); a Latin part
is a whole word (ITA, not digITAl).
"""

from __future__ import annotations

import re
from pathlib import Path

QUERIES = Path(__file__).with_name("search_queries.tsv")
_MARKS = "\u0e31-\u0e3a\u0e47-\u0e4e"
_LEADING = "\u0e40-\u0e44"


def queries() -> list[tuple[str, str]]:
    rows = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, kind = line.split("\t")
            rows.append((query, kind))
    return rows


def _pattern(part: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![{_LEADING}A-Za-z]){re.escape(part)}(?![{_MARKS}A-Za-z])", re.IGNORECASE)


def expected(query: str, texts: dict[str, str]) -> set[str]:
    """The docs of ``texts`` (doc → title + text) that ``query`` should find."""
    patterns = [_pattern(part) for part in query.split()]
    return {doc for doc, text in texts.items() if all(p.search(text) for p in patterns)}


def recall(found: dict[str, set[str]], truth: dict[str, set[str]]) -> float:
    """Micro recall over every (query, expected doc) pair."""
    pairs = sum(len(docs) for docs in truth.values())
    hits = sum(len(truth[q] & found.get(q, set())) for q in truth)
    return hits / pairs if pairs else 1.0
