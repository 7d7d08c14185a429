"""The source registry: the shipped corpus loads, and every kind of mistake is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.acquire import RegistryError, load_registry
from tests.conftest import CORPUS, SHARED, SHIPPED, write_registry

GOOD = """\
  - id: good-source
    title: Good
    publisher: CNSS
    kind: text
    languages: [ar]
    snapshots:
      - date: 2025-01-02
        path: snapshots/good-source/2025-01-02.txt
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "snapshots" / "good-source").mkdir(parents=True)
    (tmp_path / "snapshots" / "good-source" / "2025-01-02.txt").write_text("نص", encoding="utf-8")
    return tmp_path


def problems(path: Path) -> list[str]:
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    return info.value.problems


def test_shipped_registry_loads_the_seeds_and_the_synthetic_sources() -> None:
    registry = load_registry(CORPUS / "sources.yaml")
    assert len(registry.sources) == SHIPPED
    assert {s.kind for s in registry.sources} == {"text", "html", "pdf"}
    assert {s.id for s in registry.sources if s.synthetic} == {
        "synthetic-amoe-leaflet-pdf",
        "synthetic-amoe-leaflet-damaged-pdf",
        "synthetic-amo-tadamon-fr",
    }
    leaflet = registry.get("cnops-amoe-leaflet")
    assert leaflet.publisher == "CNOPS"
    assert leaflet.languages == ["ar", "fr"]
    assert all(s.url is None for s in registry.sources), "no URL may be invented"


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds not present")
def test_seed_snapshots_are_byte_identical() -> None:
    registry = load_registry(CORPUS / "sources.yaml")
    shipped = {
        (registry.path.parent / snap.path).read_bytes()
        for s in registry.sources
        if not s.synthetic
        for snap in s.snapshots
        if snap.rendition == "text" and not snap.synthetic
    }
    seeds = {p.read_bytes() for p in (SHARED / "seeds").iterdir()}
    assert shipped == seeds


def test_valid_entry_loads(folder: Path) -> None:
    registry = load_registry(write_registry(folder / "sources.yaml", GOOD))
    (snap,) = registry.snapshots(registry.sources[0])
    assert snap.file.read_text(encoding="utf-8") == "نص"


def test_unknown_kind_is_named(folder: Path) -> None:
    path = write_registry(folder / "sources.yaml", GOOD.replace("kind: text", "kind: docx"))
    (problem,) = problems(path)
    assert "good-source" in problem and "kind" in problem and "docx" in problem


def test_missing_snapshot_file_is_named(folder: Path) -> None:
    path = write_registry(folder / "sources.yaml", GOOD.replace("2025-01-02.txt", "2024-01-01.txt"))
    (problem,) = problems(path)
    assert "good-source" in problem and "does not exist" in problem


def test_duplicate_id_is_named(folder: Path) -> None:
    path = write_registry(folder / "sources.yaml", GOOD + GOOD)
    (problem,) = problems(path)
    assert "source #2 (good-source)" in problem and "duplicate id" in problem


def test_bad_date_is_named(folder: Path) -> None:
    path = write_registry(
        folder / "sources.yaml", GOOD.replace("date: 2025-01-02", "date: 2025-13-40")
    )
    (problem,) = problems(path)
    assert "good-source" in problem and "snapshots.0.date" in problem and "2025-13-40" in problem


def test_bad_slug_and_url_and_missing_field_are_all_reported(folder: Path) -> None:
    body = GOOD.replace("id: good-source", "id: Bad Source").replace(
        "    publisher: CNSS\n", "    url: ftp://example.org/x\n"
    )
    found = problems(write_registry(folder / "sources.yaml", body))
    joined = "\n".join(found)
    assert "id" in joined and "url" in joined and "publisher" in joined
    assert all(p.startswith("source #1 (Bad Source)") for p in found)


def test_snapshot_outside_registry_folder_is_refused(folder: Path) -> None:
    (folder.parent / "secret.txt").write_text("x")
    path = write_registry(
        folder / "sources.yaml",
        GOOD.replace("snapshots/good-source/2025-01-02.txt", "../secret.txt"),
    )
    (problem,) = problems(path)
    assert "outside" in problem


def test_unknown_source_selection_is_an_error(folder: Path) -> None:
    registry = load_registry(write_registry(folder / "sources.yaml", GOOD))
    with pytest.raises(RegistryError, match="unknown source id 'nope'"):
        registry.select(["nope"])
    assert registry.select(kinds=["pdf"]) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [("sources: [unclosed", "not valid YAML"), ("- just a list", "'sources' list")],
)
def test_malformed_file(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(content)
    assert expected in problems(path)[0]


def test_missing_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "absent.yaml") == ["file not found"]


def test_a_capture_in_two_renditions_is_read_in_the_source_kind(folder: Path) -> None:
    (folder / "page.html").write_text("<p>x</p>", encoding="utf-8")
    (folder / "page-2.txt").write_text("y", encoding="utf-8")
    entry = GOOD.replace(
        "    snapshots:\n",
        "    snapshots:\n      - date: 2025-01-02\n        path: page.html\n"
        "      - date: 2025-01-03\n        path: page-2.txt\n",
    )
    registry = load_registry(write_registry(folder / "sources.yaml", entry))
    source = registry.sources[0]
    chosen = registry.snapshots(source)
    # 2025-01-02 holds the text file and the HTML page: a text source reads the text one
    assert [(s.date.isoformat(), s.file.name, s.kind) for s in chosen] == [
        ("2025-01-02", "2025-01-02.txt", "text"),
        ("2025-01-03", "page-2.txt", "text"),
    ]
    html = registry.snapshots(source.model_copy(update={"kind": "html"}))
    assert html[0].file.name == "page.html" and html[0].kind == "html"
    assert html[1].kind == "text"  # the only rendition of that date


def test_two_snapshots_of_one_date_and_kind_are_named(folder: Path) -> None:
    entry = GOOD.replace(
        "    snapshots:\n", "    snapshots:\n      - date: 2025-01-02\n        path: other.txt\n"
    )
    (folder / "other.txt").write_text("z", encoding="utf-8")
    path = write_registry(folder / "sources.yaml", entry)
    assert any("share one date and one kind" in p for p in problems(path))


def test_official_registry_watches_confirmed_addresses_with_language_pairs() -> None:
    """corpus/official.yaml: every source has its published address and no snapshot yet;
    pairs link an Arabic and a French version; PDFs are weekly by default."""
    reg = load_registry(CORPUS / "official.yaml")
    assert len(reg.sources) >= 30
    assert all(s.url and not s.snapshots for s in reg.sources)
    assert {s.publisher for s in reg.sources} >= {"CNSS", "CNOPS", "ANAM"}
    faq = reg.get("cnss-faq-fr")
    assert [p.id for p in reg.partners(faq)] == ["cnss-faq-ar"]
    assert {s.cadence for s in reg.sources if s.kind == "pdf"} == {"weekly"}
    daily = reg.select(cadences=["daily"])
    assert daily and all(s.cadence == "daily" for s in daily)


def test_pairs_must_link_versions_in_other_languages(tmp_path: Path) -> None:
    entry = "  - {{id: {id}, title: t, publisher: p, kind: html, "
    entry += "languages: [{lang}], pair: {pair}}}\n"
    bad = tmp_path / "sources.yaml"
    bad.write_text(
        "sources:\n"
        + entry.format(id="a-fr", lang="fr", pair="one")
        + entry.format(id="b-fr", lang="fr", pair="one")
        + entry.format(id="c-ar", lang="ar", pair="alone")
    )
    with pytest.raises(RegistryError) as caught:
        load_registry(bad)
    message = str(caught.value)
    assert "pair 'one' links sources in the same language (a-fr, b-fr)" in message
    assert "pair 'alone' links one source only (c-ar)" in message
