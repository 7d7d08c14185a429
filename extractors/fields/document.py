"""The structured fields of a Document, from its repaired blocks: URLs, procedures,
addresses and figures. One spaCy pass (``nlp.annotate``) feeds URL labels (organisations
named in a block), eligibility (sentences) and addresses (places the French model finds).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..models import Address, Block, Figure, Procedure, Url
from .addresses import document_addresses
from .figures import document_figures
from .nlp import annotate
from .procedures import find_procedures
from .urls import document_urls


@dataclass
class Fields:
    urls: list[Url]
    procedures: list[Procedure]
    addresses: list[Address]
    figures: list[Figure]


def document_fields(blocks: list[Block], links: list[dict[str, Any]]) -> Fields:
    """Extract every structured field of a document's blocks."""
    notes = annotate(blocks)
    org_names = {
        block_id: note.labelled("ORG")[0][1]
        for block_id, note in notes.items()
        if note.labelled("ORG")
    }
    urls = document_urls(blocks, links, org_names)
    urls_by_block: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        if url.block_id and url.valid:
            urls_by_block[url.block_id].append(url.url)

    def sentences(block: Block) -> list[str]:
        note = notes.get(block.id)
        return note.sentences if note and note.sentences else [block.text]

    places = {
        block_id: [text for _, text, _, _ in note.labelled("LOC", "GPE", "CITY")]
        for block_id, note in notes.items()
    }
    return Fields(
        urls=urls,
        procedures=find_procedures(blocks, urls_by_block, sentences),
        addresses=document_addresses(blocks, places),
        figures=document_figures(blocks),
    )
