"""Word accuracy: how a repair engine is measured against gold text."""

from __future__ import annotations

from collections.abc import Iterable

from ..normalize import normalize_text


def word_errors(output: str, gold: str) -> tuple[int, int]:
    """(word-level edit distance, gold word count) after tatweel and whitespace normalisation."""
    out, ref = normalize_text(output).split(), normalize_text(gold).split()
    # Levenshtein over words: substitutions, insertions and deletions all count one.
    previous = list(range(len(out) + 1))
    for i, word in enumerate(ref, start=1):
        current = [i]
        for j, candidate in enumerate(out, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != candidate))
            )
        previous = current
    return previous[-1], len(ref)


def word_accuracy(pairs: Iterable[tuple[str, str]]) -> float:
    """1 - word error rate over (output, gold) pairs."""
    errors = words = 0
    for output, gold in pairs:
        e, n = word_errors(output, gold)
        errors += e
        words += n
    return 1.0 - errors / words if words else 1.0
