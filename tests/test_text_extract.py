"""The text path: blocks, normalisation, languages and damage counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from extractors.errors import ExtractionError
from extractors.extract import extract, sniff_kind
from extractors.formats.text import text_blocks
from extractors.models import Document
from extractors.normalize import normalize_text
from tests.conftest import make_document


def doc_of(text: str | bytes, languages: tuple[str, ...] = ()) -> Document:
    return make_document(text, source_id="sample", languages=languages)


def test_normalize_nfc_tatweel_whitespace() -> None:
    decomposed = "e\u0301tape"  # é as e + combining acute
    assert normalize_text(f"  {decomposed}\u00a0 المرحلـــــة\t\n1 ") == "étape المرحلة 1"


def test_raw_text_is_kept_beside_normalised_text() -> None:
    (block,) = text_blocks("الخطوة   الأولـــى: التسجيل\n")
    assert block.raw_text == "الخطوة   الأولـــى: التسجيل"
    assert block.text == "الخطوة الأولى: التسجيل"


def test_soft_wrapped_lines_join_even_across_a_blank_line() -> None:
    blocks = text_blocks("Le dossier doit être \ndéposé au bureau \n\nle plus proche.\nFin.\n")
    assert [b.text for b in blocks] == [
        "Le dossier doit être déposé au bureau le plus proche.",
        "Fin.",
    ]
    assert blocks[0].line == 1 and blocks[1].line == 5


def test_list_items_keep_number_and_depth_and_lose_their_marker() -> None:
    text = "Steps\n\n  1. Register online.\n  2) Pay the fee.\n    • with a card\n١- التسجيل\n"
    blocks = text_blocks(text)
    assert [(b.type, b.number, b.depth, b.text) for b in blocks] == [
        ("heading", None, None, "Steps"),
        ("list_item", "1", 0, "Register online."),
        ("list_item", "2", 0, "Pay the fee."),
        ("list_item", None, 1, "with a card"),
        ("list_item", "١", 0, "التسجيل"),
    ]


def test_headings_stand_alone_and_have_no_closing_punctuation() -> None:
    blocks = text_blocks("Eligibility\n\nYou must reside in Morocco.\n\nShort sentence.\n")
    assert [b.type for b in blocks] == ["heading", "paragraph", "paragraph"]


def test_languages_and_direction_per_block() -> None:
    doc = doc_of(
        "التسجيل في نظام التأمين الإجباري عن المرض\n\n"
        "Les étudiants doivent déposer le dossier dans les délais.\n\n"
        "The students must register with the fund.\n"
    )
    assert [(b.lang, b.dir) for b in doc.blocks] == [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")]
    assert set(doc.languages) == {"ar", "fr", "en"}


def test_declared_language_decides_latin_text_with_no_clue() -> None:
    doc = doc_of("CNOPS\n\nمعلومات هامة\n", languages=("ar", "fr"))
    assert doc.blocks[0].lang == "fr"


def test_damage_is_counted_never_dropped() -> None:
    doc = doc_of("�لتعليم �لعالي (cid:12) سليم\n")
    assert doc.quality.damaged_tokens == 3
    assert doc.quality.tokens == 4
    assert doc.blocks[0].raw_text == "�لتعليم �لعالي (cid:12) سليم"
    assert doc.blocks[0].text == "التعليم العالي (cid:12) سليم"
    assert doc.quality.repaired_tokens == 2
    assert doc.quality.warnings == ["1 damaged token(s) left unrepaired"]


def test_invalid_utf8_is_replaced_and_reported() -> None:
    doc = doc_of(b"caf\xe9 au lait\n")
    assert doc.blocks[0].text == "caf\ufffd au lait"
    assert doc.quality.warnings and "invalid UTF-8" in doc.quality.warnings[0]


@pytest.mark.parametrize("data", [b"", b"  \n\t\n"])
def test_empty_snapshot_is_a_named_error(data: bytes) -> None:
    with pytest.raises(ExtractionError, match="sample: snapshot is empty"):
        doc_of(data)


def test_unsupported_kind_is_a_named_error() -> None:
    with pytest.raises(ExtractionError, match="sample: no extractor for kind 'docx'"):
        extract(
            b"PK\x03\x04 a word file",
            kind="docx",  # type: ignore[arg-type]
            source_id="sample",
            fetched_at=datetime(2025, 1, 1, tzinfo=UTC),
            sha256="0" * 64,
            snapshot="x",
        )


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.4\n", "pdf"),
        (b"  <!DOCTYPE html><html>", "html"),
        (b"<html lang=ar>", "html"),
        (b"plain", "text"),
    ],
)
def test_sniff_kind(data: bytes, kind: str) -> None:
    assert sniff_kind(data) == kind


def test_title_prefers_the_hint_then_the_first_heading() -> None:
    assert doc_of("intro line.\n\nMain Title\n\nBody text here.\n").title == "Main Title"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("زيارة الموقع الرسمي www.cnss.ma/ar/services.", "ar"),  # the URL is not the language
        ("للمزيد من المعلومات: https://services.example.org/amoe/suivi?lang=ar", "ar"),
        ("راسلونا على amo-etudiants@cnops.org.ma", "ar"),
        ("Inscription sur www.cnss.ma", "fr"),
        ("www.cnss.ma/ar/services", "fr"),  # nothing but a URL: its letters decide
    ],
)
def test_language_ignores_urls_and_mail_addresses(text: str, lang: str) -> None:
    from extractors.script import detect_language

    assert detect_language(text, ["ar", "fr"]) == lang
