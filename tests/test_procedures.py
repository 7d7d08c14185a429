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


# ---- procedures in new forms (issue 15): headings that name steps, stages or a how-to,
# marker variants, wrapped bullets, a PDF's same-size lead-in line. Written for dalil.

NEW_FORMS = {
    "ar-stages": (
        "مراحل التسجيل:\n\n1. إنشاء حساب على المنصة الإلكترونية\n2. ملء الاستمارة\n"
        "3. إيداع الملف لدى الوكالة\n",
        ["إنشاء حساب على المنصة الإلكترونية", "ملء الاستمارة", "إيداع الملف لدى الوكالة"],
    ),
    "ar-procedures": (
        "الإجراءات\n\n1- تقديم الطلب\n2- دراسة الملف\n3- تسليم البطاقة\n",
        ["تقديم الطلب", "دراسة الملف", "تسليم البطاقة"],
    ),
    "ar-how-bullets": (
        "كيفية التسجيل\n\n- ملء الاستمارة\n- إرفاق الوثائق\n- إيداع الملف\n",
        ["ملء الاستمارة", "إرفاق الوثائق", "إيداع الملف"],
    ),
    "fr-steps": (
        "Les étapes\n\n1. Créer un compte\n2. Remplir le formulaire\n3. Déposer le dossier\n",
        ["Créer un compte", "Remplir le formulaire", "Déposer le dossier"],
    ),
    "fr-how-bullets": (
        "Comment faire ?\n\n• Remplir le formulaire en ligne\n• Joindre les pièces\n"
        "• Valider la demande\n",
        ["Remplir le formulaire en ligne", "Joindre les pièces", "Valider la demande"],
    ),
    "en-how-to-apply": (
        "How to apply\n\n1. Create an account\n2. Fill in the form\n3. Submit your file\n",
        ["Create an account", "Fill in the form", "Submit your file"],
    ),
    "en-how-bullets": (
        "How to register\n\n- Create an account\n- Fill in the form\n- Submit your file\n",
        ["Create an account", "Fill in the form", "Submit your file"],
    ),
}


@pytest.mark.parametrize("case", sorted(NEW_FORMS))
def test_a_run_under_a_heading_that_names_steps_is_a_procedure(case: str) -> None:
    text, steps = NEW_FORMS[case]
    assert texts(make_document(text)) == steps


@pytest.mark.parametrize(
    "heading",
    [
        "Les documents à fournir",
        "الوثائق المطلوبة",
        "Who can apply",
        "شروط الاستفادة",
        "Comment constituer le dossier",  # a how-to of documents: still a list of documents
        "كيفية تحضير الوثائق",
    ],
)
def test_bullets_under_a_documents_or_eligibility_heading_are_not_steps(heading: str) -> None:
    doc = make_document(f"{heading}\n\n- Carte nationale\n- Photo récente\n- Attestation\n")
    assert doc.procedures == []


@pytest.mark.parametrize(
    "markers",
    [
        ["الخطـــوة الأولى:", "الخطوة  الثانية :", "الخطوة الثالثة -"],
        ["Étape  1 :", "Étape 2 –", "Étape 3."],
        ["Step 1 -", "Step  2:", "Step 3 —"],
    ],
)
def test_tatweel_spaces_and_punctuation_inside_markers_change_nothing(markers: list[str]) -> None:
    steps = ["إنشاء حساب", "ملء الاستمارة", "إيداع الملف"]
    body = "\n\n".join(f"{m} {s}" for m, s in zip(markers, steps, strict=True))
    assert texts(make_document(body)) == steps


def test_a_soft_wrapped_line_belongs_to_its_bullet() -> None:
    text = (
        "Les étapes\n\n- Créer un compte sur le portail en \n  indiquant votre numéro CIN\n"
        "- Remplir le formulaire\n- Déposer le dossier\n"
    )
    assert texts(make_document(text))[0] == (
        "Créer un compte sur le portail en indiquant votre numéro CIN"
    )


def test_a_pdf_lead_in_line_in_body_type_names_the_steps() -> None:
    """«مراحل التسجيل:» set in the body's size and weight: no heading by layout, still the
    title of the numbered run under it."""
    from tests.test_pdf_damage import _extract, _pdf

    lines = ["مراحل التسجيل:", "1. إنشاء حساب", "2. ملء الاستمارة", "3. إيداع الملف"]
    doc = _extract(_pdf([lines]))
    proc = only(doc)
    assert proc.title.rstrip(":") == "مراحل التسجيل"
    assert [s.text for s in proc.steps] == ["إنشاء حساب", "ملء الاستمارة", "إيداع الملف"]
