"""The refresh pipeline without the engine: history, idempotence, failures and crashes."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
from pathlib import Path

import jsonschema
import pytest
import yaml

from extractors.models import Document, json_schemas
from flows.acquire import load_registry
from flows.pipeline import run_refresh
from flows.store import Store
from flows.store import versioned as store_module
from tests.conftest import SHIPPED


def files(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every store file with its bytes and modification time, the lock aside."""
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def refresh_all(registry_path: Path, store_path: Path):
    registry = load_registry(registry_path)
    return run_refresh(Store(store_path), registry, registry.sources)


def add_snapshot(
    registry_path: Path, source_id: str, date: str, text: str, suffix: str = ".txt"
) -> None:
    data = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
    entry = next(s for s in data["sources"] if s["id"] == source_id)
    rel = f"snapshots/{source_id}/{date}{suffix}"
    (registry_path.parent / rel).write_text(text, encoding="utf-8")
    entry["snapshots"].append({"date": date, "path": rel})
    registry_path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def test_first_run_records_every_source_and_outputs_validate(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    outcomes = refresh_all(corpus, store)
    assert [o.outcome for o in outcomes] == ["new"] * SHIPPED
    schema = json_schemas()["document"]
    for latest in (store / "latest").glob("*.json"):
        jsonschema.validate(json.loads(latest.read_text(encoding="utf-8")), schema)
    index = json.loads((store / "index.json").read_text(encoding="utf-8"))
    leaflet = index["sources"]["cnops-amoe-leaflet"]
    assert leaflet["status"] == "ok" and leaflet["versions"] == 2  # the seed, then its history
    assert leaflet["counts"]["damaged_tokens"] > 100
    changes = json.loads(
        next((store / "changes" / "cnops-amoe-leaflet").glob("*.json")).read_text()
    )
    jsonschema.validate(changes, json_schemas()["changeset"])


def test_second_run_reports_no_change_and_writes_nothing(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    refresh_all(corpus, store)
    before = files(store)
    outcomes = refresh_all(corpus, store)
    assert [(o.outcome, o.label) for o in outcomes] == [("unchanged", "no change")] * SHIPPED
    assert files(store) == before


def test_history_is_recorded_oldest_first_and_diffed(corpus: Path, tmp_path: Path) -> None:
    last = corpus.parent / "snapshots" / "consonews-amo-cnss" / "2025-10-20.html"
    original = last.read_text(encoding="utf-8")
    second = original.replace("</article>", "<p>فقرة جديدة عن التسجيل.</p></article>")
    third = second.replace("6,50%", "6,75%")
    add_snapshot(corpus, "consonews-amo-cnss", "2025-12-01", third, ".html")
    add_snapshot(corpus, "consonews-amo-cnss", "2025-11-01", second, ".html")
    store = tmp_path / "store"
    outcome = next(o for o in refresh_all(corpus, store) if o.source_id == "consonews-amo-cnss")
    assert outcome.outcome == "new" and len(outcome.versions) == 4
    assert outcome.versions == sorted(outcome.versions)
    s = Store(store)
    second, third = (s.read_changes("consonews-amo-cnss", v) for v in outcome.versions[2:])
    assert [c.kind for c in second.changes] == ["text_added"]
    assert [(c.kind, c.significance) for c in third.changes] == [("figure_changed", "substantive")]
    assert (third.changes[0].before, third.changes[0].after) == ("6,50%", "6,75%")
    assert s.latest("consonews-amo-cnss").version == outcome.versions[-1]


def test_a_failing_source_is_reported_and_the_others_go_on(corpus: Path, tmp_path: Path) -> None:
    (corpus.parent / "snapshots" / "map-amo-tadamon-figures" / "2025-09-01.html").write_bytes(
        b"  \n"
    )
    store = tmp_path / "store"
    outcomes = {o.source_id: o for o in refresh_all(corpus, store)}
    failed = outcomes.pop("map-amo-tadamon-figures")
    assert failed.outcome == "failed"
    assert failed.error == "map-amo-tadamon-figures: snapshot is empty"
    assert all(o.outcome == "new" for o in outcomes.values())
    index = json.loads((store / "index.json").read_text())
    entry = index["sources"]["map-amo-tadamon-figures"]
    assert (entry["status"], entry["latest_version"]) == ("failing", None)
    assert "snapshot is empty" in entry["last_error"]
    for _ in range(2):
        refresh_all(corpus, store)
    assert (
        json.loads((store / "index.json").read_text())["sources"]["map-amo-tadamon-figures"][
            "status"
        ]
        == "stale"
    )


def _refresh_and_die(registry_path: str, store_path: str, kill_at: int, when: str) -> None:
    """Run a refresh that SIGKILLs its own process at the ``kill_at``-th file write."""
    real_replace = os.replace
    count = 0

    def replace(src: str, dst: str) -> None:
        nonlocal count
        count += 1
        if count == kill_at and when == "before-rename":
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst)
        if count == kill_at and when == "after-rename":
            os.kill(os.getpid(), signal.SIGKILL)

    store_module.os.replace = replace  # this process only: it dies or exits right after
    refresh_all(Path(registry_path), Path(store_path))


def writes_in_a_clean_run(corpus: Path, tmp_path: Path) -> tuple[int, dict[str, bytes]]:
    clean = tmp_path / "clean"
    refresh_all(corpus, clean)
    return len(files(clean)), {k: v for k, (v, _) in files(clean).items()}


@pytest.mark.parametrize("part", [0, 1])
@pytest.mark.parametrize("when", ["before-rename", "after-rename"])
def test_killed_refresh_loses_and_duplicates_nothing(
    corpus: Path, tmp_path: Path, when: str, part: int
) -> None:
    """SIGKILL a refresh at a write in turn; the next run must end in the clean store.

    The four variants kill at every fourth write, each from its own first write, so that
    together they cover every write (and the test runner may share them out).
    Each kill costs a refresh, so the corpus's synthetic French page is left out: its
    writes are of the kinds the other HTML sources make (the catalog is still written)."""
    data = yaml.safe_load(corpus.read_text(encoding="utf-8"))
    data["sources"] = [s for s in data["sources"] if s["id"] != "synthetic-amo-tadamon-fr"]
    corpus.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    total, expected = writes_in_a_clean_run(corpus, tmp_path)
    ctx = multiprocessing.get_context("fork")
    first = (1 if when == "before-rename" else 2) + 2 * part
    for kill_at in range(first, total + 1, 4):
        store = tmp_path / f"killed-{kill_at}"
        child = ctx.Process(target=_refresh_and_die, args=(str(corpus), str(store), kill_at, when))
        child.start()
        child.join(60)
        assert child.exitcode == -signal.SIGKILL, f"write {kill_at} was not reached"
        refresh_all(corpus, store)
        got = {k: v for k, (v, _) in files(store).items()}
        assert got == expected, f"store differs after a kill at write {kill_at} ({when})"
        shutil.rmtree(store)


def test_latest_documents_round_trip(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    refresh_all(corpus, store)
    for path in (store / "latest").glob("*.json"):
        doc = Document.model_validate_json(path.read_bytes())
        assert json.loads(doc.model_dump_json()) == json.loads(path.read_bytes())


def test_disk_full_mid_refresh_is_a_clear_error_and_leaves_nothing_half_written(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    total, expected = writes_in_a_clean_run(corpus, tmp_path)
    real_open = open
    count = 0

    def full_disk(path, mode="r", *args, **kwargs):
        nonlocal count
        if "w" in mode and store_module.TMP_MARK in str(path):
            count += 1
            if total // 2 <= count < total // 2 + 3:  # full for a while, half way through
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(store_module, "open", full_disk, raising=False)
    store = tmp_path / "full"
    outcomes = refresh_all(corpus, store)
    failed = [o for o in outcomes if o.outcome == "failed"]
    assert failed and all("No space left on device" in o.error for o in failed)
    assert all(o.error.startswith(f"{o.source_id}: ") for o in failed), [o.error for o in failed]
    assert not [p for p in store.rglob("*") if store_module.TMP_MARK in p.name]
    monkeypatch.undo()  # space again: the next run ends in the store a clean run makes
    refresh_all(corpus, store)
    assert {k: v for k, (v, _) in files(store).items()} == expected
