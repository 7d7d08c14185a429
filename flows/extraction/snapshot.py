"""One snapshot of a source as a Document: the call into ``extractors`` with the source's
registry fields and the charset its fetch recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from extractors.models import Document
from flows.acquire import Source

# (data, sha256, source, captured_at, fetch meta) -> Document: extract_snapshot, or a
# wrapper of it (a time-limited process, a cached Prefect task)
Extractor = Callable[[bytes, str, Source, datetime, dict[str, Any]], Document]


def extract_snapshot(
    data: bytes, digest: str, source: Source, captured_at: datetime, meta: dict[str, Any]
) -> Document:
    """One snapshot of a source as a Document, by the kind its bytes show; the charset
    comes from the Content-Type its fetch recorded in ``meta``."""
    # imported here: the extraction stack (spaCy, pdfplumber, trafilatura: ~2 s) is loaded
    # where documents are extracted (the worker processes), not by every caller
    from extractors.extract import extract, sniff_kind

    kind = sniff_kind(data)
    content_type = str(meta.get("content_type") or "")
    charset = content_type.partition("charset=")[2].split(";")[0].strip() or None
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
        charset=charset,
        selectors=source.selectors.model_dump() if source.selectors else None,
    )
    if kind != source.kind:
        doc.quality.warnings.append(f"registry says {source.kind}, the snapshot is {kind}")
    return doc


def extract_file(
    data: bytes,
    *,
    kind: str | None,
    source_id: str,
    fetched_at: datetime,
    sha256: str,
    snapshot: str,
) -> Document:
    """One file's Document, its kind sniffed when not given. The extraction stack is
    imported here, in the process that extracts, never by the caller."""
    from extractors.extract import extract, sniff_kind

    chosen = kind or sniff_kind(data)
    return extract(
        data,
        kind=chosen,  # type: ignore[arg-type]
        source_id=source_id,
        fetched_at=fetched_at,
        sha256=sha256,
        snapshot=snapshot,
    )
