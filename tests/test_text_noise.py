"""Noise-only versions of a real text capture (seed 004, alouadifa.ma, as captured in
the corpus) raise no alarm: tatweel inside a step marker, a bullet soft-wrapped onto an
indented line, a changed teaser in the "Lire Aussi" block; and the capture's furniture
(menus, share bars, see-also links, copyright) is labelled by content."""

from __future__ import annotations

import pytest

from extractors.changes import diff
from tests.conftest import CORPUS, make_document

CAPTURE = (CORPUS / "snapshots" / "alouadifa-amo-tadamon" / "2025-09-01.txt").read_text(
    encoding="utf-8"
)
BULLET = next(line for line in CAPTURE.splitlines() if "إذا انتهت صلاحية بطاقة" in line)
EDITS = {
    "tatweel in a step marker": ("الخطوة الأولى:", "الخطـــوة الأولى:"),
    "a bullet soft-wrapped onto an indented line": (
        BULLET,
        BULLET.replace("يجب على حاملها ", "يجب على حاملها \n    "),
    ),
    "a changed teaser": (
        "Formation Excel Gratuite 2025 : Analyse de Données pour Débutants",
        "Formation Word Gratuite 2026 : Mise en Page pour Débutants",
    ),
}


def _alarms(old_text: str, new_text: str) -> list[str]:
    changes = diff(make_document(old_text), make_document(new_text, day=2))
    return [
        f"{c.kind}: {c.summary}"
        for c in changes.changes
        if c.significance in ("substantive", "editorial")
    ]


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_noise_only_edit_raises_no_alarm(edit: str) -> None:
    before, after = EDITS[edit]
    assert CAPTURE.count(before) == 1, "the edit must apply to the capture"
    assert _alarms(CAPTURE, CAPTURE.replace(before, after)) == []


def test_all_noise_only_edits_together_raise_no_alarm() -> None:
    edited = CAPTURE
    for before, after in EDITS.values():
        edited = edited.replace(before, after)
    assert _alarms(CAPTURE, edited) == []


def test_a_real_change_still_raises_one() -> None:
    assert _alarms(CAPTURE, CAPTURE.replace("30 نونبر 2022", "31 دجنبر 2023"))


def test_the_capture_furniture_is_labelled_by_content() -> None:
    doc = make_document(CAPTURE)
    furniture = {b.text: b.furniture_signals for b in doc.blocks if b.furniture}
    assert furniture["PartagerTweeterPartagerPartagerPartagerPartager"] == ["text: share bar"]
    assert furniture["Lire Aussi"] == ["text: see also"]
    assert furniture["Liens Utiles"] == ["text: see also"]
    assert furniture["Alouadifa.ma 2024-2025 © Copyright"] == ["text: copyright"]
    assert "Emploi Maroc" in furniture and "No Result" in furniture
    content = [b.text for b in doc.blocks if not b.furniture]
    assert "الخطوة الأولى: التسجيل في السجل الوطني للسكان (RNP)" in content
    assert any(t.startswith("برنامج Amo Tadamon هو نظام تأمين صحي") for t in content)
    assert doc.procedures and len(doc.procedures[0].steps) >= 3
