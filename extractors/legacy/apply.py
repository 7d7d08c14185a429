"""Legacy-font blocks decoded with code tables an admin confirmed, one per font: each
word becomes a repair (rule ``legacy-font``) naming the font, uncertain when the lexicon
does not know the decoded word."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..arabic import default_lexicon
from ..models import Block, Repair
from .detect import looks_coded
from .solve import Decoding, logical_words

RULE = "legacy-font"


def font_key(block: Block) -> str:
    """The table a block's glyphs need: its PDF font, or ``*`` without one."""
    return block.font or "*"


def coded_blocks(blocks: Sequence[Block]) -> list[Block]:
    """The blocks extraction flagged as legacy-font Arabic (no language, coded text)."""
    return [b for b in blocks if b.lang is None and not b.furniture and looks_coded(b.raw_text)]


def apply_tables(
    blocks: Sequence[Block], tables: Mapping[str, Mapping[str, Any]], text_of: Any
) -> list[str]:
    """Decode the flagged blocks whose font has a table; return their ids. ``text_of``
    turns decoded raw text into a block's text (as for any block)."""
    lexicon = default_lexicon()
    done = []
    for block in coded_blocks(blocks):
        table = tables.get(font_key(block))
        if not table:
            continue
        decoding = Decoding(str(table["space"]), dict(table["mapping"]))
        lines = block.raw_text.split("\n")
        block.text = text_of("\n".join(decoding.read(line) for line in lines))
        block.lang, block.dir = "ar", "rtl"
        confidence = float(table.get("known", 0.5))
        block.repairs = [
            Repair(
                original=word,
                result=decoded,
                rule=f"{RULE}:{font_key(block)}",
                confidence=round(min(confidence, 0.99), 3),
                uncertain=not (lexicon.known(decoded) or decoded.isdigit()),
            )
            for line in lines
            for word in logical_words(line, decoding.space)
            if (decoded := "".join(decoding.mapping.get(c, c) for c in word)) != word
        ]
        done.append(block.id)
    return done
