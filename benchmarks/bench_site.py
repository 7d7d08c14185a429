"""Review-site benchmark: ``build_site`` on a store of 1,000 sources with 10 versions each.

The store is generated without extraction (Documents made from the corpus's own clean
paragraphs, Arabic, French and English; each version changes a figure, a step or a
paragraph; ChangeSets by the real ``diff``), so that generating it takes minutes, not hours.

Baseline: reading and parsing every JSON file the site is built from (each version and
change set, ``json.loads``), in the same process: the I/O any build must do.
Measured: a cold build; a rebuild with nothing changed; a rebuild after 10 sources got a
new version and 5 change sets were reviewed (pages written, time).

Usage: uv run python benchmarks/bench_site.py [--sources 1000] [--versions 10]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.changes.diff import diff  # noqa: E402
from extractors.models import (  # noqa: E402
    Block,
    Document,
    ExtractorInfo,
    Procedure,
    SourceRef,
    Step,
)
from extractors.script import detect_language, direction  # noqa: E402
from flows.review import build_site  # noqa: E402
from flows.review.decisions import apply_review, parse_target  # noqa: E402
from flows.store import Store  # noqa: E402


def _paragraphs() -> list[str]:
    """Clean paragraphs of the shipped corpus (seeds 001, 002, 004, 005)."""
    found = []
    for path in sorted((ROOT / "corpus" / "snapshots").glob("*/2025-09-01.txt")):
        if "cnops" in path.parent.name:
            continue  # the damaged leaflet
        for line in path.read_text(encoding="utf-8").splitlines():
            if 40 <= len(line) <= 300:
                found.append(line.strip())
    return found


def _document(
    source: str, day: datetime, texts: list[str], steps: list[str]
) -> tuple[Document, bytes]:
    data = "\n".join(texts + steps).encode("utf-8")
    digest = sha256(data).hexdigest()
    blocks = []
    for i, text in enumerate(texts + steps, start=1):
        lang = detect_language(text)
        blocks.append(
            Block(
                id=f"b{i:04d}",
                type="list_item" if i > len(texts) else "paragraph",
                text=text,
                raw_text=text,
                lang=lang,
                dir=direction(lang),
            )
        )
    first_step = len(texts) + 1
    procedure = Procedure(
        id=f"p-{source}",
        title="Procédure d'immatriculation",
        steps=[
            Step(id=f"s{i}-{sha256(t.encode()).hexdigest()[:8]}", number=i, text=t,
                 block_ids=[f"b{first_step + i - 1:04d}"])
            for i, t in enumerate(steps, start=1)
        ],
    )  # fmt: skip
    return Document(
        source=SourceRef(
            id=source,
            kind="text",
            fetched_at=day,
            sha256=digest,
            snapshot=f"snapshots/{digest}",
        ),
        languages=sorted({b.lang for b in blocks if b.lang}),
        title=source,
        blocks=blocks,
        procedures=[procedure],
        extractor=ExtractorInfo(name="dalil", version="bench"),
    ), data


def generate(store: Store, sources: int, versions: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    pool = _paragraphs()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    entries = {}
    for n in range(sources):
        source = f"source-{n:04d}"
        texts = rng.sample(pool, 12)
        steps = rng.sample(pool, 4)
        old = None
        for v in range(versions):
            day = start + timedelta(days=30 * v + n % 29)
            if v:
                what = rng.randrange(3)
                if what == 0:
                    i = rng.randrange(len(texts))
                    texts[i] = texts[i] + f" ({rng.randrange(10, 99)},{rng.randrange(10, 99)}%)"
                elif what == 1:
                    steps.append(rng.choice(pool))
                else:
                    texts[rng.randrange(len(texts))] = rng.choice(pool)
            doc, data = _document(source, day, list(texts), list(steps))
            store.put_snapshot(data, {"source_id": source, "captured_at": day.isoformat()})
            store.publish(doc, diff(old, doc))
            old = doc
        entries[source] = {
            "title": f"Source {n}",
            "publisher": "bench",
            "kind": "text",
            "status": "ok",
            "publish": "auto",
            "latest_version": old.version,
            "published_version": old.version,
        }
        if n % 100 == 99:
            print(f"  generated {n + 1} sources", flush=True)
    store.update_index(entries)


def read_everything(store: Store) -> int:
    """The baseline: parse every version and change set JSON of the store."""
    count = 0
    for folder in ("versions", "changes"):
        for path in Path(store.root, folder).glob("*/*.json"):
            json.loads(path.read_bytes())
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--versions", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dalil-site-bench-"))
    store = Store(work / "store")
    started = time.perf_counter()
    generate(store, args.sources, args.versions)
    print(f"store generated in {time.perf_counter() - started:.0f} s", flush=True)
    site = work / "site"

    started = time.perf_counter()
    files = read_everything(store)
    base = time.perf_counter() - started
    started = time.perf_counter()
    cold = build_site(store, site)
    cold_s = time.perf_counter() - started
    started = time.perf_counter()
    warm = build_site(store, site)
    warm_s = time.perf_counter() - started

    rng = random.Random(11)
    for n in rng.sample(range(args.sources), 10):  # 10 sources get a new version
        source = f"source-{n:04d}"
        old = store.head(source)
        texts = [b.text for b in old.blocks if b.type == "paragraph"]
        steps = [b.text for b in old.blocks if b.type == "list_item"]
        texts[0] += " (mise à jour)"
        doc, data = _document(source, datetime(2026, 1, 1, tzinfo=UTC), texts, steps)
        store.put_snapshot(data, {"source_id": source})
        store.publish(doc, diff(old, doc))
    for n in rng.sample(range(args.sources), 5):  # 5 change sets get reviewed
        source = f"source-{n:04d}"
        version = sorted(store.versions(source))[-2]
        apply_review(store, parse_target(f"{source}/{version}"), "confirmed", "bench")
    started = time.perf_counter()
    after = build_site(store, site)
    after_s = time.perf_counter() - started

    print()
    print(f"{args.sources} sources × {args.versions} versions; {files} JSON files.")
    print("| measurement | seconds | vs baseline | pages | written | not rendered |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| baseline: parse every version and change set JSON | {base:.1f} | 1.00× | | | |")
    for name, seconds, r in (
        ("cold build", cold_s, cold),
        ("rebuild, nothing changed", warm_s, warm),
        ("rebuild after 10 new versions and 5 reviews", after_s, after),
    ):
        print(
            f"| {name} | {seconds:.1f} | {seconds / base:.2f}× | {r.pages} | {r.written} "
            f"| {r.skipped} |"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
