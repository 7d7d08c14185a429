"""Benchmark: extractors/html.py on the HTML pages of the four web seeds
(tests/fixtures/html/), against ``trafilatura.extract`` on the same pages in the same run.

Usage: uv run python benchmarks/bench_html.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from extractors.html import html_extract  # noqa: E402

PAGES = sorted((ROOT / "tests" / "fixtures" / "html").glob("*.html"))


def rate(fn, rounds: int = 9) -> float:
    """Pages per second: the median of ``rounds`` passes over every page."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for page in PAGES:
            fn(page.read_bytes())
        times.append(time.perf_counter() - started)
    return len(PAGES) / statistics.median(times)


def main() -> None:
    html_extract(PAGES[0].read_bytes(), "warm-up")
    ours = rate(lambda data: html_extract(data, "page"))
    base = rate(lambda data: trafilatura.extract(data.decode("utf-8"), favor_recall=True))
    print("| measurement | pages/s | time vs baseline |")
    print("|---|---:|---:|")
    print(f"| `trafilatura.extract` (baseline) | {base:.1f} | 1.00× |")
    name = "`extractors/html.py` (structure + furniture, trafilatura inside)"
    print(f"| {name} | {ours:.1f} | {base / ours:.2f}× |")


if __name__ == "__main__":
    main()
