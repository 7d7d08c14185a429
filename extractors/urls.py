"""URLs in a Document: from link annotations (authoritative) and from the text.

A URL wrapped across two lines (the first part ending in ``/``, ``.``, ``-`` …, the next
line starting with its continuation) is joined back. Trailing punctuation is stripped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .models import Block, Url

_TLDS = "ma|org|com|net|fr|gov|edu|info|int|io|eu"
_URL = re.compile(
    rf"(?:https?://|www\.)[^\s<>\"'()]+|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"'()]*)?",
    re.I,
)
_OPEN_END = re.compile(r"[/.\-_?=&]$")
_PIECE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/.\-_?=&%#~+:]*")
_TRAILING = ".,;:!?)»\"'"


def normalize_url(raw: str) -> str:
    """Lower-case the host; keep the scheme as written (or none) and the rest as is."""
    match = re.match(r"^(?P<scheme>[a-z]+://)?(?P<host>[^/?#]+)(?P<rest>.*)$", raw, re.I)
    if not match:
        return raw
    return f"{match['scheme'] or ''}{match['host'].lower()}{match['rest']}"


def unwrap_urls(raw_text: str) -> str:
    """Join URL pieces wrapped at line ends."""
    lines = raw_text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        words = out[-1].split()
        tail = words[-1] if words else ""
        head = _PIECE.match(line.strip())
        if (
            tail
            and _URL.fullmatch(tail)
            and _OPEN_END.search(tail)
            and head
            and ("/" in head[0] or "." in head[0])
        ):
            out[-1] = out[-1].rstrip() + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


def text_urls(blocks: Iterable[Block]) -> list[Url]:
    urls: list[Url] = []
    for block in blocks:
        for match in _URL.finditer(unwrap_urls(block.raw_text)):
            raw = match.group().rstrip(_TRAILING)
            if "@" in raw or len(raw) < 6:
                continue
            urls.append(
                Url(url=normalize_url(raw), raw=raw, block_id=block.id, furniture=block.furniture)
            )
    return urls


def _overlaps(box: list[float], other: list[float] | None) -> bool:
    return (
        bool(other)
        and box[0] < other[2]
        and other[0] < box[2]
        and box[1] < other[3]
        and other[1] < box[3]
    )


def document_urls(blocks: list[Block], links: list[dict[str, Any]]) -> list[Url]:
    """Link URLs first (PDF annotations, HTML anchors), then text URLs that no link already
    gives."""
    found: list[Url] = []
    by_id = {b.id: b for b in blocks}
    for link in links:
        if "block_id" in link:  # HTML: the anchor's own block and text
            under = by_id.get(link["block_id"])
            label = link.get("label") or (under.text if under else None)
        else:  # PDF: the block under the annotation's rectangle
            under = next(
                (b for b in blocks if b.page == link["page"] and _overlaps(link["bbox"], b.bbox)),
                None,
            )
            label = under.text if under else None
        found.append(
            Url(
                url=normalize_url(link["uri"]),
                raw=link.get("raw", link["uri"]),
                label=label,
                block_id=under.id if under else None,
                furniture=link.get("furniture", under.furniture if under else False),
            )
        )
    known = {u.url.rstrip("/") for u in found}
    for url in text_urls(blocks):
        if url.url.rstrip("/") in known or any(k.startswith(url.url.rstrip("/")) for k in known):
            continue
        known.add(url.url.rstrip("/"))
        found.append(url)
    return found
