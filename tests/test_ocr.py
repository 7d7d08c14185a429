"""OCR of pages without a text layer: Tesseract's TSV to blocks, the OCR-confusion
correction, and the whole path on image-only PDFs made from the project's own leaflet
(rendered at 150 and 300 dpi, clean and degraded), against its text version; and the
behaviour without Tesseract."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from benchmarks.scans import degrade, image_pdf, render
from extractors.arabic import default_lexicon
from extractors.formats.ocr import UNCERTAIN, OcrPage, OcrWord, ocr_blocks, parse_tsv
from extractors.models import Block
from extractors.ocr_repair import best_reading, correct_ocr
from flows.extraction import ocr as engine
from flows.extraction.snapshot import extract_file
from tests.conftest import ROOT

LEAFLET = ROOT / "tests" / "fixtures" / "pdf" / "leaflet-shaped.pdf"
FIELDS = {
    "source_id": "leaflet",
    "fetched_at": datetime(2025, 1, 1, tzinfo=UTC),
    "sha256": "0" * 64,
    "snapshot": "snapshots/leaflet",
}
TSV = "\n".join(
    [
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t",
        "5\t1\t1\t1\t1\t1\t1700\t100\t500\t50\t96.5\tيستفيد",
        "5\t1\t1\t1\t1\t2\t1000\t100\t600\t50\t41.0\tJS\u200f",
        "5\t1\t1\t1\t1\t3\t150\t100\t800\t50\t93.0\tطالب",
        "5\t1\t1\t1\t2\t1\t1900\t170\t300\t50\t95.0\tمسجل",
        "5\t1\t2\t1\t1\t1\t100\t400\t300\t40\t97.0\tCNSS",
        "5\t1\t2\t1\t1\t2\t420\t400\t300\t40\tbad\tskipped",
        "5\t1\t2\t1\t1\t3\t420\t400\t300\t40\t90\t   ",
    ]
)


def test_tesseract_tsv_becomes_ocr_blocks_with_uncertain_words() -> None:
    page = parse_tsv(TSV, 3, 300)
    assert [w.text for w in page.words] == ["يستفيد", "JS", "طالب", "مسجل", "CNSS"]
    assert page.words[1].conf == 41.0 and page.words[0].line == (1, 1, 1)
    blocks = ocr_blocks(page)
    assert [b.raw_text for b in blocks] == ["يستفيد JS طالب\nمسجل", "CNSS"]
    first = blocks[0]
    assert first.ocr and first.page == 3 and first.dir == "rtl"
    assert first.ocr_confidence == pytest.approx((96.5 + 41 + 93 + 95) / 400, abs=1e-3)
    scale = 72 / 300
    assert first.bbox == pytest.approx([150 * scale, 100 * scale, 2200 * scale, 220 * scale])
    (doubt,) = first.repairs  # only the word under the threshold goes to review
    assert (doubt.original, doubt.rule, doubt.uncertain) == ("JS", "ocr", True)
    assert doubt.confidence == pytest.approx(0.41) and UNCERTAIN > 41.0
    assert blocks[1].dir == "ltr" and blocks[1].repairs == []


def test_a_line_read_again_goes_back_after_the_line_it_follows() -> None:
    words = [
        OcrWord("أولا", 95, 900, 100, 100, 40, (1, 1, 1)),
        OcrWord("ثالثا", 95, 900, 300, 100, 40, (1, 1, 2)),
        OcrWord("ثانيا", 90, 900, 200, 100, 40, (1, 1, 1, 200)),  # the second look's line
    ]
    blocks = ocr_blocks(OcrPage(1, 300, words))
    assert "\n".join(b.raw_text for b in blocks).split("\n") == ["أولا", "ثانيا", "ثالثا"]


def test_misread_arabic_is_corrected_within_the_ocr_family() -> None:
    lexicon = default_lexicon()
    assert best_reading("المستسفى", lexicon)[0] == "المستشفى"  # a dotted sibling: س for ش
    assert best_reading("التامين", lexicon)[0] == "التأمين"  # a dropped hamza
    assert best_reading("الصحيه", lexicon)[0] == "الصحية"  # teh marbuta read as heh
    for right in ("طالب", "يستفيد", "على", "مسجل", "عن"):
        assert best_reading(right, lexicon) is None, right  # known words stay
    for ambiguous in ("ان", "الا"):  # أن or إن, ألا or إلا: not ours to choose
        assert best_reading(ambiguous, lexicon) is None
    block = Block(
        id="b1",
        type="paragraph",
        text="يعالج المستسفى المرضى",
        raw_text="يعالج المستسفى المرضى",
        ocr=True,
    )
    plain = block.model_copy(update={"ocr": False})
    assert correct_ocr([block, plain]) == 1
    assert block.text == "يعالج المستشفى المرضى" and block.raw_text == "يعالج المستسفى المرضى"
    (repair,) = block.repairs
    assert (repair.original, repair.result, repair.rule) == (
        "المستسفى",
        "المستشفى",
        "ocr-confusion",
    )
    assert plain.text == "يعالج المستسفى المرضى"  # only OCR'd blocks are read again


@pytest.fixture(scope="module")
def text_version():
    return extract_file(LEAFLET.read_bytes(), **FIELDS)


def _needs_tesseract() -> None:
    folder, reason = engine.tessdata()
    if folder is None:
        pytest.fail(f"Tesseract is needed here: {reason} (.ci/run installs it)")


@pytest.mark.parametrize(("dpi", "how"), [(300, None), (300, "photocopy"), (300, "skew")])
def test_an_ocrd_copy_of_the_leaflet_gives_its_procedure_urls_and_addresses(
    text_version, dpi: int, how: str | None
) -> None:
    _needs_tesseract()
    images = render(LEAFLET.read_bytes(), dpi)
    if how:
        images = [degrade(image, how, seed=3) for image in images]
    doc = extract_file(image_pdf(images, dpi), **FIELDS)
    assert doc.quality.ocr_read == [1] and not doc.quality.needs_ocr
    assert doc.blocks and all(b.ocr for b in doc.blocks)
    assert any("read by OCR" in w for w in doc.quality.warnings)
    want = [s.text for p in text_version.procedures for s in p.steps]
    got = [s.text for p in doc.procedures for s in p.steps]
    assert len(got) == len(want) and sum(a == b for a, b in zip(got, want, strict=True)) >= 3
    postal = sorted(a.postal_code for a in text_version.addresses)
    assert sorted(a.postal_code for a in doc.addresses) == postal
    urls = {u.url for u in text_version.urls}
    assert len({u.url for u in doc.urls} & urls) >= 2


def test_a_150_dpi_scan_is_read_with_its_doubts_kept_for_review(text_version) -> None:
    """At 150 dpi Tesseract misreads more (bench_ocr.py): the page is still read, its
    addresses found, and what it doubts is in the review queue as uncertain repairs."""
    _needs_tesseract()
    doc = extract_file(image_pdf(render(LEAFLET.read_bytes(), 150), 150), **FIELDS)
    assert doc.quality.ocr_read == [1]
    postal = {a.postal_code for a in text_version.addresses}
    assert len({a.postal_code for a in doc.addresses} & postal) >= 2
    assert doc.quality.uncertain_tokens >= 1
    assert all(r.uncertain for b in doc.blocks for r in b.repairs if r.rule == "ocr")


def test_without_tesseract_the_pages_wait_with_the_reason(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(engine, "_TESSDATA", ())
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    engine.tessdata.cache_clear()
    try:
        images = render(LEAFLET.read_bytes(), 150)
        doc = extract_file(image_pdf(images, 150), **FIELDS)
    finally:
        engine.tessdata.cache_clear()
    assert doc.quality.needs_ocr and doc.quality.ocr_pages == [1] and doc.quality.ocr_read == []
    (warning,) = [w for w in doc.quality.warnings if "not read" in w]
    assert "no Tesseract models" in warning and "tesseract-ocr-ara" in warning


def test_a_numbered_line_whose_dot_ocr_lost_stays_in_its_list() -> None:
    rows = [("1.", "التصريح"), ("2", "التحقق"), ("3.", "التوصل"), ("7", "سنوات")]
    words = []
    for n, (number, text) in enumerate(rows, start=1):
        top = 100 + 300 * n  # far apart: one block per line
        words.append(OcrWord(number, 95, 2200, top, 40, 40, (n, 1, 1)))  # logical order
        words.append(OcrWord(text, 95, 1500, top, 600, 40, (n, 1, 1)))
    blocks = ocr_blocks(OcrPage(1, 300, words))
    assert [(b.type, b.number) for b in blocks] == [
        ("list_item", "1"),
        ("list_item", "2"),
        ("list_item", "3"),
        ("paragraph", None),  # 7 follows no 6: a paragraph that starts with a number
    ]
    assert blocks[1].text == "التحقق"
