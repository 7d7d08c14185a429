"""Extraction as a cached Prefect task: the key is the snapshot's sha256, the extractor
version and the source fields that go into the Document; results are kept in the store's
``cache/extractions`` (a local path or a saved RemoteFileSystem block)."""

from __future__ import annotations

import json
from datetime import datetime
from hashlib import sha256
from pathlib import Path
from typing import Any

from prefect import task
from prefect.filesystems import RemoteFileSystem

from extractors import EXTRACTOR_VERSION
from extractors.models import Document
from flows.acquire import Source
from flows.store import Store

from .isolation import time_limited
from .snapshot import Extractor


def _extraction_key(_context: Any, params: dict[str, Any]) -> str:
    """The cache key of an extraction: the snapshot's sha256 and the extractor version,
    plus a digest of what else goes into the Document (source fields, capture time,
    reviewers' corrections and domain words)."""
    source: Source = params["source"]
    parts = [
        source.model_dump(mode="json", include={"id", "kind", "url", "title", "languages"}),
        source.selectors.model_dump() if source.selectors else None,
        params["captured_at"].isoformat(),
        params["meta"].get("content_type"),
    ]
    reviewers = [
        params["meta"].get("user_repairs"),
        params["meta"].get("domain_words"),
        params["meta"].get("legacy_tables"),
    ]
    if any(reviewers):  # keys without them stay those of stores written before them
        parts.append(reviewers)
    rest = json.dumps(parts, sort_keys=True)
    digest = sha256(rest.encode("utf-8")).hexdigest()[:16]
    return f"{params['digest']}-{EXTRACTOR_VERSION}-{digest}"


@task(
    name="extract",
    task_run_name="extract {source.id}",
    cache_key_fn=_extraction_key,
    persist_result=True,
    result_serializer="json",
    cache_result_in_memory=False,  # a Document is kept in the store, not in the flow's memory
)
def extract_task(
    data: bytes,
    digest: str,
    source: Source,
    captured_at: datetime,
    meta: dict[str, Any],
    timeout: float | None,
) -> Document:
    """One snapshot's extraction, in a worker process under the per-document time limit;
    cached by content (see ``_extraction_key``), its result kept in the store."""
    return time_limited(timeout)(data, digest, source, captured_at, meta)


def result_storage(store: Store, save: bool = False) -> Path | str:
    """Where cached extractions live: ``cache/extractions`` in the store's own location.

    A local store gives a path; any other fsspec URL a RemoteFileSystem block, which
    Prefect wants saved on the server (``save``, once per flow run) and named by slug.
    """
    base = store.path("cache", "extractions")
    if store.local:
        return Path(base)
    name = "dalil-cache-" + sha256(store.url.encode("utf-8")).hexdigest()[:16]
    if save:
        basepath = f"{store.url.rstrip('/')}/cache/extractions"
        RemoteFileSystem(basepath=basepath).save(name, overwrite=True)
    return f"remote-file-system/{name}"


def cached_extractor(store: Store, timeout: float | None) -> Extractor:
    """An Extractor that goes through the cached ``extract`` task."""
    cached = extract_task.with_options(result_storage=result_storage(store))

    def extractor(
        data: bytes, digest: str, source: Source, captured_at: datetime, meta: dict[str, Any]
    ) -> Document:
        return cached(data, digest, source, captured_at, meta, timeout)

    return extractor
