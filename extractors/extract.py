"""One entry point: snapshot bytes in, Document out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import EXTRACTOR_NAME, EXTRACTOR_VERSION
from .arabic import repair_blocks
from .errors import ExtractionError
from .fields import document_fields
from .formats import OcrPage, html_extract, pdf_extract, sniff_kind, text_blocks
from .legacy import apply_tables, flag_coded_blocks
from .lines import block_text
from .models import Block, Document, ExtractorInfo, SourceKind, SourceRef, UserRepair
from .normalize import decode_utf8
from .ocr_repair import correct_ocr
from .quality import measure
from .script import detect_language, direction
from .user_repairs import apply_user_repairs

__all__ = ["extract", "sniff_kind", "warm_up"]


@dataclass
class _Extracted:
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # PDF pages to read by OCR
    ocr_read: list[int] = field(default_factory=list)  # PDF pages OCR gave blocks for


def _blocks_for(
    kind: SourceKind,
    data: bytes,
    source_id: str,
    workers: int | None,
    url: str | None,
    charset: str | None,
    selectors: Mapping[str, Sequence[str]] | None,
    ocr: Sequence[OcrPage] = (),
) -> _Extracted:
    if kind == "text":
        text, warnings = decode_utf8(data)
        return _Extracted(text_blocks(text), warnings)
    if kind == "pdf":
        result = pdf_extract(data, source_id, workers, ocr)
        return _Extracted(
            result.blocks, result.warnings, result.links, result.ocr_pages, result.ocr_read
        )
    if kind == "html":
        page = html_extract(
            data,
            source_id,
            base_url=url,
            header_charset=charset,
            select=(selectors or {}).get("select", ()),
            remove=(selectors or {}).get("remove", ()),
        )
        return _Extracted(page.blocks, page.warnings, page.links)
    raise ExtractionError(source_id, f"no extractor for kind {kind!r} in this version")


def _label_languages(blocks: list[Block], declared: Sequence[str]) -> list[str]:
    """Set each block's lang and dir; return the document's languages, commonest first."""
    counts: Counter[str] = Counter()
    for block in blocks:
        found = detect_language(block.text, declared)
        if block.lang is None:
            block.lang = found
        elif found is not None and (found == "ar") != (block.lang == "ar"):
            # markup's lang wins, unless the text is in another script (an Arabic article
            # in a French site's <html lang="fr">): then the script decides, and the
            # direction with it
            block.lang, block.dir = found, None
        block.dir = block.dir or direction(block.lang)  # a layout's own direction wins
        if block.lang and not block.furniture:
            counts[block.lang] += len(block.text.split())
    return [lang for lang, _ in counts.most_common()] or list(declared)


def extract(
    data: bytes,
    *,
    kind: SourceKind,
    source_id: str,
    fetched_at: datetime,
    sha256: str,
    snapshot: str,
    url: str | None = None,
    title: str | None = None,
    languages: Sequence[str] = (),
    workers: int | None = None,
    charset: str | None = None,
    selectors: Mapping[str, Sequence[str]] | None = None,
    user_repairs: Sequence[UserRepair] = (),
    domain_words: Sequence[str] = (),
    ocr: Sequence[OcrPage] = (),
    legacy_tables: Mapping[str, Mapping[str, Any]] | None = None,
) -> Document:
    """Turn one snapshot into a Document.

    ``languages`` are the source's declared languages, used as a prior when telling
    Latin-script languages apart. ``user_repairs`` are reviewers' corrections, applied over
    the engine's repairs and marked as theirs; ``domain_words`` are Arabic words an admin
    confirmed, known to the repair engine besides its lexicon. ``ocr`` holds OCR'd pages
    of a PDF: its pages without usable text take their blocks from them, and Arabic words
    OCR misread are corrected against the lexicon. Raises ExtractionError naming the source
    on bad input. ``legacy_tables`` maps a font name (``*``: no font) to an admin-confirmed
    legacy-font code table (``space``, ``mapping``, ``known``).
    """
    if not data.strip():
        raise ExtractionError(source_id, "snapshot is empty")
    got = _blocks_for(kind, data, source_id, workers, url, charset, selectors, ocr)
    blocks = got.blocks
    if not blocks and not got.ocr_pages:
        raise ExtractionError(source_id, "snapshot has no text")
    repair_blocks(blocks, block_text, domain_words)
    if got.ocr_read:
        correct_ocr(blocks, domain_words)
    apply_user_repairs(blocks, user_repairs)
    langs = _label_languages(blocks, languages)
    coded = flag_coded_blocks(blocks, tuple(languages))
    decoded = apply_tables(blocks, legacy_tables or {}, block_text) if coded else []
    if decoded:
        got.warnings.append(f"{len(decoded)} legacy-font block(s) decoded with a confirmed table")
        coded = [c for c in coded if c not in decoded]
        langs = list(dict.fromkeys([*langs, "ar"]))
    if coded:
        shown = ", ".join(coded[:10]) + (" …" if len(coded) > 10 else "")
        got.warnings.append(
            f"{len(coded)} block(s) read as Arabic set in a legacy font (Latin-1 codes), "
            f"not decoded: {shown}"
        )
        langs = [lang for lang in langs if any(b.lang == lang for b in blocks)] or langs
    heading = next((b.text for b in blocks if b.type == "heading" and not b.furniture), None)
    fields = document_fields(blocks, got.links)
    return Document(
        source=SourceRef(
            id=source_id,
            url=url,
            kind=kind,
            fetched_at=fetched_at,
            sha256=sha256,
            snapshot=snapshot,
        ),
        languages=langs,
        title=title or heading or (blocks[0].text if blocks else None),
        blocks=blocks,
        urls=fields.urls,
        procedures=fields.procedures,
        addresses=fields.addresses,
        figures=fields.figures,
        quality=measure(blocks, got.warnings, got.ocr_pages, got.ocr_read),
        extractor=ExtractorInfo(
            name=EXTRACTOR_NAME,
            version=EXTRACTOR_VERSION,
            domain_words=len(set(domain_words)),
            legacy_fonts=len(legacy_tables or {}),
        ),
    )


def warm_up() -> None:
    """Load what every extraction shares (spaCy pipelines, the Arabic lexicon) now, so
    that processes forked afterwards start with it in memory."""
    from .arabic import default_lexicon
    from .fields import pipeline

    default_lexicon()
    for lang in ("ar", "fr", "en"):
        pipeline(lang)
