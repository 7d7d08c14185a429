"""Build and write the catalog: every source's published Document and its change sets in,
``catalog.json`` and ``catalog.jsonld`` out (each written atomically, and only when its
bytes change). Entry ids are carried over from the catalog already there."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

from extractors.catalog import Catalog, build_catalog, catalog_jsonld
from flows.store import Store, StoreError

CATALOG = "catalog.json"
JSONLD = "catalog.jsonld"


def load_catalog(store: Store) -> Catalog | None:
    """The catalog in the store, or None when there is none yet."""
    data = store.read_bytes(CATALOG)
    if data is None:
        return None
    try:
        return Catalog.model_validate_json(data)
    except ValueError as exc:
        raise StoreError(f"store {store.url}: {CATALOG} is not a catalog: {exc}") from None


def publish_catalog(store: Store) -> Catalog:
    """Rebuild the catalog from the store's published Documents; returns it."""
    docs, changesets = [], {}
    for source in store.sources():
        doc = store.latest(source)
        if doc is None:
            continue
        docs.append(doc)
        changesets[source] = store.changesets(source)
    try:
        previous = load_catalog(store)
    except StoreError:
        previous = None  # unreadable: rebuilt from scratch, ids afresh
    newest = max((d.source.fetched_at for d in docs), default=datetime.fromtimestamp(0, UTC))
    catalog = build_catalog(docs, changesets, previous, now=newest)
    # generated_at (the API's Last-Modified) moves when the entries change, and only
    # then: to the newest capture, or a second past the last, when no capture is newer
    # (a re-extraction); from the same store state, the same file
    if previous is not None and previous.entries == catalog.entries:
        catalog.generated_at = previous.generated_at
    elif previous is not None and catalog.generated_at <= previous.generated_at:
        catalog.generated_at = previous.generated_at + timedelta(seconds=1)
    store.write_if_changed(catalog, CATALOG)
    store.write_if_changed(
        json.dumps(catalog_jsonld(catalog), ensure_ascii=False, indent=2).encode("utf-8"), JSONLD
    )
    return catalog


def refresh_catalog(store: Store) -> Catalog | None:
    """``publish_catalog`` for the end of a run or a review: a failure is logged and
    returns None; it never fails what called it."""
    try:
        return publish_catalog(store)
    except Exception as exc:  # the catalog is derived: the recorded versions stand
        logging.getLogger("dalil.catalog").error(
            "store %s: catalog not updated: %s: %s", store.url, type(exc).__name__, exc
        )
        return None
