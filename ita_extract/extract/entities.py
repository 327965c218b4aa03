"""Entity mentions found by rule, and the finders of the simple ones: TIER, FISCAL_YEAR,
DATE, NUMBER (agencies are found in ``agencies.py``, people in ``people.py``).

Thai is written without spaces between words, and spaCy's token-based matchers miss
names whose boundaries do not fall on PyThaiNLP token boundaries. So the rules work on
characters (regexes built from the lexicon data files) and the spaCy component in
``nlp.py`` projects their spans onto the tokens. Every mention keeps its char offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ita_extract.extract.patterns import patterns
from ita_extract.thai.dates import find_dates, find_years
from ita_extract.thai.numbers import find_numbers


@dataclass(frozen=True)
class Mention:
    """A labelled span; ``value`` is what it means (an agency's canonical name, a tier,
    a year, a date, a number)."""

    label: str
    start: int
    end: int
    text: str
    value: Any = None
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def shifted(self, offset: int) -> Mention:
        return Mention(self.label, self.start + offset, self.end + offset, self.text, self.value, self.attrs)


def find_tiers(text: str) -> list[Mention]:
    """Tier mentions: ITA letter or word tiers, and the moral-organisation levels."""
    pat = patterns()
    out: list[Mention] = []
    for m in pat.tier.finditer(text):
        out.append(Mention("TIER", m.start(), m.end(), m.group(0), m.group("tier"), {"kind": "ITA"}))
    for m in pat.word_tier.finditer(text):
        if not any(t.start <= m.start() < t.end for t in out):
            out.append(Mention("TIER", m.start(), m.end(), m.group(0), m.group("tier"), {"kind": "ITA"}))
    for m in pat.moral_tier.finditer(text):
        tier = m.group("tier") or m.group("bare")  # as the text writes it (GUIDELINES.md)
        out.append(Mention("TIER", m.start(), m.end(), m.group(0), tier, {"kind": "MORAL_ORG"}))
    out.sort(key=lambda x: x.start)
    return out


def find_fiscal_years(text: str) -> list[Mention]:
    return [
        Mention("FISCAL_YEAR", y.start, y.end, y.text, y.year_be, {"fiscal": y.fiscal})
        for y in find_years(text)
    ]


def find_date_mentions(text: str) -> list[Mention]:
    return [Mention("DATE", d.start, d.end, d.text, d.date, {"placeholder": d.placeholder}) for d in find_dates(text)]


def find_number_mentions(text: str) -> list[Mention]:
    return [
        Mention("NUMBER", n.start, n.end, n.text, n.value, {"percent": n.percent, "approx": n.approx})
        for n in find_numbers(text)
    ]

