"""HTML renditions of the web seeds (corpus, built by tests/fixtures/html/build.py): the
article comes out as non-furniture, word for word, and the page furniture as furniture."""

from __future__ import annotations

import json
import sys

import pytest

from extractors.arabic.metrics import word_errors
from extractors.formats.text import text_blocks
from tests.conftest import CORPUS, ROOT, SHARED
from tests.test_html import extract_html

sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "html"))
from build import REGIONS, numbered_runs, region_of, shown_text

SEED_FILES = {
    "expatexchange-amo-enrolment": "000_831f1497bc584400.txt",
    "alouadifa-amo-tadamon": "004_de29aeae563c85ce.txt",
    "map-amo-tadamon-figures": "001_37710ae836e51499.txt",
    "consonews-amo-cnss": "002_a544432402b0e572.txt",
}


def html_page(source_id: str) -> bytes:
    return (CORPUS / "snapshots" / source_id / "2025-09-01.html").read_bytes()


def test_shipped_pages_are_what_build_py_makes() -> None:
    from build import page

    for source_id in REGIONS:
        assert html_page(source_id).decode("utf-8") == page(source_id), source_id


def seed_parts(source_id: str) -> tuple[str, str]:
    """The seed's article text and its furniture text, by the page's regions."""
    text = (CORPUS / "snapshots" / source_id / "2025-09-01.txt").read_text(encoding="utf-8")
    regions = REGIONS[source_id][2]
    article, furniture = [], []
    blocks = text_blocks(text)
    listed = numbered_runs(blocks)
    for index, block in enumerate(blocks):
        (article if region_of(block.line or 0, regions) == "article" else furniture).append(
            shown_text(block, index in listed)
        )
    return " ".join(article), " ".join(furniture)


@pytest.mark.parametrize("source_id", sorted(REGIONS))
def test_article_text_is_the_non_furniture_text_word_for_word(source_id: str) -> None:
    doc = extract_html(html_page(source_id))
    article, furniture = seed_parts(source_id)
    main = " ".join(b.text for b in doc.blocks if not b.furniture)
    rest = " ".join(b.text for b in doc.blocks if b.furniture)
    assert word_errors(main, article) == (0, len(article.split()))
    assert word_errors(rest, furniture)[0] == 0
    for block in doc.blocks:
        if block.lang == "ar":
            assert block.dir == "rtl", block.text


@pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="../shared/gold not present")
@pytest.mark.parametrize("source_id", sorted(REGIONS))
def test_seed_expectations_hold(source_id: str) -> None:
    expected = json.loads((SHARED / "gold" / "seeds_expected.json").read_text(encoding="utf-8"))
    expected = expected[SEED_FILES[source_id]]
    doc = extract_html(html_page(source_id))
    furniture = " ".join(b.text for b in doc.blocks if b.furniture)
    for example in expected.get("boilerplate_examples", []):
        assert example in furniture
    main_urls = {u.url.lower() for u in doc.urls if not u.furniture}
    for url in expected.get("main_content_urls", []):
        assert url.lower() in main_urls
    furniture_urls = {u.url.lower() for u in doc.urls if u.furniture}
    for url in expected.get("furniture_urls", []):
        assert url.lower() in furniture_urls
