"""Damage that used to hide in PDFs: glyphs without letters (private use, U+FFFF,
``(cid:N)``), fake bold, running heads and page numbers, blank pages. The PDFs are made
here with fpdf2, their fonts' Unicode maps rewritten with pikepdf the way broken
producers write them; the text they were made from is the gold."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from hashlib import sha256

import pikepdf
import pytest
from fpdf import FPDF

from extractors.extract import extract
from extractors.formats.pdf import logical_text
from extractors.models import Document
from extractors.script import detect_language
from tests.conftest import ROOT

FONT = ROOT / "tests" / "fixtures" / "pdf" / "DejaVuSans.ttf"
ARABIC_LINES = [
    "يجب على الطالب تقديم طلب التسجيل في نظام التأمين الإجباري الأساسي عن المرض",
    "تودع الوثائق المطلوبة لدى المؤسسة الجامعية قبل نهاية شهر أكتوبر",
    "يستفيد الطالب من التغطية الصحية طيلة مدة الدراسة",
]


def _pdf(pages: list[list[str]], *, head: str | None = None, bold_twice: bool = False) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_font("dv", "", str(FONT))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        if not lines:
            continue  # a blank page
        pdf.set_font("dv", "", 9)
        if head:
            pdf.set_xy(pdf.l_margin, 10)
            pdf.cell(pdf.epw, 5, head, align="C")
            pdf.set_xy(pdf.l_margin, 285)
            pdf.cell(pdf.epw, 5, f"Page {number}", align="C")
        pdf.set_font("dv", "", 11)
        y = 60.0
        for text in lines:
            rtl = bool(re.search("[\u0600-\u06ff]", text))
            offsets = (0.0, 0.25) if bold_twice else (0.0,)
            for dx in offsets:  # fake bold: the same glyphs again, a hair to the right
                pdf.set_xy(pdf.l_margin + dx, y)
                pdf.cell(pdf.epw, 6, text, align="R" if rtl else "L")
            y += 9
    return bytes(pdf.output())


def _remap(data: bytes, target: str) -> bytes:
    """Every Arabic letter of every font's ToUnicode map sent to ``target``: "pua" (a
    private-use code point per glyph, as fonts without a Unicode map give) or "ffff"."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(2), 16)
        if not 0x0600 <= code <= 0x06FF:
            return match.group(0)
        new = 0xE000 + (code - 0x0600) if target == "pua" else 0xFFFF
        return f"{match.group(1)}<{new:04X}>"

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for _, font in page.Resources.Font.items():
                for part in [font, *font.get("/DescendantFonts", [])]:
                    if "/ToUnicode" in part:
                        cmap = part.ToUnicode.read_bytes().decode("latin-1")
                        cmap = re.sub(
                            r"^(<[0-9A-Fa-f]+> )<([0-9A-Fa-f]{4})>$", replace, cmap, flags=re.M
                        )
                        part.ToUnicode.write(cmap.encode("latin-1"))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _extract(data: bytes) -> Document:
    return extract(
        data,
        kind="pdf",
        source_id="damaged",
        fetched_at=datetime(2025, 9, 1, tzinfo=UTC),
        sha256=sha256(data).hexdigest(),
        snapshot="x",
        languages=("ar",),
    )


def test_the_clean_pdf_reads_back_without_damage() -> None:
    doc = _extract(_pdf([ARABIC_LINES]))
    text = " ".join(b.text for b in doc.blocks)
    assert all(line in text for line in ARABIC_LINES)
    assert doc.quality.damaged_tokens == 0 and not doc.quality.needs_ocr


@pytest.mark.parametrize(("target", "family"), [("pua", "private-use"), ("ffff", "U+FFFF")])
def test_glyphs_without_letters_are_damage_with_a_warning_naming_the_page(
    target: str, family: str
) -> None:
    doc = _extract(_remap(_pdf([["Page de garde"], ARABIC_LINES]), target))
    assert doc.quality.damaged_tokens >= sum(len(line.split()) for line in ARABIC_LINES) * 0.9
    assert doc.quality.ocr_pages == [2] and doc.quality.needs_ocr
    warned = [w for w in doc.quality.warnings if w.startswith("page 2:")]
    assert any(family in w for w in warned), doc.quality.warnings
    assert any("needs OCR" in w for w in warned)
    assert not any(w.startswith("page 1:") for w in doc.quality.warnings)


def test_private_use_glyphs_in_an_arabic_line_keep_its_order() -> None:
    """Glyphs without letters in a right-to-left line are read as letters of its script:
    the line is reordered as a whole, not left to right around them."""
    clean = _extract(_pdf([ARABIC_LINES]))
    broken = _extract(_remap(_pdf([ARABIC_LINES]), "pua"))
    shape = [[len(w) for w in b.raw_text.split()] for b in clean.blocks]
    assert [[len(w) for w in b.raw_text.split()] for b in broken.blocks] == shape
    assert all(b.dir == "rtl" for b in broken.blocks)


def _chars(text: str, size: float = 10.0) -> list[dict]:
    """pdfplumber-like characters, left to right, one per glyph; ``(cid:N)`` is one glyph."""
    out, x = [], 0.0
    for glyph in re.findall(r"\(cid:\d+\)|.", text):
        out.append({"text": glyph, "x0": x, "x1": x + 5, "size": size})
        x += 5
    return out


def test_cid_placeholders_are_never_mirrored_nor_taken_for_french() -> None:
    visual = "(cid:282)(cid:12) " + "ةلاسرلا"  # an Arabic word in visual order
    text, rtl = logical_text(_chars(visual))
    assert rtl and "(cid:282)" in text and ")cid:" not in text
    assert detect_language("(cid:282)(cid:12) (cid:3) (cid:44) (cid:5)") is None
    assert detect_language("(cid:282)(cid:12) (cid:3) الرسالة") == "ar"


def test_a_cid_page_is_damage_and_its_tokens_count() -> None:
    doc = _extract(_pdf([ARABIC_LINES]))
    assert doc.quality.damaged_tokens == 0
    from extractors.quality import is_damaged

    assert is_damaged("(cid:282)") and is_damaged("\ue012\ue034") and is_damaged("\uffff")
    assert not is_damaged("\uf0b7")  # a Symbol-font bullet
    assert not is_damaged("الرسالة") and not is_damaged("lettre")


def test_fake_bold_doubled_glyphs_come_out_once() -> None:
    doc = _extract(_pdf([["CONVENTION de partenariate", *ARABIC_LINES]], bold_twice=True))
    text = " ".join(b.text for b in doc.blocks)
    assert "CONVENTION de partenariate" in text and "CCOO" not in text
    assert all(line in text for line in ARABIC_LINES)


def test_running_heads_and_page_numbers_are_furniture() -> None:
    body = [[f"Article {n}", f"Le paragraphe {n} du rapport dit ceci."] for n in range(1, 6)]
    doc = _extract(_pdf(body, head="Conseil économique, social et environnemental"))
    furniture = {b.text for b in doc.blocks if b.furniture}
    content = {b.text for b in doc.blocks if not b.furniture}
    assert "Conseil économique, social et environnemental" in furniture
    assert {f"Page {n}" for n in range(1, 6)} <= furniture
    assert {f"Le paragraphe {n} du rapport dit ceci." for n in range(1, 6)} <= content


def test_a_title_on_one_page_is_not_a_running_head() -> None:
    pages = [[f"Article {n}", "Texte du rapport."] for n in range(1, 4)]
    doc = _extract(_pdf(pages))
    assert not any(b.furniture for b in doc.blocks if b.text.startswith("Article"))


def test_blank_pages_are_not_damage() -> None:
    doc = _extract(_pdf([ARABIC_LINES, [], ["Suite du texte."], []]))
    assert not doc.quality.needs_ocr and doc.quality.ocr_pages == []
    assert not doc.quality.warnings
