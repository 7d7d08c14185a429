"""One snapshot of a source as a Document: the call into ``extractors`` with the source's
registry fields and the charset its fetch recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from extractors.models import Document, UserRepair
from flows.acquire import Source

# (data, sha256, source, captured_at, fetch meta) -> Document: extract_snapshot, or a
# wrapper of it (a time-limited process, a cached Prefect task)
Extractor = Callable[[bytes, str, Source, datetime, dict[str, Any]], Document]


def extract_file(
    data: bytes, *, kind: str | None = None, ocr: bool = True, **fields: Any
) -> Document:
    """``extract`` with the kind sniffed from the bytes when not given; ``fields`` are the
    rest of its keyword arguments. The extraction stack (spaCy, pdfplumber, trafilatura:
    ~2 s) is imported here, where documents are extracted (the worker processes), never
    by the caller. With ``ocr``, a PDF's pages without usable text are read by Tesseract
    and the PDF extracted again with them; without Tesseract, the Document says why."""
    from extractors.extract import extract, sniff_kind

    kind = kind or sniff_kind(data)
    doc = extract(data, kind=kind, **fields)  # type: ignore[arg-type]
    if not ocr or kind != "pdf" or not doc.quality.ocr_pages:
        return doc
    from .ocr import ocr_pdf_pages, tessdata

    folder, reason = tessdata()
    if folder is None:
        pages = len(doc.quality.ocr_pages)
        doc.quality.warnings.append(f"{pages} page(s) need OCR and were not read: {reason}")
        return doc
    read = list(ocr_pdf_pages(data, doc.quality.ocr_pages))
    return extract(data, kind=kind, ocr=read, **fields)  # type: ignore[arg-type]


def extract_snapshot(
    data: bytes, digest: str, source: Source, captured_at: datetime, meta: dict[str, Any]
) -> Document:
    """One snapshot of a source as a Document, by the kind its bytes show; the charset
    comes from the Content-Type its fetch recorded in ``meta``, reviewers' corrections and
    domain words from its ``user_repairs`` and ``domain_words``."""
    content_type = str(meta.get("content_type") or "")
    charset = content_type.partition("charset=")[2].split(";")[0].strip() or None
    doc = extract_file(
        data,
        source_id=source.id,
        fetched_at=captured_at,
        sha256=digest,
        snapshot=f"snapshots/{digest}",
        url=source.url,
        title=source.title,
        languages=source.languages,
        charset=charset,
        selectors=source.selectors.model_dump() if source.selectors else None,
        user_repairs=[UserRepair.model_validate(r) for r in meta.get("user_repairs", ())],
        domain_words=list(meta.get("domain_words", ())),
        legacy_tables=meta.get("legacy_tables") or None,
    )
    kind = doc.source.kind
    if kind != source.kind:
        doc.quality.warnings.append(f"registry says {source.kind}, the snapshot is {kind}")
    return doc
