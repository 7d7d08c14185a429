"""The corpus's synthetic histories: a first refresh records each one and reports exactly
the planted changes, and nothing on the furniture-and-whitespace version."""

from __future__ import annotations

import sys
from pathlib import Path

from flows.acquire import load_registry
from flows.pipeline import run_refresh
from flows.store import Store
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "history"))
from make_history import HISTORY, main


def test_history_files_are_what_build_py_writes(tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in (ROOT / "corpus" / "snapshots").glob("*/*")}
    main()
    after = {p: p.read_bytes() for p in (ROOT / "corpus" / "snapshots").glob("*/*")}
    assert after == before


def test_first_refresh_reports_exactly_the_planted_changes(corpus: Path, tmp_path: Path) -> None:
    registry = load_registry(corpus)
    store = Store(tmp_path / "store")
    outcomes = {o.source_id: o for o in run_refresh(store, registry, registry.sources)}
    for source, _, date, _, planted in HISTORY:
        version = next(v for v in outcomes[source].versions if v.startswith(date.replace("-", "")))
        changeset = store.read_changes(source, version)
        got = [c.kind for c in changeset.changes]
        assert got == planted, (source, date, [(c.kind, c.summary) for c in changeset.changes])
        assert all(c.significance == "substantive" for c in changeset.changes)
    # the feed alerts on the four planted changes, and not on first versions or noise
    feed = (tmp_path / "store" / "feed.atom").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 4
    assert "6,37% → 6,50%" in feed and "www.cnss.ma/ar/services" in feed
