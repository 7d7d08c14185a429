"""Reviewers' corrections of Arabic repairs, applied to a Document's blocks as
user-supplied repairs: the word in ``text`` is replaced, and its Repair says who gave it and
what the engine had read (``supplied_by``, ``engine_result``). ``raw_text`` is never
touched, and the engine's own output is never presented as the reviewer's, nor the other
way round."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .models import CELL_SEPARATOR, Block, Repair, UserRepair

USER_RULE = "user"


def _key(repair: Repair) -> tuple[str, str]:
    """What a correction is matched on: the damaged text and what the engine made of it."""
    return repair.original, repair.engine_result or repair.result


def _index(corrections: Iterable[UserRepair]) -> dict[tuple[str, str], UserRepair]:
    """The correction for each (original, engine result); the last one given wins."""
    return {(c.original, c.result): c for c in corrections if c.corrected.strip()}


def replace_next_word(text: str, old: str, new: str, start: int) -> tuple[str, int]:
    """Replace the first whole-word ``old`` at or after ``start``; return the text and where
    to look next (``start`` again when ``old`` is not there)."""
    match = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)").search(text, start)
    if match is None:
        return text, start
    return text[: match.start()] + new + text[match.end() :], match.start() + len(new)


def apply_user_repairs(blocks: Sequence[Block], corrections: Iterable[UserRepair]) -> int:
    """Apply ``corrections`` to every repair they match, in place; return how many repairs
    now carry a user's reading. Applying the same corrections twice changes nothing."""
    index = _index(corrections)
    if not index:
        return 0
    applied = 0
    for block in blocks:
        where = 0
        changed = False
        for repair in block.repairs:
            fix = index.get(_key(repair))
            if fix is None:
                continue
            applied += 1
            if repair.result == fix.corrected and repair.supplied_by == fix.by:
                continue
            if repair.result != fix.corrected:
                block.text, where = replace_next_word(
                    block.text, repair.result, fix.corrected, where
                )
            repair.engine_result = repair.engine_result or repair.result
            repair.result = fix.corrected
            repair.rule, repair.confidence, repair.uncertain = USER_RULE, 1.0, False
            repair.supplied_by = fix.by
            changed = True
        if changed and block.cells is not None:
            cells = [cell.strip() for cell in block.text.split(CELL_SEPARATOR.strip())]
            if len(cells) == len(block.cells):
                block.cells = cells
    return applied


def pending(blocks: Sequence[Block], corrections: Iterable[UserRepair]) -> bool:
    """Whether applying ``corrections`` would change these blocks (a re-extraction is due)."""
    index = _index(corrections)
    return any(
        (fix := index.get(_key(r))) is not None
        and (r.result != fix.corrected or r.supplied_by != fix.by)
        for block in blocks
        for r in block.repairs
    )
