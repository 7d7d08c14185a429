"""Sentence context: an Arabic word-bigram model with backoff, to choose among readings
of a damaged word by its neighbours (في ضوء, not في سوء; سلة العلاجات, not صلة).

The model (``data/context_bigrams.npz``, built by ``benchmarks/build_context_model.py``
from openly licensed Arabic text named in the README) holds hashed word and bigram
counts. ``gain(a, b)`` is how much more likely ``b`` is after ``a`` than on its own
(log10): the pointwise mutual information of a bigram seen in the corpus, a small fixed
penalty for two known words never seen together (backoff to the word's own frequency,
as in stupid backoff), and 0 when either word is unknown to the model.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path

import numpy as np

_PATH = Path(__file__).with_name("data") / "context_bigrams.npz"
BACKOFF = math.log10(0.4)  # an unseen pair: the second word's own probability, times 0.4
MAX_GAIN = 4.0


def key(*words: str) -> int:
    """The 64-bit key of a word or of a word pair."""
    digest = blake2b(" ".join(words).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class ContextModel:
    """Word and bigram counts, looked up by key (binary search in sorted arrays)."""

    def __init__(self, path: Path = _PATH) -> None:
        with np.load(path) as data:
            self._word_keys = data["word_keys"]
            self._word_counts = data["word_counts"]
            self._pair_keys = data["pair_keys"]
            self._pair_counts = data["pair_counts"]
            self.total = int(data["total"][0])
        self.count = lru_cache(maxsize=200_000)(self._count)
        self.pair = lru_cache(maxsize=200_000)(self._pair)

    @staticmethod
    def _find(keys: np.ndarray, counts: np.ndarray, wanted: int) -> int:
        at = int(np.searchsorted(keys, np.uint64(wanted)))
        return int(counts[at]) if at < len(keys) and int(keys[at]) == wanted else 0

    def _count(self, word: str) -> int:
        return self._find(self._word_keys, self._word_counts, key(word))

    def _pair(self, first: str, second: str) -> int:
        return self._find(self._pair_keys, self._pair_counts, key(first, second))

    def gain(self, first: str | None, second: str | None) -> float:
        """log10 P(second | first) / P(second), with backoff; 0 without evidence."""
        if not first or not second:
            return 0.0
        a, b = self.count(first), self.count(second)
        if not a or not b:
            return 0.0
        both = self.pair(first, second)
        if not both:
            return BACKOFF
        return min(MAX_GAIN, math.log10(both * self.total / (a * b)))

    def attested(self, first: str, second: str) -> bool:
        """Whether the corpus holds the two words side by side (at least twice)."""
        return self.pair(first, second) > 0


_LOADING = threading.Lock()


def context_model() -> ContextModel | None:
    """The process-wide model, loaded once (None when the data file is absent)."""
    with _LOADING:
        return _load()


@lru_cache(maxsize=1)
def _load() -> ContextModel | None:
    return ContextModel() if _PATH.exists() else None
