"""Damage counts for a list of blocks."""

from __future__ import annotations

from .arabic import is_damaged_token
from .models import Block, Quality
from .script import UNMAPPED


def is_damaged(token: str) -> bool:
    """Damage the repair engine knows (U+FFFD, ``(cid:N)``, control characters, split
    hamza) or glyphs without a letter."""
    return is_damaged_token(token) or UNMAPPED.search(token) is not None


def measure(
    blocks: list[Block],
    warnings: list[str],
    ocr_pages: list[int] | None = None,
    ocr_read: list[int] | None = None,
) -> Quality:
    """Count tokens, damaged tokens (in ``raw_text``, before repair), repairs, and the
    repairs flagged uncertain. Damage left in ``text`` after repair becomes a warning."""
    tokens = damaged = left = 0
    for block in blocks:
        tokens += len(block.text.split())
        damaged += sum(is_damaged(w) for w in block.raw_text.split())
        left += sum(is_damaged(w) for w in block.text.split())
    if left:
        warnings = [*warnings, f"{left} damaged token(s) left unrepaired"]
    return Quality(
        blocks=len(blocks),
        tokens=tokens,
        damaged_tokens=damaged,
        repaired_tokens=sum(len(b.repairs) for b in blocks),
        uncertain_tokens=sum(r.uncertain for b in blocks for r in b.repairs),
        user_repairs=sum(r.supplied_by is not None for b in blocks for r in b.repairs),
        needs_ocr=bool(ocr_pages),
        ocr_pages=ocr_pages or [],
        ocr_read=ocr_read or [],
        warnings=warnings,
    )
