"""Benchmark: ``dalil extract DIR --out OUT`` on 150 real HTML pages in one call (the
first 150 of ``benchmarks/data/maincontent/``), against ``trafilatura.extract`` on the
same pages in this process, same run. dalil's time is the whole command (start, every
Document with repair, fields and spaCy, JSON written); trafilatura's is its extraction.

Usage: uv run python benchmarks/bench_extract_batch.py
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "maincontent"
PAGES = 150


def main() -> None:
    import trafilatura

    pages = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))[:PAGES]
    work = Path(tempfile.mkdtemp(prefix="dalil-batch-"))
    try:
        folder = work / "pages"
        folder.mkdir()
        html = {}
        for page in pages:
            data = gzip.decompress((DATA / "pages" / f"{page['id']}.html.gz").read_bytes())
            (folder / f"{page['id']}.html").write_bytes(data)
            html[page["id"]] = data
        started = time.perf_counter()
        for data in html.values():
            trafilatura.extract(data.decode("utf-8", errors="replace"))
        baseline = time.perf_counter() - started
        two = work / "two"
        two.mkdir()
        for path in sorted(folder.iterdir())[:2]:
            shutil.copy(path, two)
        rows = [(f"`trafilatura.extract` on {len(html)} pages (baseline)", baseline)]
        for label, target, jobs in (
            ("2 of the pages: start-up and models", two, "0"),
            (f"the {len(html)} pages, one at a time (`-j 1`)", folder, "1"),
            (f"the {len(html)} pages, one per core (default)", folder, "0"),
        ):
            elapsed, written, code = _run(target, work / f"out-{target.name}-{jobs}", jobs)
            rows.append((f"`dalil extract` on {label}: {written} Documents, exit {code}", elapsed))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("| measurement | seconds | vs baseline |")
    print("|---|---:|---:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.1f} | {seconds / baseline:.2f}× |")


def _run(folder: Path, out: Path, jobs: str) -> tuple[float, int, int]:
    """The whole ``dalil extract FOLDER --out OUT -j JOBS`` command: (seconds, Documents
    written, exit code)."""
    dalil = str(Path(sys.executable).parent / "dalil")
    started = time.perf_counter()
    run = subprocess.run(
        [dalil, "extract", str(folder), "--out", str(out), "-j", jobs],
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - started, len(list(out.glob("*.json"))), run.returncode


if __name__ == "__main__":
    main()
