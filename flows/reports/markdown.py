"""Markdown summaries of change sets, and table rows for Prefect artifacts."""

from __future__ import annotations

from collections.abc import Iterable

from extractors.models import ChangeSet

from .changesets import ALERTING, arrow, is_alert


def changeset_markdown(changeset: ChangeSet, title: str | None = None) -> str:
    """A Markdown summary of one change set, Arabic left in logical order (Markdown viewers
    lay it out right to left by themselves)."""
    head = title or changeset.source_id
    lines = [f"## {head}", "", f"`{changeset.from_version or '∅'}` → `{changeset.to_version}`", ""]
    if changeset.technical_upgrade:
        lines += ["Technical upgrade: re-extracted with a new extractor; no alert.", ""]
    if changeset.revert_of:
        lines += [f"Revert to the earlier version `{changeset.revert_of}`; no alert.", ""]
    if not changeset.changes:
        return "\n".join([*lines, "No change.", ""])
    lines += ["| event | significance | before → after |", "|---|---|---|"]
    for change in changeset.changes:
        cell = arrow(change).replace("|", "\\|")
        lines.append(f"| {change.kind} | {change.significance} | {cell} |")
    return "\n".join([*lines, ""])


def table_rows(changesets: Iterable[tuple[str, ChangeSet]]) -> list[dict[str, str]]:
    """Rows for a Prefect table artifact: source, event, significance, before → after."""
    return [
        {
            "source": source,
            "event": c.kind,
            "significance": c.significance,
            "before → after": arrow(c),
        }
        for source, cs in changesets
        for c in cs.changes
        if is_alert(cs) and c.significance in ALERTING
    ]
