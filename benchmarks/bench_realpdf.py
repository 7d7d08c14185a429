"""Benchmark: Arabic word recall of dalil's PDF path on 12 real Arabic PDFs from public
repositories (``tests/fixtures/realpdf/``: XeTeX, LuaTeX, pdfTeX, Typst, pdfmake,
WeasyPrint and Word output; each with a reference text taken from its source), against
``pdftotext`` (poppler, Debian's poppler-utils) on the same files in the same run.

Word recall: the share of the reference's Arabic words (NFKC, no diacritics or tatweel,
multiset) found among the extracted text's, on the pages the reference covers. Word
validity: the share of the extracted Arabic words that are words of the reference.
Alongside: whether dalil flagged the file's damage (damaged tokens, warnings, pages to OCR).

Usage: uv run python benchmarks/bench_realpdf.py
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.extract import extract  # noqa: E402
from extractors.models import Document  # noqa: E402

DATA = ROOT / "tests" / "fixtures" / "realpdf"
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640\u06d6-\u06ed]")
_ARABIC_WORD = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]{2,}")


def arabic_words(text: str) -> Counter[str]:
    text = _MARKS.sub("", unicodedata.normalize("NFKC", text))
    return Counter(_ARABIC_WORD.findall(text))


def scores(extracted: str, reference: str) -> tuple[float, float]:
    """(recall, validity) of the extracted Arabic words against the reference's."""
    got, want = arabic_words(extracted), arabic_words(reference)
    common = sum((got & want).values())
    recall = common / sum(want.values()) if want else 1.0
    validity = common / sum(got.values()) if got else 0.0
    return recall, validity


def pages(entry: dict[str, Any]) -> list[int] | None:
    chosen = entry.get("pages_in_ref")
    return list(chosen) if isinstance(chosen, list) else None  # "all" (maybe with a note)


def dalil_document(entry: dict[str, Any]) -> Document:
    data = (DATA / f"{entry['id']}.pdf").read_bytes()
    return extract(
        data,
        kind="pdf",
        source_id=entry["id"],
        fetched_at=datetime(2025, 1, 1, tzinfo=UTC),
        sha256=sha256(data).hexdigest(),
        snapshot="x",
        languages=("ar", "fr", "en"),
    )


def dalil_text(doc: Document, chosen: list[int] | None) -> str:
    return "\n".join(
        " ".join(b.cells) if b.cells else b.text
        for b in doc.blocks
        if chosen is None or b.page in chosen
    )


def pdftotext_text(entry: dict[str, Any], chosen: list[int] | None) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    path = DATA / f"{entry['id']}.pdf"
    texts = []
    for page in chosen or [None]:
        args = ["pdftotext", "-enc", "UTF-8"]
        if page is not None:
            args += ["-f", str(page), "-l", str(page)]
        out = subprocess.run([*args, str(path), "-"], capture_output=True, check=False)
        texts.append(out.stdout.decode("utf-8", errors="replace"))
    return "\n".join(texts)


def flagged(doc: Document) -> bool:
    """A warning naming damage, or pages sent to OCR."""
    return bool(doc.quality.warnings or doc.quality.ocr_pages)


def rows() -> list[dict[str, Any]]:
    out = []
    for entry in json.loads((DATA / "manifest.json").read_text(encoding="utf-8")):
        chosen = pages(entry)
        reference = (DATA / f"{entry['id']}.ref.txt").read_text(encoding="utf-8")
        doc = dalil_document(entry)
        row = {"id": entry["id"], "dalil": scores(dalil_text(doc, chosen), reference)}
        baseline = pdftotext_text(entry, chosen)
        row["pdftotext"] = scores(baseline, reference) if baseline is not None else None
        row["flagged"] = flagged(doc)
        row["ocr_pages"] = doc.quality.ocr_pages
        out.append(row)
    return out


def main() -> None:
    print(
        "| file | dalil recall | dalil validity | pdftotext recall | pdftotext validity |"
        " dalil warns | pages to OCR |"
    )
    print("|---|---:|---:|---:|---:|---|---|")
    for row in rows():
        d, p = row["dalil"], row["pdftotext"] or (float("nan"), float("nan"))
        print(
            f"| {row['id']} | {d[0]:.2f} | {d[1]:.2f} | {p[0]:.2f} | {p[1]:.2f} | "
            f"{'yes' if row['flagged'] else 'no'} | {row['ocr_pages'] or '—'} |"
        )


if __name__ == "__main__":
    main()
