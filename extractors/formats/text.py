"""The text path: split a plain-text snapshot into ordered blocks.

Rules, all generic:
- a line that ends in whitespace is soft-wrapped (the RFC 3676 "format=flowed" convention,
  which PDF-to-text tools also follow), so the next non-blank line continues it;
- otherwise each line is its own block;
- a line that starts with a bullet or a number (``•``, ``-``, ``1.``, ``2)``, ``١-``) is a
  list item, its depth taken from its indentation;
- a short line that stands alone between blank lines, without closing punctuation other
  than a question mark, is a heading;
- furniture (share bars, copyright, "see also" runs, repeated lines, menus at the head or
  tail) is labelled by content (``text_furniture.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..lines import block_text, list_marker, reads_as_heading
from ..models import Block, BlockType
from ..normalize import normalize_text
from .text_furniture import label_text_furniture


@dataclass
class _Line:
    text: str
    number: int


def logical_lines(text: str) -> list[tuple[list[_Line], bool]]:
    """Join soft-wrapped physical lines into logical lines.

    Each logical line comes with whether it stands alone, with a blank line (or the edge
    of the text) on both sides.
    """
    runs: list[tuple[list[_Line], bool]] = []  # (lines, blank line before)
    current: list[_Line] = []
    blank_before = blank_seen = True
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            blank_seen = True
            continue
        if current and current[-1].text[-1:].isspace() and not list_marker(raw):
            current.append(_Line(raw, number))
        else:
            if current:
                runs.append((current, blank_before))
            current, blank_before = [_Line(raw, number)], blank_seen
        blank_seen = False
    if current:
        runs.append((current, blank_before))
    after = [before for _, before in runs[1:]] + [True]
    return [
        (lines, before and blank_after)
        for (lines, before), blank_after in zip(runs, after, strict=True)
    ]


def _depth(indent: str) -> int:
    return max(0, len(indent.expandtabs(4)) - 2) // 2


def _classify(raw: str, norm: str, alone: bool) -> tuple[BlockType, str, dict[str, Any]]:
    """Block type, text without its list marker, and type-specific fields."""
    if marker := list_marker(raw):
        extra: dict[str, Any] = {"depth": _depth(marker["indent"])}
        if "number" in marker.groupdict():
            extra["number"] = marker["number"]
        return "list_item", block_text(raw), extra
    if alone and reads_as_heading(norm):
        return "heading", norm, {"level": 2}
    return "paragraph", norm, {}


def text_blocks(text: str) -> list[Block]:
    """Split plain text into blocks: ``raw_text`` as written, ``text`` normalised."""
    blocks: list[Block] = []
    for lines, alone in logical_lines(text):
        raw = "\n".join(line.text for line in lines)
        norm = normalize_text(raw)
        if not norm:
            continue
        kind, clean, extra = _classify(raw, norm, alone)
        blocks.append(
            Block(
                id=f"b{len(blocks) + 1:04d}",
                type=kind,
                text=clean,
                raw_text=raw,
                line=lines[0].number,
                **extra,
            )
        )
    label_text_furniture(blocks)
    return blocks
