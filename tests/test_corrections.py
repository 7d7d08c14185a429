"""Reviewers' corrections of Arabic repairs: recorded append-only, applied by the next
refresh as user-supplied repairs (a technical upgrade, never an alert), offered to the
domain lexicon when they recur across sources; and in the app, in Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractors.models import Block, ChangeSet, Repair, UserRepair
from extractors.user_repairs import apply_user_repairs, pending
from flows.acquire import load_registry
from flows.pipeline import run_refresh
from flows.reports import is_alert
from flows.review import ReviewError
from flows.review.corrections import (
    confirm_domain_word,
    corrections,
    domain_words,
    lexicon_offers,
    record_correction,
)
from flows.store import Store
from tests.conftest import CORPUS
from tests.test_web import PASSWORD, client, csrf_of, login, served, site  # noqa: F401

LEAFLET = "cnops-amoe-leaflet"


def _block() -> Block:
    text = "أن يصرح إلكترونيا ثم يصرح مرة أخرى"
    repairs = [
        Repair(original="ي�سرح", result="يصرح", rule="letters", confidence=0.5, uncertain=True),
        Repair(original="ي�سرح", result="يصرح", rule="letters", confidence=0.5, uncertain=True),
    ]
    return Block(id="b1", type="paragraph", text=text, raw_text="raw", repairs=repairs)


def test_a_user_repair_replaces_the_engine_reading_and_says_whose_it_is() -> None:
    block = _block()
    fix = UserRepair(original="ي�سرح", result="يصرح", corrected="يشرح", by="rita")
    assert pending([block], [fix])
    assert apply_user_repairs([block], [fix]) == 2
    assert block.text == "أن يشرح إلكترونيا ثم يشرح مرة أخرى"
    first = block.repairs[0]
    assert (first.result, first.engine_result, first.supplied_by) == ("يشرح", "يصرح", "rita")
    assert (first.rule, first.uncertain, first.confidence) == ("user", False, 1.0)
    assert block.raw_text == "raw"
    assert not pending([block], [fix])
    apply_user_repairs([block], [fix])  # twice: nothing moves
    assert block.text == "أن يشرح إلكترونيا ثم يشرح مرة أخرى"
    newer = UserRepair(original="ي�سرح", result="يصرح", corrected="يسرح", by="adam")
    assert pending([block], [fix, newer])  # the newest correction wins
    apply_user_repairs([block], [fix, newer])
    assert block.text == "أن يسرح إلكترونيا ثم يسرح مرة أخرى"
    assert block.repairs[1].engine_result == "يصرح" and block.repairs[1].supplied_by == "adam"


def test_a_correction_of_another_word_or_reading_does_not_apply() -> None:
    block = _block()
    other = UserRepair(original="ي�سرح", result="يسرح", corrected="يشرح", by="rita")
    assert not pending([block], [other]) and apply_user_repairs([block], [other]) == 0
    assert block.text.startswith("أن يصرح")


def _uncertain(store: Store, source_id: str) -> tuple[str, str, Repair]:
    doc = store.head(source_id)
    block, repair = next((b, r) for b in doc.blocks for r in b.repairs if r.uncertain)
    return doc.version, block.id, repair


def test_bad_corrections_are_refused_with_the_reason(corpus_store: Path) -> None:
    store = Store(corpus_store)
    version, block, repair = _uncertain(store, LEAFLET)
    cases = [
        ((LEAFLET, version, block, repair.original, "  "), "1 to 200"),
        ((LEAFLET, "20990101T000000Z-000000000000", block, repair.original, "x"), "no such"),
        ((LEAFLET, version, "b9999", repair.original, "x"), "no such block"),
        ((LEAFLET, version, block, "nothing like it", "x"), "no repair of"),
    ]
    for args, reason in cases:
        with pytest.raises(ReviewError, match=reason):
            record_correction(store, *args, by="rita")
    assert corrections(store, LEAFLET) == []


def test_the_next_refresh_applies_a_correction_without_an_alert(corpus_store: Path) -> None:
    store = Store(corpus_store)
    registry = load_registry(CORPUS / "sources.yaml")
    version, block_id, repair = _uncertain(store, LEAFLET)
    uncertain_before = store.head(LEAFLET).quality.uncertain_tokens
    other = next(c.text for c in repair.candidates if c.text != repair.result)
    record_correction(store, LEAFLET, version, block_id, repair.original, other, "rita")
    feed_before = store.read_bytes("feed.atom")
    outcomes = {o.source_id: o for o in run_refresh(store, registry, registry.sources)}
    assert outcomes[LEAFLET].upgraded and not outcomes[LEAFLET].versions
    assert all(o.skipped for sid, o in outcomes.items() if sid != LEAFLET)
    doc = store.head(LEAFLET)
    assert doc.version == version  # the same snapshot, re-extracted
    block = next(b for b in doc.blocks if b.id == block_id)
    given = [r for r in block.repairs if r.supplied_by == "rita"]
    assert given and given[0].result == other and given[0].engine_result == repair.result
    assert re.search(rf"(?<!\w){re.escape(other)}(?!\w)", block.text)
    assert doc.quality.user_repairs >= 1
    assert doc.quality.uncertain_tokens < uncertain_before
    upgrades = store.listdir("upgrades", LEAFLET)
    records = [json.loads(store.read_bytes("upgrades", LEAFLET, n)) for n in upgrades]
    assert records and all(r["technical_upgrade"] for r in records)
    assert not any(is_alert(ChangeSet.model_validate(r)) for r in records)
    assert store.index()["sources"][LEAFLET]["reviewer_inputs"]
    assert store.read_bytes("feed.atom") == feed_before  # no alert, no new feed entry
    again = run_refresh(store, registry, registry.sources)  # nothing left to do
    assert all(o.skipped for o in again)


def test_recurring_corrections_are_offered_to_the_lexicon_and_an_admin_confirms(
    corpus_store: Path,
) -> None:
    store = Store(corpus_store)
    registry = load_registry(CORPUS / "sources.yaml")
    word = "يصرحون"
    for source_id in (LEAFLET, "synthetic-amoe-leaflet-damaged-pdf"):
        version, block_id, repair = _uncertain(store, source_id)
        record_correction(store, source_id, version, block_id, repair.original, word, "rita")
        if source_id == LEAFLET:
            assert lexicon_offers(store) == []  # one source: not yet
    (offer,) = lexicon_offers(store)
    assert offer.word == word and len(offer.sources) == 2
    with pytest.raises(ReviewError, match="not an open lexicon offer"):
        confirm_domain_word(store, "غيرها", "adam")
    confirm_domain_word(store, word, "adam")
    assert domain_words(store) == [word] and lexicon_offers(store) == []
    run_refresh(store, registry, registry.sources)
    for source_id in store.sources():  # every source re-extracted with the domain word
        assert store.head(source_id).extractor.domain_words == 1


def test_the_app_records_corrections_by_reviewers_only(site: Path) -> None:  # noqa: F811
    store = Store(site)
    version, block_id, repair = _uncertain(store, LEAFLET)
    target = f"{LEAFLET}/{version}/{block_id}"
    http = client(site)
    login(http, "vera")
    page = http.get(f"/procedures/{LEAFLET}.html")
    assert page.status_code == 200 and 'action="/correct"' not in page.text
    form = {"target": target, "original": repair.original, "typed": "كلمة"}
    assert http.post("/correct", data={**form, "csrf": csrf_of(page.text)}).status_code == 403
    http = client(site)
    login(http, "rita")
    page = http.get(f"/procedures/{LEAFLET}.html")
    assert f'name="target" value="{target}"' in page.text
    token = csrf_of(page.text)
    assert http.post("/correct", data={**form, "csrf": "forged"}).status_code == 403
    for bad in (f"../{LEAFLET}/{version}/{block_id}", f"{LEAFLET}/{version}", "a/b/c"):
        response = http.post("/correct", data={**form, "target": bad, "csrf": token})
        assert response.status_code == 400, bad
    response = http.post("/correct", data={**form, "csrf": token})
    assert response.status_code == 303
    (saved,) = corrections(store, LEAFLET)
    assert (saved.by, saved.corrected, saved.result) == ("rita", "كلمة", repair.result)
    page = http.get(f"/procedures/{LEAFLET}.html")
    assert "applied at the next refresh" in page.text
    admin = client(site)
    assert admin.get("/lexicon").status_code == 303  # no session: to the login page
    login(admin, "rita")
    assert admin.get("/lexicon").status_code == 403
    admin = client(site)
    login(admin, "adam")
    assert admin.get("/lexicon").status_code == 200


@pytest.mark.browser
def test_in_chromium_a_reviewer_corrects_a_repair_and_the_next_version_carries_it(
    site: Path,  # noqa: F811
    served: str,  # noqa: F811
) -> None:
    from playwright.sync_api import sync_playwright

    from flows.review import build_site
    from tests.test_site_browser import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    store = Store(site)
    version, block_id, repair = _uncertain(store, LEAFLET)
    pick = next(c.text for c in repair.candidates if c.text != repair.result)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.goto(f"{served}/login")
        page.fill("input[name=user]", "rita")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{served}/")
        page.goto(f"{served}/procedures/{LEAFLET}.html")
        target = f"{LEAFLET}/{version}/{block_id}"
        form = page.locator(
            f'form.correct:has(input[name=target][value="{target}"])'
            f':has(input[name=original][value="{repair.original}"])'
        ).first
        form.locator("select[name=pick]").select_option(pick)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        row = page.locator("tr:has(small:text('applied at the next refresh'))").first
        assert pick in row.inner_text()
        registry = load_registry(CORPUS / "sources.yaml")
        run_refresh(store, registry, [registry.get(LEAFLET)])
        build_site(store, site / "report")
        page.reload()
        given = page.locator("tr.user").first.inner_text()
        assert pick in given and "given by rita" in given
        page.goto(f"{served}/versions/{LEAFLET}/{version}.html")
        assert pick in page.locator(f"#{block_id}").inner_text()
        browser.close()
    block = next(b for b in store.head(LEAFLET).blocks if b.id == block_id)
    assert any(r.supplied_by == "rita" and r.result == pick for r in block.repairs)
