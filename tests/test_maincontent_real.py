"""Main content on real pages with published ground truth (benchmarks/data/maincontent:
the scrapinghub article-extraction benchmark, MIT, and WCXB's French pages, CC-BY-4.0):
the floor the README's figures stand on."""

from __future__ import annotations

import gzip
import json
import statistics

from benchmarks.bench_maincontent import DATA, dalil_main, f1, words


def test_real_pages_main_content_f1_and_no_page_wholly_furniture() -> None:
    pages = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    scores: dict[str, list[float]] = {"tune": [], "heldout": []}
    empty = []
    for page in pages:
        data = gzip.decompress((DATA / "pages" / f"{page['id']}.html.gz").read_bytes())
        truth = (DATA / "truth" / f"{page['id']}.txt").read_text(encoding="utf-8")
        text = dalil_main(data)
        if not words(text):
            empty.append(page["id"])
        scores[page["split"]].append(f1(text, truth)[2])
    assert not empty
    assert len(scores["tune"]) + len(scores["heldout"]) == 185
    assert statistics.mean(scores["tune"]) >= 0.93
    assert statistics.mean(scores["heldout"]) >= 0.93
