"""Hook the Arabic repair engine into extraction: every block of a Document is repaired."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..models import CELL_SEPARATOR, Block
from .lexicon import Lexicon
from .repair import repair_lines


def repair_blocks(
    blocks: list[Block], block_text: Callable[[str], str], domain_words: Sequence[str] = ()
) -> None:
    """Repair each block's raw text line by line, as one document; set ``text``, ``repairs``.
    ``domain_words`` are known to the lexicon besides its own words.

    ``block_text`` turns repaired raw text into a block's ``text`` (normalised, without
    list markers). ``raw_text`` is never touched.
    """
    spans: list[tuple[int, int]] = []
    lines: list[str] = []
    for block in blocks:
        own = block.raw_text.split("\n")
        spans.append((len(lines), len(lines) + len(own)))
        lines.extend(own)
    repaired = repair_lines(lines, Lexicon("ar", domain_words) if domain_words else None)
    for block, (start, end) in zip(blocks, spans, strict=True):
        results = repaired[start:end]
        repairs = [r.to_model() for res in results for r in res.repairs]
        if repairs:
            block.repairs = [*block.repairs, *repairs]  # after an OCR'd block's own
            block.text = block_text("\n".join(res.text for res in results))
            if block.cells is not None:
                cells = [cell.strip() for cell in block.text.split(CELL_SEPARATOR.strip())]
                if len(cells) == len(block.cells):
                    block.cells = cells
