"""Benchmark: extractors/formats/html.py on the HTML pages of the four web seeds (their html
renditions in corpus/snapshots/), against ``trafilatura.extract`` on the same pages in the
same run.

Usage: uv run python benchmarks/bench_html.py

Memory: peak RSS growth while extracting a 20 MB Arabic page, each tool in a new process,
against ``trafilatura.extract`` on the same page.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from extractors.formats.html import html_extract  # noqa: E402

PAGES = sorted((ROOT / "corpus" / "snapshots").glob("*/*.html"))


def rate(fn, rounds: int = 9) -> float:
    """Pages per second: the median of ``rounds`` passes over every page."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for page in PAGES:
            fn(page.read_bytes())
        times.append(time.perf_counter() - started)
    return len(PAGES) / statistics.median(times)


def big_page() -> bytes:
    """A 20 MB Arabic page: paragraphs of one procedure sentence."""
    sentence = "التسجيل في نظام التأمين الإجباري الأساسي عن المرض يتم عبر الموقع الإلكتروني للصندوق"
    paragraph = f"<p>{sentence}</p>\n"
    count = 20 * 1024 * 1024 // len(paragraph.encode())
    return f"<!DOCTYPE html><html><body>{paragraph * count}</body></html>".encode()


def bloated_page() -> bytes:
    """A 20 MB page the usual way: an article inside inline scripts, styles and images."""
    sentence = "التسجيل في نظام التأمين الإجباري الأساسي عن المرض يتم عبر الموقع الإلكتروني للصندوق"
    article = "".join(f"<p>{sentence} ({i})</p>" for i in range(400))
    script = "<script>var state = " + '{"k": "' + "x" * 60 + '"},' * 4000 + ";</script>"
    image = '<img src="data:image/png;base64,' + "iVBORw0KGgo" * 4000 + '">'
    filler = (script + image) * (20 * 1024 * 1024 // len((script + image).encode()))
    return f"<!DOCTYPE html><html><body><article>{article}</article>{filler}</body></html>".encode()


PAGES_BIG = {"text": big_page, "bloated": bloated_page}


def peak(tool: str, kind: str) -> None:
    """Child process: print the peak RSS growth (bytes) of one tool on a big page."""
    data = PAGES_BIG[kind]()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if tool == "trafilatura":
        trafilatura.extract(data.decode("utf-8"), favor_recall=True)
    else:
        html_extract(data, "big-page")
    print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)


def memory() -> None:
    print()
    print("| 20 MB page | tool | peak RSS growth | × page size | vs baseline |")
    print("|---|---|---:|---:|---:|")
    for kind, make in PAGES_BIG.items():
        size = len(make())
        grown = {}
        for tool in ("trafilatura", "dalil"):
            out = subprocess.run(
                [sys.executable, __file__, "--peak", tool, kind],
                capture_output=True,
                text=True,
                check=True,
            )
            grown[tool] = int(out.stdout.split()[-1])
        for tool, name in (
            ("trafilatura", "`trafilatura.extract` (baseline)"),
            ("dalil", "`html_extract`"),
        ):
            mb, ratio = grown[tool] / 1e6, grown[tool] / grown["trafilatura"]
            print(
                f"| {kind}, {size / 1e6:.1f} MB | {name} | {mb:.0f} MB "
                f"| {grown[tool] / size:.1f}× | {ratio:.2f}× |"
            )


def main() -> None:
    html_extract(PAGES[0].read_bytes(), "warm-up")
    ours = rate(lambda data: html_extract(data, "page"))
    base = rate(lambda data: trafilatura.extract(data.decode("utf-8"), favor_recall=True))
    print("| measurement | pages/s | time vs baseline |")
    print("|---|---:|---:|")
    print(f"| `trafilatura.extract` (baseline) | {base:.1f} | 1.00× |")
    name = "`extractors/formats/html.py` (structure + furniture, trafilatura inside)"
    print(f"| {name} | {ours:.1f} | {base / ours:.2f}× |")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--peak":
        peak(sys.argv[2], sys.argv[3])
    else:
        main()
        memory()
