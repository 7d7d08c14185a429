"""The Arabic repair engine: every damage family, the leaflet gold, simulated garbling,
properties, and bad input."""

from __future__ import annotations

import json
import random

import pytest
from bidi import get_display
from hypothesis import given, settings
from hypothesis import strategies as st
from wordfreq import top_n_list

from benchmarks.garble import garble, garble_word, strip_marks, with_rates
from extractors.arabic import repair_lines, repair_text
from extractors.arabic.candidates import DocumentContext, choose
from extractors.arabic.lexicon import default_lexicon
from extractors.arabic.metrics import word_accuracy, word_errors
from extractors.normalize import normalize_text
from extractors.script import arabic_share
from tests.conftest import CORPUS, ROOT, SHARED

FFFD = "\ufffd"
LEAFLET = CORPUS / "snapshots" / "cnops-amoe-leaflet" / "2025-09-01.txt"


def fix(line: str) -> str:
    return normalize_text(repair_lines([line])[0].text)


def rules_of(line: str) -> list[str]:
    return [r.rule for r in repair_lines([line])[0].repairs]


# --- the families measured on the leaflet, with cases of our own --------------------


@pytest.mark.parametrize(
    ("garbled", "clean"),
    [
        ("�لمدر�سة", "المدرسة"),  # isolated alef, seen
        ("�ل�ز�رة", "الوزارة"),  # joined waw, then an alef after the (non-joining) waw
        ("ر�تب", "راتب"),  # alef after a non-joining letter
        ("�لدخ�ل", "الدخول"),  # joined waw
        ("�أطفال", "أطفال"),  # isolated hamza-alef
        ("�لاأطباء", "الأطباء"),  # joined hamza-alef after lam
        ("م�ؤ�س�سة", "مؤسسة"),  # joined waw-hamza
        ("�لم�ست�سفى", "المستشفى"),  # seen letters in joined forms
        ("�لمد�ر�ض", "المدارس"),  # a seen letter in final form
        ("�لملحظات", "الملاحظات"),  # a lam-alef that lost its alef
    ],
)
def test_letter_families(garbled: str, clean: str) -> None:
    assert fix(garbled) == clean


# every damage the leaflet shows, at every opportunity (no lam-alef loss, no glue)
EVERY_OPPORTUNITY = with_rates(alef=1, waw=1, hamza_alef=1, lam_alef=0, glue=0, damaged_line=1)
NO_GLUE = with_rates(glue=0, damaged_line=1)


def test_simulated_words_of_our_own_are_recovered() -> None:
    words = [
        "التسجيل",
        "الإلكتروني",
        "للمؤمنين",
        "في",
        "الصندوق",
        "الوطني",
        "للضمان",
        "الاجتماعي",
        "يضمن",
        "الاستفادة",
        "من",
        "التعويضات",
        "عن",
        "مصاريف",
        "العلاج",
        "والأدوية",
        "والاستشارات",
        "الطبية",
    ]
    rng = random.Random(7)
    garbled = [garble_word(w, rng, EVERY_OPPORTUNITY) for w in words]
    assert sum(FFFD in g for g in garbled) >= 14
    assert fix(" ".join(garbled)) == " ".join(words)


def test_tatweel_is_dropped() -> None:
    assert fix("�لمرحلـــــــــة") == "المرحلة"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ينبغي على كل طالب )ة( ي�ستعد", "ينبغي على كل طالب (ة) يستعد"),
        ("انظر )الملحق( للتفاصيل", "انظر (الملحق) للتفاصيل"),
        ("التسجيل في السجل الوطني (RNP) و (RSU)", "التسجيل في السجل الوطني (RNP) و (RSU)"),
        ("Voir )annexe( pour les détails", "Voir )annexe( pour les détails"),
    ],
)
def test_mirrored_brackets_only_in_right_to_left_lines(line: str, expected: str) -> None:
    assert fix(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("أ( �لت�سجيل في النظام", "أ) التسجيل في النظام"),
        ("2( ي�ستفيد �لطالب )�لممنوح( من", "2) يستفيد الطالب (الممنوح) من"),
        ("1) يستفيد الطالب", "1) يستفيد الطالب"),
        ("أ) التسجيل (الإلكتروني)", "أ) التسجيل (الإلكتروني)"),
    ],
)
def test_mirrored_brackets_after_list_markers(line: str, expected: str) -> None:
    """Issue 16: «أ)» printed mirrored as «أ(» is put back; a right marker stays."""
    assert fix(line) == expected


def extractor_view(logical: str) -> str:
    """What a PDF-to-text tool emits for a garbled right-to-left line: the page shows it
    in visual order (U+FFFD drawn as an Arabic letter), and the tool runs the bidi
    algorithm over that with U+FFFD as a neutral."""
    standin = "\u06bb"
    visual = get_display(logical.replace(FFFD, standin), base_dir="R").replace(standin, FFFD)
    return get_display(visual, base_dir="L")


@pytest.mark.parametrize(
    ("logical", "clean"),
    [
        ("�لاجتماعية و�لثقافية ONOUSC", "الاجتماعية والثقافية ONOUSC"),
        ("�لم�قع �لر�سمي www.cnss.ma", "الموقع الرسمي www.cnss.ma"),
        ("�أو �لت�سجيل عبر CNSS Mobile", "أو التسجيل عبر CNSS Mobile"),
    ],
)
def test_fffd_moved_by_bidi_and_visual_run_order(logical: str, clean: str) -> None:
    seen = extractor_view(logical)
    assert seen != logical
    assert fix(seen) == clean
    assert "visual-runs" in rules_of(seen)


def test_issue_examples_of_visual_lines() -> None:
    assert fix("ONOUSC لاجتماعية و�لثقافية�") == "الاجتماعية والثقافية ONOUSC"
    assert fix(" CNSS أو� CNOPS لا ي�ستفيد�لطلبة") == "لا يستفيد الطلبة CNOPS أو CNSS"


def test_logical_mixed_line_is_not_reordered() -> None:
    line = garble("AMO للجميع: CNSS في صميم تعميم الحماية الاجتماعية", seed=3, rates=NO_GLUE)
    assert fix(line) == "AMO للجميع: CNSS في صميم تعميم الحماية الاجتماعية"


@pytest.mark.parametrize(
    ("garbled", "clean"),
    [
        ("ي�ستفيد�لطلبة", "يستفيد الطلبة"),
        ("ي�ستطيع�لم��طن", "يستطيع المواطن"),
        ("في�سميم �لم�ساألة", "في صميم المسألة"),
    ],
)
def test_words_run_together_are_split(garbled: str, clean: str) -> None:
    assert fix(garbled) == clean


def test_run_together_clean_words_are_split_but_the_line_keeps_its_order() -> None:
    """One run-together of two clean words is no proof of two runs in visual order: the
    words are split, the line is not reordered (issue 16: a plain typo did the same)."""
    assert fix("على الموقع الإلكترونييتم هذا الت�صريح") == "على الموقع الإلكتروني يتم هذا التصريح"
    typo = "ذهب �لطالب إلى الجامعةصباحا مع أصدقائه"
    assert fix(typo) == "ذهب الطالب إلى الجامعة صباحا مع أصدقائه"


@pytest.mark.parametrize(
    ("garbled", "clean"),
    [
        # one damaged word and one name the lexicon does not know, run together or not
        ("قال الماروري إن �لقر�ر نهائي", "قال الماروري إن القرار نهائي"),
        ("��ستقبل كريستيانساند �لوفد", "استقبل كريستيانساند الوفد"),
        ("يحق للمستقل �لت�سجيل في النظام", "يحق للمستقل التسجيل في النظام"),
        ("�لتقى �لرئيس بالسيد تايومن في الرباط", "التقى الرئيس بالسيد تايومن في الرباط"),
        ("بموجب مر�سومنا هذا", "بموجب مرسومنا هذا"),  # a damaged rare form stays whole
    ],
)
def test_no_line_is_reordered_and_no_name_split(garbled: str, clean: str) -> None:
    assert fix(garbled) == clean
    assert not {"visual-run-order", "visual-runs"} & set(rules_of(garbled))


@pytest.mark.parametrize(
    "clean", ["دور الحماية الاجتماعية في المغرب", "التسجيل في نظام التأمين الإجباري عن المرض"]
)
def test_reversed_lines(clean: str) -> None:
    assert fix(clean[::-1]) == clean
    assert rules_of(clean[::-1]) == ["reversed-line"]


def test_presentation_forms_in_either_order() -> None:
    logical = "ﺍﻟﺘﺄﻣﻴﻦ ﺍﻟﺼﺤﻲ ﺍﻹﺟﺒﺎﺭﻱ"
    assert fix(logical) == "التأمين الصحي الإجباري"
    assert fix(logical[::-1]) == "التأمين الصحي الإجباري"
    assert rules_of(logical) == ["presentation-forms"]
    assert rules_of(logical[::-1]) == ["presentation-forms+reversed-line"]


@pytest.mark.parametrize(
    ("encode", "decode", "rule"),
    [
        ("utf-8", "latin-1", "mojibake-utf8-as-cp1252"),
        ("cp1256", "latin-1", "mojibake-cp1256-as-latin1"),
        ("utf-8", "cp1256", "mojibake-utf8-as-cp1256"),
    ],
)
def test_mojibake_trial_decodes(encode: str, decode: str, rule: str) -> None:
    clean = "التأمين الصحي الإجباري عن المرض"
    garbled = clean.encode(encode).decode(decode)
    assert fix(garbled) == clean
    assert rules_of(garbled) == [rule]


def test_french_mojibake_is_left_to_ftfy_only_when_it_reads_as_arabic() -> None:
    assert fix("Les Ã©tudiants") == "Les Ã©tudiants"  # not Arabic: not this engine's call


@pytest.mark.parametrize("line", ["(cid:12)(cid:7) التأمين", "التأمين\x07 الصحي"])
def test_unmapped_glyphs_are_flagged_never_dropped(line: str) -> None:
    result = repair_lines([line])[0]
    assert result.damage_before > 0
    assert result.text == line


def test_document_context_decides_close_calls() -> None:
    lexicon = default_lexicon()
    alone = choose("ت�سريحهم", lexicon, DocumentContext())
    assert alone.result == "تسريحهم"
    with_context = choose("ت�سريحهم", lexicon, DocumentContext(["التصريح"]))
    assert with_context.result == "تصريحهم"
    lines = repair_lines(["ي�سرح �لطالب بالتصريح", "ت�سريحهم"])
    assert lines[1].text == "تصريحهم"


def test_uncertain_repairs_are_flagged_with_candidates() -> None:
    (repair,) = repair_lines(["ي�سرح"])[0].repairs
    assert repair.uncertain is True
    assert {text for text, _ in repair.candidates} >= {"يشرح", "يصرح"}
    assert repair.confidence < 0.9


# --- gold -------------------------------------------------------------------------------


def leaflet_gold() -> dict[int, str]:
    gold: dict[int, str] = {}
    dev = SHARED / "gold" / "leaflet_repair_dev.json"
    if dev.is_file():
        gold.update({g["line"]: g["gold"] for g in json.loads(dev.read_text(encoding="utf-8"))})
    ours = json.loads((ROOT / "tests" / "gold" / "leaflet_repair.json").read_text(encoding="utf-8"))
    gold.update({g["line"]: g["gold"] for g in ours["lines"]})
    return gold


def leaflet_reread() -> list[dict]:
    """Lines with more than one right reading (tests/gold/leaflet_reread.json)."""
    path = ROOT / "tests" / "gold" / "leaflet_reread.json"
    return json.loads(path.read_text(encoding="utf-8"))["lines"]


@pytest.fixture(scope="module")
def leaflet_repaired() -> tuple[list[str], list[str]]:
    lines = LEAFLET.read_text(encoding="utf-8").split("\n")
    return lines, [r.text for r in repair_lines(lines)]


@pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="../shared/gold not present")
def test_leaflet_dev_gold_lines_are_exact(leaflet_repaired) -> None:
    _, repaired = leaflet_repaired
    dev = json.loads((SHARED / "gold" / "leaflet_repair_dev.json").read_text(encoding="utf-8"))
    readings = {g["line"]: g["readings"] for g in leaflet_reread()}
    wrong = [
        g["line"]
        for g in dev
        if all(
            word_errors(repaired[g["line"] - 1], gold)[0]
            for gold in readings.get(g["line"], [g["gold"]])
        )
    ]
    assert wrong == []


def test_whole_leaflet_word_accuracy_is_at_least_99_percent(leaflet_repaired) -> None:
    lines, repaired = leaflet_repaired
    gold = leaflet_gold()
    readings = {g["line"]: g["readings"] for g in leaflet_reread()}
    pairs = [
        (out, min(readings.get(n, [gold.get(n, line)]), key=lambda g: word_errors(out, g)[0]))
        for n, (line, out) in enumerate(zip(lines, repaired, strict=True), 1)
    ]
    assert word_accuracy(pairs) >= 0.995


def test_simulated_garbling_of_clean_arabic_is_repaired_at_97_percent() -> None:
    lines = []
    for source in ("consonews-amo-cnss", "alouadifa-amo-tadamon"):
        text = (CORPUS / "snapshots" / source / "2025-09-01.txt").read_text(encoding="utf-8")
        lines += [strip_marks(line) for line in text.split("\n") if arabic_share(line) > 0.7]
    garbled = [garble(line, seed=11 + i) for i, line in enumerate(lines)]
    assert sum(FFFD in g for g in garbled) > 40
    repaired = [r.text for r in repair_lines(garbled)]
    assert word_accuracy(zip(repaired, lines, strict=True)) >= 0.97


# --- properties --------------------------------------------------------------------------

_ARABIC_WORDS = [w for w in top_n_list("ar", 3000) if w.isalpha()]
_LATIN_WORDS = top_n_list("fr", 500) + top_n_list("en", 500)
clean_lines = st.lists(
    st.sampled_from(_ARABIC_WORDS + _LATIN_WORDS) | st.integers(0, 99999).map(str),
    min_size=1,
    max_size=25,
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(clean_lines)
def test_clean_text_is_never_changed(line: str) -> None:
    result = repair_lines([line])[0]
    assert result.text == line and result.repairs == []


noisy_lines = st.text(
    st.sampled_from(
        [*"ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآؤئةى", FFFD, " ", "ـ", ")", "(", "A", "b", "1", "."]
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(noisy_lines)
def test_output_grows_only_by_inserted_letters_and_originals_trace_to_input(line: str) -> None:
    result = repair_lines([line])[0]
    assert len(result.text) <= len(line) + result.inserted
    sources = [line.replace("ـ", "")]
    for repair in result.repairs:
        assert any(repair.original in s for s in sources), repair
        sources.append(repair.result)


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "\ud800\udfff lone surrogates " + FFFD + "لت",
        bytes(random.Random(1).randrange(256) for _ in range(20000)).decode("latin-1"),
        "مختلط Mixed 混合 текст " + FFFD * 50 + " CNSS",
    ],
)
def test_bad_input_never_crashes(text: str) -> None:
    assert isinstance(repair_text(text), str)


def test_a_five_megabyte_line() -> None:
    line = ("�لت�سجيل في �لنظام CNSS 2025 " * 200_000)[: 5 * 1024 * 1024]
    assert len(repair_text(line)) > 4_000_000


@pytest.mark.parametrize(
    "source",
    [
        "expatexchange-amo-enrolment",
        "map-amo-tadamon-figures",
        "consonews-amo-cnss",
        "alouadifa-amo-tadamon",
    ],
)
def test_clean_seeds_are_not_edited(source: str) -> None:
    from tests.conftest import make_document

    doc = make_document(
        (CORPUS / "snapshots" / source / "2025-09-01.txt").read_bytes(),
        languages=("ar", "fr", "en"),
    )
    assert doc.quality.damaged_tokens == 0
    assert [r for b in doc.blocks for r in b.repairs] == []
    raw = (CORPUS / "snapshots" / source / "2025-09-01.txt").read_text(encoding="utf-8")
    assert repair_text(raw) == raw.replace("\u0640", "")
