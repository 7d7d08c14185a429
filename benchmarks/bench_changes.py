"""Mutation benchmark for change detection (``extractors.changes.diff``), against a plain
line-level ``difflib`` diff of the visible text on the same pairs, in the same run.

Every corpus document (text and HTML renditions of the seeds, and the synthetic leaflet
PDF) is edited by ``mutations.py``: rule changes, each of which must raise its event type
as ``substantive``, and noise-only edits, which must raise no substantive or editorial
event. Recall counts a rule change found with the right event type and significance; a
false alarm is any substantive or editorial event on a noise-only edit. difflib "finds" a
change when any line differs (it has no event types).

Then the diff of two 200-page PDF versions is timed after extraction.

Usage: uv run python benchmarks/bench_changes.py [--pages 200]
"""

from __future__ import annotations

import argparse
import difflib
import io
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from mutations import NOISE, RULES, Mutation, pdf_cases  # noqa: E402

from extractors.changes.diff import diff  # noqa: E402
from extractors.extract import extract, sniff_kind  # noqa: E402
from extractors.models import Document  # noqa: E402

DAY = {"old": 1, "new": 2}


def document(data: bytes, source: str, when: str) -> Document:
    return extract(
        data,
        kind=sniff_kind(data),
        source_id=source,
        fetched_at=datetime(2025, 9, DAY[when], tzinfo=UTC),
        sha256=sha256(data).hexdigest(),
        snapshot="x",
    )


def visible_lines(data: bytes) -> list[str]:
    """What a text monitor diffs: the visible text, line by line."""
    kind = sniff_kind(data)
    if kind == "html":
        from bs4 import BeautifulSoup

        text = BeautifulSoup(data, "lxml").get_text("\n")
    elif kind == "pdf":
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    else:
        text = data.decode("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def difflib_alarm(old: bytes, new: bytes) -> bool:
    a, b = visible_lines(old), visible_lines(new)
    return any(
        line[:1] in "+-" and not line.startswith(("+++", "---"))
        for line in difflib.unified_diff(a, b, lineterm="", n=0)
    )


def cases() -> list[tuple[str, str, Mutation, bytes, bytes]]:
    """(source, kind, mutation, old bytes, new bytes) for every applicable edit."""
    out = []
    for path in sorted((ROOT / "corpus" / "snapshots").glob("*/2025-09-01.*")):
        if path.suffix == ".pdf":
            continue
        data = path.read_bytes()
        kind = sniff_kind(data)
        raw = data.decode("utf-8")
        doc = document(data, path.parent.name, "old")
        for mutation, edit in RULES + NOISE:
            new = edit(raw, doc, kind)
            if new is not None and new != raw:
                out.append((path.parent.name, kind, mutation, data, new.encode("utf-8")))
    for mutation, old, new in pdf_cases():
        out.append(("synthetic-leaflet-pdf", "pdf", mutation, old, new))
    return out


def score() -> None:
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses = []
    for source, kind, mutation, old_bytes, new_bytes in cases():
        old, new = document(old_bytes, source, "old"), document(new_bytes, source, "new")
        changes = diff(old, new).changes
        row = rows[f"{mutation.name} ({'rule' if mutation.expected else 'noise'})"]
        row["cases"] += 1
        row[kind] += 1
        baseline = difflib_alarm(old_bytes, new_bytes)
        if mutation.expected:
            hit = any(
                c.kind == mutation.expected and c.significance == "substantive" for c in changes
            )
            row["ours"] += hit
            row["difflib"] += baseline
            if not hit:
                misses.append(
                    (source, kind, mutation.name, [(c.kind, c.significance) for c in changes])
                )
        else:
            alarm = any(c.significance in ("substantive", "editorial") for c in changes)
            row["ours"] += alarm
            row["difflib"] += baseline
            if alarm:
                misses.append((source, kind, mutation.name, [(c.kind, c.summary) for c in changes]))
    print("| edit | cases (text/html/pdf) | dalil | difflib |")
    print("|---|---:|---:|---:|")
    totals = {"rule": [0, 0, 0], "noise": [0, 0, 0]}
    for name, row in rows.items():
        split = f"{row['text']}/{row['html']}/{row['pdf']}"
        print(f"| {name} | {row['cases']} ({split}) | {row['ours']} | {row['difflib']} |")
        group = "rule" if name.endswith("(rule)") else "noise"
        totals[group][0] += row["cases"]
        totals[group][1] += row["ours"]
        totals[group][2] += row["difflib"]
    rule, noise = totals["rule"], totals["noise"]
    print()
    print("| measure | dalil | difflib (baseline) |")
    print("|---|---:|---:|")
    print(
        f"| recall of rule changes ({rule[0]}) | {rule[1] / rule[0]:.1%} (right event type, "
        f"substantive) | {rule[2] / rule[0]:.1%} (any line changed) |"
    )
    ours, theirs = noise[1] / noise[0], noise[2] / noise[0]
    print(f"| false alarms on noise-only edits ({noise[0]}) | {ours:.1%} | {theirs:.1%} |")
    for miss in misses:
        print("  miss/alarm:", miss)


def big_pdf_diff(pages: int) -> None:
    """Diff two versions of a long PDF (one stage reworded everywhere) after extraction."""
    import copy

    import generate

    old_pdf = generate.report(pages)
    saved = generate.GOLD
    generate.GOLD = copy.deepcopy(saved)
    generate.GOLD["stages"][1] += " مع إرفاق شهادة السكنى"
    try:
        new_pdf = generate.report(pages)
    finally:
        generate.GOLD = saved
    old, new = document(old_pdf, "report", "old"), document(new_pdf, "report", "new")
    started = time.perf_counter()
    changes = diff(old, new)
    ours = time.perf_counter() - started
    a = [b.text for b in old.blocks]
    z = [b.text for b in new.blocks]
    started = time.perf_counter()
    list(difflib.unified_diff(a, z, lineterm="", n=0))
    base = time.perf_counter() - started
    print()
    print(f"{pages}-page PDF, {len(old.blocks)} blocks per version, {len(changes.changes)} changes")
    print("| measurement | seconds | vs baseline |")
    print("|---|---:|---:|")
    print(f"| difflib line diff of the block texts (baseline) | {base:.3f} | 1.0× |")
    print(f"| `diff(old, new)` | {ours:.3f} | {ours / base:.1f}× |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    score()
    big_pdf_diff(args.pages)


if __name__ == "__main__":
    main()
