"""Review decisions on change sets and their events, kept append-only in the store.

A decision targets a change set (``SOURCE/VERSION``) or one of its events
(``SOURCE/VERSION/EVENT``, the event being a Change id). Each decision is a new file under
``reviews/<source>/<version>/``, never rewritten; the newest decision on a target wins.
A dismissed substantive event is appended to the noise-regression file, which the change
detection tests replay so that the same noise never alerts again.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

from extractors.models import Block, Change, ChangeSet, Document
from flows.catalog import refresh_catalog
from flows.reports import is_alert
from flows.store import Store, StoreError

Decision = Literal["confirmed", "dismissed"]
ReviewState = Literal["pending", "confirmed", "dismissed"]
T = TypeVar("T", bound=BaseModel)
NOISE_FILE = Path(__file__).resolve().parents[2] / "corpus" / "noise_regressions.jsonl"


class ReviewError(ValueError):
    """A review that cannot be recorded: unknown change set or event, or a bad id."""


class Review(BaseModel):
    """One reviewer decision."""

    source_id: str
    version: str
    event: str | None = Field(default=None, description="A Change id; None for the whole set.")
    decision: Decision
    by: str
    at: datetime
    note: str | None = None


@dataclass(frozen=True)
class Target:
    source_id: str
    version: str
    event: str | None = None

    def __str__(self) -> str:
        return "/".join(p for p in (self.source_id, self.version, self.event) if p)


def parse_target(text: str) -> Target:
    """``SOURCE/VERSION`` or ``SOURCE/VERSION/EVENT``."""
    parts = text.strip().split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise ReviewError(f"{text!r}: expected SOURCE/VERSION or SOURCE/VERSION/EVENT")
    return Target(*parts)


def record_review(
    store: Store,
    target: Target,
    decision: Decision,
    by: str,
    note: str | None = None,
    at: datetime | None = None,
) -> tuple[Review, ChangeSet]:
    """Check the target exists, then write the decision as a new file; return it and the
    change set it is about."""
    try:
        changeset = store.read_changes(target.source_id, target.version)
    except StoreError as exc:
        raise ReviewError(f"{target}: {exc}") from None
    if changeset is None:
        raise ReviewError(f"{target}: no such change set in store {store.url}")
    if target.event and not any(c.id == target.event for c in changeset.changes):
        raise ReviewError(f"{target}: change set has no event {target.event}")
    review = Review(
        source_id=target.source_id,
        version=target.version,
        event=target.event,
        decision=decision,
        by=by,
        at=at or datetime.now(UTC),
        note=note,
    )
    write_record(store, "reviews", review)
    return review, changeset


def write_record(store: Store, folder: str, record: Any) -> None:
    """An append-only record (a decision, a correction) as a new file of
    ``<folder>/<source>/<version>/``, named by its time."""
    name = f"{record.at.strftime('%Y%m%dT%H%M%S%fZ')}-{uuid.uuid4().hex[:8]}.json"
    data = record.model_dump_json(indent=2).encode("utf-8")
    store.write_bytes(data, folder, record.source_id, record.version, name)


def read_records(store: Store, folder: str, model: type[T], source_id: str | None) -> list[T]:
    """Every record of a source (or of all sources) in ``folder``, oldest first."""
    found = []
    for sid in [source_id] if source_id else store.listdir(folder):
        for version in store.listdir(folder, sid):
            for name in store.listdir(folder, sid, version):
                data = store.read_bytes(folder, sid, version, name)
                if data is not None and name.endswith(".json"):
                    found.append(model.model_validate_json(data))
    return sorted(found, key=lambda r: r.at)


def reviews(store: Store, source_id: str) -> list[Review]:
    """Every decision on a source's change sets, oldest first."""
    return read_records(store, "reviews", Review, source_id)


class Decisions:
    """The newest decision on each target of one source."""

    def __init__(self, decisions: list[Review]) -> None:
        self.latest: dict[tuple[str, str | None], Review] = {}
        for review in sorted(decisions, key=lambda r: r.at):
            self.latest[(review.version, review.event)] = review

    def of_set(self, version: str) -> Review | None:
        return self.latest.get((version, None))

    def of_event(self, version: str, event: str) -> Review | None:
        """An event's own decision, or else its change set's."""
        return self.latest.get((version, event)) or self.of_set(version)


def needs_review(changeset: ChangeSet, policy: str = "auto") -> bool:
    """Whether a change set waits on a reviewer: one that alerts, or, for a source whose
    JSON is published only after review, any new version that is not a re-extraction."""
    if changeset.technical_upgrade:
        return False
    return is_alert(changeset) or policy == "reviewed"


def set_state(decisions: Decisions, changeset: ChangeSet, policy: str = "auto") -> ReviewState:
    """pending, confirmed or dismissed; a change set needing no review reads confirmed."""
    review = decisions.of_set(changeset.to_version)
    if review is not None:
        return review.decision
    return "pending" if needs_review(changeset, policy) else "confirmed"


def event_state(decisions: Decisions, changeset: ChangeSet, change: Change) -> ReviewState:
    review = decisions.of_event(changeset.to_version, change.id)
    return review.decision if review is not None else "pending"


# ---- the noise-regression file -------------------------------------------------------


def noise_cases(
    review: Review, changeset: ChangeSet, old: Document | None, new: Document | None
) -> list[dict[str, Any]]:
    """The regression cases a dismissal makes: one per dismissed substantive event, with
    the whole old and new text of the blocks it touched, so that a test can replay it."""
    events = [
        c
        for c in changeset.changes
        if c.significance == "substantive" and review.event in (None, c.id)
    ]
    cases = []
    for change in events:
        before, after = locate(change, old, new)
        cases.append(
            {
                "source_id": review.source_id,
                "version": review.version,
                "event": change.id,
                "kind": change.kind,
                "path": change.path,
                "before": change.before,
                "after": change.after,
                "old_text": before.text if before else change.before,
                "new_text": after.text if after else change.after,
                "languages": (new or old).languages if (new or old) else [],
                "dismissed_by": review.by,
                "dismissed_at": review.at.isoformat(),
                "note": review.note,
            }
        )
    return cases


def append_noise(path: Path, cases: list[dict[str, Any]]) -> None:
    """Append cases to the noise-regression file (JSON lines), creating it if needed."""
    if not cases:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")


def read_noise(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


# ---- where an event sits in its two versions -------------------------------------------


def locate(
    change: Change, old: Document | None, new: Document | None
) -> tuple[Block | None, Block | None]:
    """The old and new blocks an event comes from (either may be None)."""
    head, _, rest = change.path.partition("/")
    ids: tuple[str | None, str | None] = (None, None)
    if head in ("blocks", "addresses", "figures"):
        ids = (rest, rest)
    elif head == "procedures" and "/steps/" in rest:
        step_id = rest.rsplit("/", 1)[-1]
        ids = (_step_block(old, step_id), _step_block(new, step_id))
    elif head == "urls":
        ids = (_url_block(old, change.before), _url_block(new, change.after))
    return (
        _block(old, ids[0], change.before) if change.before is not None else None,
        _block(new, ids[1], change.after) if change.after is not None else None,
    )


def _step_block(doc: Document | None, step_id: str) -> str | None:
    for proc in doc.procedures if doc else []:
        for step in proc.steps:
            if step.id == step_id and step.block_ids:
                return step.block_ids[0]
    return None


def _url_block(doc: Document | None, url: str | None) -> str | None:
    return next((u.block_id for u in doc.urls if u.url == url), None) if doc and url else None


def _block(doc: Document | None, block_id: str | None, text: str | None) -> Block | None:
    """The block by id when its text holds ``text``, else the first block holding it."""
    if doc is None:
        return None
    blocks = {b.id: b for b in doc.blocks}
    chosen = blocks.get(block_id or "")
    if chosen is not None and (not text or _holds(chosen, text)):
        return chosen
    if text:
        return next((b for b in doc.blocks if _holds(b, text)), chosen)
    return chosen


def _holds(block: Block, text: str) -> bool:
    return text in block.text or " ".join(text.split()) in " ".join(block.text.split())


@dataclass
class Applied:
    """What one ``dalil review`` did."""

    review: Review
    published: bool = False  # latest/ advanced to the confirmed version
    noise_cases: int = 0  # dismissed substantive events written to the noise file


def apply_review(
    store: Store,
    target: Target,
    decision: Decision,
    by: str,
    note: str | None = None,
    noise_file: Path = NOISE_FILE,
) -> Applied:
    """Record a decision and act on it: a confirmed change set of a source published
    after review advances ``latest/`` (and its index entry); a dismissal writes its
    substantive events to the noise-regression file. Hold the store's lock."""
    review, changeset = record_review(store, target, decision, by, note)
    applied = Applied(review)
    entry = store.index()["sources"].get(target.source_id, {})
    if decision == "confirmed" and target.event is None and entry.get("publish") == "reviewed":
        applied.published = store.publish_version(target.source_id, target.version)
        if applied.published:
            entry = {**entry, "published_version": target.version}
            store.update_index({target.source_id: entry})
            refresh_catalog(store)  # the catalog shows what latest/ shows
    if decision == "dismissed":
        new = store.read_version(target.source_id, changeset.to_version)
        old = (
            store.read_version(target.source_id, changeset.from_version)
            if changeset.from_version
            else None
        )
        cases = noise_cases(review, changeset, old, new)
        append_noise(noise_file, cases)
        applied.noise_cases = len(cases)
    return applied
