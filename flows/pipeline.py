"""Refresh one source, as plain functions: acquire snapshots, extract, compare, publish.

The Prefect flow in ``flows/refresh.py`` runs ``refresh_source`` as one task per source;
tests and benchmarks call it directly, without the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from hashlib import sha256
from typing import Any, Literal

from extractors import EXTRACTOR_VERSION
from extractors.changes import diff
from extractors.errors import ExtractionError
from extractors.models import ChangeSet, Document, UserRepair
from extractors.user_repairs import pending
from flows.acquire import FetchError, FetchResult, Registry, Source, fetch
from flows.catalog import refresh_catalog
from flows.discovery import discovery_events, run_discovery
from flows.extraction import Extractor, extract_snapshot
from flows.parity import check_parity, gaps_of, load_gaps
from flows.reports import atom_feed, changeset_markdown, outcome_label
from flows.review import (
    domain_words,
    propose_tables,
    reviewer_inputs,
    trusted_tables,
    user_repairs,
)
from flows.store import Store, StoreError

STALE_AFTER_FAILURES = 3
Fetcher = Callable[..., FetchResult]


@dataclass
class Outcome:
    """What a refresh did to one source."""

    source_id: str
    outcome: Literal["new", "unchanged", "failed"]
    versions: list[str] = field(default_factory=list)
    changes: int = 0
    error: str | None = None
    upgraded: bool = False  # the latest version was re-extracted first (no alert)
    reverts: int = 0  # new versions equal to an earlier one (no alert)
    skipped: bool = False  # not worked on: its index entry showed nothing could be new

    @property
    def label(self) -> str:
        return outcome_label(self.outcome, self.versions)


def _record(
    result: Outcome,
    store: Store,
    source: Source,
    latest: Document | None,
    data: bytes,
    captured_at: datetime,
    meta: dict[str, Any],
    extractor: Extractor,
    inputs: dict[str, Any],
) -> Document | None:
    """Store a snapshot and, if it differs from ``latest``, publish it as a new version.

    ``inputs`` are the reviewers' (``reviewer_extras``). Returns the source's latest
    Document afterwards and notes a new version in ``result``.
    """
    digest = sha256(data).hexdigest()
    if latest is not None and latest.source.sha256 == digest:
        return latest
    store.put_snapshot(
        data, {"source_id": source.id, "captured_at": captured_at.isoformat(), **meta}
    )
    doc = extractor(data, digest, source, captured_at, {**meta, **inputs})
    if any("legacy font" in w for w in doc.quality.warnings):
        propose_tables(store, doc)  # for an admin to confirm (review app, /fonts)
    if latest is not None and upgrade_due(latest, inputs):
        latest = upgrade_version(store, source, latest, extractor, inputs)  # like with like
        result.upgraded = True
    changes = diff(latest, doc)
    earlier = _earlier_version(store, source.id, digest)
    if earlier is not None:
        changes.revert_of = earlier
        result.reverts += 1
    markdown = changeset_markdown(changes, source.title)
    store.publish(doc, changes, markdown, publish=source.publish == "auto")
    result.outcome = "new"
    result.versions.append(doc.version)
    result.changes += len(changes.changes)
    return doc


def reviewer_extras(store: Store, source_id: str) -> dict[str, Any]:
    """What reviewers give a source's extraction: their corrections (``user_repairs``) and
    the confirmed domain lexicon (``domain_words``), as extraction meta."""
    return {
        "user_repairs": [r.model_dump() for r in user_repairs(store, source_id)],
        "domain_words": domain_words(store),
        "legacy_tables": trusted_tables(store),
    }


def upgrade_due(doc: Document, inputs: dict[str, Any]) -> bool:
    """Whether a stored version must be re-extracted to compare like with like: another
    extractor made it, it lacks reviewers' corrections, or another domain lexicon."""
    fixes = [UserRepair.model_validate(r) for r in inputs.get("user_repairs", ())]
    return (
        doc.extractor.version != EXTRACTOR_VERSION
        or doc.extractor.domain_words != len(inputs.get("domain_words", ()))
        or doc.extractor.legacy_fonts != len(inputs.get("legacy_tables", {}))
        or pending(doc.blocks, fixes)
    )


def upgrade_version(
    store: Store,
    source: Source,
    doc: Document,
    extractor: Extractor | None = None,
    inputs: dict[str, Any] | None = None,
) -> Document:
    """Re-extract a stored version with this extractor and the reviewers' ``inputs``
    (default: the store's): a technical upgrade, recorded with its own ChangeSet
    (``technical_upgrade``), never an alert."""
    digest = doc.source.sha256
    data = store.read_snapshot(digest)
    meta = store.read_json("snapshots", f"{digest}.json") or {}
    meta |= inputs if inputs is not None else reviewer_extras(store, source.id)
    upgraded = (extractor or extract_snapshot)(data, digest, source, doc.source.fetched_at, meta)
    changes = diff(doc, upgraded)
    changes.technical_upgrade = True
    store.upgrade(upgraded, changes)
    return upgraded


def _earlier_version(store: Store, source_id: str, digest: str) -> str | None:
    """A stored version with the same snapshot bytes: the new one reverts to it."""
    return next(
        (v for v in sorted(store.versions(source_id)) if v.endswith(f"-{digest[:12]}")), None
    )


def refresh_source(
    store: Store,
    registry: Registry,
    source: Source,
    *,
    offline: bool = True,
    fetcher: Fetcher = fetch,
    extractor: Extractor | None = None,
) -> Outcome:
    """Bring one source up to date in ``store``: captured snapshots oldest first, then live.

    Never raises for a bad source: the failure is in the Outcome and the source's state.
    """
    state = store.state(source.id)
    result = Outcome(source.id, "unchanged")
    extractor = extractor or extract_snapshot
    try:
        inputs = reviewer_extras(store, source.id)
        latest = store.head(source.id)
        for snap in registry.snapshots(source):
            captured_at = datetime.combine(snap.date, time(), UTC)
            if latest is None or captured_at > latest.source.fetched_at:
                meta = {"origin": "corpus", "path": str(snap.file)}
                data = snap.file.read_bytes()
                latest = _record(
                    result, store, source, latest, data, captured_at, meta, extractor, inputs
                )
        if source.url and not offline:
            got = fetcher(
                source.url,
                etag=state.etag,
                last_modified=state.last_modified,
                allow_private=source.allow_private_redirects,
                render=source.render,
            )
            if not got.not_modified:
                meta = {
                    "origin": "live",
                    "url": got.url,
                    "content_type": got.content_type,
                    "headers": got.headers,
                }
                latest = _record(
                    result, store, source, latest, got.data, got.fetched_at, meta, extractor, inputs
                )
            state.etag = got.etag or state.etag
            state.last_modified = got.last_modified or state.last_modified
        if latest is not None and upgrade_due(latest, inputs):
            # reviewers corrected a repair, or confirmed domain words: no new snapshot needed
            upgrade_version(store, source, latest, extractor, inputs)
            result.upgraded = True
        state.status, state.last_error, state.consecutive_failures = "ok", None, 0
    except (FetchError, ExtractionError, StoreError, OSError) as exc:
        result.outcome, result.error = "failed", _reason(source, exc)
        state.consecutive_failures += 1
        state.last_error = result.error
        state.status = "stale" if state.consecutive_failures >= STALE_AFTER_FAILURES else "failing"
    try:
        store.save_state(state)
    except StoreError as exc:
        result.outcome, result.error = "failed", _reason(source, exc)
    return result


def _reason(source: Source, exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, OSError) and not isinstance(exc, StoreError):
        text = f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}".lstrip(": ")
    return text if text.startswith(source.id) else f"{source.id}: {text}"


def index_entry(store: Store, source: Source) -> dict[str, Any]:
    """The ``index.json`` entry for a source, from its latest version and its state."""
    state = store.state(source.id)
    latest = store.head(source.id)
    entry: dict[str, Any] = {
        "title": source.title,
        "publisher": source.publisher,
        "kind": source.kind,
        "url": source.url,
        "status": state.status,
        "last_error": state.last_error,
        "consecutive_failures": state.consecutive_failures,
        "publish": source.publish,
        "published_version": store.published_version(source.id),
        "latest_version": None,
        "sha256": None,
        "updated_at": None,
        "versions": len(store.versions(source.id)),
        "reviewer_inputs": reviewer_inputs(store, source.id),
    }
    if latest is not None:
        entry |= {
            "latest_version": latest.version,
            "sha256": latest.source.sha256,
            "updated_at": latest.source.fetched_at.isoformat(),
            "counts": {
                "blocks": len(latest.blocks),
                "procedures": len(latest.procedures),
                "urls": len(latest.urls),
                "addresses": len(latest.addresses),
                "figures": len(latest.figures),
                "damaged_tokens": latest.quality.damaged_tokens,
                "repaired_tokens": latest.quality.repaired_tokens,
            },
        }
    return entry


def needs_work(
    entry: dict[str, Any] | None,
    registry: Registry,
    source: Source,
    offline: bool,
    inputs: str | None = None,
) -> bool:
    """Whether a source can have anything new: a live URL to ask, a captured snapshot
    newer than its latest version, reviewers' inputs (``reviewer_inputs``) other than at
    its last run, or no healthy version yet. ``entry`` is the source's ``index.json``
    entry, so an unchanged source costs no task and no snapshot read."""
    if source.url and not offline:
        return True  # only the server can say (a conditional GET)
    if not entry or entry.get("status") != "ok" or not entry.get("updated_at"):
        return True
    if inputs is not None and entry.get("reviewer_inputs") != inputs:
        return True
    latest = datetime.fromisoformat(entry["updated_at"])
    newest = max((s.date for s in registry.snapshots(source)), default=None)
    return newest is not None and datetime.combine(newest, time(), UTC) > latest


def update_feeds(store: Store, titles: dict[str, str]) -> None:
    """Write ``feed.atom`` (every source) and ``feeds/<source>.atom`` from the stored change
    sets: substantive and editorial changes only, never technical upgrades or reverts; and
    the parity gaps, on the feeds of both their sides."""
    everything: list[tuple[str, ChangeSet]] = []
    gaps = load_gaps(store)
    found = discovery_events(store)
    for source_id in store.sources():
        own = [(source_id, cs) for cs in store.changesets(source_id)]
        everything += own
        title = f"dalil: {titles.get(source_id, source_id)}"
        feed = atom_feed(
            own, title=title, feed_id=f"urn:dalil:{source_id}", gaps=gaps_of(gaps, source_id)
        )
        store.write_if_changed(feed.encode("utf-8"), "feeds", f"{source_id}.atom")
    feed = atom_feed(
        everything, title="dalil: rule changes", feed_id="urn:dalil:all", gaps=gaps, found=found
    )
    store.write_if_changed(feed.encode("utf-8"), "feed.atom")


def run_refresh(
    store: Store,
    registry: Registry,
    sources: list[Source],
    *,
    offline: bool = True,
    fetcher: Fetcher = fetch,
    extractor: Extractor | None = None,
) -> list[Outcome]:
    """Refresh sources one after another without Prefect, holding the store's lock."""
    with store.lock():
        store.repair()
        entries = store.index()["sources"]
        outcomes = []
        for s in sources:
            if needs_work(entries.get(s.id), registry, s, offline, reviewer_inputs(store, s.id)):
                outcomes.append(
                    refresh_source(
                        store, registry, s, offline=offline, fetcher=fetcher, extractor=extractor
                    )
                )
            else:
                outcomes.append(Outcome(s.id, "unchanged", skipped=True))
        events = [] if offline else run_discovery(store, registry, fetcher)
        finish_run(store, registry, sources, outcomes, events)
    return outcomes


def finish_run(
    store: Store,
    registry: Registry,
    sources: list[Source],
    outcomes: list[Outcome],
    discovered: Sequence[dict[str, Any]] = (),
) -> None:
    """After a run: the index entries of the sources that were worked on (their state may
    have changed even without a new version), the parity gaps, and the feeds when
    something new was recorded or discovered (or they are missing)."""
    worked = {o.source_id for o in outcomes if not o.skipped}
    entries = store.index()["sources"]
    store.update_index(
        {s.id: index_entry(store, s) for s in sources if s.id in worked or s.id not in entries}
    )
    opened, closed = check_parity(
        store, registry, {o.source_id: o.versions for o in outcomes if o.versions}
    )
    news = any(o.versions for o in outcomes) or opened or closed or discovered
    if news or not store.exists("feed.atom"):
        update_feeds(store, {s.id: s.title for s in registry.sources})
    if worked or not store.exists("catalog.json"):
        refresh_catalog(store)
