"""Arabic–French parity: the language versions of one page must state the same facts.

The facts compared are the ones no translation changes: figures with their units, dates,
URLs, postal codes, PO boxes, phone numbers, and the number of steps of each procedure.
A gap opens when one side changes such a fact (drops a value, adds one) and the other
side does not follow: the other side still states the dropped value, or lacks the added
one. It closes by itself when the two sides agree on those values again.
"""

from __future__ import annotations

import re

from ..models import Document, ParityGap

FACT_KINDS = ("figure", "date", "url", "postal_code", "po_box", "phone", "steps")
_PHONE = re.compile(r"(?<![\d/.,])(?:\+212[\s.-]?|00212[\s.-]?|0)(?:\d[\s.-]?){8,9}(?![\d/.,])")


def _number(value: float) -> str:
    return f"{value:g}"


def facts(doc: Document) -> dict[str, set[str]]:
    """The language-independent facts of a Document, by kind, in comparable form."""
    found: dict[str, set[str]] = {kind: set() for kind in FACT_KINDS}
    for figure in doc.figures:
        if figure.date:
            found["date"].add(figure.date)
        elif figure.value is not None:
            found["figure"].add(f"{_number(figure.value)} {figure.unit or ''}".strip())
        elif figure.min is not None and figure.max is not None:
            found["figure"].add(f"{_number(figure.min)}–{_number(figure.max)} {figure.unit or ''}")
    found["url"] = {u.url.rstrip("/") for u in doc.urls if u.valid and not u.furniture}
    for address in doc.addresses:
        if address.postal_code:
            found["postal_code"].add(address.postal_code)
        if address.po_box:
            found["po_box"].add(address.po_box)
    for block in doc.blocks:
        if not block.furniture:
            for match in _PHONE.finditer(block.text):
                digits = re.sub(r"\D", "", match.group())
                found["phone"].add("0" + digits[-9:])
    found["steps"] = {",".join(str(len(p.steps)) for p in doc.procedures if p.steps)} - {""}
    return found


def open_gaps(
    pair: str, changed_prev: Document, changed_new: Document, other: Document
) -> list[ParityGap]:
    """The gaps that ``changed_prev`` -> ``changed_new`` opens against the other language's
    latest version ``other``, one per kind of fact."""
    before, after, there = facts(changed_prev), facts(changed_new), facts(other)
    gaps = []
    for kind in FACT_KINDS:
        dropped = (before[kind] - after[kind]) & there[kind]  # still stated on the other side
        added = (after[kind] - before[kind]) - there[kind]  # not stated on the other side
        if not dropped and not added:
            continue
        gaps.append(
            ParityGap(
                pair=pair,
                kind=kind,
                changed_source=changed_new.source.id,
                changed_version=changed_new.version,
                other_source=other.source.id,
                other_version=other.version,
                changed_values=sorted(after[kind] - there[kind]),
                other_values=sorted(there[kind] - after[kind]),
                dropped=sorted(dropped),
                added=sorted(added),
            )
        )
    return gaps


def gap_closed(gap: ParityGap, changed_latest: Document, other_latest: Document) -> bool:
    """Whether the two sides agree again on the values that opened ``gap``: the other side
    followed (dropped what was dropped, states what was added) or the change was undone."""
    here = facts(changed_latest)[gap.kind]
    there = facts(other_latest)[gap.kind]
    followed = not (set(gap.dropped) & there) and set(gap.added) <= there
    undone = set(gap.dropped) <= here and not (set(gap.added) & here)
    return followed or undone
