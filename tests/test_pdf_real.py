"""Real Arabic PDFs from public repositories (tests/fixtures/realpdf: 12 files from XeTeX,
LuaTeX, pdfTeX, Typst, pdfmake, WeasyPrint and Word, each with a reference text taken from
its source; sources and licences in its README and manifest): dalil reads at least as
many of each reference's Arabic words as poppler's pdftotext, and where it reads few,
it says why."""

from __future__ import annotations

import json
import shutil

import pytest

from benchmarks.bench_realpdf import (
    DATA,
    dalil_document,
    dalil_text,
    pages,
    pdftotext_text,
    scores,
)

ENTRIES = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
TOLERANCE = 0.02  # word recall, on references of a few hundred words


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_reads_as_many_reference_words_as_pdftotext_or_flags_every_page(entry) -> None:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: .ci/run installs Debian's poppler-utils")
    chosen = pages(entry)
    reference = (DATA / f"{entry['id']}.ref.txt").read_text(encoding="utf-8")
    doc = dalil_document(entry)
    recall, _ = scores(dalil_text(doc, chosen), reference)
    baseline, _ = scores(pdftotext_text(entry, chosen), reference)
    warned = {int(w.split(":")[0][5:]) for w in doc.quality.warnings if w.startswith("page ")}
    flagged = chosen is not None and set(chosen) <= warned | set(doc.quality.ocr_pages)
    # fewer words than pdftotext only where every page of the reference is flagged
    assert recall >= baseline - TOLERANCE or flagged, (recall, baseline, doc.quality.warnings)
    if recall < 0.5:  # damage never hides: a warning names it, or the pages go to OCR
        assert doc.quality.warnings or doc.quality.ocr_pages, doc.quality
        assert doc.quality.damaged_tokens > 0 or doc.quality.ocr_pages
