"""The review site without a browser: pages, content, escaping, incremental writes."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from flows.review import build_site
from flows.review.decisions import apply_review, parse_target
from flows.review.render import safe_href
from flows.store import Store
from tests.conftest import SHIPPED, XSS_SOURCE


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _change_page(site: Path, source: str, date: str) -> Path:
    (page,) = (site / "changes" / source).glob(f"{date.replace('-', '')}T*.html")
    return page


def test_the_site_has_every_page_and_links_resolve(review_site: Path) -> None:
    site = review_site / "report"
    for page in ("index.html", "changes.html", "assets/site.css"):
        assert (site / page).is_file()
    sources = sorted(p.stem for p in (site / "sources").glob("*.html"))
    assert XSS_SOURCE in sources and "consonews-amo-cnss" in sources
    assert len(sources) == SHIPPED + 1
    broken = []
    for page in site.rglob("*.html"):
        for a in _soup(page).find_all("a", href=True):
            href = a["href"].split("#")[0].split("?")[0]
            local = href and not href.startswith(("http://", "https://"))
            if local and not (page.parent / href).resolve().exists():
                broken.append((str(page.relative_to(site)), a["href"]))
    assert broken == []


def test_change_pages_show_the_planted_changes_side_by_side(review_site: Path) -> None:
    site = review_site / "report"
    soup = _soup(_change_page(site, "consonews-amo-cnss", "2025-10-20"))
    event = soup.select_one("article.event")
    assert event.h3.get_text(" ", strip=True).startswith("figure_changed")
    assert "6,37%" in event.select_one("td.before del").get_text()
    assert "6,50%" in event.select_one("td.after ins").get_text()
    assert len(event.select_one("td.after").get_text().split()) > 5, "the figure in its block"
    assert event.find_parent("section").h2.select_one(".sig").get_text() == "substantive"
    # one click to the two snapshots, the blocks and the versions
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert sum(h.startswith("../../snapshots/") for h in hrefs) >= 2
    assert any("#b" in h and "/versions/consonews-amo-cnss/" in h for h in hrefs)
    for source, date, kind in (
        ("alouadifa-amo-tadamon", "2025-10-01", "step_added"),
        ("alouadifa-amo-tadamon", "2025-10-15", "url_changed"),
        ("cnops-amoe-leaflet", "2025-10-05", "address_changed"),
    ):
        kinds = [
            h3.contents[0].strip()
            for h3 in _soup(_change_page(site, source, date)).select("article.event h3")
        ]
        assert kinds == [kind]
    noise = _soup(_change_page(site, "alouadifa-amo-tadamon", "2025-11-01"))
    assert noise.select("article.event") == [] and "No change" in noise.get_text()


def test_blocks_carry_the_direction_of_their_language(review_site: Path) -> None:
    site = review_site / "report"
    soup = _soup(_change_page(site, "alouadifa-amo-tadamon", "2025-10-01"))
    after = soup.select_one("article.event td.after")
    assert (after["dir"], after["lang"]) == ("rtl", "ar")
    url_page = _soup(_change_page(site, "alouadifa-amo-tadamon", "2025-10-15"))
    cell = url_page.select_one("article.event td.after")
    assert cell["dir"] == "rtl", "the URL's Arabic block reads right to left"
    assert cell.select_one("ins bdi")["dir"] == "ltr", "and the URL in it left to right"
    assert "www.cnss.ma/ar/services" in cell.select_one("ins bdi").get_text()
    (version,) = (site / "versions" / "expatexchange-amo-enrolment").glob("*.html")
    dirs = {d["dir"] for d in _soup(version).select("li.block > div")}
    assert dirs == {"ltr"}


def test_the_procedure_page_lists_the_leaflets_four_stages(review_site: Path) -> None:
    soup = _soup(review_site / "report" / "procedures" / "synthetic-amoe-leaflet-pdf.html")
    steps = soup.select("section.procedure ol.steps > li")
    assert len(steps) == 4
    assert steps[0].get_text(" ", strip=True).startswith("التصريح بالتغطية الصحية")
    assert [li["value"] for li in steps] == ["1", "2", "3", "4"]


def test_repaired_words_carry_the_original_and_the_confidence(review_site: Path) -> None:
    soup = _soup(review_site / "report" / "procedures" / "synthetic-amoe-leaflet-damaged-pdf.html")
    marks = soup.select("section.procedure mark.repair")
    assert marks, "the damaged leaflet's repaired words are marked"
    assert all(
        m["title"].startswith("as extracted: ") and "confidence" in m["title"] for m in marks
    )
    assert all(m.get("tabindex") == "0" for m in marks)
    rows = soup.select("table.list tbody tr")
    assert rows and len(rows) >= len({m.get_text() for m in marks})


def test_source_strings_are_escaped_and_javascript_urls_are_not_links(review_site: Path) -> None:
    site = review_site / "report"
    pages = [
        site / "index.html",
        site / "changes.html",
        site / "sources" / f"{XSS_SOURCE}.html",
        site / "procedures" / f"{XSS_SOURCE}.html",
        *(site / "changes" / XSS_SOURCE).glob("*.html"),
        *(site / "versions" / XSS_SOURCE).glob("*.html"),
    ]
    assert len(pages) == 8
    for page in pages:
        soup = _soup(page)
        scripts = soup.find_all("script")
        assert len(scripts) <= 1 and all("data-filters" in s.get_text() for s in scripts)
        assert soup.find_all(["img", "iframe", "object", "embed"]) == []
        for tag in soup.find_all(True):
            assert not any(name.lower().startswith("on") for name in tag.attrs), (page, tag)
            for name in ("href", "src"):
                value = tag.get(name, "")
                assert not value.lower().startswith(("javascript:", "data:")), (page, tag)
    # the payloads are shown as text
    text = _soup(
        site
        / "versions"
        / XSS_SOURCE
        / sorted(p.name for p in (site / "versions" / XSS_SOURCE).iterdir())[-1]
    ).get_text()
    assert "<script>alert('escaped text 2')</script>" in text
    assert "<img src=x onerror=alert('img')>" in text


def test_only_http_urls_become_links() -> None:
    assert safe_href("https://www.cnss.ma/ar") == "https://www.cnss.ma/ar"
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:x",
        "data:text/html,x",
        "vbscript:x",
        'https://a.org/"onmouseover="x',
        "//evil.org",
        "www.cnss.ma",
    ):
        assert safe_href(bad) is None, bad


def test_a_second_build_rewrites_nothing_and_a_review_rewrites_only_its_pages(
    review_site: Path, tmp_path: Path
) -> None:
    store_dir = tmp_path / "store"
    shutil.copytree(review_site, store_dir)
    store = Store(store_dir)
    site = store_dir / "report"
    again = build_site(store, site)
    assert again.written == 0 and again.pages > 40
    assert again.skipped > 20, "unchanged inputs are not even rendered"
    page = _change_page(site, "consonews-amo-cnss", "2025-10-20")
    version = page.stem
    apply_review(
        store,
        parse_target(f"consonews-amo-cnss/{version}"),
        "confirmed",
        "karim",
        noise_file=tmp_path / "noise.jsonl",
    )
    after = build_site(store, site)
    assert sorted(after.written_pages) == sorted(
        [
            ".site-manifest.json",  # the inputs of the change set page changed
            "changes.html",
            "changes.rows.json",  # the rows the review app pages
            f"changes/consonews-amo-cnss/{version}.html",
            "index.html",
            "sources/consonews-amo-cnss.html",
        ]
    )
    assert "confirmed" in _soup(page).select_one("dl.facts .badge").get_text()


def test_repaired_words_are_marked_and_everything_else_escaped() -> None:
    from extractors.models import Repair
    from flows.review.render import marked_repairs as _marked

    repairs = {
        "الصحية": Repair(original="ﺍﻟﺼﺤﻴﺔ", result="الصحية", rule="x", confidence=0.97),
        "للجامعة": Repair(
            original="ﻟﻠﺠﺎ�ﻌﺔ", result="للجامعة", rule="x", confidence=0.41, uncertain=True
        ),
    }
    html = str(_marked('التغطية الصحية <b>"على"</b> موقع للجامعة', repairs))
    assert "&lt;b&gt;&#34;على&#34;&lt;/b&gt;" in html
    assert html.count("<mark") == 2
    assert 'class="repair" tabindex="0" title="as extracted: ﺍﻟﺼﺤﻴﺔ · confidence 0.97"' in html
    assert 'class="repair uncertain"' in html and "uncertain: please check" in html
    # a repaired word inside a longer word is not marked
    assert "<mark" not in str(_marked("بالصحيةالمغربية", repairs))


def test_direction_attributes_follow_the_language() -> None:
    from flows.review.render import attrs

    assert str(attrs("التسجيل في التأمين")) == ' lang="ar" dir="rtl"'
    assert str(attrs("Inscription à l'AMO des étudiants")) == ' lang="fr" dir="ltr"'
    assert str(attrs("https://www.cnss.ma", "en")) == ' lang="en" dir="ltr"'
    assert str(attrs(None)) == ' dir="auto"'
