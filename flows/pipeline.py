"""Refresh one source, as plain functions: acquire snapshots, extract, compare, publish.

The Prefect flow in ``flows/refresh.py`` runs ``refresh_source`` as one task per source;
tests and benchmarks call it directly, without the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from hashlib import sha256
from typing import Any, Literal

from extractors.diff import diff
from extractors.errors import ExtractionError
from extractors.extract import extract, sniff_kind
from extractors.models import Document
from flows.fetch import FetchError, FetchResult, fetch
from flows.registry import Registry, Source
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

    @property
    def label(self) -> str:
        return outcome_label(self.outcome, self.versions)


def outcome_label(outcome: str, versions: list[str]) -> str:
    """How a source's outcome reads in logs and the summary table."""
    if outcome == "failed":
        return "failed" + (" (after recording new versions)" if versions else "")
    if outcome == "unchanged":
        return "no change"
    return "new version" if len(versions) == 1 else f"{len(versions)} new versions"


def _record(
    result: Outcome,
    store: Store,
    source: Source,
    latest: Document | None,
    data: bytes,
    captured_at: datetime,
    meta: dict[str, Any],
) -> Document | None:
    """Store a snapshot and, if it differs from ``latest``, publish it as a new version.

    Returns the source's latest Document afterwards and notes a new version in ``result``.
    """
    digest = sha256(data).hexdigest()
    if latest is not None and latest.source.sha256 == digest:
        return latest
    store.put_snapshot(
        data, {"source_id": source.id, "captured_at": captured_at.isoformat(), **meta}
    )
    kind = sniff_kind(data)
    content_type = str(meta.get("content_type") or "")
    doc = extract(
        data,
        kind=kind,
        source_id=source.id,
        fetched_at=captured_at,
        sha256=digest,
        snapshot=f"snapshots/{digest}",
        url=source.url,
        title=source.title,
        languages=source.languages,
        charset=content_type.partition("charset=")[2].split(";")[0].strip() or None,
        selectors=source.selectors.model_dump() if source.selectors else None,
    )
    if kind != source.kind:
        doc.quality.warnings.append(f"registry says {source.kind}, the snapshot is {kind}")
    changes = diff(latest, doc)
    store.publish(doc, changes)
    result.outcome = "new"
    result.versions.append(doc.version)
    result.changes += len(changes.changes)
    return doc


def refresh_source(
    store: Store,
    registry: Registry,
    source: Source,
    *,
    offline: bool = True,
    fetcher: Fetcher = fetch,
) -> Outcome:
    """Bring one source up to date in ``store``: captured snapshots oldest first, then live.

    Never raises for a bad source: the failure is in the Outcome and the source's state.
    """
    state = store.state(source.id)
    result = Outcome(source.id, "unchanged")
    try:
        latest = store.latest(source.id)
        for snap in registry.snapshots(source):
            captured_at = datetime.combine(snap.date, time(), UTC)
            if latest is None or captured_at > latest.source.fetched_at:
                meta = {"origin": "corpus", "path": str(snap.file)}
                latest = _record(
                    result, store, source, latest, snap.file.read_bytes(), captured_at, meta
                )
        if source.url and not offline:
            got = fetcher(source.url, etag=state.etag, last_modified=state.last_modified)
            if not got.not_modified:
                meta = {
                    "origin": "live",
                    "url": got.url,
                    "content_type": got.content_type,
                    "headers": got.headers,
                }
                _record(result, store, source, latest, got.data, got.fetched_at, meta)
            state.etag = got.etag or state.etag
            state.last_modified = got.last_modified or state.last_modified
        state.status, state.last_error, state.consecutive_failures = "ok", None, 0
    except (FetchError, ExtractionError, StoreError, OSError) as exc:
        result.outcome, result.error = "failed", _reason(source, exc)
        state.consecutive_failures += 1
        state.last_error = result.error
        state.status = "stale" if state.consecutive_failures >= STALE_AFTER_FAILURES else "failing"
    try:
        store.save_state(state)
    except StoreError as exc:
        result.outcome, result.error = "failed", str(exc)
    return result


def _reason(source: Source, exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, OSError) and not isinstance(exc, StoreError):
        text = f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}".lstrip(": ")
    return text if text.startswith(source.id) else f"{source.id}: {text}"


def index_entry(store: Store, source: Source) -> dict[str, Any]:
    """The ``index.json`` entry for a source, from its latest version and its state."""
    state = store.state(source.id)
    latest = store.latest(source.id)
    entry: dict[str, Any] = {
        "title": source.title,
        "publisher": source.publisher,
        "kind": source.kind,
        "url": source.url,
        "status": state.status,
        "last_error": state.last_error,
        "consecutive_failures": state.consecutive_failures,
        "latest_version": None,
        "sha256": None,
        "updated_at": None,
        "versions": len(store.versions(source.id)),
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


def run_refresh(
    store: Store,
    registry: Registry,
    sources: list[Source],
    *,
    offline: bool = True,
    fetcher: Fetcher = fetch,
) -> list[Outcome]:
    """Refresh sources one after another without Prefect, holding the store's lock."""
    with store.lock():
        store.repair()
        outcomes = [
            refresh_source(store, registry, s, offline=offline, fetcher=fetcher) for s in sources
        ]
        store.update_index({s.id: index_entry(store, s) for s in sources})
    return outcomes
