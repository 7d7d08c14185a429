"""Clean-text safety: on real, correctly encoded Arabic the repair engine edits nothing
beyond NFC and tatweel. Sources and licences: tests/fixtures/arabic_clean/README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors.arabic import repair_text
from extractors.arabic.repair import prepare, repair_lines

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "tests" / "fixtures" / "arabic_clean"
PUBLIC_SERVICE = [
    ROOT / "corpus/snapshots/consonews-amo-cnss/2025-09-01.txt",
    ROOT / "corpus/snapshots/alouadifa-amo-tadamon/2025-09-01.txt",
]
ARABIC_WORD = re.compile(r"\S*[\u0621-\u064a]\S*")
# our own lines: لا + hamza compounds, harakat, numbers, dates and Latin words together
OWN_LINES = [
    "ترفض الاتفاقية كل معاملة قاسية أو لاإنسانية، وتدين السلوك اللاإنساني واللاأخلاقي.",
    "الحركة اللاإرادية للعضلات ليست دليلاً على المرض، والنزعة اللاأدرية مذهب فلسفي.",
    "يُعتبر التأمينُ الإجباريُّ عن المرض (AMO) إلزامياً منذ 1 دجنبر 2022 بموجب القانون رقم 65.00.",
    "لا أحد يملك الحق في الرفض، ولا إكراه في الدين، ولا أمل دون عمل.",
    "تصرف اللاأبالية يضر بالمرتفقين؛ راجعوا www.cnss.ma أو اتصلوا بالرقم 080 200 72 72.",
]


def _files() -> list[Path]:
    return [*sorted(CLEAN.glob("*.txt")), *PUBLIC_SERVICE]


def test_the_clean_corpus_is_large_and_varied() -> None:
    words = sum(len(ARABIC_WORD.findall(p.read_text("utf-8"))) for p in _files())
    genres = {p.name.split("__")[0] for p in CLEAN.glob("*.txt")}
    assert words >= 50_000, words
    assert {"legal", "administrative", "news", "encyclopedic"} <= genres


def _name(path: Path) -> str:
    return path.stem if path.parent == CLEAN else path.parent.name


@pytest.mark.parametrize("path", _files(), ids=_name)
def test_no_edit_on_real_clean_arabic(path: Path) -> None:
    """Every line comes back as NFC without tatweel. The one edit allowed is a Persian yeh
    typed in an Arabic word the lexicon knows (العربیة -> العربية), a keyboard variant the
    engine maps on every path (issue 15) and records as a repair."""
    lines = path.read_text("utf-8").split("\n")
    edited = []
    for line, result in zip(lines, repair_lines(lines), strict=True):
        if result.text == prepare(line):
            assert not result.repairs, result.repairs
            continue
        rules = {r.rule for r in result.repairs}
        edited.append((line, result.text, rules))
        assert rules == {"persian-letters"}, (line, result.text, result.repairs)
        assert result.text == prepare(line).replace("\u06cc", "\u064a"), result.text
    assert len(edited) <= 3, edited


def test_no_edit_on_la_hamza_compounds_harakat_and_mixed_lines() -> None:
    text = "\n".join(OWN_LINES)
    assert repair_text(text) == prepare(text)
    assert all(not r.repairs for r in repair_lines(OWN_LINES))
