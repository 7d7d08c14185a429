"""Legacy-font code tables, one per font name, kept in the store (``legacy_fonts/``).

When a refresh meets legacy-font Arabic in a font that has no table, the solver proposes
one from that document's coded text, with its decoded sample. It is not used until an
admin confirms it (review app, ``/fonts``); then every later extraction decodes that
font at once, without solving again, and the sources are re-extracted with it (a
technical upgrade). A rejected table is kept, so the same font is not solved again.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any

from extractors.legacy import Decoding, coded_blocks, font_key, solve
from extractors.models import Document
from flows.store import Store

from .decisions import ReviewError

FOLDER = "legacy_fonts"
MAX_WORDS = 400  # coded words a proposal is solved from
SAMPLE_LINES = 8
LETTER = re.compile(r"^(?:[\u0621-\u064A]|ل[اأإآ])$")  # what a code may stand for


def _name(font: str) -> str:
    return sha256(font.encode("utf-8")).hexdigest()[:16] + ".json"


def tables(store: Store) -> list[dict[str, Any]]:
    """Every table the store holds, proposed, confirmed or rejected."""
    found = []
    for name in store.listdir(FOLDER):
        data = store.read_json(FOLDER, name)
        if isinstance(data, dict) and "font" in data:
            found.append({**data, "key": name.removesuffix(".json")})
    return sorted(found, key=lambda t: (t["status"] != "proposed", t["font"]))


def trusted_tables(store: Store) -> dict[str, dict[str, Any]]:
    """The confirmed tables, by font, as extraction takes them."""
    return {
        t["font"]: {"space": t["space"], "mapping": t["mapping"], "known": t["known"]}
        for t in tables(store)
        if t["status"] == "confirmed"
    }


def propose_tables(store: Store, doc: Document) -> list[str]:
    """Solve a table for each font of ``doc``'s flagged blocks that has none yet; return
    the fonts proposed."""
    by_font: dict[str, list[str]] = {}
    for block in coded_blocks(doc.blocks):
        by_font.setdefault(font_key(block), []).extend(block.raw_text.split("\n"))
    proposed = []
    for font, lines in by_font.items():
        if store.exists(FOLDER, _name(font)):
            continue
        chosen, words = [], 0
        for line in lines:
            chosen.append(line)
            words += len(line.split())
            if words >= MAX_WORDS:
                break
        decoding = solve(chosen)
        record = {
            "font": font,
            "status": "proposed",
            "space": decoding.space,
            "mapping": decoding.mapping,
            "known": round(decoding.known, 3),
            "source_id": doc.source.id,
            "version": doc.version,
            "coded_sample": chosen[:SAMPLE_LINES],
            "sample": decoding.lines[:SAMPLE_LINES],
            "proposed_at": datetime.now(UTC).isoformat(),
        }
        data = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
        store.write_bytes(data, FOLDER, _name(font))
        proposed.append(font)
    return proposed


def decide_table(store: Store, key: str, decision: str, by: str) -> dict[str, Any]:
    """An admin's confirmation or rejection of a proposed table."""
    if decision not in ("confirmed", "rejected"):
        raise ReviewError(f"{decision!r}: confirm or reject")
    record = next((t for t in tables(store) if t["key"] == key), None)
    if record is None:
        raise ReviewError(f"{key!r}: no such legacy-font table")
    record.pop("key")
    record |= {"status": decision, "decided_by": by, "decided_at": datetime.now(UTC).isoformat()}
    data = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
    store.write_bytes(data, FOLDER, _name(record["font"]))
    return record


def edit_table(store: Store, key: str, code: str, letter: str, by: str) -> dict[str, Any]:
    """An admin's correction of one code of a proposed table, before trusting it: ``code``
    stands for ``letter`` (an Arabic letter or a lam-alef). The sample is decoded again and
    the edit recorded."""
    record = next((t for t in tables(store) if t["key"] == key), None)
    if record is None:
        raise ReviewError(f"{key!r}: no such legacy-font table")
    if record["status"] != "proposed":
        raise ReviewError(f"{record['font']!r}: only a proposed table can be edited")
    if code not in record["mapping"]:
        raise ReviewError(f"{code!r}: the table has no such code")
    if not LETTER.match(letter):
        raise ReviewError(f"{letter!r}: a code stands for one Arabic letter or a lam-alef")
    record.pop("key")
    before = record["mapping"][code]
    record["mapping"] = {**record["mapping"], code: letter}
    decoding = Decoding(record["space"], record["mapping"])
    record["sample"] = [decoding.read(line) for line in record.get("coded_sample", [])]
    edit = {"code": code, "before": before, "after": letter, "by": by}
    record["edits"] = [*record.get("edits", []), edit | {"at": datetime.now(UTC).isoformat()}]
    data = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
    store.write_bytes(data, FOLDER, _name(record["font"]))
    return record
