"""Reports of change sets: a Markdown summary, Atom feeds, table rows for Prefect
artifacts, and lines for a terminal (Arabic shaped for terminals that cannot shape it).

Alerts (feed entries) carry only substantive and editorial changes of real changes: a
technical upgrade (re-extraction) and a revert to an earlier version are never alerts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from extractors.models import Change, ChangeSet

ALERTING = ("substantive", "editorial")


def is_alert(changeset: ChangeSet) -> bool:
    """Whether a change set should reach people: real changes that mean something."""
    return (
        not changeset.technical_upgrade
        and changeset.revert_of is None
        and any(c.significance in ALERTING for c in changeset.changes)
    )


def version_time(version: str) -> datetime:
    """The capture time a version id starts with (``20250901T000000Z-…``)."""
    return datetime.strptime(version.split("-", 1)[0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _arrow(change: Change) -> str:
    before, after = change.before or "∅", change.after or "∅"
    return f"{one_line(before)} → {one_line(after)}"


def one_line(text: str, size: int = 120) -> str:
    """``text`` on one line, cut to ``size`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


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
        cell = _arrow(change).replace("|", "\\|")
        lines.append(f"| {change.kind} | {change.significance} | {cell} |")
    return "\n".join([*lines, ""])


def table_rows(changesets: Iterable[tuple[str, ChangeSet]]) -> list[dict[str, str]]:
    """Rows for a Prefect table artifact: source, event, significance, before → after."""
    return [
        {
            "source": source,
            "event": c.kind,
            "significance": c.significance,
            "before → after": _arrow(c),
        }
        for source, cs in changesets
        for c in cs.changes
        if is_alert(cs) and c.significance in ALERTING
    ]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def atom_feed(entries: Iterable[tuple[str, ChangeSet]], *, title: str, feed_id: str) -> str:
    """An Atom feed with one entry per alerting change set, newest first. The feed's own
    time is its newest version's, so an unchanged store gives the same bytes."""
    entries = list(entries)
    chosen = sorted(
        ((source, cs) for source, cs in entries if is_alert(cs)),
        key=lambda pair: (version_time(pair[1].to_version), pair[0]),
        reverse=True,
    )
    updated = max((version_time(cs.to_version) for _, cs in entries), default=_EPOCH)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(title)}</title>",
        f"  <id>{escape(feed_id)}</id>",
        f"  <updated>{updated.isoformat().replace('+00:00', 'Z')}</updated>",
        "  <author><name>dalil</name></author>",
    ]
    for source, cs in chosen:
        shown = [c for c in cs.changes if c.significance in ALERTING]
        items = "".join(
            f'<li dir="auto"><b>{escape(c.kind)}</b> ({c.significance}): '
            f"<bdi>{escape(_arrow(c))}</bdi></li>"
            for c in shown
        )
        stamp = version_time(cs.to_version).isoformat().replace("+00:00", "Z")
        summary = f"{len(shown)} change(s): " + "; ".join(c.summary for c in shown[:3])
        out += [
            "  <entry>",
            f"    <title>{escape(source)}: {escape(one_line(summary, 200))}</title>",
            f"    <id>urn:dalil:{escape(source)}:{escape(cs.to_version)}</id>",
            f"    <updated>{stamp}</updated>",
            f'    <content type="html">{escape(f"<ul>{items}</ul>")}</content>',
            "  </entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"


# ---- terminals -------------------------------------------------------------------------------


def terminal_shapes_arabic() -> bool:
    """Whether the terminal on stdout lays out Arabic itself (bidi and shaping). Set
    ``DALIL_BIDI_TERMINAL=1`` (or 0) to say so; mlterm and VTE-based terminals do."""
    told = os.environ.get("DALIL_BIDI_TERMINAL")
    if told is not None:
        return told not in ("", "0", "false", "no")
    return os.environ.get("TERM_PROGRAM") == "mlterm" or "VTE_VERSION" in os.environ


def shape_for_terminal(text: str) -> str:
    """Arabic joined into presentation forms and put in visual order, line by line, for a
    terminal that shows characters as they come."""
    import arabic_reshaper
    from bidi import get_display

    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))


def change_lines(source: str, changeset: ChangeSet, shape: bool) -> list[str]:
    """Terminal lines for one change set's changes."""
    fix = shape_for_terminal if shape else (lambda text: text)
    lines = []
    for c in changeset.changes:
        lines.append(f"{source}  {changeset.to_version}  {c.kind}  [{c.significance}]")
        lines.append("    " + fix(_arrow(c)))
    return lines
