"""Benchmark: main-content word F1 of dalil's HTML path on real pages with published ground
truth (``benchmarks/data/maincontent/``: 181 pages of the scrapinghub article-extraction
benchmark, MIT; 4 French pages of WCXB, CC-BY-4.0), against ``trafilatura.extract`` on the
same pages in the same run.

dalil's main content is the text of its blocks not labelled furniture, headings included;
trafilatura's is its default output. Both are scored with the bag-of-words F1 the
article-extraction benchmarks use (words lower-cased, punctuation dropped). The pages
split into a part used to tune the furniture rules (``tune``) and a part held out
(``heldout``), fixed by a hash of each page id before any extractor was run.

Usage: uv run python benchmarks/bench_maincontent.py [--split tune|heldout] [--worst N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from extractors.formats.html import html_extract  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "maincontent"
_TOKEN = re.compile(r"\w+")


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _TOKEN.findall(text or ""))


def f1(predicted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the predicted words against the truth's (multisets)."""
    got, want = words(predicted), words(truth)
    common = sum((got & want).values())
    if not got or not want:
        return (0.0, 0.0, 0.0) if got or want else (1.0, 1.0, 1.0)
    p, r = common / sum(got.values()), common / sum(want.values())
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def dalil_main(data: bytes) -> str:
    result = html_extract(data, "bench")
    return "\n".join(b.text for b in result.blocks if not b.furniture)


def trafilatura_main(data: bytes) -> str:
    return trafilatura.extract(data.decode("utf-8", errors="replace")) or ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=("tune", "heldout"))
    parser.add_argument("--worst", type=int, default=0)
    args = parser.parse_args()
    pages = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    if args.split:
        pages = [p for p in pages if p["split"] == args.split]
    rows = []
    seconds = Counter()
    for page in pages:
        data = gzip.decompress((DATA / "pages" / f"{page['id']}.html.gz").read_bytes())
        truth = (DATA / "truth" / f"{page['id']}.txt").read_text(encoding="utf-8")
        row = {"id": page["id"], "lang": page["lang"], "split": page["split"]}
        for name, fn in (("dalil", dalil_main), ("trafilatura", trafilatura_main)):
            started = time.perf_counter()
            text = fn(data)
            seconds[name] += time.perf_counter() - started
            row[name] = f1(text, truth)
            row[f"{name}_empty"] = not words(text)
        rows.append(row)

    def mean(group: list[dict], name: str, k: int = 2) -> float:
        return statistics.mean(r[name][k] for r in group) if group else float("nan")

    groups = {"all": rows}
    for split in ("tune", "heldout"):
        groups[split] = [r for r in rows if r["split"] == split]
    for lang in sorted({r["lang"] for r in rows}):
        groups[f"lang={lang}"] = [r for r in rows if r["lang"] == lang]
    print("| set | pages | dalil P | dalil R | dalil F1 | trafilatura F1 | dalil empty |")
    print("|---|---|---|---|---|---|---|")
    for name, group in groups.items():
        if not group:
            continue
        empty = sum(r["dalil_empty"] for r in group)
        print(
            f"| {name} | {len(group)} | {mean(group, 'dalil', 0):.3f} | "
            f"{mean(group, 'dalil', 1):.3f} | {mean(group, 'dalil'):.3f} | "
            f"{mean(group, 'trafilatura'):.3f} | {empty} |"
        )
    ratio = seconds["dalil"] / seconds["trafilatura"]
    print(
        f"\ntime: dalil html_extract {seconds['dalil']:.1f} s, trafilatura.extract "
        f"{seconds['trafilatura']:.1f} s ({ratio:.2f}x)"
    )
    if args.worst:
        print("\nworst pages for dalil:")
        for r in sorted(rows, key=lambda r: r["dalil"][2])[: args.worst]:
            d, t = r["dalil"], r["trafilatura"]
            print(
                f"  {r['id']} {r['lang']} dalil P={d[0]:.2f} R={d[1]:.2f} F1={d[2]:.2f}"
                f"  trafilatura F1={t[2]:.2f}"
            )


if __name__ == "__main__":
    main()
