"""Benchmark: OCR of scanned pages (Tesseract through tesserocr), word accuracy per
resolution and degradation, seconds per page, and the OCR-confusion correction.

Pages (text whose gold is the text itself, never our output):
- Arabic: the generated leaflet (`tests/fixtures/pdf/leaflet-shaped.pdf`, gold
  `leaflet.json`), and about 320 words of each real Arabic text of
  `tests/fixtures/arabic_clean/` (legal, administrative, news, two encyclopedic; sources
  and licences in its README) set on A4 pages;
- French: about 320 words of each of the four French ground-truth texts of WCXB
  (`benchmarks/data/maincontent/truth/wcxb-dev-*.txt`, CC BY 4.0).
Each page is rendered at 150 and 300 dpi, and the 300 dpi image degraded five ways
(`benchmarks/scans.py`). The Arabic legal, administrative and leaflet pages tuned the
correction's thresholds; the news and encyclopedic pages, and French 0609 and 0644, were
held out.

Word accuracy: the share of gold words found in the output, counted as a multiset (a word
found twice counts twice at most as often as the gold has it), after NFKC, removing
tatweel and harakat, and stripping punctuation at word edges. Alef and hamza variants and
teh marbuta count as different letters.

Rows: Tesseract's words (ara+fra), and dalil's Document (the same words through the
extractor: blocks, the Arabic repair engine and the OCR-confusion correction). Baseline
for speed: the `tesseract` command line on the same PNG (what pytesseract runs), model
loaded per page.

Usage: uv run python benchmarks/bench_ocr.py [--pages-only]
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scans import DEGRADATIONS, degrade, render, text_pdf  # noqa: E402
from extractors.extract import extract  # noqa: E402
from extractors.formats import OcrPage, parse_tsv  # noqa: E402
from flows.extraction.ocr import LANGUAGES, Reader, tessdata  # noqa: E402

WORDS = 320
ARABIC_CLEAN = ROOT / "tests" / "fixtures" / "arabic_clean"
TRUTH = ROOT / "benchmarks" / "data" / "maincontent" / "truth"
LEAFLET = ROOT / "tests" / "fixtures" / "pdf"
HELD_OUT = {"news", "encyclopedic-ud", "encyclopedic-arcd", "fr-0609", "fr-0644"}
_HARAKAT = re.compile("[\u064b-\u0652\u0670\u0640]")


def words(text: str) -> list[str]:
    out = []
    for token in unicodedata.normalize("NFKC", text).split():
        token = _HARAKAT.sub("", token)
        token = "".join(ch for ch in token if not unicodedata.category(ch).startswith(("P", "C")))
        token = token.strip()
        if token:
            out.append(token)
    return out


def accuracy(gold: list[str], got: list[str]) -> tuple[int, int]:
    found = Counter(got)
    return sum(min(n, found[w]) for w, n in Counter(gold).items()), len(gold)


def leaflet_gold() -> str:
    gold = json.loads((LEAFLET / "leaflet.json").read_text(encoding="utf-8"))
    parts = [gold["title"], gold["subtitle"], *gold["intro"], gold["mixed"]]
    parts += [gold["stages_title"]]
    parts += [f"{n}. {s}" for n, s in enumerate(gold["stages"], start=1)]
    parts += [gold["table_title"], *(c for row in gold["table"] for c in row)]
    parts += [gold["platforms_title"], *(f"{n} : {u}" for n, u in gold["platforms"])]
    parts += [gold["link_text"]]
    return "\n".join(parts)


def _first_words(text: str, count: int) -> list[str]:
    """Whole paragraphs until ``count`` words."""
    out, total = [], 0
    for paragraph in (p.strip() for p in text.split("\n")):
        if not paragraph:
            continue
        out.append(paragraph)
        total += len(paragraph.split())
        if total >= count:
            break
    return out


def pages() -> list[tuple[str, str, bytes, str]]:
    """(name, language, PDF, gold text) of every benchmark document."""
    docs = [
        ("leaflet", "ar", (LEAFLET / "leaflet-shaped.pdf").read_bytes(), leaflet_gold()),
    ]
    names = {
        "legal__saudi-statutes-boe.txt": "legal",
        "administrative__saudi-royal-decrees-cabinet-decisions.txt": "administrative",
        "news__ud-arabic-pud-news.txt": "news",
        "encyclopedic__ud-arabic-pud-wiki.txt": "encyclopedic-ud",
        "encyclopedic__arcd-arwiki.txt": "encyclopedic-arcd",
    }
    for file, name in names.items():
        paragraphs = _first_words((ARABIC_CLEAN / file).read_text(encoding="utf-8"), WORDS)
        docs.append((name, "ar", text_pdf(paragraphs), "\n".join(paragraphs)))
    for number in ("0608", "0609", "0644", "0645"):
        text = (TRUTH / f"wcxb-dev-{number}.txt").read_text(encoding="utf-8")
        paragraphs = _first_words(text, WORDS)
        docs.append((f"fr-{number}", "fr", text_pdf(paragraphs), "\n".join(paragraphs)))
    return docs


def ocr_images(images, dpi: int, plain: bool = False) -> tuple[list[OcrPage], float]:
    """The pages as dalil reads them (``Reader``), or Tesseract's one pass (``plain``)."""
    started = time.perf_counter()
    out = []
    with Reader() as reader:
        for number, image in enumerate(images, start=1):
            if plain:
                api = reader._apis[0]
                api.SetImage(image)
                api.SetSourceResolution(dpi)
                out.append(parse_tsv(api.GetTSVText(0), number, dpi))
            else:
                out.append(reader.read(image, number, dpi))
    return out, time.perf_counter() - started


def cli_seconds(images, dpi: int) -> float:
    started = time.perf_counter()
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(dpi, dpi))
        subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", LANGUAGES, "--dpi", str(dpi), "tsv"],
            input=buffer.getvalue(),
            capture_output=True,
            check=True,
        )
    return time.perf_counter() - started


def through_dalil(images, dpi: int, ocr: list[OcrPage]) -> str:
    from benchmarks.scans import image_pdf

    data = image_pdf(images, dpi)
    doc = extract(
        data,
        kind="pdf",
        source_id="bench",
        fetched_at=datetime(2025, 1, 1, tzinfo=UTC),
        sha256="0" * 64,
        snapshot="bench",
        ocr=ocr,
    )
    return "\n".join(b.text for b in doc.blocks)


def main() -> None:
    if tessdata()[0] is None:
        sys.exit(f"no Tesseract: {tessdata()[1]}")
    conditions = ["300", "150", *DEGRADATIONS]
    table: dict[tuple[str, str], dict[str, list[int]]] = {}
    seconds: dict[str, list[float]] = {}
    cli: list[float] = []
    for name, lang, pdf, gold_text in pages():
        gold = words(gold_text)
        clean300 = render(pdf, 300)
        for condition in conditions:
            if condition == "150":
                images, dpi = render(pdf, 150), 150
            elif condition == "300":
                images, dpi = clean300, 300
            else:
                images, dpi = [degrade(im, condition, seed=7) for im in clean300], 300
            plain, _ = ocr_images(images, dpi, plain=True)
            ocr, spent = ocr_images(images, dpi)
            seconds.setdefault(condition, []).append(spent / len(images))
            raw = " ".join(w.text for page in plain for w in page.words)
            looked = " ".join(w.text for page in ocr for w in page.words)
            ours = through_dalil(images, dpi, ocr)
            rows = (("tesseract, one pass", raw), ("+ second looks", looked), ("dalil", ours))
            for row, text in rows:
                got, total = accuracy(gold, words(text))
                split = "held-out" if name in HELD_OUT else "tuning"
                cell = table.setdefault((lang, row), {})
                for key in (condition, f"{condition}/{split}"):
                    cell.setdefault(key, [0, 0])
                    cell[key][0] += got
                    cell[key][1] += total
            print(f"{name:18} {condition:9} {accuracy(gold, words(ours))} {spent:.1f}s", flush=True)
        cli.append(cli_seconds(clean300, 300) / len(clean300))
    print()
    print("| language | words from | " + " | ".join(conditions) + " |")
    print("|---|---|" + "---:|" * len(conditions))
    for (lang, row), cells in sorted(table.items()):
        shown = []
        for c in conditions:
            got, total = cells[c]
            held = cells.get(f"{c}/held-out", [0, 1])
            shown.append(f"{100 * got / total:.1f}% ({100 * held[0] / held[1]:.1f}%)")
        print(f"| {lang} | {row} | " + " | ".join(shown) + " |")
    print("\n(held-out pages in brackets)\n")
    print("| condition | seconds per page (tesserocr) |")
    print("|---|---:|")
    for c in conditions:
        print(f"| {c} | {sum(seconds[c]) / len(seconds[c]):.2f} |")
    print(f"| 300, `tesseract` CLI (pytesseract's way) | {sum(cli) / len(cli):.2f} |")


if __name__ == "__main__":
    main()
