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
        dalil = str(Path(sys.executable).parent / "dalil")
        started = time.perf_counter()
        run = subprocess.run(
            [dalil, "extract", str(folder), "--out", str(work / "out")],
            capture_output=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        written = len(list((work / "out").glob("*.json")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("| measurement | seconds | vs baseline |")
    print("|---|---:|---:|")
    print(f"| `trafilatura.extract` on {len(html)} pages (baseline) | {baseline:.1f} | 1.00× |")
    print(
        f"| `dalil extract` on the same {len(html)} pages, one call ({written} Documents, "
        f"exit {run.returncode}) | {elapsed:.1f} | {elapsed / baseline:.2f}× |"
    )


if __name__ == "__main__":
    main()
