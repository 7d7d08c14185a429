"""Benchmark: decoding Arabic set in legacy fonts ("cipher" text), word accuracy by text
length, against the coded text itself (no decoding) as the baseline.

Text: real Arabic of `tests/fixtures/arabic_clean/` (sources and licences in its README),
cleaned to letters, digits and spaces, encoded by `benchmarks/legacy_font.py` with a
random glyph-to-code table per "font" (presentation forms, lam-alef ligatures, visual
order, ``<`` for the space). For each genre, fonts (seeds) x text lengths; windows start
at different places of the text for each font. Legal and administrative texts tuned the
solver (its bonus for known words, its restarts); news and the two encyclopedic texts are
held out.

Word accuracy: decoded words equal to the source's words, position by position. Known:
the share of decoded tokens the Arabic lexicon knows (what a reader of a short line sees
as "Arabic words", right or not). The real line of issue 19 is decoded last.

Usage: uv run python benchmarks/bench_legacy_font.py [--fonts 3] [--lengths 300 60]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.legacy_font import clean, encode  # noqa: E402
from extractors.legacy import solve  # noqa: E402

TEXTS = {
    "legal": "legal__saudi-statutes-boe.txt",
    "administrative": "administrative__saudi-royal-decrees-cabinet-decisions.txt",
    "news": "news__ud-arabic-pud-news.txt",
    "encyclopedic-ud": "encyclopedic__ud-arabic-pud-wiki.txt",
    "encyclopedic-arcd": "encyclopedic__arcd-arwiki.txt",
}
HELD_OUT = {"news", "encyclopedic-ud", "encyclopedic-arcd"}
REAL = "êqçÆ]‚éfÖ]<ØéÖ‚Ö]"  # a 2012 Moroccan education-ministry guide (issue 19)


def window(name: str, words: int, start: int) -> list[str]:
    """Lines of the text, from line ``start``, until ``words`` words."""
    path = ROOT / "tests" / "fixtures" / "arabic_clean" / TEXTS[name]
    lines = [c for c in (clean(x) for x in path.read_text(encoding="utf-8").split("\n")) if c]
    out, total = [], 0
    for line in lines[start:]:
        tokens = line.split()
        if total + len(tokens) > words:
            tokens = tokens[: words - total]
        out.append(" ".join(tokens))
        total += len(tokens)
        if total >= words:
            break
    return out


def score(lines: list[str], decoded: list[str]) -> tuple[int, int]:
    gold = [w for line in lines for w in line.split()]
    got = [w for line in decoded for w in line.split()]
    return sum(a == b for a, b in zip(gold, got, strict=False)), len(gold)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fonts", type=int, default=3)
    parser.add_argument("--lengths", type=int, nargs="+", default=[300, 60])
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    rows: dict[tuple[str, int], list[float]] = {}
    known: dict[int, list[float]] = {}
    times: dict[int, list[float]] = {}
    for name in args.only or TEXTS:
        for length in args.lengths:
            for font in range(args.fonts):
                lines = window(name, length, start=40 * font)
                coded, _ = encode(lines, seed=1000 + font)
                started = time.perf_counter()
                decoding = solve(coded)
                decoded = decoding.lines
                times.setdefault(length, []).append(time.perf_counter() - started)
                known.setdefault(length, []).append(decoding.known)
                got, total = score(lines, decoded)
                base, _ = score(lines, coded)
                rows.setdefault((name, length), []).append(got / total)
                print(
                    f"{name:18} {length:4} font {font}: {got}/{total} (coded as is: {base})",
                    flush=True,
                )
    print("\n| text | split | " + " | ".join(f"{n} words" for n in args.lengths) + " |")
    print("|---|---|" + "---:|" * len(args.lengths))
    for name in args.only or TEXTS:
        split = "held out" if name in HELD_OUT else "tuning"
        cells = [f"{100 * statistics.fmean(rows[(name, n)]):.1f}%" for n in args.lengths]
        print(f"| {name} | {split} | " + " | ".join(cells) + " |")
    for split, names in (("tuning", set(TEXTS) - HELD_OUT), ("held out", HELD_OUT)):
        chosen = [n for n in names if (n, args.lengths[0]) in rows]
        if chosen:
            cells = [
                f"{100 * statistics.fmean(v for n in chosen for v in rows[(n, length)]):.1f}%"
                for length in args.lengths
            ]
            print(f"| **all {split}** | | " + " | ".join(cells) + " |")
    print("\n| words | seconds per text (mean) | decoded tokens known (mean) |\n|---:|---:|---:|")
    for length in args.lengths:
        print(
            f"| {length} | {statistics.fmean(times[length]):.1f} "
            f"| {100 * statistics.fmean(known[length]):.0f}% |"
        )
    real = solve([REAL])
    print(f"\nreal line {REAL!r}: {real.lines[0]} (space {real.space!r}, known {real.known:.0%})")


if __name__ == "__main__":
    main()
