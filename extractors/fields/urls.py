"""URLs in a Document: from link annotations (authoritative) and from the text.

What counts: URLs with a scheme, ``www.`` hosts, bare hosts under a known top-level domain
(``amo.uca.ma``, ``Amotadamon.ma``) and bare IPv4 addresses with a path. Repairs, all for
text that PDF extraction broke: a URL wrapped across lines or blocks (the first part ending
open, in ``/``, ``.``, ``-``, ``://`` …, the next starting with its lower-case
continuation) is joined back, also when right-to-left text in visual order sits between
the parts; a path split by a space after a ``/`` is joined; trailing punctuation is
stripped. The normalised form lower-cases the host and keeps the scheme as written (or
none); ``raw`` keeps the text. A URL's label comes from its context ("Université Cadi Ayyad
: amo.uca.ma"), else from the organisation named in its block.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..lines import BARE_SCHEME, OPEN_END, SPACED_PIECE, URL, URL_PIECE, unwrap_urls
from ..models import Block, Url

_TRAILING = ".,;:!?)»\"'،؛"
_LABEL = re.compile(r"([^:：\n]{3,80}?)\s*[:：]\s*$")
_HOST = re.compile(r"^(?:[a-z]+://)?(?P<host>[^/?#:\s]+)(?::\d+)?(?:[/?#]\S*)?$", re.I)
_LABEL_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.I)


def normalize_url(raw: str) -> str:
    """Lower-case the host; keep the scheme as written (or none) and the rest as is."""
    match = re.match(r"^(?P<scheme>[a-z]+://)?(?P<host>[^/?#]+)(?P<rest>.*)$", raw, re.I)
    if not match:
        return raw
    return f"{match['scheme'] or ''}{match['host'].lower()}{match['rest']}"


def is_valid_url(url: str) -> bool:
    """Whether a URL is well formed: an IPv4 address or a host of DNS labels under an
    alphabetic top-level domain, no spaces."""
    match = _HOST.match(url)
    if not match:
        return False
    host = match["host"]
    try:
        ipaddress.IPv4Address(host)
        return True
    except ValueError:
        pass
    labels = host.split(".")
    return (
        len(labels) >= 2
        and all(_LABEL_NAME.match(label) for label in labels)
        and labels[-1].isalpha()
        and len(labels[-1]) >= 2
    )


def _continuation(text: str, at: int) -> tuple[str, int]:
    """The continuation of a URL opened in the block before, and where it ends in
    ``text`` (("", 0): none): a lower-case path or host piece, with its own space-split
    path pieces."""
    piece = URL_PIECE.match(text, at)
    if not piece or not ("/" in piece[0] or "." in piece[0]):
        return "", 0
    parts, end = [piece[0]], piece.end()
    while parts[-1].endswith("/") and SPACED_PIECE.match(text, end):
        more = URL_PIECE.match(text, end + 1)
        if not more:
            break
        parts.append(more[0])
        end = more.end()
    return "".join(parts), end


def _label(text: str, start: int) -> str | None:
    """The words before a URL ending in a colon: "Université Cadi Ayyad : amo.uca.ma"."""
    line = text[:start].rstrip().rsplit("\n", 1)[-1] + " "  # "X :" may end the line above
    match = _LABEL.search(line)
    return match.group(1).strip(" -–") if match else None


def text_urls(blocks: Iterable[Block], org_names: Mapping[str, str] | None = None) -> list[Url]:
    """URLs written in the blocks' text, with wraps across lines and blocks joined.

    ``org_names`` maps a block id to an organisation named in it, a label of last resort.
    """
    org_names = org_names or {}
    urls: list[Url] = []
    pending: Url | None = None  # an open URL at the end of the block before
    open_raw = ""  # that URL as matched, its open end included
    for block in blocks:
        text = unwrap_urls(block.raw_text)
        start = 0
        if pending is not None:
            lead = len(text) - len(text.lstrip())
            piece, end = _continuation(text, lead)
            if end:
                joined = (open_raw + piece).rstrip(_TRAILING)
                pending.raw, pending.url = joined, normalize_url(joined)
                pending.valid = is_valid_url(joined)
                start = end
            elif pending.raw.endswith("://"):
                urls.remove(pending)  # a bare scheme that nothing continued
        pending = None
        for match in URL.finditer(text, start):
            raw = match.group().rstrip(_TRAILING)
            if "@" in raw or len(raw) < 6:
                continue
            url = Url(
                url=normalize_url(raw),
                raw=raw,
                label=_label(text, match.start()) or org_names.get(block.id),
                block_id=block.id,
                furniture=block.furniture,
                valid=is_valid_url(raw),
            )
            urls.append(url)
            pending = url if OPEN_END.search(match.group()) else None
            open_raw = match.group()
        if scheme := BARE_SCHEME.search(text.rstrip()):
            open_raw = scheme.group()
            pending = Url(
                url=scheme.group(),
                raw=scheme.group(),
                label=_label(text, scheme.start()),
                block_id=block.id,
                furniture=block.furniture,
                valid=False,
            )
            urls.append(pending)
    if pending is not None and pending.raw.endswith("://"):
        urls.remove(pending)
    return urls


def _overlaps(box: list[float], other: list[float] | None) -> bool:
    return (
        bool(other)
        and box[0] < other[2]
        and other[0] < box[2]
        and box[1] < other[3]
        and other[1] < box[3]
    )


def document_urls(
    blocks: list[Block],
    links: list[dict[str, Any]],
    org_names: Mapping[str, str] | None = None,
) -> list[Url]:
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
                valid=is_valid_url(link["uri"]),
                label=label,
                block_id=under.id if under else None,
                furniture=link.get("furniture", under.furniture if under else False),
            )
        )
    known = {u.url.rstrip("/") for u in found}
    for url in text_urls(blocks, org_names):
        if url.url.rstrip("/") in known or any(k.startswith(url.url.rstrip("/")) for k in known):
            continue
        known.add(url.url.rstrip("/"))
        found.append(url)
    return found
