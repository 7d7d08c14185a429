"""Letter-level fixes on text with no other damage (issue 15): presentation forms in a
French line, Persian/Urdu letter forms in Arabic words, a lam-alef written backwards in a
text capture; and clean text left alone. Sentences written for dalil."""

from __future__ import annotations

import pytest

from extractors.arabic import repair_lines
from tests.conftest import make_document


def _one(line: str):
    return repair_lines([line])[0]


def test_presentation_forms_in_a_mostly_french_line_are_normalised() -> None:
    # "تعليمات" in presentation forms, as a PDF-to-text tool gives it, inside French
    result = _one("Instructions à suivre ﺗﻌﻠﻴﻤﺎت avant le dépôt du dossier")
    assert result.text == "Instructions à suivre تعليمات avant le dépôt du dossier"
    assert [r.rule for r in result.repairs] == ["presentation-forms"]


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("یجب تقديم الطلب خلال شھرین", "يجب تقديم الطلب خلال شهرين"),
        ("علی الطالب أن یودع الملف", "على الطالب أن يودع الملف"),
        ("ﺗﻌﻠﯾﻣﺎت هامة", "تعليمات هامة"),  # presentation forms of the Persian yeh
        ("ہذا الکتاب", "هذا الكتاب"),
    ],
)
def test_persian_letter_forms_become_arabic_letters_recorded_as_repairs(
    line: str, fixed: str
) -> None:
    result = _one(line)
    assert result.text == fixed
    assert "persian-letters" in [r.rule for r in result.repairs]


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("تغطية مصاريف العالجات الطبية", "تغطية مصاريف العلاجات الطبية"),
        ("يجب تقديم المالحظات كتابة", "يجب تقديم الملاحظات كتابة"),
    ],
)
def test_a_backward_lam_alef_in_a_text_capture_is_put_back(line: str, fixed: str) -> None:
    result = _one(line)
    assert result.text == fixed
    assert [r.rule for r in result.repairs] == ["lam-alef-order"]


@pytest.mark.parametrize(
    "line",
    [
        "والتسجيل في النظام بالمستشفى العمومي كالعادة فالطالب مسؤول عن ملفه",
        "للاستفادة من التغطية الصحية يجب الالتزام بالآجال",
        "أعلن المجلس الجماعي لمدينة الداخلة عن فتح باب الترشيح",
        "السيد عبد الله الدالي مدير الوكالة",
    ],
)
def test_clean_arabic_is_not_edited(line: str) -> None:
    result = _one(line)
    assert result.text == line and result.repairs == []


def test_fixes_reach_the_document_with_the_raw_text_kept() -> None:
    doc = make_document("یجب تغطية العالجات خلال شھرین")
    (block,) = doc.blocks
    assert block.text == "يجب تغطية العلاجات خلال شهرين"
    assert block.raw_text == "یجب تغطية العالجات خلال شھرین"
    assert {r.rule for r in block.repairs} == {"persian-letters", "lam-alef-order"}


@pytest.mark.parametrize("word", ["اللاإنسانية", "اللاأخلاقية", "اللاإرادية"])
def test_la_hamza_compounds_are_not_taken_for_a_split_hamza(word: str) -> None:
    """لا + hamza compounds are real words: the split-hamza rule (اأ for a joined أ) leaves
    a word the lexicon knows as it is (issue 16, item 5)."""
    line = f"تحدث التقرير عن {word} في المجتمع"
    result = _one(line)
    assert result.text == line and result.repairs == []


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("قال رئيس اللجن ة إن الملف كامل", "قال رئيس اللجنة إن الملف كامل"),
        ("أحد ث تعديل على محتو ى الصفحة", "أحدث تعديل على محتوى الصفحة"),
    ],
)
def test_a_last_letter_set_apart_by_glyph_positioning_is_joined(line: str, fixed: str) -> None:
    result = _one(line)
    assert result.text == fixed
    assert {r.rule for r in result.repairs} == {"split-letter"}


@pytest.mark.parametrize(
    "line", ["جاء زيد و عمرو إلى المكتب", "الفئة أ و الفئة ب من الملحق", "قسم ب من القانون"]
)
def test_a_letter_that_stands_alone_on_purpose_stays_alone(line: str) -> None:
    result = _one(line)
    assert result.text == line and result.repairs == []


def test_a_damaged_mixed_line_with_a_private_use_glyph_is_read_not_crashed() -> None:
    """atheris found it: the visual-run rule holds Latin tokens as private-use stand-ins,
    so a line that already holds one (a Symbol-font bullet, U+F0A7) crashed the engine.
    Such a line is left to the other rules."""
    result = _one("AMO \uf0a7 \ufffdلت\ufffdسجيل Tadamon www.cnss.ma")
    assert result.text == "AMO \uf0a7 التسجيل Tadamon www.cnss.ma"
