"""Discovery across runs: new documents become sources, vanished ones are reported.

A source with ``discover`` rules has its sitemap or listing read on every live run.
A matching address not seen before becomes a source of its own (kind from its suffix,
languages and schedule of the declaring source), written to the store's registry overlay
``discovered.json`` (the shipped registry is never edited) and refreshed from the next
run on; it is reported as a ``document_added`` event. An address missing from two
successful readings in a row is reported as ``document_removed`` and leaves the overlay;
a reading that fails counts for nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flows.acquire import FetchError, Registry, Source, discover_documents
from flows.store import Store

OVERLAY = "discovered.json"
REMOVED_AFTER = 2  # successful readings without the document


def _load(store: Store) -> dict[str, Any]:
    return store.read_json(OVERLAY) or {"documents": {}, "events": []}


def overlay_sources(store: Store) -> list[Source]:
    """The sources discovery added, still listed."""
    data = _load(store)
    return [Source.model_validate(d["source"]) for d in data["documents"].values()]


def with_discovered(store: Store, registry: Registry) -> Registry:
    """The registry with the store's discovered sources."""
    return registry.with_sources(overlay_sources(store))


def _new_source(parent: Source, url: str, title: str | None) -> Source:
    path = urlsplit(url).path.rstrip("/")
    stem = re.sub(r"[^a-z0-9]+", "-", path.rsplit("/", 1)[-1].lower()).strip("-")[:40] or "doc"
    digest = hashlib.sha256(url.encode()).hexdigest()[:6]
    return Source(
        id=f"{parent.id}-{stem}-{digest}"[:80].strip("-"),
        title=title or path.rsplit("/", 1)[-1] or url,
        publisher=parent.publisher,
        kind="pdf" if path.lower().endswith(".pdf") else "html",
        languages=parent.languages,
        url=url,
        schedule=parent.schedule,
        allow_private_redirects=parent.allow_private_redirects,
        discovered_from=parent.id,
    )


def run_discovery(
    store: Store, registry: Registry, fetcher: Callable[..., Any]
) -> list[dict[str, Any]]:
    """Read every discover rule once; update the overlay; return this run's events."""
    data = _load(store)
    documents: dict[str, dict[str, Any]] = data["documents"]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    events: list[dict[str, Any]] = []

    def event(kind: str, source_id: str, parent: Source, **more: str) -> None:
        events.append({"type": kind, "source": source_id, "parent": parent.id, "at": now, **more})

    for parent in registry.sources:
        if parent.discover is None:
            continue
        try:
            found = discover_documents(
                parent.discover,
                parent.url,
                lambda url, p=parent: fetcher(url, allow_private=p.allow_private_redirects),
            )
        except FetchError as exc:
            event("discovery_failed", parent.id, parent, error=str(exc))
            continue  # a failed reading removes nothing
        listed = {item.url for item in found}
        for item in found:
            if item.url in documents:
                documents[item.url]["missing"] = 0
                continue
            source = _new_source(parent, item.url, item.title)
            documents[item.url] = {
                "parent": parent.id,
                "source": source.model_dump(mode="json", exclude_defaults=True),
                "missing": 0,
            }
            event("document_added", source.id, parent, url=item.url)
        for url, entry in list(documents.items()):
            if entry["parent"] != parent.id or url in listed:
                continue
            entry["missing"] += 1
            if entry["missing"] >= REMOVED_AFTER:
                del documents[url]
                event("document_removed", entry["source"]["id"], parent, url=url)
    kept = [e for e in events if e["type"] != "discovery_failed"]
    data["events"] = [*data["events"], *kept][-500:]
    store.write_if_changed(data, OVERLAY)
    return events


def discovery_events(store: Store) -> list[dict[str, Any]]:
    """The documents discovery added and reported removed, oldest first."""
    return list(_load(store)["events"])
