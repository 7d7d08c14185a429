"""What every report says of a change set: whether it is an alert, when its version was
captured, and a change as one line.

Alerts (feed entries) carry only substantive and editorial changes of real changes: a
technical upgrade (re-extraction) and a revert to an earlier version are never alerts.
"""

from __future__ import annotations

from extractors.models import Change, ChangeSet

ALERTING = ("substantive", "editorial")


def is_alert(changeset: ChangeSet) -> bool:
    """Whether a change set should reach people: real changes that mean something."""
    return (
        not changeset.technical_upgrade
        and changeset.revert_of is None
        and any(c.significance in ALERTING for c in changeset.changes)
    )


def arrow(change: Change) -> str:
    """A change as ``before → after``, each side on one line."""
    before, after = change.before or "∅", change.after or "∅"
    return f"{one_line(before)} → {one_line(after)}"


def one_line(text: str, size: int = 120) -> str:
    """``text`` on one line, cut to ``size`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"
