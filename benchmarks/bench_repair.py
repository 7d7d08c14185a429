"""Benchmark: the Arabic repair engine.

All in one process, one core, each figure with its named baseline:

- repair rate on damaged text (simulated leaflet garbling of the corpus's clean Arabic,
  plus the leaflet itself), in tokens/s; baseline: a plain NFC + tatweel-strip pass;
- pass-through on the clean seeds (`repair_text` on each whole document); baseline: the
  same NFC + tatweel-strip pass over the same documents (goal ≤ 3×);
- lexicon load: first load in a new process, a second load in that process;
  baseline: wordfreq's own `get_frequency_dict` in a new process;
- word accuracy on the whole leaflet against gold (../shared/gold dev lines plus
  tests/gold), for dalil, ftfy, arafix and harfix run side by side.

Usage: uv run python benchmarks/bench_repair.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from garble import garble, strip_marks  # noqa: E402

from extractors.arabic import repair_lines, repair_text  # noqa: E402
from extractors.arabic.lexicon import Lexicon, default_lexicon  # noqa: E402
from extractors.arabic.metrics import word_accuracy  # noqa: E402
from extractors.script import arabic_share  # noqa: E402

SNAPSHOTS = ROOT / "corpus" / "snapshots"
LEAFLET = SNAPSHOTS / "cnops-amoe-leaflet" / "2025-09-01.txt"
CLEAN = [
    "expatexchange-amo-enrolment",
    "map-amo-tadamon-figures",
    "consonews-amo-cnss",
    "alouadifa-amo-tadamon",
]


def lines_of(source: str) -> list[str]:
    return (SNAPSHOTS / source / "2025-09-01.txt").read_text(encoding="utf-8").split("\n")


def baseline_pass(lines: list[str]) -> list[str]:
    return [unicodedata.normalize("NFC", line).replace("\u0640", "") for line in lines]


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """The median of ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def in_new_process(code: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def gold_pairs(outputs: list[str], lines: list[str]) -> list[tuple[str, str]]:
    gold: dict[int, str] = {}
    dev = ROOT.parent / "shared" / "gold" / "leaflet_repair_dev.json"
    if dev.is_file():
        gold |= {g["line"]: g["gold"] for g in json.loads(dev.read_text(encoding="utf-8"))}
    ours = json.loads((ROOT / "tests" / "gold" / "leaflet_repair.json").read_text(encoding="utf-8"))
    gold |= {g["line"]: g["gold"] for g in ours["lines"]}
    return [
        (out, gold.get(n, line))
        for n, (out, line) in enumerate(zip(outputs, lines, strict=True), 1)
    ]


def main() -> None:
    load_first = in_new_process(
        "import time; t=time.perf_counter(); from extractors.arabic.lexicon import Lexicon; "
        "Lexicon('ar'); print(time.perf_counter()-t)"
    )
    load_wordfreq = in_new_process(
        "import time; t=time.perf_counter(); import wordfreq; wordfreq.get_frequency_dict('ar'); "
        "print(time.perf_counter()-t)"
    )
    default_lexicon()
    started = time.perf_counter()
    Lexicon("ar")
    load_again = time.perf_counter() - started

    arabic = [strip_marks(line) for s in CLEAN for line in lines_of(s) if arabic_share(line) > 0.7]
    documents = [
        [garble(line, seed=1000 * seed + i) for i, line in enumerate(arabic)] for seed in range(12)
    ]
    documents.append(LEAFLET.read_text(encoding="utf-8").split("\n"))
    tokens = sum(len(line.split()) for doc in documents for line in doc)
    damaged = timed(lambda: [repair_lines(doc) for doc in documents], repeat=3)
    damaged_base = timed(lambda: [baseline_pass(doc) for doc in documents])
    simulated = word_accuracy(
        (r.text, clean)
        for doc in documents[:-1]
        for r, clean in zip(repair_lines(doc), arabic, strict=True)
    )

    clean_docs = ["\n".join(lines_of(s)) for s in CLEAN] * 20
    clean_tokens = sum(len(doc.split()) for doc in clean_docs)
    passthrough, passthrough_base = [], []
    for _ in range(31):  # interleaved, so that both see the same machine load
        passthrough.append(timed(lambda: [repair_text(doc) for doc in clean_docs], repeat=1))
        passthrough_base.append(
            timed(lambda: [baseline_pass([doc]) for doc in clean_docs], repeat=1)
        )
    passthrough, passthrough_base = (
        statistics.median(passthrough),
        statistics.median(passthrough_base),
    )

    rows = [
        (
            f"repair rate, damaged text ({tokens} tokens)",
            f"{tokens / damaged:,.0f} tokens/s",
            f"NFC + tatweel pass: {tokens / damaged_base:,.0f} tokens/s",
            f"{damaged / damaged_base:.0f}×",
        ),
        (
            f"pass-through, clean seeds ({clean_tokens} tokens)",
            f"{clean_tokens / passthrough:,.0f} tokens/s",
            f"NFC + tatweel pass: {clean_tokens / passthrough_base:,.0f} tokens/s",
            f"{passthrough / passthrough_base:.2f}×",
        ),
        (
            "lexicon, first load (new process)",
            f"{load_first:.2f} s",
            f"wordfreq alone: {load_wordfreq:.2f} s",
            f"{load_first / load_wordfreq:.2f}×",
        ),
        (
            "lexicon, load after the first",
            f"{load_again * 1e6:.1f} µs",
            f"first load: {load_first:.2f} s",
            f"{load_again / load_first:.1e}×",
        ),
    ]
    print("## Speed\n")
    print("| measurement | value | baseline | ratio |")
    print("|---|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nSimulated garbling (12 documents of clean Arabic): word accuracy {simulated:.2%}\n")

    print("## Growth with input size (one document of n copies of the garbled leaflet)\n")
    print("| copies | tokens | seconds | tokens/s |")
    print("|---:|---:|---:|---:|")
    leaflet = LEAFLET.read_text(encoding="utf-8")
    for copies in (1, 4, 16, 64):
        text = "\n".join([leaflet] * copies)
        words = len(text.split())
        seconds = timed(lambda text=text: repair_text(text, Lexicon("ar")), repeat=1)
        print(f"| {copies} | {words} | {seconds:.3f} | {words / seconds:,.0f} |")
    print()

    lines = LEAFLET.read_text(encoding="utf-8").split("\n")
    import arafix
    import ftfy
    import harfix

    tools: dict[str, Callable[[list[str]], list[str]]] = {
        "dalil (new lexicon object: no warm caches)": lambda ls: [
            r.text for r in repair_lines(ls, Lexicon("ar"))
        ],
        "unchanged (no repair)": lambda ls: ls,
        "ftfy 6 (`fix_text`)": lambda ls: [ftfy.fix_text(line) for line in ls],
        "arafix (`fix`)": lambda ls: [arafix.fix(line) for line in ls],
        "harfix (`repair_text`)": lambda ls: [harfix.repair_text(line).text for line in ls],
    }
    print("## The whole CNOPS leaflet against gold\n")
    print("| tool | word accuracy | seconds |")
    print("|---|---:|---:|")
    for name, tool in tools.items():
        started = time.perf_counter()
        outputs = tool(lines)
        seconds = time.perf_counter() - started
        print(f"| {name} | {word_accuracy(gold_pairs(outputs, lines)):.2%} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
