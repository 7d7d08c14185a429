"""Benchmark: Arabic repair on real text nobody on this project wrote, garbled by the
independent simulator (``benchmarks/garble.py``, the leaflet's measured damage), with
dalil and its peers side by side in one run.

Texts: ``tests/fixtures/arabic_clean/`` (legal, administrative, news, encyclopedic; sources
and licences in its README), the first ``--words`` Arabic words of each file. Gold: the
same lines without diacritics or tatweel (the simulator drops them, as the leaflet's PDF
did). Files marked held-out were never looked at while tuning the engine.

Usage: uv run python benchmarks/bench_repair_real.py [--words 4000] [--seeds 3]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from garble import DIACRITICS, garble  # noqa: E402

from extractors.arabic.lexicon import Lexicon  # noqa: E402
from extractors.arabic.metrics import word_accuracy  # noqa: E402
from extractors.arabic.repair import repair_lines  # noqa: E402

CLEAN = ROOT / "tests" / "fixtures" / "arabic_clean"
HELD_OUT = {"news__ud-arabic-pud-news", "encyclopedic__arcd-arwiki"}
ARABIC = re.compile(r"[\u0621-\u064a]")


def sample(path: Path, words: int) -> list[str]:
    """The file's first lines holding ``words`` Arabic words, without diacritics."""
    lines, count = [], 0
    for line in path.read_text("utf-8").split("\n"):
        line = DIACRITICS.sub("", line).strip()
        if not ARABIC.search(line):
            continue
        lines.append(line)
        count += sum(bool(ARABIC.search(w)) for w in line.split())
        if count >= words:
            break
    return lines


def tools() -> dict[str, Callable[[list[str]], list[str]]]:
    """Every tool, as lines in, lines out."""
    import arabic_lint.detect
    import arabic_repair
    import arafix
    import ftfy
    import harfix

    return {
        "dalil": lambda ls: [r.text for r in repair_lines(ls, Lexicon("ar"))],
        "unchanged (no repair)": lambda ls: ls,
        "ftfy (`fix_text`)": lambda ls: [ftfy.fix_text(line) for line in ls],
        "arafix (`fix`)": lambda ls: [arafix.fix(line) for line in ls],
        "harfix (`repair_text`)": lambda ls: [harfix.repair_text(line).text for line in ls],
        "arabic-repair (`repair`)": lambda ls: [arabic_repair.repair(line) for line in ls],
        "arabic-lint (`detect.recover`)": lambda ls: [
            arabic_lint.detect.recover(line)[0] for line in ls
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=4000)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", default="", help="run only the tools whose name has this")
    args = parser.parse_args()
    files = sorted(CLEAN.glob("*.txt"))
    golds = {path.stem: sample(path, args.words) for path in files}
    total = sum(len(" ".join(lines).split()) for lines in golds.values())
    print(f"{len(files)} files, {total:,} words, {args.seeds} garbling seeds\n")
    header = " | ".join(
        f"{stem.split('__')[1]}{' (held out)' if stem in HELD_OUT else ''}" for stem in golds
    )
    print(f"| tool | all | {header} | seconds |")
    print("|---|---:|" + "---:|" * len(golds) + "---:|")
    for name, tool in tools().items():
        if args.only and args.only not in name:
            continue
        pairs_all, cells, seconds = [], [], 0.0
        for stem, gold in golds.items():
            pairs = []
            for seed in range(args.seeds):
                damaged = garble("\n".join(gold), seed=seed).split("\n")
                started = time.perf_counter()
                try:
                    out = tool(damaged)
                except Exception as exc:  # a peer that crashes scores what it returned
                    print(f"<!-- {name} failed on {stem}: {type(exc).__name__}: {exc} -->")
                    out = damaged
                seconds += time.perf_counter() - started
                pairs += list(zip(out, gold, strict=True))
            cells.append(f"{word_accuracy(pairs):.2%}")
            pairs_all += pairs
        print(f"| {name} | {word_accuracy(pairs_all):.2%} | {' | '.join(cells)} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
