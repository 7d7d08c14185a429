"""Review decisions: append-only records, states, the noise-regression file and the
``publish: reviewed`` policy."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors.changes.diff import diff
from flows.acquire import load_registry
from flows.pipeline import run_refresh
from flows.review.decisions import (
    NOISE_FILE,
    Decisions,
    ReviewError,
    apply_review,
    event_state,
    parse_target,
    read_noise,
    record_review,
    reviews,
    set_state,
)
from flows.store import Store
from tests.conftest import make_document


def _changeset_with(store: Store, source: str, kind: str):
    for vid in sorted(store.versions(source)):
        cs = store.read_changes(source, vid)
        if any(c.kind == kind for c in cs.changes):
            return cs
    raise AssertionError(f"{source} has no {kind}")


@pytest.mark.parametrize("bad", ["", "only-source", "a//b", "a/b/c/d"])
def test_a_bad_change_id_is_refused_with_the_reason(bad: str) -> None:
    with pytest.raises(ReviewError, match="expected SOURCE/VERSION"):
        parse_target(bad)


def test_unknown_change_sets_and_events_are_refused(corpus_store: Path) -> None:
    store = Store(corpus_store)
    with pytest.raises(ReviewError, match="no such change set"):
        record_review(
            store, parse_target("consonews-amo-cnss/20990101T000000Z-x"), "confirmed", "a"
        )
    cs = _changeset_with(store, "consonews-amo-cnss", "figure_changed")
    target = parse_target(f"consonews-amo-cnss/{cs.to_version}/0000")
    with pytest.raises(ReviewError, match="has no event 0000"):
        record_review(store, target, "dismissed", "a")
    assert reviews(store, "consonews-amo-cnss") == []


def test_decisions_are_appended_and_the_newest_wins(corpus_store: Path) -> None:
    store = Store(corpus_store)
    cs = _changeset_with(store, "consonews-amo-cnss", "figure_changed")
    change = cs.changes[0]
    assert set_state(Decisions([]), cs) == "pending"
    target = parse_target(f"consonews-amo-cnss/{cs.to_version}")
    record_review(store, target, "dismissed", "amina", at=datetime(2025, 11, 2, tzinfo=UTC))
    record_review(
        store, target, "confirmed", "karim", "rate is real", at=datetime(2025, 11, 3, tzinfo=UTC)
    )
    files = list((corpus_store / "reviews" / "consonews-amo-cnss" / cs.to_version).iterdir())
    assert len(files) == 2, "append-only: one file per decision"
    decisions = Decisions(reviews(store, "consonews-amo-cnss"))
    assert set_state(decisions, cs) == "confirmed"
    assert decisions.of_set(cs.to_version).by == "karim"
    assert event_state(decisions, cs, change) == "confirmed", "an event inherits its set's state"
    event = parse_target(f"consonews-amo-cnss/{cs.to_version}/{change.id}")
    record_review(store, event, "dismissed", "amina", at=datetime(2025, 11, 4, tzinfo=UTC))
    decisions = Decisions(reviews(store, "consonews-amo-cnss"))
    assert event_state(decisions, cs, change) == "dismissed"
    assert set_state(decisions, cs) == "confirmed"


def test_a_dismissed_substantive_event_becomes_a_replayable_noise_case(
    corpus_store: Path, tmp_path: Path
) -> None:
    store = Store(corpus_store)
    cs = _changeset_with(store, "consonews-amo-cnss", "figure_changed")
    noise = tmp_path / "noise.jsonl"
    target = parse_target(f"consonews-amo-cnss/{cs.to_version}")
    applied = apply_review(store, target, "dismissed", "amina", "test", noise_file=noise)
    assert applied.noise_cases == 1 and not applied.published
    (case,) = read_noise(noise)
    assert case["kind"] == "figure_changed" and case["dismissed_by"] == "amina"
    assert "6,37%" in case["old_text"] and "6,50%" in case["new_text"]
    # the case carries what it takes to replay the false alarm
    replay = diff(
        make_document(case["old_text"], 1, languages=case["languages"]),
        make_document(case["new_text"], 2, languages=case["languages"]),
    )
    assert [(c.kind, c.significance) for c in replay.changes] == [("figure_changed", "substantive")]
    # a confirmation writes no noise case
    apply_review(store, target, "confirmed", "karim", noise_file=noise)
    assert len(read_noise(noise)) == 1


@pytest.mark.parametrize(
    "case", read_noise(NOISE_FILE), ids=lambda c: f"{c['source_id']}-{c['event'][:8]}"
)
def test_dismissed_noise_never_alerts_again(case: dict) -> None:
    """Every event a reviewer dismissed as noise, replayed through today's diff."""
    replay = diff(
        make_document(case["old_text"], 1, languages=case["languages"]),
        make_document(case["new_text"], 2, languages=case["languages"]),
    )
    alarms = [c for c in replay.changes if c.significance == "substantive"]
    assert alarms == [], f"dismissed as noise by {case['dismissed_by']}: {case.get('note')}"


def test_a_reviewed_source_publishes_only_confirmed_change_sets(
    corpus: Path, tmp_path: Path
) -> None:
    text = corpus.read_text(encoding="utf-8")
    marker = "  - id: alouadifa-amo-tadamon\n"
    assert marker in text
    corpus.write_text(text.replace(marker, marker + "    publish: reviewed\n"), encoding="utf-8")
    registry = load_registry(corpus)
    store = Store(tmp_path / "store")
    run_refresh(store, registry, registry.sources)
    source = "alouadifa-amo-tadamon"
    versions = sorted(store.versions(source))
    assert len(versions) == 4
    latest = tmp_path / "store" / "latest" / f"{source}.json"
    assert not latest.exists(), "nothing is published before a review"
    assert store.head_version(source) == versions[-1]
    index = json.loads((tmp_path / "store" / "index.json").read_text(encoding="utf-8"))
    assert index["sources"][source]["published_version"] is None
    assert (tmp_path / "store" / "latest" / "consonews-amo-cnss.json").exists()  # auto

    def confirm(vid: str) -> bool:
        target = parse_target(f"{source}/{vid}")
        return apply_review(
            store, target, "confirmed", "karim", noise_file=tmp_path / "n"
        ).published

    assert confirm(versions[1])
    published = json.loads(latest.read_text(encoding="utf-8"))["source"]["sha256"]
    assert versions[1].endswith(published[:12])
    assert confirm(versions[2])
    assert not confirm(versions[0]), "latest/ never moves back to an older version"
    assert store.published_version(source) == versions[2]
    index = json.loads((tmp_path / "store" / "index.json").read_text(encoding="utf-8"))
    assert index["sources"][source]["published_version"] == versions[2]
    # a dismissal publishes nothing
    apply_review(
        store, parse_target(f"{source}/{versions[3]}"), "dismissed", "a", noise_file=tmp_path / "n"
    )
    assert store.published_version(source) == versions[2]
    # the next refresh keeps what was published and adds nothing
    assert {o.outcome for o in run_refresh(store, registry, registry.sources)} == {"unchanged"}
    assert store.published_version(source) == versions[2]


def test_repair_puts_back_latest_when_a_writer_died_before_it(corpus_store: Path) -> None:
    store = Store(corpus_store)
    source = "consonews-amo-cnss"
    good = (corpus_store / "latest" / f"{source}.json").read_bytes()
    first = sorted(store.versions(source))[0]
    (corpus_store / "latest" / f"{source}.json").write_bytes(
        (corpus_store / "versions" / source / f"{first}.json").read_bytes()
    )
    assert any(f"latest/{source}.json" in r for r in store.repair())
    assert (corpus_store / "latest" / f"{source}.json").read_bytes() == good
