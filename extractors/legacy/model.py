"""A letter model of Arabic words, for solving legacy-font codes: trigram probabilities
of letters inside words (with word edges), counted over the commonest Arabic word forms
of wordfreq, each weighted by the square root of its frequency (so that a handful of
function words do not drown the rest). Word shapes (length and joins) index a larger
share of the list, for the solver's word moves."""

from __future__ import annotations

import math
import threading
from collections import Counter
from functools import cache

TOP_WORDS = 60_000  # the letter model's words
TOP_SHAPES = 300_000  # the words indexed by shape
EDGE = "^"
END = "$"
_LOCK = threading.Lock()


class LetterModel:
    """log10 P(letter | two letters before), interpolated with bigrams and unigrams."""

    def __init__(self, words: dict[str, float], shaped: dict[str, float] | None = None) -> None:
        tri: Counter[str] = Counter()
        bi: Counter[str] = Counter()
        uni: Counter[str] = Counter()
        for word, freq in words.items():
            weight = math.sqrt(freq)
            padded = EDGE + EDGE + word + END
            for i in range(2, len(padded)):
                tri[padded[i - 2 : i + 1]] += weight
                bi[padded[i - 1 : i + 1]] += weight
                uni[padded[i]] += weight
        self.letters = sorted(c for c in uni if c != END)
        total = sum(uni.values())
        ctx2: Counter[str] = Counter()
        ctx1: Counter[str] = Counter()
        for gram, n in tri.items():
            ctx2[gram[:2]] += n
        for gram, n in bi.items():
            ctx1[gram[:1]] += n
        self._tri, self._bi, self._uni = tri, bi, uni
        self._ctx2, self._ctx1, self._total = ctx2, ctx1, total
        self._memo: dict[str, float] = {}
        self.frequency = {c: uni[c] / total for c in self.letters}
        self.shapes: dict[tuple[int, tuple[bool, ...]], list[tuple[tuple[str, ...], float]]] = {}
        for word, freq in (shaped or words).items():  # commonest first
            units = glyph_units(word)
            self.shapes.setdefault((len(units), joins(units)), []).append((units, freq))
        self.joins_by_length: dict[int, list[tuple[bool, ...]]] = {}
        for length, pattern in self.shapes:
            self.joins_by_length.setdefault(length, []).append(pattern)

    def _p(self, a: str, b: str, c: str) -> float:
        p1 = (self._uni.get(c, 0.0) + 0.1) / (self._total + 5.0)
        n1 = self._ctx1.get(b, 0.0)
        p2 = self._bi.get(b + c, 0.0) / n1 if n1 else 0.0
        n2 = self._ctx2.get(a + b, 0.0)
        p3 = self._tri.get(a + b + c, 0.0) / n2 if n2 else 0.0
        return 0.6 * p3 + 0.3 * p2 + 0.1 * p1

    def logp(self, word: str) -> float:
        """log10 probability of ``word`` as a whole Arabic word."""
        found = self._memo.get(word)
        if found is not None:
            return found
        padded = EDGE + EDGE + word + END
        value = sum(
            math.log10(self._p(padded[i - 2], padded[i - 1], padded[i]))
            for i in range(2, len(padded))
        )
        if len(self._memo) < 2_000_000:
            self._memo[word] = value
        return value


RIGHT_JOINING = set("اأإآدذرزوؤةىء")  # letters never joined to the next one
LAM_ALEF = set("اأإآ")


def glyph_units(word: str) -> tuple[str, ...]:
    """A word's glyphs: its letters, lam and alef together as one (a lam-alef)."""
    units: list[str] = []
    for letter in word:
        if letter in LAM_ALEF and units and units[-1] == "ل":
            units[-1] = "ل" + letter
        else:
            units.append(letter)
    return tuple(units)


def joins(units: tuple[str, ...]) -> tuple[bool, ...]:
    """For each glyph of a word, whether it joins the next one."""
    return tuple(
        i < len(units) - 1 and len(u) == 1 and u not in RIGHT_JOINING for i, u in enumerate(units)
    )


@cache
def _load() -> LetterModel:
    from wordfreq import get_frequency_dict

    freq = get_frequency_dict("ar")
    arabic = {w: f for w, f in freq.items() if w and all("\u0621" <= ch <= "\u064a" for ch in w)}
    ranked = dict(sorted(arabic.items(), key=lambda kv: -kv[1])[:TOP_SHAPES])
    return LetterModel(dict(list(ranked.items())[:TOP_WORDS]), ranked)


def letter_model() -> LetterModel:
    """The process-wide model (built once, a few seconds)."""
    with _LOCK:
        return _load()
