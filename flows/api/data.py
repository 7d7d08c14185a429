"""What the read API serves, loaded from the store: the catalog's entries (each already
serialised, with a folded text for queries), the change-set events, and the sources. It
is reloaded when ``catalog.json`` changes, checked at most every few seconds."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from extractors.catalog import Catalog, Entry, fold
from flows.store import Store, StoreError

RECHECK = 5.0  # seconds between two looks at catalog.json


class Title(BaseModel):
    lang: str | None
    text: str


class Summary(BaseModel):
    """A procedure as lists show it; ``/api/procedures/{id}`` gives the whole entry."""

    id: str
    titles: list[Title]
    languages: list[str]
    schemes: list[str]
    institutions: list[str]
    actions: list[str]
    steps: dict[str, int] = Field(description="Number of steps by language.")
    sources: list[str]
    conflicts: int
    updated_at: datetime


def summarize(e: Entry) -> Summary:
    return Summary(
        id=e.id,
        titles=[Title(lang=t.lang, text=t.text) for t in e.titles],
        languages=e.languages,
        schemes=e.schemes,
        institutions=e.institutions,
        actions=e.actions,
        steps={lang: len(steps) for lang, steps in e.steps.items()},
        sources=sorted({m.source for m in e.sources}),
        conflicts=len(e.conflicts),
        updated_at=e.updated_at,
    )


@dataclass
class Item:
    """One entry, ready to serve."""

    entry: Entry
    body: bytes  # its JSON
    summary: bytes  # its summary's JSON (the lists' items)
    text: str  # folded titles and steps, for ?q=


PUBLIC_SOURCE_FIELDS = (
    "title", "publisher", "kind", "url", "status", "published_version", "updated_at"
)  # fmt: skip
ANSWER_BYTES = 64 * 2**20  # answers kept per snapshot, at most


@dataclass
class Snapshot:
    items: list[Item]  # by id
    by_id: dict[str, Item]
    changes: list[dict]  # oldest first
    sources: bytes  # the /api/sources answer
    modified: datetime  # when the catalog's entries last changed (UTC, whole seconds)
    loaded_at: float = field(default_factory=time.monotonic)
    answers: dict[tuple, tuple[bytes, str]] = field(default_factory=dict)  # (body, ETag)
    answer_bytes: int = 0


def _snapshot(catalog: Catalog | None, index: dict) -> Snapshot:
    entries = catalog.entries if catalog else []
    items = []
    for e in sorted(entries, key=lambda e: e.id):
        words = [t.text for t in e.titles]
        words += [s.text for steps in e.steps.values() for s in steps]
        body = e.model_dump_json().encode("utf-8")
        summary = summarize(e).model_dump_json().encode("utf-8")
        items.append(Item(e, body, summary, fold(" ".join(words))))
    changes = []
    for e in entries:
        for c in e.changes:
            changes.append({**c.model_dump(mode="json"), "procedure": e.id})
    changes.sort(key=lambda c: (c["at"], c["source"], c["change"], c["procedure"]))
    sources = [
        {"id": sid, **{k: entry.get(k) for k in PUBLIC_SOURCE_FIELDS}}
        for sid, entry in sorted(index.get("sources", {}).items())
    ]
    modified = catalog.generated_at if catalog else datetime.fromtimestamp(0, UTC)
    return Snapshot(
        items=items,
        by_id={i.entry.id: i for i in items},
        changes=changes,
        sources=json.dumps({"items": sources}, ensure_ascii=False).encode("utf-8"),
        modified=modified.astimezone(UTC).replace(microsecond=0),
    )


class ApiData:
    """The store's catalog (and index) as the API serves them, kept current."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._raw: tuple[bytes | None, bytes | None] = (None, None)
        self._snap = _snapshot(None, {})
        try:
            self._load(self._read())
        except ValueError as exc:
            raise StoreError(f"store {store.url}: catalog.json or index.json: {exc}") from None

    def _read(self) -> tuple[bytes | None, bytes | None]:
        return self.store.read_bytes("catalog.json"), self.store.read_bytes("index.json")

    def _load(self, raw: tuple[bytes | None, bytes | None]) -> None:
        catalog = Catalog.model_validate_json(raw[0]) if raw[0] else None
        index = json.loads(raw[1]) if raw[1] else {}
        self._snap, self._raw = _snapshot(catalog, index), raw

    async def snapshot(self) -> Snapshot:
        """``current()`` for a request: the snapshot at once, or when a look at the
        store is due, after it, run off the event loop."""
        if time.monotonic() - self._snap.loaded_at < RECHECK:
            return self._snap
        return await run_in_threadpool(self.current)

    def current(self) -> Snapshot:
        """The snapshot; reloaded first when catalog.json or index.json changed (looked
        at every few seconds, by one thread). An unreadable new catalog is logged and the
        last good one kept."""
        snap = self._snap
        if time.monotonic() - snap.loaded_at < RECHECK or not self._lock.acquire(blocking=False):
            return snap
        try:
            raw = self._read()
            if raw != self._raw:
                self._load(raw)
            else:
                snap.loaded_at = time.monotonic()
        except (OSError, ValueError, StoreError) as exc:
            logging.getLogger("dalil.api").error(
                "store %s: kept the last catalog: %s", self.store.url, exc
            )
            snap.loaded_at = time.monotonic()
        finally:
            self._lock.release()
        return self._snap
