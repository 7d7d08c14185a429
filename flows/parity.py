"""Arabic–French parity across a refresh: open a gap when one language version of a page
changes a fact the other does not follow, close it when they agree again.

Runs after every source of a refresh is done, on the latest versions of both sides, so
two sides updated in the same run never raise a gap. Gaps live in ``parity.json`` in the
store (open and closed), written only when something changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from extractors.changes import gap_closed, open_gaps
from extractors.models import Document, ParityGap
from flows.acquire import Registry
from flows.store import Store

PARITY_FILE = "parity.json"


def load_gaps(store: Store) -> list[ParityGap]:
    """Every gap the store holds, open and closed, oldest first."""
    data = store.read_json(PARITY_FILE) or {"gaps": []}
    return [ParityGap.model_validate(g) for g in data["gaps"]]


def _previous(store: Store, source_id: str, first_new: str) -> Document | None:
    """The version a source had before ``first_new``, the first of this run's versions."""
    versions = store.versions(source_id)
    if first_new not in versions or versions.index(first_new) == 0:
        return None
    return store.read_version(source_id, versions[versions.index(first_new) - 1])


def check_parity(
    store: Store, registry: Registry, new_versions: dict[str, list[str]]
) -> tuple[list[ParityGap], list[ParityGap]]:
    """Update the store's gaps after a refresh whose sources got ``new_versions`` (source
    id -> this run's versions, oldest first); returns (opened, closed)."""
    gaps = load_gaps(store)
    latest: dict[str, Document | None] = {}

    def doc(source_id: str) -> Document | None:
        if source_id not in latest:
            latest[source_id] = store.latest(source_id)
        return latest[source_id]

    closed = []
    for gap in gaps:
        here, there = doc(gap.changed_source), doc(gap.other_source)
        if gap.status == "open" and here and there and gap_closed(gap, here, there):
            gap.status = "closed"
            gap.closed_by = there.version if there.version != gap.other_version else here.version
            closed.append(gap)
    known = {g.key for g in gaps}
    opened = []
    for source in registry.sources:
        versions = new_versions.get(source.id)
        if not versions or not source.pair:
            continue
        before, after = _previous(store, source.id, versions[0]), doc(source.id)
        for partner in registry.partners(source):
            other = doc(partner.id)
            if before is None or after is None or other is None:
                continue
            for gap in open_gaps(source.pair, before, after, other):
                if gap.key not in known:
                    known.add(gap.key)
                    opened.append(gap)
    if opened or closed:
        store.write_if_changed(
            {"gaps": [g.model_dump(mode="json") for g in [*gaps, *opened]]}, PARITY_FILE
        )
    return opened, closed


def gaps_of(gaps: Iterable[ParityGap], source_id: str) -> list[ParityGap]:
    """The gaps (open and closed) a source is one side of."""
    return [g for g in gaps if source_id in (g.changed_source, g.other_source)]
