"""Moroccan postal addresses in Arabic and French: street, district, PO box, postal code
and city, each from its own signal, with the raw span kept.

Signals: a street type (شارع, زنقة, طريق, حي, … Bd, Av., Rue, Km …), a PO box marker
(ص.ب, its ص.ي typo, B.P., BP) and its number, a five-digit postal code (``700 62``, split
by visual order, is 62700), and a city from the gazetteer. A span is an address only with
two signals or more. Several addresses in one block are told apart by their PO boxes; a
block holding only the city and postal code of the address above it completes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..models import Address, Block
from ..normalize import ASCII_DIGITS
from .gazetteer import find_cities

_STREET_AR = r"شارع|شارعي|زنقة|طريق|حي|تجزئة|إقامة|اقامة|عمارة|زاوية|كلم|ساحة|درب|مجموعة"
_STREET_FR = (
    r"Bd|Boulevard|Bld|Av|Avenue|Rue|Route|Hay|Quartier|Résidence|Residence|Imm|Immeuble|"
    r"Lot|Lotissement|Angle|Km|Place|Derb|Cité|Zone industrielle|ZI"
)
_STREET = re.compile(
    rf"(?<!\w)(?:(?:{_STREET_AR})(?!\w)|(?:{_STREET_FR})\b\.?)",
    re.I,
)
_VIA = re.compile(r"عن\s+طريق|بطريق|via|par la route", re.I)  # "by way of", not a street
_PO_BOX = re.compile(
    r"(?:ص\s?\.\s?[بي]\.?|ص\s[ب]\b|B\.\s?P\.?|\bBP\b|Boîte postale|صندوق البريد)"
    r"(?:\s*(?:n°|رقم)?\s*(?P<n>\d{1,6}))?",
    re.I,
)
_POSTAL = re.compile(r"(?<![\d.,/])(?:(?P<five>[1-9]\d{4})|(?P<a>\d{3}) (?P<b>\d{2}))(?![\d.,/])")
# a district named after a city ("الحي الجامعي الداخلة") does not name the address's city
_DISTRICT = re.compile(r"(?:الحي|مدينة|cité|quartier)(?!\w)", re.I)
_HOUSE = re.compile(r"^(?:N°\s*)?[\w/]*\d[\w/]*\s+", re.I)  # "12 ", "S/11 ", "N° 5 "
_MAX_PARTS = 8
_PARTS = re.compile(r"\s*[،,;|]\s*|\s+[-–]\s*|(?<=[\u0600-\u06ff])-\s*")


@dataclass
class _Record:
    parts: list[tuple[int, int]] = field(default_factory=list)  # spans in the block's text
    po_box: str | None = None
    has_po_marker: bool = False


def _split(text: str) -> list[tuple[int, int]]:
    """Spans of the comma-, dash- and PO-box-separated parts of a text."""
    spans, at = [], 0
    cuts = [(m.start(), m.end()) for m in _PARTS.finditer(text)]
    # a PO box is a part of its own: "الناظور ص.ب 03" ends one address and starts the
    # next, "ص.ب 775 زاوية شارعي …" is a box, then the next street
    for m in _PO_BOX.finditer(text):
        cuts.append((m.start(), m.start()))
        if m["n"]:
            cuts.append((m.end(), m.end()))
    for cut_start, cut_end in sorted(cuts):
        if cut_start > at and text[at:cut_start].strip():
            spans.append(_strip(text, at, cut_start))
        at = max(at, cut_end)
    if text[at:].strip():
        spans.append(_strip(text, at, len(text)))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _postal(text: str) -> str | None:
    for m in _POSTAL.finditer(text):
        if m["five"]:
            return m["five"]
        return m["b"] + m["a"]  # "700 62": visual order split 62700
    return None


def _is_street(part: str) -> bool:
    """Whether a part names a street: a street type first, after a house number or code."""
    part = _HOUSE.sub("", part.strip())
    return bool(_STREET.match(part)) and not _VIA.match(part)


def _fields(text: str, record: _Record, places: Iterable[str] = ()) -> dict[str, str | None]:
    """The parts of one address; ``places`` (found by NER) name a city the gazetteer lacks."""
    street = district = city = postal = None
    for start, end in record.parts:
        clean = _PO_BOX.sub(" ", text[start:end]).strip(" -–")
        if not clean:
            continue
        if _is_street(clean):
            street = street or clean
            continue
        cities = [] if _DISTRICT.match(clean) else find_cities(clean)
        code = _postal(clean)
        postal = postal or code
        named = [p for p in places if p in clean] if not cities else []
        if cities:
            # the last part naming a city wins; a city inside a street part
            # ("طريق وجدة") was skipped above
            city = cities[0][2]
        elif named and not _DISTRICT.match(clean):
            city = named[0]
        elif not code and len(clean.split()) <= 4 and not re.search(r"\d{2,}", clean):
            district = district or clean
    return {
        "street": street,
        "district": district,
        "po_box": record.po_box.translate(ASCII_DIGITS) if record.po_box else None,
        "postal_code": postal.translate(ASCII_DIGITS) if postal else None,
        "city": city,
    }


def _signals(record: _Record, fields: dict[str, str | None]) -> int:
    return (
        bool(fields["street"])
        + record.has_po_marker
        + bool(record.po_box)
        + bool(fields["postal_code"])
        + bool(fields["city"])
    )


def _records(text: str) -> list[_Record]:
    """Split one block's text into address candidates, one per PO box when it has several:
    a street named after a PO box starts the next address only when another PO box
    follows; any other part belongs to the address it follows."""
    spans = _split(text)
    boxes = [_PO_BOX.search(text[a:b]) for a, b in spans]
    records = [_Record()]
    for i, (span, box) in enumerate(zip(spans, boxes, strict=True)):
        current = records[-1]
        if box:
            if current.has_po_marker:
                current = _Record()
                records.append(current)
            current.has_po_marker, current.po_box = True, box["n"]
        elif current.has_po_marker and _is_street(text[span[0] : span[1]]) and any(boxes[i + 1 :]):
            current = _Record()
            records.append(current)
        current.parts.append(span)
    return [r for r in records if r.parts]


def _trimmed(text: str, record: _Record) -> _Record | None:
    """A long record cut to the parts from its first signal to its last, so that prose
    around an address is not part of it; None when the signals are too far apart."""
    if len(record.parts) <= _MAX_PARTS:
        return record
    flags = [
        bool(_PO_BOX.search(text[a:b]) or _is_street(text[a:b]) or find_cities(text[a:b]))
        for a, b in record.parts
    ]
    if not any(flags):
        return None
    first, last = flags.index(True), len(flags) - 1 - flags[::-1].index(True)
    if last - first + 1 > _MAX_PARTS:
        return None
    return _Record(record.parts[first : last + 1], record.po_box, record.has_po_marker)


def block_addresses(block: Block, places: Iterable[str] = ()) -> list[Address]:
    """The addresses in one block's text; ``places`` are the places NER found in it."""
    found: list[Address] = []
    text = block.text
    # two signals are needed: without a PO box, a postal code or a place, a block has at
    # most its street
    if not (places or _PO_BOX.search(text) or _POSTAL.search(text) or find_cities(text)):
        return found
    for candidate in _records(text):
        record = _trimmed(text, candidate)
        if record is None:
            continue
        fields = _fields(text, record, places)
        if _signals(record, fields) >= 2:
            raw = text[record.parts[0][0] : record.parts[-1][1]]
            found.append(Address(raw=raw, block_id=block.id, **fields))
    return found


def _completes(block: Block, last: Address | None, previous: Block | None) -> bool:
    """Whether ``block`` is only the city and postal code of the address ending the block
    before it ("…، ص.ب 271،" then "تارودانت، 38000")."""
    return (
        last is not None
        and previous is not None
        and last.block_id == previous.id
        and last.city is None
        and previous.text.rstrip().endswith(("،", ","))
        and len(block.text.split()) <= 4
        and not _PO_BOX.search(block.text)
        and not _is_street(block.text)
        and bool(find_cities(block.text) or _postal(block.text))
    )


def document_addresses(
    blocks: list[Block], places: Mapping[str, list[str]] | None = None
) -> list[Address]:
    """Addresses of every block, in order (footers hold addresses too).

    ``places`` gives the places NER found in a block: a city the gazetteer does not know is
    taken from them when the address has none.
    """
    places = places or {}
    found: list[Address] = []
    previous: Block | None = None
    for block in blocks:
        last = found[-1] if found else None
        if _completes(block, last, previous):
            cities = find_cities(block.text)
            last.city = cities[0][2] if cities else None
            last.postal_code = last.postal_code or _postal(block.text)
            last.raw = f"{last.raw} {block.text}"
        else:
            found.extend(block_addresses(block, places.get(block.id, ())))
        previous = block
    return found
