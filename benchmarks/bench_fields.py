"""Benchmark: the procedure-extraction stage (``extractors.fields.document_fields``: spaCy
annotation, URLs, procedures, addresses, figures) in blocks/s, against spaCy's own
``nlp.pipe`` over the same blocks with the same pipelines, in the same run.

Blocks: every shipped corpus snapshot (all renditions), extracted and repaired once
beforehand, then repeated ``--copies`` times so each pass lasts long enough to time.

Usage: uv run python benchmarks/bench_fields.py [--copies 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.extract import extract, sniff_kind  # noqa: E402
from extractors.fields import document_fields  # noqa: E402
from extractors.fields.nlp import pipeline  # noqa: E402
from extractors.models import Block  # noqa: E402


def corpus_documents() -> list[list[Block]]:
    """Each shipped snapshot's blocks, extracted and repaired."""
    documents = []
    for path in sorted((ROOT / "corpus" / "snapshots").glob("*/*.*")):
        data = path.read_bytes()
        doc = extract(
            data,
            kind=sniff_kind(data),
            source_id=path.parent.name,
            fetched_at=datetime(2025, 9, 1, tzinfo=UTC),
            sha256="0" * 64,
            snapshot="x",
        )
        documents.append(doc.blocks)
    return documents


def bare_pipe(documents: list[list[Block]]) -> None:
    """The baseline: nlp.pipe over the same main-content blocks, grouped by language."""
    for blocks in documents:
        by_lang: dict[str, list[str]] = defaultdict(list)
        for block in blocks:
            if not block.furniture and block.text.strip():
                lang = block.lang if block.lang in ("ar", "fr") else "en"
                by_lang[lang].append(block.text)
        for lang, texts in by_lang.items():
            for _ in pipeline(lang).pipe(texts, batch_size=256):
                pass


def stage(documents: list[list[Block]]) -> None:
    for blocks in documents:
        document_fields(blocks, [])


def timed(fn, documents, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn(documents)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    documents = corpus_documents() * args.copies
    blocks = sum(1 for d in documents for b in d if not b.furniture and b.text.strip())
    stage(documents[:3])  # load the pipelines and gazetteers once
    base = timed(bare_pipe, documents, args.rounds)
    ours = timed(stage, documents, args.rounds)
    print(f"{len(documents)} documents, {blocks} main-content blocks")
    print("| measurement | blocks/s | time vs baseline |")
    print("|---|---:|---:|")
    print(
        f"| spaCy `nlp.pipe`, same pipelines and blocks (baseline) | {blocks / base:,.0f} | 1.00× |"
    )
    print(f"| `document_fields` (whole stage) | {blocks / ours:,.0f} | {ours / base:.2f}× |")


if __name__ == "__main__":
    main()
