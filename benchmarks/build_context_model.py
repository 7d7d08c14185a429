"""Build the Arabic word-bigram context model shipped as
``extractors/arabic/data/context_bigrams.npz``.

Input: plain UTF-8 Arabic text files (the ones used, their sources and licences, are
listed in the README's "Arabic context model" section; none of them is in the test
corpus ``tests/fixtures/arabic_clean/``). Words are read as the engine looks them up
(presentation forms folded, no diacritics or tatweel); a bigram is two Arabic words with
only spaces between them, so punctuation, digits and Latin words break the chain.

Stored: 64-bit hashes (blake2b) of the words kept (seen ``--min-word`` times or more) and
of the bigrams kept (``--min-pair`` or more), sorted, with their counts; and the corpus
size. No text is stored.

Usage: uv run python benchmarks/build_context_model.py FILE... [--out PATH]
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.arabic.context import key  # noqa: E402
from extractors.arabic.lexicon import lookup_form  # noqa: E402

_CHUNK = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u064b-\u065f\u0670\u0640 ]+")
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")


def chunks(line: str) -> list[list[str]]:
    """Runs of Arabic words separated by spaces only."""
    line = _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), line)
    return [lookup_form(chunk).split() for chunk in _CHUNK.findall(line)]


def count(paths: list[Path]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    words: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for path in paths:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                for run in chunks(line):
                    words.update(run)
                    pairs.update(itertools.pairwise(run))
        print(f"{path.name}: {sum(words.values()):,} words so far", file=sys.stderr)
    return words, pairs


def table(counts: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.fromiter(counts.keys(), dtype=np.uint64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.uint32, count=len(counts))
    order = np.argsort(keys)
    return keys[order], values[order]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "extractors/arabic/data/context_bigrams.npz"
    )
    parser.add_argument("--min-word", type=int, default=2)
    parser.add_argument("--min-pair", type=int, default=2)
    args = parser.parse_args()
    words, pairs = count(args.files)
    total = sum(words.values())
    kept_words = {key(w): c for w, c in words.items() if c >= args.min_word}
    kept_pairs = {
        key(a, b): c
        for (a, b), c in pairs.items()
        if c >= args.min_pair and words[a] >= args.min_word and words[b] >= args.min_word
    }
    word_keys, word_counts = table(kept_words)
    pair_keys, pair_counts = table(kept_pairs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        args.out,
        word_keys=word_keys,
        word_counts=word_counts,
        pair_keys=pair_keys,
        pair_counts=pair_counts,
        total=np.array([total], dtype=np.uint64),
    )
    size = args.out.stat().st_size
    print(
        f"{total:,} words; kept {len(kept_words):,} words and {len(kept_pairs):,} bigrams; "
        f"{args.out} {size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
