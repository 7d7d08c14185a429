"""Reports and the lifecycle of versions: Markdown, Atom, terminal shaping, technical
upgrades that raise no alert, reverts, and the diff, changes and reextract commands."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractors.changes.diff import diff
from flows import pipeline
from flows.acquire import load_registry
from flows.cli import app
from flows.pipeline import run_refresh
from flows.reports import atom_feed, changeset_markdown, shape_for_terminal
from flows.store import Store
from tests.conftest import make_document
from tests.test_pipeline import add_snapshot

runner = CliRunner()
OLD = "خطوات التسجيل\n\n  1. التسجيل عبر www.cnss.ma\n  2. أداء الاشتراك بنسبة 6,37% من الأجر\n"
NEW = OLD.replace("6,37%", "6,50%")


def test_markdown_and_atom_of_a_change_set() -> None:
    changes = diff(make_document(OLD, 1), make_document(NEW, 2))
    text = changeset_markdown(changes, "CNSS")
    assert "| figure_changed | substantive | 6,37% → 6,50% |" in text
    feed = atom_feed([("cnss", changes)], title="t", feed_id="urn:x")
    root = ET.fromstring(feed)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    (entry,) = root.findall("a:entry", ns)
    assert entry.find("a:id", ns).text == f"urn:dalil:cnss:{changes.to_version}"
    assert "6,37% → 6,50%" in entry.find("a:content", ns).text
    quiet = changes.model_copy(update={"technical_upgrade": True})
    assert "<entry>" not in atom_feed([("cnss", quiet)], title="t", feed_id="urn:x")
    revert = changes.model_copy(update={"revert_of": "20250101T000000Z-abc"})
    assert "<entry>" not in atom_feed([("cnss", revert)], title="t", feed_id="urn:x")


def test_terminal_shaping_joins_letters_and_orders_them_visually() -> None:
    shaped = shape_for_terminal("نسبة 6,50%")
    assert "\ufe8f" <= shaped[-1] <= "\ufefc"  # presentation forms, first word last
    assert "6,50" in shaped and shaped != "نسبة 6,50%"


PAGE = ("snapshots", "map-amo-tadamon-figures", "2025-09-01.html")


def _source_with(corpus: Path, html: str) -> Path:
    add_snapshot(corpus, "map-amo-tadamon-figures", "2025-10-01", html, ".html")
    return corpus


def test_bumped_extractor_version_raises_no_alert(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = load_registry(corpus)
    source = [registry.get("map-amo-tadamon-figures")]
    store = Store(tmp_path / "store")
    run_refresh(store, registry, source)
    monkeypatch.setattr(pipeline, "EXTRACTOR_VERSION", "9.9.9")
    latest = store.latest("map-amo-tadamon-figures")
    stale = latest.model_copy(
        update={"extractor": latest.extractor.model_copy(update={"version": "0.0.1"})}
    )
    store.publish(stale, diff(None, stale))  # as if an older extractor had made it
    result = runner.invoke(
        app, ["reextract", "--store", str(store.root), "--registry", str(corpus)]
    )
    assert result.exit_code == 0 and "technical upgrade, no alert" in result.stderr
    (name,) = store.listdir("upgrades", "map-amo-tadamon-figures")
    upgrade = json.loads(store.read_bytes("upgrades", "map-amo-tadamon-figures", name))
    assert upgrade["technical_upgrade"] is True
    assert "<entry>" not in (tmp_path / "store" / "feed.atom").read_text(encoding="utf-8")


def test_stale_latest_is_upgraded_before_a_real_change_is_diffed(
    corpus: Path, tmp_path: Path
) -> None:
    registry = load_registry(corpus)
    store = Store(tmp_path / "store")
    run_refresh(store, registry, [registry.get("map-amo-tadamon-figures")])
    latest = store.latest("map-amo-tadamon-figures")
    # an older extractor missed the figures: diffing against it would report them all
    stale = latest.model_copy(
        update={
            "figures": [],
            "extractor": latest.extractor.model_copy(update={"version": "0.0.1"}),
        }
    )
    store.publish(stale, diff(None, stale))
    text = corpus.parent.joinpath(*PAGE).read_text(encoding="utf-8")
    registry = load_registry(_source_with(corpus, text.replace("11.1 million", "11.4 million")))
    (outcome,) = run_refresh(store, registry, [registry.get("map-amo-tadamon-figures")])
    assert outcome.upgraded
    changes = store.read_changes("map-amo-tadamon-figures", outcome.versions[-1])
    assert [c.kind for c in changes.changes] == ["figure_changed"]


def test_a_revert_is_marked_and_not_alerted(corpus: Path, tmp_path: Path) -> None:
    original = corpus.parent.joinpath(*PAGE).read_text(encoding="utf-8")
    changed_page = original.replace("11.1", "12.0")
    add_snapshot(corpus, "map-amo-tadamon-figures", "2025-10-01", changed_page, ".html")
    add_snapshot(corpus, "map-amo-tadamon-figures", "2025-11-01", original, ".html")
    registry = load_registry(corpus)
    store = Store(tmp_path / "store")
    (outcome,) = run_refresh(store, registry, [registry.get("map-amo-tadamon-figures")])
    first, changed, reverted = outcome.versions
    assert store.read_changes("map-amo-tadamon-figures", reverted).revert_of == first
    assert outcome.reverts == 1
    feed = (tmp_path / "store" / "feeds" / "map-amo-tadamon-figures.atom").read_text()
    assert feed.count("<entry>") == 1 and changed in feed


def test_diff_and_changes_commands(tmp_path: Path, corpus: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(make_document(OLD, 1).model_dump_json(), encoding="utf-8")
    new.write_text(make_document(NEW, 2).model_dump_json(), encoding="utf-8")
    result = runner.invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 0
    changeset = json.loads(result.stdout)
    assert set(changeset) >= {
        "source_id",
        "from_version",
        "to_version",
        "technical_upgrade",
        "changes",
    }
    assert [c["kind"] for c in changeset["changes"]] == ["figure_changed"]
    assert set(changeset["changes"][0]) >= {
        "id", "kind", "significance", "path", "before", "after", "summary", "word_diff"
    }  # fmt: skip
    bad = runner.invoke(app, ["diff", str(old), str(corpus)])
    assert bad.exit_code == 2 and "not a dalil Document" in bad.stderr

    registry = load_registry(corpus)
    store = Store(tmp_path / "store")
    run_refresh(store, registry, registry.sources)
    args = ["changes", "--store", str(tmp_path / "store")]
    plain = runner.invoke(app, [*args, "--source", "consonews-amo-cnss", "--no-shape"])
    assert "figure_changed  [substantive]" in plain.stdout and "6,37% → 6,50%" in plain.stdout
    shaped = runner.invoke(app, [*args, "--source", "cnops-amoe-leaflet", "--shape"])
    assert "address_changed" in shaped.stdout and "ص.ب" not in shaped.stdout  # shaped forms
    since = runner.invoke(app, [*args, "--since", "2025-10-16", "--significance", "substantive"])
    assert "figure_changed" in since.stdout and "url_changed" not in since.stdout


def test_the_summary_folds_many_unchanged_sources_into_one_row() -> None:
    from flows.reports import as_text, outcomes_table

    def outcome(i: int, what: str) -> dict:
        versions = ["20251001T000000Z-abc"] if what == "new" else []
        return {"source_id": f"s{i:03d}", "outcome": what, "versions": versions, "changes": 1}

    few = as_text(outcomes_table([outcome(i, "unchanged") for i in range(5)]))
    assert few.count("no change") == 5
    many = [outcome(i, "unchanged") for i in range(300)] + [outcome(300, "new")]
    text = as_text(outcomes_table(many))
    assert "(300 sources)" in text and text.count("no change") == 1 and "s300" in text
