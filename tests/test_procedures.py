"""Procedures: every step-marker family in Arabic, French and English, numbered runs,
bullets introduced as steps, step content, eligibility, documents, channels, stable ids,
and the things that are not procedures. Cases written for dalil, none from the seeds."""

from __future__ import annotations

import pytest

from extractors.fields.procedures import step_id
from extractors.models import Document
from tests.conftest import make_document
from tests.test_html import extract_html, page


def only(doc: Document):
    assert len(doc.procedures) == 1, [p.title for p in doc.procedures]
    return doc.procedures[0]


def texts(doc: Document) -> list[str]:
    return [s.text for s in only(doc).steps]


@pytest.mark.parametrize(
    "markers",
    [
        ["الخطوة الأولى:", "الخطوة الثانية:", "الخطوة الثالثة:"],
        ["المرحلة 1:", "المرحلة 2:", "المرحلة 3:"],
        ["المرحلة ١ -", "المرحلة ٢ -", "المرحلة ٣ -"],
        ["أولا:", "ثانيا:", "ثالثا:"],
        ["Étape 1 :", "Étape 2 :", "Étape 3 :"],
        ["Première étape :", "Deuxième étape :", "Troisième étape :"],
        ["Step 1:", "Step 2:", "Step 3:"],
        ["1)", "2)", "3)"],
        ["١-", "٢-", "٣-"],
    ],
)
def test_step_markers_in_paragraphs(markers: list[str]) -> None:
    steps = ["Remplir le formulaire en ligne", "Déposer le dossier", "Retirer la carte"]
    body = "\n\n".join(f"{m} {s}" for m, s in zip(markers, steps, strict=True))
    doc = make_document(f"Comment s'inscrire à l'AMO\n\n{body}\n")
    assert texts(doc) == steps
    assert [s.number for s in only(doc).steps] == [1, 2, 3]


def test_step_headings_take_their_bullets_as_content() -> None:
    text = (
        "طريقة الانخراط في النظام\n\n"
        "الخطوة الأولى: إنشاء حساب\n\n"
        "  • الدخول إلى البوابة الإلكترونية\n"
        "  • إدخال رقم البطاقة الوطنية\n\n"
        "الخطوة الثانية: إيداع الطلب\n\n"
        "  • إرفاق نسخة من عقد الازدياد\n\n"
        "مقال ذو صلة لا علاقة له بالخطوات.\n"
    )
    proc = only(make_document(text))
    assert proc.title == "طريقة الانخراط في النظام"
    assert [s.text for s in proc.steps] == ["إنشاء حساب", "إيداع الطلب"]
    assert proc.steps[0].content == ["الدخول إلى البوابة الإلكترونية", "إدخال رقم البطاقة الوطنية"]
    assert proc.steps[1].content == ["إرفاق نسخة من عقد الازدياد"]


def test_numbered_list_under_a_step_title_with_lead_and_details() -> None:
    text = (
        "How to register your family\n\n"
        "  1. Create an account: go to the portal and choose a password.\n"
        "  2. Add your dependents: enter each child's birth certificate number.\n"
        "  3. Confirm by SMS\n"
    )
    proc = only(make_document(text))
    assert [s.text for s in proc.steps] == [
        "Create an account",
        "Add your dependents",
        "Confirm by SMS",
    ]
    assert proc.steps[0].content == ["go to the portal and choose a password."]


def test_html_ordered_list_and_nested_sub_steps() -> None:
    html = page(
        "<h2>Démarches d'inscription</h2><ol><li>Créer un compte<ol><li>Saisir le CIN</li>"
        "<li>Valider le code reçu</li></ol></li><li>Déposer le dossier à l'agence CNSS</li></ol>"
    )
    proc = only(extract_html(html))
    assert [s.text for s in proc.steps] == ["Créer un compte", "Déposer le dossier à l'agence CNSS"]
    assert proc.steps[0].content == ["Saisir le CIN", "Valider le code reçu"]
    assert any(c.type == "office" and "agence CNSS" in c.value for c in proc.channels)


def test_bullets_introduced_as_the_following_steps() -> None:
    text = (
        "ماذا تفعل إذا ضاعت بطاقتك؟\n\n"
        "يمكنك اتباع الخطوات التالية:\n\n"
        "  • التصريح بالضياع لدى أقرب وكالة\n"
        "  • طلب بطاقة جديدة عبر الموقع www.exemple.ma\n"
    )
    proc = only(make_document(text))
    assert proc.title == "ماذا تفعل إذا ضاعت بطاقتك؟"
    assert [s.number for s in proc.steps] == [1, 2]
    assert proc.steps[1].urls == ["www.exemple.ma"]
    assert {c.type for c in proc.channels} == {"online", "office"}


def test_eligibility_and_required_documents_join_the_procedure() -> None:
    text = (
        "Conditions d'éligibilité\n\n"
        "Être inscrit au RSU. Ne bénéficier d'aucune autre couverture.\n\n"
        "Pièces à fournir\n\n"
        "  • Copie de la CIN\n"
        "  • Attestation de scolarité\n\n"
        "Étapes de l'inscription\n\n"
        "  1. Remplir le formulaire\n"
        "  2. Déposer le dossier\n"
    )
    proc = only(make_document(text, languages=("fr",)))
    assert proc.eligibility == ["Être inscrit au RSU.", "Ne bénéficier d'aucune autre couverture."]
    assert proc.required_documents == ["Copie de la CIN", "Attestation de scolarité"]


def test_numbered_sections_and_descriptive_bullets_are_not_procedures() -> None:
    text = (
        "1. Les régimes de l'AMO\n\n"
        "L'AMO couvre plusieurs populations.\n\n"
        "  • AMO des salariés : pour le secteur privé.\n"
        "  • AMO Tadamon : pour les personnes sans revenus.\n\n"
        "2. Le financement\n\n"
        "L'État prend en charge les cotisations.\n"
    )
    assert make_document(text).procedures == []


def test_news_with_numbers_is_not_a_procedure() -> None:
    text = (
        "Le gouvernement a annoncé mardi que 11 millions de personnes bénéficient de l'AMO.\n\n"
        "Selon le ministre, 1.2 million de dossiers ont été traités en 2024.\n"
    )
    assert make_document(text).procedures == []


def test_an_unchanged_step_keeps_its_id_across_versions() -> None:
    first = "Étapes\n\n  1. Créer un compte\n  2. Déposer le dossier\n"
    second = "Étapes\n\n  1. Lire la notice\n  2. Créer un   compte\n  3. Déposer le dossier\n"
    old, new = only(make_document(first)), only(make_document(second, day=2))
    assert old.steps[0].id == new.steps[1].id == step_id("Créer un compte")
    assert old.steps[1].id == new.steps[2].id
    assert old.id == new.id


def test_outcomes_from_the_steps_and_from_what_happens_after() -> None:
    text = (
        "Les étapes\n\n"
        "  1. Remplir le formulaire en ligne\n"
        "  2. Déposer le dossier : vous recevrez un récépissé par SMS.\n\n"
        "Après le dépôt\n\n"
        "La carte est envoyée à domicile sous 15 jours.\n"
    )
    proc = only(make_document(text, languages=("fr",)))
    assert proc.outcomes == [
        "vous recevrez un récépissé par SMS.",
        "La carte est envoyée à domicile sous 15 jours.",
    ]
