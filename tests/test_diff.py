"""The block-level diff between two versions."""

from __future__ import annotations

from extractors.diff import comparison_key, diff, word_diff
from extractors.models import Document
from tests.conftest import make_document


def version(text: str, day: int) -> Document:
    return make_document(text, day)


OLD = (
    "الخطوات\n\n1. التسجيل في السجل الوطني للسكان.\n"
    "2. أداء واجب الاشتراك بنسبة 6,37%.\n\nخاتمة النص هنا.\n"
)


def test_first_version_has_no_changes() -> None:
    changes = diff(None, version(OLD, 1))
    assert changes.from_version is None and changes.changes == []


def test_identical_text_after_normalisation_is_not_a_change() -> None:
    noisy = OLD.replace("السجل", "السجـــل").replace("للسكان.", "للسكان ")
    assert diff(version(OLD, 1), version(noisy, 2)).changes == []


def test_changed_number_is_substantive_and_carries_a_word_diff() -> None:
    new = OLD.replace("6,37%", "6,5%")
    (change,) = diff(version(OLD, 1), version(new, 2)).changes
    assert (change.kind, change.significance) == ("text_changed", "substantive")
    assert [op.op for op in change.word_diff] == ["equal", "delete", "insert"]
    assert change.word_diff[1].text == "6,37%." and change.word_diff[2].text == "6,5%."


def test_reworded_text_is_editorial() -> None:
    new = OLD.replace("خاتمة النص هنا.", "خاتمة هذا النص هنا.")
    (change,) = diff(version(OLD, 1), version(new, 2)).changes
    assert (change.kind, change.significance) == ("text_changed", "editorial")


def test_inserted_block_is_one_addition() -> None:
    new = OLD.replace("2. أداء", "2. تعبئة الاستمارة الإلكترونية.\n3. أداء")
    changes = diff(version(OLD, 1), version(new, 2))
    assert [(c.kind, c.after) for c in changes.changes] == [
        ("text_added", "تعبئة الاستمارة الإلكترونية.")
    ]
    assert changes.from_version.startswith("20250301T") and changes.to_version.startswith(
        "20250302T"
    )


def test_removed_block() -> None:
    new = OLD.replace("\nخاتمة النص هنا.\n", "")
    (change,) = diff(version(OLD, 1), version(new, 2)).changes
    assert (change.kind, change.before, change.after) == ("text_removed", "خاتمة النص هنا.", None)


def test_change_ids_are_stable() -> None:
    a, b = version(OLD, 1), version(OLD.replace("6,37", "7"), 2)
    assert [c.id for c in diff(a, b).changes] == [c.id for c in diff(a, b).changes]


def test_helpers() -> None:
    assert comparison_key("Étape 1 : S'inscrire!") == comparison_key("étape 1 s inscrire")
    assert word_diff("a b c", "a c") == word_diff("a b c", "a c")
    assert [o.op for o in word_diff("a b c", "a c")] == ["equal", "delete", "equal"]
