"""Benchmark: merging procedures across sources and languages, on labelled pairs of
procedures copied from real public pages (`benchmarks/data/catalog_pairs/`: sources,
licences and how they were labelled in its README).

Each record (title, steps, eligibility, documents, URLs and figures as written on its page)
becomes the catalog's view of a procedure; each labelled pair is judged by the catalog's
matcher (`extractors.catalog.compare`), by whether the catalog puts both in one entry
when it groups the whole set (`clusters`: joins are transitive), and by a baseline that
merges two procedures of one language whose titles share half their words (what merging
by title alone gives).
In the first set (`catalog_pairs/`) pairs are split by a stable hash: a third held out of
tuning. The second set (`catalog_pairs_heldout/`, other pages) was built after the matcher
was tuned and never used for tuning. Reported: precision and recall of "same", per split,
and the wrong merges.

Usage: uv run python benchmarks/bench_catalog.py [--show]
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.catalog import View, clusters, comparable, compare  # noqa: E402
from extractors.catalog.anchors import title_words  # noqa: E402
from extractors.catalog.match import overlap  # noqa: E402
from extractors.fields import text_figures  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
SETS = {"catalog_pairs": "hash", "catalog_pairs_heldout": "all held out"}


def view(record: dict) -> View:
    figures = set()
    for text in record.get("figures", []):
        for fig in text_figures(text, record["lang"]):
            if fig.unit != "date" and (value := comparable(fig)):
                figures.add(value)
    return View(
        key=(record["source_url"], record["id"]),
        lang=record["lang"],
        title=record["title"],
        steps=list(record.get("steps", [])),
        details=[*record.get("eligibility", []), *record.get("required_documents", [])],
        urls=list(record.get("urls", [])),
        figures=figures,
    )


def by_title(a: View, b: View) -> bool:
    """The baseline: one language, titles sharing half their words."""
    return a.lang == b.lang and overlap(title_words(a.title), title_words(b.title)) >= 0.5


def held_out(pair: dict, split: str) -> bool:
    if split == "all held out":
        return True
    return zlib.crc32(f"{pair['a']}|{pair['b']}".encode()) % 3 == 0


def scores(results: list[tuple[bool, bool]]) -> tuple[float, float, int, int]:
    """(precision, recall, wrong merges, missed merges) of predicted "same"."""
    tp = sum(p and g for p, g in results)
    fp = sum(p and not g for p, g in results)
    fn = sum(g and not p for p, g in results)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, fp, fn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--show",
        action="store_true",
        help="Print the tuning pairs judged wrong (not the held out).",
    )
    args = parser.parse_args()
    for name, split_rule in SETS.items():
        if (DATA / name / "pairs.json").exists():
            evaluate(name, split_rule, args.show)


def evaluate(name: str, split_rule: str, show: bool) -> None:
    folder = DATA / name
    records = {r["id"]: r for r in json.loads((folder / "procedures.json").read_text("utf-8"))}
    pairs = json.loads((folder / "pairs.json").read_text("utf-8"))
    views = {k: view(r) for k, r in records.items()}
    # as the catalog builds its entries: all the set's procedures grouped at once
    grouped = clusters(list(views.values()))
    entry_of = {v.key[1]: n for n, members in enumerate(grouped) for v in members}
    rows: dict[str, dict[str, list[tuple[bool, bool]]]] = {}
    for pair in pairs:
        a, b = views[pair["a"]], views[pair["b"]]
        verdict = compare(a, b)
        split = "held out" if held_out(pair, split_rule) else "tuning"
        for matcher, predicted in (
            ("catalog (pair)", verdict.same),
            ("catalog (entries)", entry_of[pair["a"]] == entry_of[pair["b"]]),
            ("title baseline", by_title(a, b)),
        ):
            for group in (split, "all"):
                rows.setdefault(matcher, {}).setdefault(group, []).append((predicted, pair["same"]))
        if show and verdict.same != pair["same"] and split == "tuning":
            cross = "" if a.lang == b.lang else f" ({a.lang}-{b.lang})"
            print(
                f"{'WRONG MERGE' if verdict.same else 'missed'}{cross}: {pair['a']} / "
                f"{pair['b']}: score {verdict.score} {verdict.reasons}; {pair.get('why', '')}"
            )
    same = sum(p["same"] for p in pairs)
    cross = sum(p["same"] and records[p["a"]]["lang"] != records[p["b"]]["lang"] for p in pairs)
    print(
        f"\n{name}: {len(records)} procedures, {len(pairs)} pairs ({same} same, {cross} of them "
        f"across languages; {len(pairs) - same} not same); held out: "
        f"{sum(held_out(p, split_rule) for p in pairs)} pairs\n"
    )
    print("| matcher | split | pairs | precision | recall | wrong merges | missed |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for matcher, groups in rows.items():
        for group in ("tuning", "held out", "all"):
            results = groups.get(group, [])
            if not results or (group == "all" and split_rule == "all held out"):
                continue
            precision, recall, fp, fn = scores(results)
            print(
                f"| {matcher} | {group} | {len(results)} | {precision:.2f} | {recall:.2f} "
                f"| {fp} | {fn} |"
            )


if __name__ == "__main__":
    main()
