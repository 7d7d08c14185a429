"""The HTML path: charsets, structure, furniture, links, and hazardous pages."""

from __future__ import annotations

from datetime import UTC, datetime
from hashlib import sha256

import pytest

from extractors.errors import ExtractionError
from extractors.extract import extract
from extractors.formats.html import decode_html
from extractors.models import Document

ARTICLE = "التسجيل في نظام التأمين الإجباري الأساسي عن المرض يتم عبر الموقع الإلكتروني للصندوق"


def page(body: str, head: str = "", attrs: str = "") -> str:
    return f"<!DOCTYPE html><html{attrs}><head>{head}</head><body>{body}</body></html>"


def extract_html(data: bytes | str, charset: str | None = None, **kw) -> Document:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return extract(
        raw,
        kind="html",
        source_id="page",
        fetched_at=datetime(2025, 9, 1, tzinfo=UTC),
        sha256=sha256(raw).hexdigest(),
        snapshot="x",
        url="https://www.example.org/guide/amo",
        languages=("ar", "fr"),
        charset=charset,
        **kw,
    )


def texts(doc: Document, **where) -> list[str]:
    return [b.text for b in doc.blocks if all(getattr(b, k) == v for k, v in where.items())]


def test_windows_1256_page_declared_iso_8859_1_is_read_as_arabic() -> None:
    data = page(f"<p>{ARTICLE}</p>", '<meta charset="iso-8859-1">').encode("cp1256")
    text, charset, how = decode_html(data, header_charset="ISO-8859-1")
    assert ARTICLE in text and charset == "cp1256"
    assert "read best" in how
    doc = extract_html(data, charset="ISO-8859-1")
    assert texts(doc) == [ARTICLE]
    assert any("cp1256" in w for w in doc.quality.warnings)


def test_utf8_with_a_stale_meta_charset() -> None:
    data = page(
        f"<p>{ARTICLE}</p>",
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">',
    )
    assert texts(extract_html(data)) == [ARTICLE]


def test_steps_as_br_separated_lines_keep_their_numbers() -> None:
    body = (
        "<div>Étape 1 : créer un compte<br>Étape 2 : remplir le formulaire<br/>"
        "Étape 3 : valider</div>"
    )
    assert texts(extract_html(page(body))) == [
        "Étape 1 : créer un compte",
        "Étape 2 : remplir le formulaire",
        "Étape 3 : valider",
    ]


def test_steps_as_paragraphs_keep_their_numbers() -> None:
    steps = [
        "Étape 1 : créer un compte",
        "الخطوة الثانية: التسجيل في السجل",
        "1) Pay the fee",
        "١- التسجيل",
    ]
    doc = extract_html(page("".join(f"<p>{s}</p>" for s in steps)))
    assert texts(doc) == steps


def test_nested_ordered_lists_keep_ordinals_and_depth() -> None:
    body = (
        "<ol><li>التسجيل<ol><li>الموقع</li><li>الاستمارة</li></ol></li><li>الأداء</li></ol>"
        "<ul><li>ملاحظة</li></ul>"
    )
    items = [(b.text, b.number, b.depth, b.ordered) for b in extract_html(page(body)).blocks]
    assert items == [
        ("التسجيل", "1", 0, True),
        ("الموقع", "1", 1, True),
        ("الاستمارة", "2", 1, True),
        ("الأداء", "2", 0, True),
        ("ملاحظة", None, 0, False),
    ]


def test_table_of_offices_becomes_rows_of_cells() -> None:
    body = (
        "<table><tr><th>المدينة</th><th>العنوان</th></tr>"
        "<tr><td>فاس</td><td>طريق إيموزار، ص.ب 2679</td></tr></table>"
    )
    rows = [b.cells for b in extract_html(page(body)).blocks if b.type == "table_row"]
    assert rows == [["المدينة", "العنوان"], ["فاس", "طريق إيموزار، ص.ب 2679"]]


def test_furniture_is_labelled_not_deleted() -> None:
    body = (
        '<nav><ul><li><a href="/">Accueil</a></li><li><a href="/emploi">Emploi</a></li></ul></nav>'
        f"<article><h1>دليل التسجيل</h1><p>{ARTICLE}</p></article>"
        '<aside class="sidebar"><a href="/x">Offres d’emploi à Fès</a></aside>'
        "<footer><p>شارع علال الفاسي، ص.ب 6221، الرباط</p></footer>"
    )
    doc = extract_html(page(body))
    main = texts(doc, furniture=False)
    assert main == ["دليل التسجيل", ARTICLE]
    assert "شارع علال الفاسي، ص.ب 6221، الرباط" in texts(doc, furniture=True)
    assert {"Accueil", "Emploi", "Offres d’emploi à Fès"} <= set(texts(doc, furniture=True))


def test_registry_selectors_select_and_remove() -> None:
    body = (
        f'<div id="content"><p>{ARTICLE}</p><div class="partner">Get a quote now</div></div>'
        "<div>Autre</div>"
    )
    doc = extract_html(page(body), selectors={"select": ["#content"], "remove": [".partner"]})
    assert texts(doc, furniture=False) == [ARTICLE]
    assert set(texts(doc, furniture=True)) == {"Get a quote now", "Autre"}


def test_rtl_page_with_ltr_runs() -> None:
    doc = extract_html(
        page("<p>يتم التسجيل عبر الموقع www.rnp.ma ثم AMO تضامن</p>", attrs=' lang="ar" dir="rtl"')
    )
    (block,) = doc.blocks
    assert (block.lang, block.dir) == ("ar", "rtl")
    assert block.text == "يتم التسجيل عبر الموقع www.rnp.ma ثم AMO تضامن"
    assert [u.url for u in doc.urls] == ["www.rnp.ma"]


def test_links_resolved_scripts_skipped_entities_decoded() -> None:
    body = (
        '<p>Voir <a href="/amo/inscription?x=1">la page d&#39;inscription</a> &amp; '
        '<a href="javascript:alert(1)">ceci</a></p><script>alert("x")</script>'
    )
    doc = extract_html(page(body, '<base href="https://portail.example.org/">'))
    assert texts(doc) == ["Voir la page d'inscription & ceci"]
    assert [(u.url, u.label) for u in doc.urls] == [
        ("https://portail.example.org/amo/inscription?x=1", "la page d'inscription")
    ]


def test_entity_bombs_are_not_expanded() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "AAAAAAAAAA">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    doc = extract_html(bomb + page("<p>&b; texte</p>"))
    assert "AAAAAAAAAA" not in " ".join(texts(doc))


def test_deeply_nested_markup_does_not_crash() -> None:
    data = page("<div>" * 5000 + "<p>profond</p>" + "</div>" * 5000)
    doc = extract_html(data)
    assert "profond" in " ".join(texts(doc))


def test_empty_body_is_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match="page: snapshot has no text"):
        extract_html(page(""))


def test_binary_junk_served_as_html_is_a_clear_error() -> None:
    junk = bytes(range(256)) * 64
    with pytest.raises(ExtractionError, match="page: not an HTML page: binary content"):
        extract_html(junk, charset="utf-8")


def test_a_twenty_megabyte_page() -> None:
    paragraph = f"<p>{ARTICLE}</p>"
    data = page(paragraph * (20 * 1024 * 1024 // len(paragraph.encode())))
    doc = extract_html(data)
    assert len(doc.blocks) > 100_000


def test_trafilatura_verdict_labels_furniture_on_a_page_without_furniture_markup() -> None:
    article = "".join(
        f"<p>Paragraphe {i} : l'inscription à l'AMO se fait auprès de la CNSS, avec la "
        "carte nationale et les pièces justificatives de chaque membre du foyer.</p>"
        for i in range(6)
    )
    body = (
        "<div><p>Publicité</p><p>Le temps demain</p></div>"
        f"<article><h1>S'inscrire à l'AMO</h1>{article}</article><div><p>Météo</p></div>"
    )
    doc = extract_html(page(body))
    assert texts(doc, furniture=True) == ["Publicité", "Le temps demain", "Météo"]
    assert len(texts(doc, furniture=False)) == 7
    # with furniture markup elsewhere on the page, the main text is still asked
    labelled = extract_html(page(f"<nav><p>Accueil</p></nav>{body}"))
    assert texts(labelled, furniture=True) == ["Accueil", "Publicité", "Le temps demain", "Météo"]
    signals = {b.text: b.furniture_signals for b in labelled.blocks}
    assert signals["Accueil"] == ["markup: tag nav", "main text: out"]
    assert signals["Publicité"] == ["main text: out"]
    assert (
        signals["S'inscrire à l'AMO"] == ["main text: in"]
        or signals["S'inscrire à l'AMO"][-1] == "heading: introduces content"
    )


ARTICLE_PARAGRAPHS = "".join(
    f"<p>Paragraphe {i} : l'inscription à l'AMO se fait auprès de la CNSS, avec la carte "
    "nationale et les pièces justificatives de chaque membre du foyer.</p>"
    for i in range(5)
)


@pytest.mark.parametrize(
    "wrap",
    [
        '<div class="no-sidebars">{}</div>',
        '<article class="post tag-amo tag-cnss">{}</article>',
        '<div class="widget Blog" id="Blog1">{}</div>',
        '<div id="main-menu-wrapper">{}</div>',
        '<main class="ads-enabled">{}</main>',
    ],
)
def test_a_furniture_word_on_a_wrapper_does_not_make_the_page_furniture(wrap: str) -> None:
    """A wrapper whose class or id holds a furniture word (real pages: WordPress tag-…
    classes, Blogger's "widget Blog", a body class "no-sidebars") holds the page's text:
    it is no furniture by its name."""
    body = wrap.format(f"<h1>S'inscrire à l'AMO</h1>{ARTICLE_PARAGRAPHS}")
    for attrs in ("", ' class="ads-enabled sidebar"'):
        doc = extract_html(page(body, attrs=attrs))
        assert len(texts(doc, furniture=False)) == 6, (wrap, attrs)


def test_a_copy_of_the_title_is_held_once() -> None:
    """A carousel or a teaser repeats the title: the main text holds it once."""
    body = (
        f"<h1>S'inscrire à l'AMO auprès de la CNSS</h1>{ARTICLE_PARAGRAPHS}"
        "<div><p>S'inscrire à l'AMO auprès de la CNSS</p><p>Lire la suite</p></div>"
    )
    doc = extract_html(page(body))
    kept = texts(doc, furniture=False)
    assert kept.count("S'inscrire à l'AMO auprès de la CNSS") == 1
    copy = [b for b in doc.blocks if b.type == "paragraph" and b.text.startswith("S'inscrire")]
    assert copy[0].furniture and copy[0].furniture_signals == ["main text: out"]
