"""Atom feeds of alerting change sets and parity gaps (all sources, or one)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from extractors.models import ChangeSet, ParityGap, version_time

from .changesets import ALERTING, arrow, is_alert, one_line

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _gap_entry(gap: ParityGap) -> list[str]:
    """A parity gap as an Atom entry (substantive: the languages state different facts)."""
    state = "open" if gap.status == "open" else f"closed by {gap.closed_by}"
    said = (
        f"{gap.changed_source} now states {', '.join(gap.changed_values) or 'nothing'}; "
        f"{gap.other_source} still states {', '.join(gap.other_values) or 'nothing'}"
    )
    content = (
        f'<p dir="auto"><b>parity_gap</b> (substantive, {state}): <bdi>{escape(said)}</bdi></p>'
    )
    stamp = version_time(gap.changed_version).isoformat().replace("+00:00", "Z")
    return [
        "  <entry>",
        f"    <title>{escape(gap.pair)}: parity gap on {gap.kind} ({state})</title>",
        f"    <id>urn:dalil:parity:{escape(gap.key)}</id>",
        f"    <updated>{stamp}</updated>",
        f'    <content type="html">{escape(content)}</content>',
        "  </entry>",
    ]


def _found_entry(event: dict[str, Any]) -> list[str]:
    """A document discovery added or saw vanish, as an Atom entry."""
    what = "new document" if event["type"] == "document_added" else "document gone"
    content = f'<p><b>{event["type"]}</b>: <a href="{event["url"]}">{event["url"]}</a></p>'
    return [
        "  <entry>",
        f"    <title>{escape(event['parent'])}: {what}: {escape(event['source'])}</title>",
        f"    <id>urn:dalil:discovery:{escape(event['type'])}:{escape(event['source'])}</id>",
        f"    <updated>{escape(event['at'].replace('+00:00', 'Z'))}</updated>",
        f'    <content type="html">{escape(content)}</content>',
        "  </entry>",
    ]


def atom_feed(
    entries: Iterable[tuple[str, ChangeSet]],
    *,
    title: str,
    feed_id: str,
    gaps: Iterable[ParityGap] = (),
    found: Iterable[dict[str, Any]] = (),
) -> str:
    """An Atom feed with one entry per alerting change set and per parity gap, newest
    first. The feed's own time is its newest version's, so an unchanged store gives the
    same bytes."""
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
    for gap in sorted(gaps, key=lambda g: version_time(g.changed_version), reverse=True):
        out += _gap_entry(gap)
    for event in sorted(found, key=lambda e: e["at"], reverse=True):
        out += _found_entry(event)
    for source, cs in chosen:
        shown = [c for c in cs.changes if c.significance in ALERTING]
        items = "".join(
            f'<li dir="auto"><b>{escape(c.kind)}</b> ({c.significance}): '
            f"<bdi>{escape(arrow(c))}</bdi></li>"
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
