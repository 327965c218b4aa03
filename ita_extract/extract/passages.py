"""Stage 1, passages: which parts of an article extraction reads.

A short article is read whole. A long multi-topic one (cabinet-meeting summaries run past
100,000 characters) is read only around the paragraphs that mention the assessment: the
numbered item ("13. เรื่อง ...") that holds the mention, or a few paragraphs around it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ita_extract.extract import lexicon

# Articles up to this size are analysed whole: news items are 2-15k characters, digests
# and cabinet summaries 100k-550k.
WHOLE_ARTICLE_MAX = 20_000
# Paragraphs kept around a mention when no item heading bounds it.
CONTEXT_LINES = 3
# An item of a cabinet summary or digest: "13. เรื่อง ...", "๑๓. เรื่อง", "18. ..." at line start.
ITEM_HEADING = re.compile(r"^\s*\d{1,3}\s?\.\s*(?:เรื่อง|\S)", re.M)
# An item runs at most this many lines (a flattened table takes one line per cell), so a
# missing next heading cannot swallow the rest.
MAX_ITEM_LINES = 250


@dataclass(frozen=True)
class Passage:
    """A span of the article text that extraction analyses."""

    start: int
    end: int


def topic_re() -> re.Pattern[str]:
    """The assessment named in a text (``topic.toml``'s ita and moral_org words)."""
    return lexicon.topic_re("ita", "moral_org")


def is_relevant(text: str) -> bool:
    return bool(topic_re().search(text))


def _topic_literals() -> tuple[str, ...]:
    """Every word :func:`topic_re` is built from: each of its matches holds one of them."""
    words: list[str] = []
    for use in ("ita", "moral_org", "ita_anywhere", "moral_org_anywhere"):
        try:
            words += lexicon.topic_words(use)
        except KeyError:  # an ``_anywhere`` list is optional
            pass
    return tuple(words)


def topic_lines(text: str, lines: list[str], starts: list[int]) -> list[int]:
    """The indices of the ``lines`` of ``text`` (starting at ``starts``) that name the topic.

    The regex is tried only on lines holding one of its words: ``str.find`` over a digest
    is ~30x faster than the regex scanning every position, and the lines found are the
    same, since every match of the regex holds one of its words."""
    candidates: set[int] = set()
    for word in _topic_literals():
        at = text.find(word)
        while at >= 0:
            candidates.add(bisect.bisect_right(starts, at) - 1)
            at = text.find(word, at + 1)
    topic = topic_re()
    return [i for i in sorted(candidates) if topic.search(lines[i])]


def select_passages(text: str) -> list[Passage]:
    """The spans of ``text`` to analyse, in order, not overlapping."""
    if not text.strip():
        return []
    if len(text) <= WHOLE_ARTICLE_MAX:
        return [Passage(0, len(text))] if is_relevant(text) else []
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    headings = [i for i, ln in enumerate(lines) if ITEM_HEADING.match(ln) and re.match(r"^\s*\d{1,3}\s?\.\s*เรื่อง", ln)]
    spans: list[tuple[int, int]] = []
    for i in topic_lines(text, lines, starts):
        line = lines[i]
        if headings and re.match(r"^\s*\d{1,3}\s?\.\s*เรื่อง", line) and _is_toc_line(lines, i, headings):
            continue  # a table-of-contents entry repeats the item's title only
        prev_heads = [h for h in headings if h <= i]
        next_heads = [h for h in headings if h > i]
        if prev_heads and i - prev_heads[-1] <= MAX_ITEM_LINES:
            lo = prev_heads[-1]
        else:
            lo = max(0, i - CONTEXT_LINES)
        hi = min(next_heads[0] if next_heads else len(lines), lo + MAX_ITEM_LINES, len(lines))
        if hi <= i:
            hi = min(len(lines), i + CONTEXT_LINES + 1)
        spans.append((lo, hi))
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    out = []
    for lo, hi in merged:
        start = starts[lo]
        end = starts[hi - 1] + len(lines[hi - 1])
        out.append(Passage(start, end))
    return out


def _is_toc_line(lines: list[str], i: int, headings: list[int]) -> bool:
    """A heading whose next line is also a heading belongs to the table of contents."""
    j = i + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j in headings
