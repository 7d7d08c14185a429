"""The PDF path, on generated fixtures whose gold is the text they were made from."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path

import pikepdf
import pytest

from extractors.arabic.metrics import word_accuracy
from extractors.errors import ExtractionError
from extractors.extract import extract
from extractors.formats.pdf import logical_text
from extractors.models import Document
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
GOLD = json.loads((FIXTURES / "leaflet.json").read_text(encoding="utf-8"))


def extract_pdf(data: bytes, source_id: str = "fixture", workers: int = 1) -> Document:
    return extract(
        data,
        kind="pdf",
        source_id=source_id,
        fetched_at=datetime(2025, 9, 1, tzinfo=UTC),
        sha256=sha256(data).hexdigest(),
        snapshot="x",
        languages=("ar", "fr"),
        workers=workers,
    )


def fixture(name: str) -> Document:
    return extract_pdf((FIXTURES / f"{name}.pdf").read_bytes(), name)


def leaflet_gold() -> str:
    parts = [GOLD["title"], GOLD["subtitle"], *GOLD["intro"], GOLD["mixed"], GOLD["stages_title"]]
    parts += GOLD["stages"] + [GOLD["table_title"]] + [" ".join(row) for row in GOLD["table"]]
    parts += [GOLD["platforms_title"]] + [f"{name} : {url}" for name, url in GOLD["platforms"]]
    return " ".join([*parts, GOLD["link_text"]])


def flat(doc: Document) -> str:
    return " ".join(" ".join(b.cells) if b.cells else b.text for b in doc.blocks)


@pytest.mark.parametrize(
    ("name", "goal"),
    [("leaflet-shaped", 0.99), ("leaflet-preshaped", 0.99), ("leaflet-damaged", 0.97)],
)
def test_leaflet_fixtures_reach_their_word_accuracy(name: str, goal: float) -> None:
    assert word_accuracy([(flat(fixture(name)), leaflet_gold())]) >= goal


def test_mixed_lines_come_out_in_reading_order() -> None:
    doc = fixture("mixed-shaped")
    assert [b.text for b in doc.blocks] == GOLD["mixed_lines"]
    assert [b.dir for b in doc.blocks] == ["rtl", "rtl", "ltr", "rtl"]


@pytest.mark.parametrize("name", ["leaflet-shaped", "leaflet-preshaped", "leaflet-damaged"])
def test_latin_runs_digits_and_urls_are_exact(name: str) -> None:
    text = flat(fixture(name))
    for exact in [
        "CNSS أو CNOPS",
        "2025",
        "L'assurance maladie obligatoire des étudiants (AMOE)",
        *(url for _, url in GOLD["platforms"]),
        "6221، 10100",
    ]:
        assert exact in text


@pytest.mark.parametrize("name", ["leaflet-shaped", "leaflet-preshaped", "leaflet-damaged"])
def test_table_rows_are_in_logical_column_order(name: str) -> None:
    rows = [b.cells for b in fixture(name).blocks if b.type == "table_row"]
    assert rows[0] == GOLD["table"][0]
    for got, want in zip(rows[1:], GOLD["table"][1:], strict=True):
        assert got[0] == want[0]  # the city, first
        assert got[2].split("ص.ب")[1] == want[2].split("ص.ب")[1]  # P.O. box and postal code


def test_structure_headings_steps_pages_and_boxes() -> None:
    doc = fixture("leaflet-shaped")
    headings = [b.text for b in doc.blocks if b.type == "heading"]
    assert headings[:2] == [GOLD["title"], GOLD["stages_title"]]
    steps = [(b.number, b.text) for b in doc.blocks if b.type == "list_item"]
    assert steps == [(str(i), s) for i, s in enumerate(GOLD["stages"], start=1)]
    assert all(b.page == 1 and b.bbox and b.bbox[0] < b.bbox[2] for b in doc.blocks)


def test_wrapped_url_comes_out_whole_and_the_annotation_wins() -> None:
    doc = fixture("leaflet-shaped")
    wrapped = GOLD["platforms"][1][1]
    assert wrapped in flat(doc)
    urls = {u.url: u for u in doc.urls}
    assert wrapped in urls
    link = urls[GOLD["link_url"]]
    assert link.label == GOLD["link_text"]


def test_multi_code_point_glyph_is_not_reversed() -> None:
    chars = [  # visual order, as a shaped PDF stores "للاستفادة": a lam-alef glyph for two letters
        {"text": t, "x0": x, "x1": x + 5, "size": 10}
        for x, t in zip(range(0, 100, 6), ["ة", "د", "ا", "ف", "ت", "س", "لا", "ل"], strict=False)
    ]
    assert logical_text(chars) == ("للاستفادة", True)


def test_image_only_page_is_flagged_needs_ocr_not_silently_empty() -> None:
    doc = fixture("image-only")
    assert doc.quality.needs_ocr is True
    assert doc.blocks == []
    assert "page 1: no text layer (page images present): needs OCR" in doc.quality.warnings


def encrypted_pdf() -> bytes:
    with pikepdf.open(FIXTURES / "leaflet-shaped.pdf") as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))
        return out.getvalue()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: b"", "snapshot is empty"),
        (lambda: b"<html><body>not a pdf</body></html>", "not a PDF (no %PDF header)"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, "unreadable PDF"),
        (lambda: (FIXTURES / "leaflet-shaped.pdf").read_bytes()[:1200], "unreadable PDF"),
        (encrypted_pdf, "encrypted PDF: a password is required"),
    ],
    ids=["zero-byte", "not-a-pdf", "junk-after-header", "truncated", "encrypted"],
)
def test_bad_pdfs_get_a_clear_error(make, reason: str) -> None:
    with pytest.raises(ExtractionError, match=re.escape(reason)) as info:
        extract_pdf(make(), "bad-pdf")
    assert str(info.value).startswith("bad-pdf: ")


def test_a_truncated_tail_keeps_what_can_be_read(tmp_path: Path) -> None:
    data = (FIXTURES / "leaflet-shaped.pdf").read_bytes()
    cut = data[: int(len(data) * 0.97)]
    try:
        doc = extract_pdf(cut, "cut")
    except ExtractionError as exc:
        assert "unreadable PDF" in str(exc)
    else:
        assert doc.blocks or doc.quality.needs_ocr


def test_pages_across_processes_give_the_same_document() -> None:
    import sys

    sys.path.insert(0, str(FIXTURES))
    from generate import report

    data = report(20)
    one, two = extract_pdf(data, "report", workers=1), extract_pdf(data, "report", workers=2)
    assert [(b.id, b.page, b.text) for b in two.blocks] == [
        (b.id, b.page, b.text) for b in one.blocks
    ]
    assert {b.page for b in one.blocks} == set(range(1, 21))
