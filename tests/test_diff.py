"""Semantic change detection: every event type, every noise class, the significance
rules, in Arabic, French and English. Cases written for dalil, none from the seeds."""

from __future__ import annotations

import pytest

from extractors.changes.diff import comparison_key, diff, word_diff, wording_significance
from extractors.changes.noise import strip_tracking
from extractors.models import ChangeSet
from tests.conftest import make_document

AR = (
    "خطوات التسجيل في النظام\n\n"
    "  1. التسجيل في السجل الوطني للسكان عبر www.rnp.ma\n"
    "  2. التسجيل في السجل الاجتماعي الموحد\n"
    "  3. إيداع الطلب لدى الملحقة الإدارية\n\n"
    "شروط الاستفادة\n\n"
    "ألا يكون المستفيد مشمولا بتأمين آخر.\n\n"
    "واجب الاشتراك\n\n"
    "يبلغ واجب الاشتراك 6,37% من الدخل الشهري.\n\n"
    "العنوان: شارع الحسن الثاني، ص.ب 638، ورزازات\n"
)
FR = (
    "Démarches d'inscription\n\n"
    "  1. Créer un compte sur www.cnss.ma/inscription\n"
    "  2. Déposer le dossier à l'agence\n\n"
    "Pièces à fournir\n\n"
    "  • Copie de la CIN\n"
    "  • Attestation de travail\n\n"
    "Cotisation\n\n"
    "La cotisation mensuelle est de 150 DH par mois.\n"
)
EN = (
    "Steps to enroll\n\n"
    "  1. Obtain a residency permit\n"
    "  2. Register with the CNSS\n"
    "  3. Receive your card\n\n"
    "The scheme covers 11.1 million people.\n"
)


def changes(old: str, new: str, langs=()) -> ChangeSet:
    return diff(make_document(old, 1, languages=langs), make_document(new, 2, languages=langs))


def kinds(changeset: ChangeSet) -> list[tuple[str, str]]:
    return [(c.kind, c.significance) for c in changeset.changes]


def test_first_version_has_no_changes() -> None:
    result = diff(None, make_document(AR))
    assert result.from_version is None and result.changes == []


# ---- noise: nothing to report ------------------------------------------------------------


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("السجل", "السجـــل"),  # tatweel
        lambda t: t.replace("الوطني", "الوَطَنِيّ"),  # diacritics
        lambda t: t.replace("إيداع", "ايداع").replace("الإدارية", "الادارية"),  # alef variants
        lambda t: t.replace("638", "٦٣٨").replace("6,37", "٦,٣٧"),  # Arabic-Indic digits
        lambda t: t.replace("الشهري.", "الشهري !").replace("المستفيد مشمولا", "المستفيد، مشمولا"),
        lambda t: t.replace(" عبر ", "   عبر  ").replace("\n\n", "\n\n\n"),  # whitespace
        lambda t: t.replace("يبلغ واجب الاشتراك 6,37%", "يبلغ واجب\nالاشتراك 6,37%"),  # reflow
        lambda t: t.replace("www.rnp.ma", "www.rnp.ma/?utm_source=fb"),  # tracking params
        lambda t: t.replace("الموحد", "الموحّد"),  # shadda
        lambda t: t.replace("الاجتماعي", "الاجتماعى"),  # alef maksura for yeh
        lambda t: t.replace("الإدارية", "الإدارﻳﺔ"),  # presentation forms (NFKC)
    ],
)
def test_noise_in_arabic_is_not_reported(edit) -> None:
    assert changes(AR, edit(AR)).changes == []


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("Créer un compte", "CRÉER UN COMPTE"),
        lambda t: t.replace("l'agence", "l’agence"),  # quotes
        lambda t: t.replace("150 DH", "150 DH "),
    ],
)
def test_noise_in_french_is_not_reported(edit) -> None:
    assert changes(FR, edit(FR)).changes == []


def test_a_paragraph_cut_in_two_is_reflow() -> None:
    old = "Intro.\n\nThe scheme covers 11.1 million people and their families today.\n"
    new = "Intro.\n\nThe scheme covers 11.1 million people\n\nand their families today.\n"
    assert changes(old, new).changes == []


def test_furniture_changes_are_not_reported() -> None:
    from tests.test_html import extract_html, page

    body = "<article><h1>Étapes</h1><ol><li>Créer un compte</li><li>Déposer</li></ol></article>"
    old = extract_html(page(f"<nav><a href='/a'>Accueil</a></nav>{body}<aside>12 mai</aside>"))
    menu = "<nav><a href='/b'>Actualités</a><a href='/a'>Accueil</a></nav>"
    new = extract_html(page(f"{menu}{body}<aside>13 mai</aside>"))
    new = new.model_copy(update={"source": new.source.model_copy(update={"sha256": "1" * 64})})
    assert diff(old, new).changes == []


def test_a_repaired_spelling_equal_to_the_old_one_is_not_a_change() -> None:
    clean = "تعبئة الاستمارة الخاصة بالتسجيل.\n"
    damaged = "تعبئة �لا�ستمارة �لخا�سة بالت�سجيل.\n"  # the repair engine restores it
    assert changes(clean, damaged).changes == []


# ---- procedures ----------------------------------------------------------------------------


def test_step_added_removed_changed_moved() -> None:
    added = changes(EN, EN.replace("  3. Receive", "  3. Pay the first contribution\n  4. Receive"))
    assert kinds(added) == [("step_added", "substantive")]
    assert added.changes[0].after == "Pay the first contribution"
    removed = changes(EN, EN.replace("  2. Register with the CNSS\n  3.", "  2."))
    assert kinds(removed) == [("step_removed", "substantive")]
    moved = changes(
        EN,
        EN.replace("1. Obtain a residency permit", "1. Register with the CNSS").replace(
            "2. Register with the CNSS", "2. Obtain a residency permit"
        ),
    )
    assert [c.kind for c in moved.changes] == ["step_moved"]
    reworded = changes(
        EN, EN.replace("Register with the CNSS", "Register with the CNSS and the RSU")
    )
    (change,) = reworded.changes
    assert (change.kind, change.significance) == ("step_changed", "substantive")
    assert [op.op for op in change.word_diff] == ["equal", "insert"]


def test_step_rewording_without_new_content_is_editorial() -> None:
    result = changes(EN, EN.replace("Register with the CNSS", "Register with CNSS"))
    assert kinds(result) == [("step_changed", "editorial")]


def test_arabic_step_changes() -> None:
    result = changes(AR, AR.replace("لدى الملحقة الإدارية", "عبر البوابة الإلكترونية"))
    assert kinds(result) == [("step_changed", "substantive")]
    assert result.changes[0].path.startswith("procedures/p-")


def test_procedure_added_and_removed_and_title_changed() -> None:
    extra = FR + "\nComment renouveler ?\n\n  1. Se connecter\n  2. Confirmer la situation\n"
    assert ("procedure_added", "substantive") in kinds(changes(FR, extra))
    assert ("procedure_removed", "substantive") in kinds(changes(extra, FR))
    retitled = changes(FR, FR.replace("Démarches d'inscription", "Les démarches d'inscription"))
    assert kinds(retitled) == [("title_changed", "editorial")]


def test_eligibility_and_required_documents() -> None:
    stricter = AR.replace("بتأمين آخر.", "بتأمين آخر. وأن يكون مسجلا في السجل الاجتماعي الموحد.")
    assert kinds(changes(AR, stricter)) == [("eligibility_changed", "substantive")]
    more = FR.replace("  • Attestation de travail\n", "  • Attestation de travail\n  • Photo\n")
    assert kinds(changes(FR, more, ("fr",))) == [("required_document_added", "substantive")]
    fewer = FR.replace("  • Copie de la CIN\n", "")
    assert kinds(changes(FR, fewer, ("fr",))) == [("required_document_removed", "substantive")]


# ---- URLs, addresses, figures --------------------------------------------------------------


def test_url_changed_added_removed() -> None:
    moved = changes(FR, FR.replace("www.cnss.ma/inscription", "www.macnss.ma/inscription"))
    assert ("url_changed", "substantive") in kinds(moved)
    change = next(c for c in moved.changes if c.kind == "url_changed")
    assert (change.before, change.after) == ("www.cnss.ma/inscription", "www.macnss.ma/inscription")
    added = changes(EN, EN.replace("The scheme", "See www.cnss.ma. The scheme"))
    assert ("url_added", "substantive") in kinds(added)
    removed = changes(added_doc := EN.replace("The scheme", "See www.cnss.ma. The scheme"), EN)
    assert ("url_removed", "substantive") in kinds(removed) and added_doc


def test_address_changed_when_an_office_moves() -> None:
    result = changes(AR, AR.replace("ص.ب 638", "ص.ب 1200"))
    assert kinds(result) == [("address_changed", "substantive")]
    assert "1200" in result.changes[0].after and "638" in result.changes[0].before


def test_figure_changed_with_old_and_new_value() -> None:
    result = changes(AR, AR.replace("6,37%", "6,50%"))
    assert kinds(result) == [("figure_changed", "substantive")]
    assert (result.changes[0].before, result.changes[0].after) == ("6,37%", "6,50%")
    fr = changes(FR, FR.replace("150 DH", "175 DH"), ("fr",))
    assert kinds(fr) == [("figure_changed", "substantive")]
    en = changes(EN, EN.replace("11.1 million", "12.4 million"))
    assert kinds(en) == [("figure_changed", "substantive")]


# ---- prose ---------------------------------------------------------------------------------


def test_prose_added_removed_and_reworded() -> None:
    added = changes(EN, EN + "\nA new paragraph about dependents.\n")
    assert kinds(added) == [("text_added", "substantive")]
    removed = changes(EN + "\nA paragraph about dependents.\n", EN)
    assert kinds(removed) == [("text_removed", "substantive")]
    reworded = changes(
        EN + "\nThe office opens at nine in the morning.\n",
        EN + "\nThe office opens at nine every morning.\n",
    )
    assert kinds(reworded) == [("text_changed", "editorial")]


def test_significance_rules() -> None:
    assert wording_significance("Pay 6,37%", "Pay 6,50%") == "substantive"
    assert wording_significance("Register with the CNSS", "Register with CNSS") == "editorial"
    assert wording_significance("يتم التسجيل بالموقع", "يتم التسجيل في الموقع") == "editorial"
    assert wording_significance("Register at CNSS", "Register at CNSS and RSU") == "substantive"


def test_change_ids_are_stable_and_word_diffs_are_logical_order() -> None:
    a, b = make_document(AR, 1), make_document(AR.replace("6,37", "7"), 2)
    assert [c.id for c in diff(a, b).changes] == [c.id for c in diff(a, b).changes]
    assert [o.op for o in word_diff("a b c", "a c")] == ["equal", "delete", "equal"]
    ops = word_diff("يبلغ الاشتراك 6,37%", "يبلغ الاشتراك 6,50%")
    assert [(o.op, o.text) for o in ops] == [
        ("equal", "يبلغ الاشتراك"),
        ("delete", "6,37%"),
        ("insert", "6,50%"),
    ]


def test_comparison_key_and_tracking_parameters() -> None:
    assert comparison_key("Étape 1 : S'inscrire!") == comparison_key("étape 1 s inscrire")
    assert comparison_key("إيداع الطلبـــة") == comparison_key("ايداع الطلبه")
    assert strip_tracking("https://a.ma/x?utm_source=fb&id=3&gclid=9") == "https://a.ma/x?id=3"
    assert strip_tracking("www.a.ma/?fbclid=1") == "www.a.ma/"


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        ("Dernière mise à jour : 12 mars 2025", True),
        ("Mis à jour le 03/04/2025", True),
        ("Last updated: 12 March 2025", True),
        ("Published on 2025-03-12 by the editors", True),
        ("آخر تحديث: 12 مارس 2025", True),
        ("عدد المشاهدات: ١٢٠٤", True),
        ("Vues : 1 204", True),
        ("Le taux est mis à jour le 1er janvier : 6,50%", False),  # a rule, not a stamp
        ("Dernière mise à jour", False),  # no date or count
        ("Publié le décret n° 2-05-733 " + "relatif à l'assurance maladie " * 5, False),
        ("الخطوة 3: تحديث المعطيات قبل 12 مارس", False),
    ],
)
def test_page_stamps(line: str, stamp: bool) -> None:
    from extractors.changes.noise import is_page_stamp

    assert is_page_stamp(line) is stamp


def test_a_changed_page_stamp_is_noise_and_a_changed_rule_next_to_it_is_not() -> None:
    old = make_document("Dernière mise à jour : 12 mars 2025\n\nLe taux est de 6,37%.\n", 1)
    new = make_document("Dernière mise à jour : 3 avril 2025\n\nLe taux est de 6,50%.\n", 2)
    got = {(c.before, c.significance) for c in diff(old, new).changes}
    assert ("Dernière mise à jour : 12 mars 2025", "noise") in got
    assert ("6,37%", "substantive") in got
