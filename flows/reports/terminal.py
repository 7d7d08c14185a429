"""Change sets as terminal lines, Arabic shaped for terminals that cannot shape it."""

from __future__ import annotations

import os

from extractors.models import ChangeSet

from .changesets import arrow


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
        lines.append("    " + fix(arrow(c)))
    return lines
