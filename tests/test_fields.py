"""Figures, addresses, URLs and the spaCy pipelines, family by family, on cases written for
dalil (none from the seeds)."""

from __future__ import annotations

import pytest

from extractors.fields.addresses import block_addresses, document_addresses
from extractors.fields.figures import parse_number, text_figures
from extractors.fields.nlp import annotate, pipeline
from extractors.fields.urls import is_valid_url, text_urls
from extractors.models import Block
from tests.conftest import make_document


def block(text: str, lang: str | None = None, block_id: str = "b0001", raw: str | None = None):
    return Block(id=block_id, type="paragraph", text=text, raw_text=raw or text, lang=lang)


# ---- figures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "lang", "value"),
    [
        ("1.164", "ar", 1164),
        ("300.000", "fr", 300000),
        ("6,37", "fr", 6.37),
        ("527,000", "en", 527000),
        ("11.1", "en", 11.1),
        ("1 250", "fr", 1250),
        ("١٬٢٥٠٫٥", "ar", 1250.5),
        ("2.500,75", "fr", 2500.75),
    ],
)
def test_numbers_with_moroccan_french_and_english_separators(
    written: str, lang: str, value: float
) -> None:
    assert parse_number(written, lang) == value


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        ("نسبة الاشتراك 4,52% من الدخل", "ar", {"value": 4.52, "unit": "percent"}),
        ("un taux de 2,26 % du salaire", "fr", {"value": 2.26, "unit": "percent"}),
        ("يؤدي المؤمن 250 درهم سنويا", "ar", {"value": 250, "unit": "MAD/year"}),
        ("une cotisation de 1.050 DH par mois", "fr", {"value": 1050, "unit": "MAD/month"}),
        ("a budget of MAD 2.4 billion", "en", {"value": 2.4e9, "unit": "MAD"}),
        ("ما بين 80 و٣٢٠ درهما شهريا", "ar", {"min": 80, "max": 320, "unit": "MAD/month"}),
        ("entre 150 et 2.000 dirhams par mois", "fr", {"min": 150, "max": 2000}),
        ("استفاد 2,7 مليون شخص من النظام", "ar", {"value": 2.7e6, "unit": "people"}),
        ("près de 450.000 ménages", "fr", {"value": 450000, "unit": "households"}),
        ("nearly 6 million families", "en", {"value": 6e6, "unit": "households"}),
        ("٣ ملايين مستفيد", "ar", {"value": 3e6, "unit": "people"}),
    ],
)
def test_figures(text: str, lang: str, want: dict) -> None:
    figures = text_figures(text, lang)
    assert len(figures) == 1, figures
    assert {k: getattr(figures[0], k) for k in want} == want


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("ابتداء من 15 دجنبر 2024", "2024-12-15"),
        ("قبل 3 نونبر 2023", "2023-11-03"),
        ("منذ 1 شتنبر 2022", "2022-09-01"),
        ("في 20 يوليوز 2021", "2021-07-20"),
        ("le 1er janvier 2025", "2025-01-01"),
        ("avant le 31 août 2024", "2024-08-31"),
        ("on March 3, 2024", "2024-03-03"),
        ("le 05/02/2024", "2024-02-05"),
        ("depuis février 2023", "2023-02"),
        ("في ١٢ غشت ٢٠٢٣", "2023-08-12"),
    ],
)
def test_dates_in_arabic_french_and_english(text: str, iso: str) -> None:
    assert [f.date for f in text_figures(text) if f.unit == "date"] == [iso]


def test_bare_numbers_are_not_figures() -> None:
    assert text_figures("Article 12 de la loi 65-00, promulguée en 2002", "fr") == []


# ---- addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "شارع محمد الخامس، ص.ب 1234، وجدة 60000",
            {
                "street": "شارع محمد الخامس",
                "po_box": "1234",
                "city": "وجدة",
                "postal_code": "60000",
            },
        ),
        ("زنقة الياسمين، حي الرياض، بالرباط", {"street": "زنقة الياسمين", "city": "الرباط"}),
        (
            "Bd Zerktouni, B.P. 512, Casablanca",
            {"street": "Bd Zerktouni", "po_box": "512", "city": "الدار البيضاء"},
        ),
        ("12, Rue Ibn Sina, Agdal, Rabat 10090", {"postal_code": "10090", "city": "الرباط"}),
        ("BP 45 Meknès", {"po_box": "45", "city": "مكناس"}),
        ("ص.ي 980، تطوان", {"po_box": "980", "city": "تطوان"}),
        ("ص.ب 77، 000 93، تطوان", {"po_box": "77", "postal_code": "93000", "city": "تطوان"}),
        ("Angle Av. Hassan II et Rue Fès, Kénitra", {"city": "القنيطرة"}),
        ("كلم 5، طريق مراكش، ص.ب 320، آسفي", {"street": "كلم 5", "city": "آسفي"}),
    ],
)
def test_addresses(text: str, want: dict) -> None:
    found = block_addresses(block(text))
    assert len(found) == 1, found
    assert {k: getattr(found[0], k) for k in want} == want
    assert found[0].raw in text


def test_two_signals_are_needed_and_prose_is_not_an_address() -> None:
    for text in (
        "يتم التسجيل عن طريق الموقع الإلكتروني في الرباط",
        "La CNSS a ouvert une agence à Rabat.",
        "Rabat",
        "ص.ب",
    ):
        assert block_addresses(block(text)) == [], text


def test_several_offices_in_one_block_and_one_split_over_two() -> None:
    one = block("ص.ب 12، أكدال، الرباط ص.ب 40، سلا ص.ب 9، مكتب البريد الرئيسي")
    assert [(a.po_box, a.city) for a in block_addresses(one)] == [
        ("12", "الرباط"),
        ("40", "سلا"),
        ("9", None),
    ]
    first = block("حي النصر، ص.ب 88،", block_id="b0001")
    second = block("الناظور، 62000", block_id="b0002")
    (address,) = document_addresses([first, second])
    assert (address.po_box, address.city, address.postal_code) == ("88", "الناظور", "62000")


def test_french_ner_gives_a_city_the_gazetteer_lacks() -> None:
    doc = make_document(
        "Résidence Les Palmiers, Imm. 4, Lot. Annasr, Bouskoura\n", languages=("fr",)
    )
    assert [a.street for a in doc.addresses] == ["Résidence Les Palmiers"]


# ---- URLs ------------------------------------------------------------------------------


def test_urls_with_and_without_scheme_and_bare_ips() -> None:
    text = (
        "Voir amo.cnss.ma, WWW.CNOPS.ORG.MA/fr, http://10.2.3.4:8080/portail/ et 192.168.1.1/amo."
    )
    urls = [(u.url, u.raw) for u in text_urls([block(text)])]
    assert urls == [
        ("amo.cnss.ma", "amo.cnss.ma"),
        ("www.cnops.org.ma/fr", "WWW.CNOPS.ORG.MA/fr"),
        ("http://10.2.3.4:8080/portail/", "http://10.2.3.4:8080/portail/"),
        ("192.168.1.1/amo", "192.168.1.1/amo"),
    ]


def test_urls_wrapped_across_lines_blocks_and_right_to_left_text() -> None:
    blocks = [
        block(
            "x", raw="Université Delta : http://portail.\nuniv-delta.ma/amo/ inscription/index.php"
        ),
        block("y", block_id="b0002", raw="https://services.exemple.ma/www/index.  : لرابط"),
        block("z", block_id="b0003", raw="php/amo/etudiant?lang=ar"),
        block("w", block_id="b0004", raw="Faculté : http://"),
        block("v", block_id="b0005", raw="fac.exemple.ma/"),
    ]
    urls = text_urls(blocks)
    assert [u.url for u in urls] == [
        "http://portail.univ-delta.ma/amo/inscription/index.php",
        "https://services.exemple.ma/www/index.php/amo/etudiant?lang=ar",
        "http://fac.exemple.ma/",
    ]
    assert urls[0].label == "Université Delta" and urls[2].label == "Faculté"


def test_url_labels_from_an_organisation_named_in_the_block() -> None:
    doc = make_document("Pour suivre votre dossier, la CNSS propose www.macnss.ma aux assurés.\n")
    assert [(u.url, u.label) for u in doc.urls] == [("www.macnss.ma", "CNSS")]


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("http://www.cnss.ma/fr", True),
        ("amo.uca.ma", True),
        ("http://196.200.172.89/ent/", True),
        ("http://999.1.1.1/x", False),
        ("http://exemple", False),
        ("http://-bad-.ma", False),
    ],
)
def test_url_validity(url: str, valid: bool) -> None:
    assert is_valid_url(url) is valid


# ---- spaCy -----------------------------------------------------------------------------


def test_one_pipeline_per_language_with_gazetteer_entities() -> None:
    assert pipeline("fr") is pipeline("fr")
    assert "ner" in pipeline("fr").pipe_names and "entity_ruler" in pipeline("ar").pipe_names
    notes = annotate(
        [
            block("سجل في الصندوق الوطني للضمان الاجتماعي بمدينة طنجة.", "ar", "b1"),
            block("Le RAMED a été remplacé par l'AMO Tadamon à Oujda.", "fr", "b2"),
            block("The National Social Security Fund pays. Claims take a week.", "en", "b3"),
        ]
    )
    assert ("ORG", "الصندوق الوطني للضمان الاجتماعي") in [e[:2] for e in notes["b1"].entities]
    assert ("CITY", "طنجة") in [e[:2] for e in notes["b1"].entities]
    assert {"RAMED", "AMO Tadamon"} <= {e[1] for e in notes["b2"].labelled("SCHEME")}
    assert ("CITY", "Oujda") in [e[:2] for e in notes["b2"].entities]
    assert notes["b3"].sentences == [
        "The National Social Security Fund pays.",
        "Claims take a week.",
    ]


def test_french_statistical_ner_finds_places() -> None:
    notes = annotate([block("Le bureau régional se trouve à Bouskoura, près de Nouaceur.", "fr")])
    assert "Bouskoura" in [e[1] for e in notes["b0001"].labelled("LOC", "GPE", "CITY")]
