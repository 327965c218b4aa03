"""Thai word tokenisation: PyThaiNLP's nlpo3 engine, with words of the caller's added.

nlpo3 (Rust) is the default: measured ~9x faster than newmm on long corpus articles.
Its dictionary is PyThaiNLP's word list plus the ``extra_words`` a :class:`Tokenizer` is
built with (extraction passes its lexicon's agency and position heads, honorifics,
abbreviations and provinces, so names such as ``ปลัดกระทรวง`` or ``สำนักงาน`` stay whole).
This module knows no lexicon of its own: the layers above pass their words in.

>>> Tokenizer(["รองปลัด"])("รองปลัดกระทรวงอุตสาหกรรม")[:1]
['รองปลัด']
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pythainlp.corpus import thai_syllables, thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.tokenize.nlpo3 import load_dict, segment

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

ENGINE = "nlpo3"


# The base word lists a Tokenizer can segment with: dictionary words (the default) or
# syllables (PyThaiNLP's syllable list: the full-text index's unit, so that a query finds
# ปี inside ปีงบประมาณ and ประเมิน inside การประเมิน).
BASES = ("words", "syllables")


@functools.lru_cache(maxsize=8)
def _dictionary_name(extra_words: tuple[str, ...], base: str = "words") -> str:
    """Load PyThaiNLP's words (or syllables) + ``extra_words`` into nlpo3 once; return the
    dict's name.

    The word file lives in a per-user cache directory under a name taken from what it is
    made of (PyThaiNLP's version, the base, the extra words), so worker processes and later
    runs share it, and a process that finds it skips building it (reading and sorting
    60,000 words: ~50 ms of every start-up)."""
    import pythainlp  # imported by now (its corpus module is): only for its version

    key = "\n".join((pythainlp.__version__, base, *extra_words)).encode("utf-8")
    digest = hashlib.sha256(key).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"ita-extract-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    cache.mkdir(mode=0o700, exist_ok=True)
    path = cache / f"{base}-{digest}.txt"
    if not path.exists():
        words = sorted(set(thai_syllables() if base == "syllables" else thai_words()) | set(extra_words))
        # several worker processes may start at once: each writes its own file, then renames
        fd, tmp = tempfile.mkstemp(dir=cache, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write("\n".join(words).encode("utf-8"))
        os.replace(tmp, path)
    name = f"ita-extract-{base}-{digest}"
    load_dict(str(path), name)
    return name


class Tokenizer:
    """Split Thai text into words (spaces are kept as tokens, as PyThaiNLP does), keeping
    ``extra_words`` whole; ``base="syllables"`` splits into syllables instead (nlpo3 only).

    >>> Tokenizer(base="syllables")("ปีงบประมาณ")
    ['ปี', 'งบ', 'ประ', 'มาณ']
    """

    def __init__(self, extra_words: Iterable[str] = (), engine: str = ENGINE, base: str = "words"):
        if base not in BASES:
            raise ValueError(f"base must be one of {BASES}, not {base!r}")
        if base != "words" and engine != "nlpo3":
            raise ValueError("syllable segmentation needs the nlpo3 engine")
        self.extra_words = tuple(sorted(set(extra_words)))
        self.engine = engine
        self.base = base

    def __call__(self, text: str) -> list[str]:
        if self.engine == "nlpo3":
            # PyThaiNLP's word_tokenize drops a custom dict name for nlpo3; call its wrapper.
            return list(segment(text, custom_dict=_dictionary_name(self.extra_words, self.base)))
        return list(word_tokenize(text, engine=self.engine))


def tokenize(text: str, *, extra_words: Iterable[str] = (), engine: str = ENGINE) -> list[str]:
    """:class:`Tokenizer` in one call (build a ``Tokenizer`` once to tokenise many texts)."""
    return Tokenizer(extra_words, engine)(text)


class SpacyThaiTokenizer:
    """A spaCy tokenizer on a :class:`Tokenizer`; whitespace tokens become token trailing spaces."""

    def __init__(self, vocab: Vocab, tokenizer: Tokenizer):
        self.vocab = vocab
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        # spaCy is heavy: imported here, so this module loads without it
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        for token in self.tokenizer(text):
            if token == " " and words and not spaces[-1]:
                spaces[-1] = True  # one space after a word is spaCy's trailing whitespace
                continue
            words.append(token)
            spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> SpacyThaiTokenizer:
        return self

    def to_disk(self, path: Any, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: Any, **kwargs: Any) -> SpacyThaiTokenizer:
        return self
