"""Gazetteers and cue lists, loaded once from the data files in ``lexicon/``.

The rules in this package read only what is here; adding an honorific, a position
head, an abbreviation or a cue word is a data change, not a code change.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import cast

from pythainlp.corpus import provinces

from ita_extract.thai.tokenize import Tokenizer

LEXICON = resources.files("ita_extract.extract") / "lexicon"


def _lines(name: str) -> list[str]:
    text = (LEXICON / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def _alternation(words: list[str]) -> str:
    """A regex alternation that prefers the longest word (regex alternation is ordered)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class Tier:
    written: str
    band: str
    min_score: float


@dataclass(frozen=True, eq=False)
class Lexicon:
    honorifics: tuple[str, ...]
    position_heads: tuple[str, ...]
    agency_heads: tuple[str, ...]
    abbreviations: dict[str, str]
    place_abbreviations: frozenset[str]
    tiers: dict[str, Tier]
    provinces: tuple[str, ...]
    cues: dict[str, dict[str, list[str]]]
    # the tier words of each use of tiers.tsv's fourth column, in file order
    tier_uses: dict[str, tuple[str, ...]]

    def cue(self, section: str, key: str) -> list[str]:
        return list(self.cues[section][key])

    def cue_alt(self, section: str, key: str) -> str:
        """The cue list as a regex alternation in written order (the first that matches wins)."""
        return "|".join(re.escape(w) for w in self.cues[section][key])

    def cue_fragment(self, section: str, key: str) -> str:
        """A list documented as regex fragments, joined in written order (not escaped)."""
        return "|".join(self.cues[section][key])

    def tier_alt(self, use: str) -> str:
        """The tier words of one use (``standalone``, ``moral``, ``moral_bare``) as a regex
        alternation in file order (a longer word that begins with a shorter one comes first)."""
        return "|".join(re.escape(w) for w in self.tier_uses[use])

    def cue_re(self, section: str, key: str) -> re.Pattern[str]:
        """The cue list as one compiled alternation (cached)."""
        key_ = (section, key)
        if key_ not in _CUE_RES:
            _CUE_RES[key_] = re.compile(_alternation(self.cue(section, key)))
        return _CUE_RES[key_]

    @functools.cached_property
    def honorific_alt(self) -> str:
        return _alternation(list(self.honorifics))

    @functools.cached_property
    def position_alt(self) -> str:
        return _alternation(list(self.position_heads))

    @functools.cached_property
    def agency_alt(self) -> str:
        return _alternation(list(self.agency_heads))

    @functools.cached_property
    def province_alt(self) -> str:
        return _alternation(list(self.provinces))

    def derive_tier(self, score: float) -> str:
        """NACC bands: AA ≥ 95, A ≥ 85, B ≥ 75, C ≥ 65, D ≥ 55, E ≥ 50, F below."""
        bands = sorted(
            {(t.min_score, t.band) for t in self.tiers.values()}, reverse=True
        )
        for minimum, band in bands:
            if score >= minimum:
                return band
        return bands[-1][1]


_CUE_RES: dict[tuple[str, str], re.Pattern[str]] = {}


def _tiers() -> tuple[dict[str, Tier], dict[str, tuple[str, ...]]]:
    """The NACC tiers (rows with a band), and the words of each use of the fourth column
    (a moral-organisation level has no band: it is only a use)."""
    tiers: dict[str, Tier] = {}
    uses: dict[str, list[str]] = {}
    for line in _lines("tiers.tsv"):
        written, band, minimum, *flags = line.split("\t")
        if band.strip() != "-":
            tiers[written] = Tier(written, band, float(minimum))
        for use in flags:
            uses.setdefault(use.strip(), []).append(written)
    return tiers, {use: tuple(words) for use, words in uses.items()}


def _abbreviations() -> tuple[dict[str, str], frozenset[str]]:
    """The abbreviation table, and the abbreviations that take a place name after them."""
    table, place = {}, set()
    for line in _lines("abbreviations.tsv"):
        abbr, expansion, *flags = line.split("\t")
        table[abbr.strip()] = expansion.strip()
        if "place" in flags:
            place.add(abbr.strip())
    return table, frozenset(place)


def _provinces() -> tuple[str, ...]:
    details = cast(list[dict[str, str]], provinces(details=True))
    names = {p["name_th"] for p in details}
    # Bangkok is written both ways in news.
    names |= {"กรุงเทพฯ", "กรุงเทพมหานคร"}
    return tuple(sorted(names, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The lexicon, read once per process."""
    abbreviations, place_abbreviations = _abbreviations()
    tiers, tier_uses = _tiers()
    return Lexicon(
        honorifics=tuple(_lines("honorifics.txt")),
        position_heads=tuple(_lines("positions.txt")),
        agency_heads=tuple(_lines("agency_heads.txt")),
        abbreviations=abbreviations,
        place_abbreviations=place_abbreviations,
        tiers=tiers,
        tier_uses=tier_uses,
        provinces=_provinces(),
        cues=tomllib.loads((LEXICON / "cues.toml").read_text(encoding="utf-8")),
    )


def custom_words() -> list[str]:
    """Words the tokeniser must keep whole: agency and position heads, honorifics,
    abbreviations and provinces (newmm/nlpo3 split names like แพทองธาร otherwise)."""
    lex = load_lexicon()
    words = set(lex.position_heads) | set(lex.agency_heads) | set(lex.honorifics)
    words |= set(lex.abbreviations) | set(lex.provinces)
    return sorted(w for w in words if " " not in w)


@functools.lru_cache(maxsize=1)
def _topic() -> dict[str, list[str]]:
    return tomllib.loads((LEXICON / "topic.toml").read_text(encoding="utf-8"))


def topic_words(use: str) -> tuple[str, ...]:
    """The words that name the assessment, for one use (a list of ``topic.toml``)."""
    return tuple(_topic()[use])


@functools.cache
def topic_re(*uses: str) -> re.Pattern[str]:
    """The topic words of ``uses`` as one regex; Latin words match as whole words, but
    those of a ``<use>_anywhere`` list."""
    parts = [rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])" if w.isascii() else re.escape(w)
             for use in uses for w in topic_words(use)]
    parts += [re.escape(w) for use in uses for w in _topic().get(f"{use}_anywhere", [])]
    return re.compile("|".join(parts))


@functools.lru_cache(maxsize=1)
def tokenizer() -> Tokenizer:
    """The tokeniser extraction uses: nlpo3 with :func:`custom_words` kept whole."""
    return Tokenizer(custom_words())
