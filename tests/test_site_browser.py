"""The review site in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright. Screenshots of the home, change and procedure pages go to
``output/screenshots/``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHIPPED, XSS_SOURCE

CHROMIUM = os.environ.get("DALIL_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SHOTS = ROOT / "output" / "screenshots"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.dialogs = []  # type: ignore[attr-defined]
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    yield tab
    context.close()


def _url(site: Path, page: str) -> str:
    return (site / page).as_uri()


def _change(site: Path, source: str, date: str) -> str:
    (path,) = (site / "changes" / source).glob(f"{date.replace('-', '')}T*.html")
    return path.relative_to(site).as_posix()


def test_change_pages_show_the_planted_changes(review_site: Path, page) -> None:
    site = review_site / "report"
    page.goto(_url(site, _change(site, "consonews-amo-cnss", "2025-10-20")))
    event = page.locator("article.event").first
    assert event.locator("h3").inner_text().startswith("figure_changed")
    assert "6,37%" in event.locator("td.before del").inner_text()
    assert "6,50%" in event.locator("td.after ins").inner_text()
    page.goto(_url(site, _change(site, "alouadifa-amo-tadamon", "2025-10-01")))
    assert page.locator("article.event h3").first.inner_text().startswith("step_added")
    assert page.locator("article.event td.after ins").count() >= 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "change.png"), full_page=True)


def _one_line(page, selector: str) -> None:
    """No wrapping in these elements (through the CSSOM: the site's CSP refuses inline
    style sheets)."""
    page.evaluate(
        "(s) => document.querySelectorAll(s).forEach(e => e.style.whiteSpace = 'nowrap')",
        selector,
    )


def _word_boxes(page, selector: str) -> tuple[dict, dict]:
    """Screen boxes of the first and last word (logical order) of the first element that
    matches and has three words or more."""
    return page.evaluate(
        """(selector) => {
          const el = [...document.querySelectorAll(selector)].find(
              e => e.textContent.trim().split(/\\s+/).length >= 3);
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          const nodes = [];
          while (walker.nextNode()) {
            if (walker.currentNode.data.trim()) nodes.push(walker.currentNode);
          }
          const box = (node, start, end) => {
            const r = document.createRange(); r.setStart(node, start); r.setEnd(node, end);
            const b = r.getBoundingClientRect(); return {x: b.x, y: b.y, w: b.width};
          };
          const first = nodes[0], last = nodes[nodes.length - 1];
          const a = first.data.search(/\\S/), a2 = first.data.indexOf(" ", a);
          const text = last.data.trimEnd(), z = text.lastIndexOf(" ") + 1;
          return [box(first, a, a2 > 0 ? a2 : first.data.length), box(last, z, text.length)];
        }""",
        selector,
    )


def test_arabic_reads_right_to_left_and_french_left_to_right(review_site: Path, page) -> None:
    site = review_site / "report"
    page.goto(_url(site, _change(site, "alouadifa-amo-tadamon", "2025-10-01")))
    cell = page.locator("article.event td.after").first
    assert cell.get_attribute("dir") == "rtl" and cell.get_attribute("lang") == "ar"
    # one line, so that the first and the last word can be compared across it
    _one_line(page, "td.after")
    first, last = _word_boxes(page, "article.event td.after")
    assert first["y"] == pytest.approx(last["y"], abs=2), "one line"
    assert first["x"] > last["x"], "the first Arabic word is on the right"
    (version,) = (site / "versions" / "expatexchange-amo-enrolment").glob("*.html")
    page.goto(version.as_uri())
    _one_line(page, "li.block > div")
    first, last = _word_boxes(page, "li.block > div[lang=en]")
    assert first["y"] == pytest.approx(last["y"], abs=2) and first["x"] < last["x"]


def test_filters_narrow_the_change_list_and_the_page_works_without_script(
    review_site: Path, page, browser
) -> None:
    site = review_site / "report"
    page.goto(_url(site, "changes.html"))
    rows = page.locator("[data-rows] tbody tr")
    total = rows.count()
    assert total >= 6
    page.select_option("select[name=significance]", "substantive")
    visible = page.locator("[data-rows] tbody tr:not([hidden])")
    assert 0 < visible.count() <= total
    assert set(visible.evaluate_all("rs => rs.map(r => r.dataset.significance)")) == {"substantive"}
    page.select_option("select[name=source]", "consonews-amo-cnss")
    assert visible.evaluate_all("rs => rs.map(r => r.dataset.source)") == ["consonews-amo-cnss"]
    assert "1 of" in page.locator("output[name=count]").inner_text()
    page.select_option("select[name=source]", "")
    page.select_option("select[name=lang]", "ar")
    assert set(visible.evaluate_all("rs => rs.map(r => r.dataset.lang)")) == {"ar"}
    page.select_option("select[name=lang]", "")
    page.fill("input[name=from]", "2025-10-10")
    dates = visible.evaluate_all("rs => rs.map(r => r.dataset.date)")
    assert dates and min(dates) >= "2025-10-10"
    page.fill("input[name=from]", "")
    page.select_option("select[name=state]", "dismissed")
    assert visible.count() == 0
    # the query string presets the filters (the home page links pending reviews this way)
    page.goto(_url(site, "changes.html") + "?source=cnops-amoe-leaflet&state=pending")
    assert visible.evaluate_all("rs => rs.map(r => r.dataset.source)") == ["cnops-amoe-leaflet"]
    # without JavaScript: no filter form, every row shown
    context = browser.new_context(java_script_enabled=False)
    bare = context.new_page()
    bare.goto(_url(site, "changes.html"))
    assert bare.locator("form[data-filters]").is_hidden()
    assert bare.locator("[data-rows] tbody tr:not([hidden])").count() == total
    context.close()


def test_the_home_page_shows_sources_statuses_and_timelines(review_site: Path, page) -> None:
    site = review_site / "report"
    page.goto(_url(site, "index.html"))
    rows = page.locator("[data-rows] tbody tr")
    assert rows.count() == SHIPPED + 1  # and the hostile source
    assert page.locator("svg.timeline circle").count() >= 13  # one dot per version
    page.fill("input[name=q]", "consonews")
    assert page.locator("[data-rows] tbody tr:not([hidden])").count() == 1
    page.reload()  # keyboard: the first Tab reaches the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.screenshot(path=str(SHOTS / "home.png"), full_page=True)


def test_the_procedure_page_lists_the_four_stages_with_repairs_marked(
    review_site: Path, page
) -> None:
    site = review_site / "report"
    page.goto(_url(site, "procedures/synthetic-amoe-leaflet-pdf.html"))
    steps = page.locator("section.procedure ol.steps > li")
    assert steps.count() == 4
    page.screenshot(path=str(SHOTS / "procedures.png"), full_page=True)
    page.goto(_url(site, "procedures/synthetic-amoe-leaflet-damaged-pdf.html"))
    mark = page.locator("section.procedure mark.repair").first
    mark.focus()
    assert mark.get_attribute("title").startswith("as extracted: ")


def test_the_xss_fixture_stays_inert(review_site: Path, page) -> None:
    site = review_site / "report"
    pages = [
        "index.html",
        "changes.html",
        f"sources/{XSS_SOURCE}.html",
        f"procedures/{XSS_SOURCE}.html",
        *(p.relative_to(site).as_posix() for p in (site / "changes" / XSS_SOURCE).glob("*.html")),
        *(p.relative_to(site).as_posix() for p in (site / "versions" / XSS_SOURCE).glob("*.html")),
        *(p.relative_to(site).as_posix() for p in (site / "snapshots").glob("*.html")),
    ]
    for name in pages:
        page.goto(_url(site, name))
        # fire what an injected handler would wait for, on every element
        page.evaluate(
            """() => document.querySelectorAll('*').forEach(e => ['mouseover', 'focus']
                .forEach(t => e.dispatchEvent(new Event(t, {bubbles: false}))))"""
        )
        injected = page.evaluate(
            """() => ({
              media: document.querySelectorAll('img, iframe, object, embed').length,
              handlers: [...document.querySelectorAll('*')].filter(
                  e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
              js: document.querySelectorAll('a[href^="javascript:" i], a[href^="data:" i]').length,
              scripts: document.scripts.length,
            })"""
        )
        assert injected == {"media": 0, "handlers": 0, "js": 0, "scripts": injected["scripts"]}
        assert injected["scripts"] <= 1, name
    assert page.dialogs == []  # type: ignore[attr-defined]
