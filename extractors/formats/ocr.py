"""OCR'd pages to blocks: Tesseract's TSV (one row per word, with its box, its confidence
and its block, paragraph and line numbers) parsed into words, grouped into lines in
logical order, then into headings, list items and paragraphs as a PDF's text lines are.

Blocks carry ``ocr: true`` and their words' mean confidence; each word read with a
confidence under ``UNCERTAIN`` is kept as an uncertain repair (rule ``ocr``), so that it
reaches the review queue like an uncertain Arabic repair. Running Tesseract is the flows'
job (``flows/extraction/ocr.py``); this module only reads what it wrote.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from ..lines import block_text
from ..models import Block, Repair
from ..normalize import normalize_text
from ..script import arabic_share
from .pdf import Line, _blocks

_BARE_NUMBER = re.compile(r"^(\d{1,2})\s+\S")
UNCERTAIN = 60.0  # Tesseract word confidence (0-100) under which a word needs a reviewer
_BIDI_MARKS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


@dataclass(frozen=True)
class OcrWord:
    """One word as Tesseract read it, its box in pixels."""

    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, ...]  # (block, paragraph, line) on the page; a line added later sorts
    # right after the one it follows: (block, paragraph, line, top)


@dataclass
class OcrPage:
    """One page's words, read at ``dpi``."""

    number: int
    dpi: int
    words: list[OcrWord] = field(default_factory=list)
    engine: str = "tesseract"


def parse_tsv(tsv: str, number: int, dpi: int) -> OcrPage:
    """Tesseract's TSV output (``GetTSVText`` or ``tesseract … tsv``) as an OcrPage."""
    page = OcrPage(number, dpi)
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":  # level 5: a word
            continue
        text = cells[11].translate(_BIDI_MARKS).strip()
        if not text:
            continue
        try:
            block, par, line = int(cells[2]), int(cells[3]), int(cells[4])
            left, top, width, height = (int(c) for c in cells[6:10])
            conf = float(cells[10])
        except ValueError:
            continue
        page.words.append(OcrWord(text, conf, left, top, width, height, (block, par, line)))
    return page


def _lines(page: OcrPage) -> list[tuple[Line, list[OcrWord]]]:
    """Words grouped by Tesseract's lines, in its order (logical order in each line)."""
    grouped: dict[tuple[int, ...], list[OcrWord]] = {}
    for word in page.words:
        grouped.setdefault(word.line, []).append(word)
    scale = 72.0 / page.dpi
    lines = []
    for _, words in sorted(grouped.items()):
        text = normalize_text(" ".join(w.text for w in words))
        if not text.strip():
            continue
        heights = sorted(w.height for w in words)
        lines.append(
            (
                Line(
                    text=text,
                    x0=min(w.left for w in words) * scale,
                    top=min(w.top for w in words) * scale,
                    x1=max(w.left + w.width for w in words) * scale,
                    bottom=max(w.top + w.height for w in words) * scale,
                    size=heights[len(heights) // 2] * scale,
                    bold=False,
                    rtl=arabic_share(text) > 0.5,
                ),
                words,
            )
        )
    return lines


def _item_number(block: Block | None) -> int | None:
    if block is None or block.type != "list_item" or not (block.number or "").isdigit():
        return None
    return int(block.number or 0)


def _lost_list_dots(blocks: list[Block]) -> None:
    """A numbered line whose dot OCR lost (``2 التحقق`` for ``2. التحقق``) is a list
    item when the item before it is numbered one less, or the one after one more."""
    for i, block in enumerate(blocks):
        found = _BARE_NUMBER.match(block.raw_text)
        if block.type != "paragraph" or not found:
            continue
        number = int(found.group(1))
        before = _item_number(blocks[i - 1]) if i else None
        after = _item_number(blocks[i + 1]) if i + 1 < len(blocks) else None
        if before == number - 1 or after == number + 1:
            block.type, block.number, block.depth = "list_item", str(number), 0
            block.text = block_text(block.raw_text[found.end(1) :].lstrip())


def ocr_blocks(page: OcrPage) -> list[Block]:
    """A page's blocks from its OCR'd words (ids left for the caller to set)."""
    lines = _lines(page)
    if not lines:
        return []
    body = statistics.median(line.size for line, _ in lines)
    left = min(line.x0 for line, _ in lines)
    right = max(line.x1 for line, _ in lines)
    words_of = {id(line): words for line, words in lines}
    blocks = _blocks([line for line, _ in lines], page.number, body, left, right)
    _lost_list_dots(blocks)
    # _blocks keeps the lines' order: hand each block the words of its lines
    queue = [words_of[id(line)] for line, _ in lines]
    for block in blocks:
        count = block.raw_text.count("\n") + 1
        words = [w for line_words in queue[:count] for w in line_words]
        del queue[:count]
        block.ocr = True
        block.ocr_confidence = round(statistics.fmean(w.conf for w in words) / 100, 3)
        block.repairs = [
            Repair(
                original=w.text,
                result=w.text,
                rule="ocr",
                confidence=round(max(w.conf, 0.0) / 100, 3),
                uncertain=True,
            )
            for w in words
            if w.conf < UNCERTAIN
        ]
    return blocks
