"""Reviewers' corrections of Arabic repairs, kept append-only in the store like decisions.

A correction names one repair of one stored version (source, version, block, the damaged
text and the engine's reading) and the right reading. Each is a new file under
``corrections/<source>/<version>/``; for the same damaged text and engine reading the
newest wins. The next refresh re-extracts the source with them as user-supplied repairs
(a technical upgrade, never an alert). Corrected words that recur across sources are
offered as a domain lexicon; an admin's confirmation puts one in ``lexicon/domain.json``,
and the repair engine knows it from the next extraction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256

from pydantic import BaseModel

from extractors.models import UserRepair
from flows.store import Store, StoreError

from .decisions import ReviewError, read_records, write_record

DOMAIN_FILE = ("lexicon", "domain.json")
MIN_SOURCES = 2  # a corrected word is offered to the lexicon once this many sources share it


class Correction(BaseModel):
    """One reviewer's reading of one repaired word."""

    source_id: str
    version: str
    sha256: str  # the snapshot the corrected version was extracted from
    block: str
    original: str
    result: str  # the engine's reading
    corrected: str
    by: str
    at: datetime
    note: str | None = None

    def user_repair(self) -> UserRepair:
        return UserRepair(
            original=self.original, result=self.result, corrected=self.corrected, by=self.by
        )


def record_correction(
    store: Store,
    source_id: str,
    version: str,
    block_id: str,
    original: str,
    corrected: str,
    by: str,
    note: str | None = None,
) -> Correction:
    """Check that the version has a repair of ``original`` in ``block_id``, then write the
    correction as a new file. Raises ReviewError naming what is wrong."""
    corrected = " ".join(corrected.split())
    where = f"{source_id}/{version}/{block_id}"
    if not corrected or len(corrected) > 200:
        raise ReviewError(f"{where}: a correction needs a reading of 1 to 200 characters")
    try:
        doc = store.read_version(source_id, version)
    except (StoreError, ValueError) as exc:
        raise ReviewError(f"{where}: {exc}") from None
    if doc is None:
        raise ReviewError(f"{where}: no such version in store {store.url}")
    block = next((b for b in doc.blocks if b.id == block_id), None)
    if block is None:
        raise ReviewError(f"{where}: the version has no such block")
    repair = next((r for r in block.repairs if r.original == original), None)
    if repair is None:
        raise ReviewError(f"{where}: the block has no repair of {original!r}")
    correction = Correction(
        source_id=source_id,
        version=version,
        sha256=doc.source.sha256,
        block=block_id,
        original=original,
        result=repair.engine_result or repair.result,
        corrected=corrected,
        by=by,
        at=datetime.now(UTC),
        note=note,
    )
    write_record(store, "corrections", correction)
    return correction


def corrections(store: Store, source_id: str | None = None) -> list[Correction]:
    """Every correction of a source (or of all sources), oldest first."""
    return read_records(store, "corrections", Correction, source_id)


def user_repairs(store: Store, source_id: str) -> list[UserRepair]:
    """A source's corrections as the extractor takes them, oldest first (newest wins)."""
    return [c.user_repair() for c in corrections(store, source_id)]


def domain_words(store: Store) -> list[str]:
    """The Arabic words an admin confirmed for the repair engine."""
    data = store.read_json(*DOMAIN_FILE) or {}
    return sorted(entry["word"] for entry in data.get("words", []))


def reviewer_inputs(store: Store, source_id: str) -> str:
    """A fingerprint of what reviewers give a source's extraction (its corrections, the
    domain lexicon, the confirmed legacy-font tables): when it moves, the source is
    re-extracted."""
    from .fonts import trusted_tables

    fixes = [c.model_dump(mode="json", exclude={"note"}) for c in corrections(store, source_id)]
    fonts = sorted(trusted_tables(store))
    text = json.dumps([fixes, domain_words(store), fonts], sort_keys=True, ensure_ascii=False)
    return sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class LexiconOffer:
    """A corrected word that recurs across sources, not yet in the domain lexicon."""

    word: str
    sources: tuple[str, ...]
    corrections: int


def lexicon_offers(store: Store) -> list[LexiconOffer]:
    """Corrected Arabic words given for at least ``MIN_SOURCES`` sources, commonest first."""
    known = set(domain_words(store))
    seen: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for c in corrections(store):
        for word in c.corrected.split():
            if word in known or not any("\u0600" <= ch <= "\u06ff" for ch in word):
                continue
            seen.setdefault(word, set()).add(c.source_id)
            counts[word] = counts.get(word, 0) + 1
    offers = [
        LexiconOffer(word, tuple(sorted(where)), counts[word])
        for word, where in seen.items()
        if len(where) >= MIN_SOURCES
    ]
    return sorted(offers, key=lambda o: (-len(o.sources), -o.corrections, o.word))


def confirm_domain_word(store: Store, word: str, by: str) -> None:
    """Add an offered word to the domain lexicon (an admin's decision)."""
    offer = next((o for o in lexicon_offers(store) if o.word == word), None)
    if offer is None:
        raise ReviewError(f"{word!r}: not an open lexicon offer")
    data = store.read_json(*DOMAIN_FILE) or {"words": []}
    data["words"].append(
        {"word": word, "by": by, "at": datetime.now(UTC).isoformat(), "sources": offer.sources}
    )
    store.write_bytes(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), *DOMAIN_FILE)
