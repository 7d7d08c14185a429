"""Benchmark: the PDF stage (extraction and repair) on a generated 200-page report.

Baseline: plain pdfplumber, ``page.extract_words()`` over the same pages, in the same run.
Each measurement runs in a new process, which reports its wall time and peak RSS.
A 600-page report checks that peak memory stays flat in page count.

Usage: uv run python benchmarks/bench_pdf.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "pdf"))

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
data = open({path!r}, "rb").read()
mode = {mode!r}
started = time.perf_counter()
if mode == "baseline":
    import pdfplumber, io
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.close()
    blocks = None
else:
    from datetime import UTC, datetime
    from extractors.extract import extract
    doc = extract(data, kind="pdf", source_id="report", fetched_at=datetime.now(UTC),
                  sha256="0" * 64, snapshot="x", languages=("ar", "fr"), workers={workers})
    blocks = len(doc.blocks)
seconds = time.perf_counter() - started
usage = resource.getrusage
peak = max(usage(resource.RUSAGE_SELF).ru_maxrss, usage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({{"seconds": seconds, "peak_mb": peak / 1024, "blocks": blocks}}))
"""


def run(path: Path, mode: str, workers: int = 1) -> dict:
    code = CHILD.format(root=str(ROOT), path=str(path), mode=mode, workers=workers)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from generate import report

    work = Path(tempfile.mkdtemp(prefix="dalil-pdf-bench-"))
    paths = {}
    for pages in (200, 600):
        paths[pages] = work / f"report-{pages}.pdf"
        paths[pages].write_bytes(report(pages))
    base = run(paths[200], "baseline")
    ours = run(paths[200], "dalil")
    both = run(paths[200], "dalil", workers=2)
    ours600 = run(paths[600], "dalil")
    print(
        "| measurement (200 pages unless said) | seconds | pages/s | peak RSS | time vs baseline |"
    )
    print("|---|---:|---:|---:|---:|")
    for name, r, pages in [
        ("plain pdfplumber `extract_words()` (baseline)", base, 200),
        ("dalil PDF stage, one process", ours, 200),
        ("dalil PDF stage, pages across 2 processes", both, 200),
        ("dalil PDF stage, one process, 600 pages", ours600, 600),
    ]:
        print(
            f"| {name} | {r['seconds']:.1f} | {pages / r['seconds']:.1f} | {r['peak_mb']:.0f} MB | "
            f"{r['seconds'] / base['seconds'] * (200 / pages):.2f}× |"
        )
    print(f"\nPeak memory, 600 pages vs 200 pages: {ours600['peak_mb'] / ours['peak_mb']:.2f}×")


if __name__ == "__main__":
    main()
