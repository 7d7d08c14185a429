"""The Arabic lexicon: wordfreq's word list, plus an optional domain lexicon.

The domain lexicon may only be built from clean (undamaged) documents; never from
hand-repaired text.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable
from functools import lru_cache

_DIACRITICS = re.compile(r"[\u064B-\u065F\u0670\u0640]")


def lookup_form(word: str) -> str:
    """The form a word is looked up under: no diacritics, no tatweel."""
    return _DIACRITICS.sub("", word)


@lru_cache(maxsize=4)
def _frequencies(lang: str) -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict(lang)


class Lexicon:
    """Word frequencies on the Zipf scale (log10 of frequency per billion words)."""

    def __init__(self, lang: str = "ar", extra: Iterable[str] = ()) -> None:
        self.lang = lang
        self._freq = _frequencies(lang)
        self._extra = {lookup_form(w) for w in extra}
        self._zipf: dict[str, float] = {}
        self.memo: dict[str, list] = {}  # derived data that depends only on this lexicon

    def zipf(self, word: str) -> float:
        """0 for an unknown word; about 1 to 7 for known ones. Domain words count as 3."""
        cached = self._zipf.get(word)
        if cached is not None:
            return cached
        form = lookup_form(word)
        freq = self._freq.get(form)
        value = max(0.0, math.log10(freq) + 9) if freq else (3.0 if form in self._extra else 0.0)
        if len(self._zipf) < 500_000:
            self._zipf[word] = value
        return value

    def known(self, word: str) -> bool:
        return self.zipf(word) > 0

    def coverage(self, words: Iterable[str]) -> float:
        """Share of the (Arabic) words that the lexicon knows."""
        words = [w for w in words if w]
        return sum(self.known(w) for w in words) / len(words) if words else 0.0


_LOADING = threading.Lock()


def default_lexicon() -> Lexicon:
    """The process-wide Arabic lexicon (loaded once, about 1 s, even when several
    documents start at once in threads)."""
    with _LOADING:
        return _load_default()


@lru_cache(maxsize=1)
def _load_default() -> Lexicon:
    return Lexicon("ar")
