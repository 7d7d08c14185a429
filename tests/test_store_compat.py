"""A store written by an earlier build of dalil still reads back, its extraction cache keys
still match, and a re-run over it reports no change.

``fixtures/store_premove/`` was written by ``dalil refresh --offline`` (extractor 0.3.1)
before the code was regrouped by stage (three sources: two HTML pages, one with two
versions, and a PDF); the report site and the lock were left out. Its extractor version
is older than today's, so what it proves about the cache is the key's scheme (the same
inputs give the same key), with the old version put back in place.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

import flows.extraction.cache
from extractors import EXTRACTOR_VERSION
from extractors.models import ChangeSet, Document
from flows.acquire import load_registry
from flows.extraction.cache import _extraction_key
from flows.pipeline import run_refresh, upgrade_version
from flows.reports import is_alert
from flows.store import Store
from tests.conftest import CORPUS

FIXTURE = Path(__file__).parent / "fixtures" / "store_premove"
WRITTEN_BY = "0.3.1"  # the extractor version that wrote the fixture
SOURCES = ("consonews-amo-cnss", "map-amo-tadamon-figures", "synthetic-amoe-leaflet-pdf")


@pytest.fixture
def old_store(tmp_path: Path) -> Store:
    shutil.copytree(FIXTURE, tmp_path / "store")
    return Store(tmp_path / "store")


def _registry():
    registry = load_registry(CORPUS / "sources.yaml")
    return registry, [registry.get(s) for s in SOURCES]


def test_every_stored_version_and_change_set_reads_back(old_store: Store) -> None:
    assert old_store.sources() == sorted(SOURCES)
    read = 0
    for source_id in SOURCES:
        versions = old_store.versions(source_id)
        assert versions, source_id
        for vid in versions:
            doc = old_store.read_version(source_id, vid)
            assert doc is not None and doc.version == vid
            assert doc.extractor.version == WRITTEN_BY
            assert old_store.read_changes(source_id, vid) is not None
            read += 1
        assert old_store.latest(source_id).version == versions[-1]
    assert read == 4  # consonews has two versions


def test_cache_keys_still_name_the_stored_extractions(
    old_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extraction cache key computed now (for the version that wrote the store) names
    a file written before, and that file decodes to the same Document as the stored one."""
    monkeypatch.setattr(flows.extraction.cache, "EXTRACTOR_VERSION", WRITTEN_BY)
    _, sources = _registry()
    cache = Path(old_store.path("cache", "extractions"))
    for source in sources:
        for vid in old_store.versions(source.id):
            doc = old_store.read_version(source.id, vid)
            digest = doc.source.sha256
            meta = old_store.read_json("snapshots", f"{digest}.json")
            params = {
                "source": source,
                "digest": digest,
                "captured_at": datetime.fromisoformat(meta["captured_at"]),
                "meta": meta,
            }
            record = json.loads((cache / _extraction_key(None, params)).read_text())
            payload = json.loads(record["result"])
            assert payload["__class__"] == "extractors.models.Document"
            assert Document.model_validate(payload["data"]) == doc


def test_re_extraction_of_the_old_versions_is_a_technical_upgrade(old_store: Store) -> None:
    """Today's extractor re-derives each old latest version: recorded as a technical
    upgrade, never an alert, whatever it changed."""
    assert EXTRACTOR_VERSION != WRITTEN_BY
    _, sources = _registry()
    for source in sources:
        old = old_store.latest(source.id)
        new = upgrade_version(old_store, source, old)
        assert new.extractor.version == EXTRACTOR_VERSION
        assert new.source.sha256 == old.source.sha256
        name = f"{old.version}.{EXTRACTOR_VERSION}.json"
        changes = ChangeSet.model_validate(old_store.read_json("upgrades", source.id, name))
        assert changes.technical_upgrade and not is_alert(changes)
        assert old_store.latest(source.id).extractor.version == EXTRACTOR_VERSION


def test_a_re_run_over_the_old_store_reports_no_change(old_store: Store) -> None:
    registry, sources = _registry()
    Path(old_store.path("index.json")).unlink()  # so that every source is worked on again
    outcomes = run_refresh(old_store, registry, sources)
    assert [(o.source_id, o.label, o.skipped) for o in outcomes] == [
        (s, "no change", False) for s in SOURCES
    ]
    assert sorted(old_store.index()["sources"]) == sorted(SOURCES)
    for source_id in SOURCES:
        assert old_store.index()["sources"][source_id]["status"] == "ok"


@pytest.mark.engine
def test_the_flow_takes_every_extraction_from_the_old_cache(
    prefect_api: str, old_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refresh flow on a real Prefect API, over the old store with its versions lost
    (and the old extractor version in the key): every extraction is a cache hit on a
    result written before, and the versions it publishes are the old ones."""
    import flows.pipeline

    monkeypatch.setattr(flows.extraction.cache, "EXTRACTOR_VERSION", WRITTEN_BY)
    monkeypatch.setattr(flows.pipeline, "EXTRACTOR_VERSION", WRITTEN_BY)
    from flows.refresh import refresh
    from tests.test_flow import _extract_runs

    root = Path(old_store.url)
    before = {p.name: p.read_bytes() for p in (root / "latest").iterdir()}
    for folder in ("versions", "latest", "changes", "state", "heads"):
        shutil.rmtree(root / folder)
    (root / "index.json").unlink()
    state = refresh(
        sources=list(SOURCES),
        offline=True,
        store=str(root),
        registry=str(CORPUS / "sources.yaml"),
        report=False,
        return_state=True,
    )
    runs = _extract_runs(state.state_details.flow_run_id, 4)
    assert len(runs) == 4 and all(r.state.name == "Cached" for r in runs)
    after = {p.name: p.read_bytes() for p in (root / "latest").iterdir()}
    assert after.keys() == before.keys()
    for name, data in after.items():  # the same Documents (read with today's model)
        assert Document.model_validate_json(data) == Document.model_validate_json(before[name])
