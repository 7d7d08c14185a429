"""The PDF path: pdfplumber characters to blocks in reading order, tables, and links.

Per line: group characters into lines; undo the reversal of multi-code-point glyphs (a
lam-alef glyph that maps to two letters, a damaged glyph that maps to U+FFFD and a
letter); choose the base direction by script; reorder with python-bidi, U+FFFD standing
as a strong Arabic letter; NFKC. Brackets still mirrored after that are re-paired by the
repair engine, which every block goes through afterwards.
"""

from __future__ import annotations

import io
import os
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pdfplumber

from ..arabic import FFFD, display
from ..lines import block_text, list_marker
from ..models import CELL_SEPARATOR, Block
from ..normalize import normalize_text
from ..script import CID, arabic_share, is_arabic_letter, is_unmapped
from .errors import FormatError

if TYPE_CHECKING:
    from .ocr import OcrPage

_CID_MIRRORED = re.compile(r"\)cid:(\d+)\(")
_URL_TAIL = re.compile(r"(?:https?://|www\.)\S*[/.\-_?=&]$")
_URL_PIECE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/.\-_?=&%#~+:]*$")
_HEADING_RATIO = 1.12
_SHORT_LINE = (
    0.15  # a line ending this far (share of the text width) from its margin ends a paragraph
)


@dataclass
class Line:
    """One line of a page, in logical order."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    rtl: bool
    font: str | None = None  # the font most of its glyphs use, without a subset prefix


@dataclass
class PageResult:
    """What one page yields."""

    number: int
    blocks: list[Block] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    needs_ocr: bool = False
    height: float = 0.0


@dataclass
class PdfResult:
    blocks: list[Block]
    links: list[dict[str, Any]]
    warnings: list[str]
    ocr_pages: list[int] = field(default_factory=list)  # pages to read by OCR
    ocr_read: list[int] = field(default_factory=list)  # pages whose blocks OCR gave


def logical_text(
    chars: list[dict[str, Any]], rtl: bool | None = None, unmapped_arabic: bool = False
) -> tuple[str, bool]:
    """The reading-order text of one line's characters, and whether it reads right to left.

    ``rtl`` is the paragraph direction when the layout tells it (a right- or left-aligned
    line); otherwise the majority script decides. ``unmapped_arabic``: the page holds
    Arabic, so glyphs without a letter count as Arabic letters even in a line of nothing
    else."""
    chars = _marks_on_their_letters(sorted(chars, key=lambda c: c["x0"]))
    pieces: list[str] = []
    previous: dict[str, Any] | None = None
    for char in chars:
        text = char["text"]
        if len(text) > 1 and any(is_arabic_letter(c) or c == FFFD for c in text):
            text = text[::-1]  # a glyph's letters are in logical order inside visual text
        if _is_mark(text):
            pieces.append(text)  # a mark is drawn over its letter: never a gap
            continue
        gap = char["x0"] - previous["x1"] if previous is not None else 0.0
        if (
            text != " "
            and pieces
            and pieces[-1] != " "
            and gap > 0.2 * float(char.get("size") or 10)
        ):
            pieces.append(" ")
        pieces.append(text)
        previous = char
    visual = "".join(pieces)
    letters = [c for c in visual if c.isalpha() or c == FFFD or is_unmapped(c)]
    arabic = sum(1 for c in letters if c == FFFD or is_arabic_letter(c))
    if arabic or unmapped_arabic:
        # beside Arabic (in the line or on its page), glyphs without a letter are letters of
        # its script (a font without a Unicode map); bidi would take them as left to right
        arabic += sum(1 for c in letters if is_unmapped(c))
    if not arabic:
        return unicodedata.normalize("NFKC", visual).strip(), False
    if rtl is None:
        rtl = arabic * 2 >= len(letters)
    logical = _CID_MIRRORED.sub(r"(cid:\1)", _display_pua_as_arabic(visual, "R" if rtl else "L"))
    return unicodedata.normalize("NFKC", logical).strip(), rtl


def _is_mark(text: str) -> bool:
    return bool(text) and all(unicodedata.category(c) == "Mn" for c in text)


def _is_haraka(text: str) -> bool:
    """Vowel signs, shadda, sukun, dagger alef: marks drawn apart from their letter (a
    hamza above or below comes in x-order already)."""
    return bool(text) and all("\u064b" <= c <= "\u0652" or c == "\u0670" for c in text)


def _marks_on_their_letters(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Vowel signs placed right after the letter they sit on, in visual order, as the
    reordering expects them; x-order alone scatters them between letters."""
    marks = [c for c in chars if _is_haraka(c["text"])]
    if not marks:
        return chars
    letters = [c for c in chars if not _is_haraka(c["text"])]
    placed: dict[int, list[dict[str, Any]]] = {}
    loose = []
    for mark in marks:
        middle = (mark["x0"] + mark["x1"]) / 2
        base = next((i for i, c in enumerate(letters) if c["x0"] <= middle <= c["x1"]), None)
        if base is None:
            loose.append(mark)
        else:
            placed.setdefault(base, []).append(mark)
    out: list[dict[str, Any]] = []
    for i, letter in enumerate(letters):
        out.append(letter)
        out += placed.get(i, [])
    return sorted(out + loose, key=lambda c: c["x0"]) if loose else out


def _display_pua_as_arabic(text: str, base_dir: str) -> str:
    """``display`` with each private-use glyph standing in as a strong Arabic letter (one
    unused letter of the Arabic Supplement block per glyph), put back afterwards."""
    glyphs = sorted({c for c in text if is_unmapped(c)})
    free = [chr(c) for c in range(0x0750, 0x0780) if chr(c) not in text]
    if not glyphs or len(glyphs) > len(free):
        return display(text, base_dir)
    there = dict(zip(glyphs, free, strict=False))
    back = {v: k for k, v in there.items()}
    shown = display(text.translate(str.maketrans(there)), base_dir)
    return shown.translate(str.maketrans(back))


def _alignment(row: list[dict[str, Any]], left: float, right: float) -> bool | None:
    """True for a right-aligned line, False for a left-aligned one, None when unclear."""
    if right - left <= 0:
        return None
    margin_left = min(c["x0"] for c in row) - left
    margin_right = right - max(c["x1"] for c in row)
    slack = 0.05 * (right - left)
    if margin_left > margin_right + slack:
        return True
    if margin_right > margin_left + slack:
        return False
    return None


def _font_name(name: object) -> str | None:
    """A PDF font's name without its subset tag (``ABCDEF+Name`` -> ``Name``)."""
    text = str(name or "")
    return (text.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", text) else text) or None


def _lines(
    chars: list[dict[str, Any]],
    left: float = 0.0,
    right: float = 0.0,
    unmapped_arabic: bool = False,
) -> list[Line]:
    """Group characters into lines by their vertical position. ``left`` and ``right`` are
    the text margins, from which a line's alignment gives its direction."""
    rows: list[list[dict[str, Any]]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"], 1), c["x0"])):
        if rows:
            last = rows[-1]
            reference = last[0]
            tolerance = 0.5 * float(reference.get("size") or 10)
            if abs(char["top"] - reference["top"]) <= tolerance:
                last.append(char)
                continue
        rows.append([char])
    lines = []
    for row in rows:
        text, rtl = logical_text(row, _alignment(row, left, right), unmapped_arabic)
        if not text:
            continue
        sizes = Counter(round(float(c.get("size") or 0), 1) for c in row if c["text"].strip())
        bold = sum("bold" in str(c.get("fontname", "")).lower() for c in row) * 2 > len(row)
        fonts = Counter(_font_name(c.get("fontname")) for c in row if c["text"].strip())
        lines.append(
            Line(
                text=text,
                x0=min(c["x0"] for c in row),
                top=min(c["top"] for c in row),
                x1=max(c["x1"] for c in row),
                bottom=max(c["bottom"] for c in row),
                size=sizes.most_common(1)[0][0] if sizes else 0.0,
                bold=bold,
                rtl=rtl,
                font=fonts.most_common(1)[0][0] if fonts else None,
            )
        )
    return lines


def _continues_url(previous: Line, line: Line) -> bool:
    """A URL wrapped at the end of ``previous`` continues at the start of ``line``."""
    last = previous.text.split()[-1] if previous.text.split() else ""
    first = line.text.split()[0] if line.text.split() else ""
    return (
        bool(_URL_TAIL.search(last))
        and bool(_URL_PIECE.match(first))
        and ("/" in first or "." in first)
    )


def _blocks(lines: list[Line], page: int, body: float, left: float, right: float) -> list[Block]:
    """Lines to headings, list items and paragraphs."""
    blocks: list[Block] = []
    current: list[Line] = []
    width = max(right - left, 1.0)

    def close() -> None:
        if not current:
            return
        first = current[0]
        raw = "\n".join(line.text for line in current)
        heading = first.size >= body * _HEADING_RATIO or (first.bold and len(raw.split()) <= 12)
        marker = list_marker(first.text)
        kind, extra = "paragraph", {}
        if marker:
            kind, extra = "list_item", {"depth": 0}
            if "number" in marker.groupdict():
                extra["number"] = marker["number"]
        elif heading:
            kind, extra = "heading", {"level": 1 if first.size >= body * 1.3 else 2}
        box = [
            round(min(ln.x0 for ln in current), 2),
            round(min(ln.top for ln in current), 2),
            round(max(ln.x1 for ln in current), 2),
            round(max(ln.bottom for ln in current), 2),
        ]
        fonts = Counter(ln.font for ln in current if ln.font)
        blocks.append(
            Block(
                id="",
                type=kind,
                text=block_text(raw),
                raw_text=raw,
                page=page,
                bbox=box,
                dir="rtl" if first.rtl else "ltr",
                font=fonts.most_common(1)[0][0] if fonts else None,
                **extra,
            )
        )
        current.clear()

    for line in lines:
        if current:
            previous = current[-1]
            same_style = abs(previous.size - line.size) < 0.5 and previous.bold == line.bold
            near = line.top - previous.bottom < 0.8 * max(line.size, 1.0)
            ended = (
                previous.x0 - left > _SHORT_LINE * width
                if previous.rtl
                else right - previous.x1 > _SHORT_LINE * width
            )
            starts_item = list_marker(line.text) is not None
            if _continues_url(previous, line) or (
                same_style
                and near
                and not ended
                and not starts_item
                and previous.rtl == line.rtl
                and previous.size < body * _HEADING_RATIO
            ):
                current.append(line)
                continue
            close()
        current.append(line)
    close()
    return blocks


def _clamp(box: tuple[float, ...], bounds: tuple[float, ...]) -> tuple[float, ...]:
    """A box cut to the page (a table cell can lie a hair outside it)."""
    x0, top, x1, bottom = box
    return (
        max(x0, bounds[0]),
        max(top, bounds[1]),
        min(x1, bounds[2]),
        min(bottom, bounds[3]),
    )


def _table_rows(page: Any, table: Any, number: int) -> list[Block]:
    rows: list[Block] = []
    texts: list[list[str]] = []
    for row in table.rows:
        cells = []
        for box in row.cells:
            if box is None:
                continue
            inside = page.within_bbox(_clamp(box, page.bbox)).chars
            cells.append(" ".join(line.text for line in _lines(inside)))
        texts.append(cells)
    joined = " ".join(cell for cells in texts for cell in cells)
    rtl = arabic_share(joined) >= 0.5
    for cells, row in zip(texts, table.rows, strict=True):
        ordered = list(reversed(cells)) if rtl else cells
        if not any(ordered):
            continue
        raw = CELL_SEPARATOR.join(ordered)
        ordered = [normalize_text(cell) for cell in ordered]
        box = [round(v, 2) for v in row.bbox]
        rows.append(
            Block(
                id="",
                type="table_row",
                text=normalize_text(raw),
                raw_text=raw,
                page=number,
                bbox=box,
                cells=ordered,
            )
        )
    return rows


# pdfplumber's text-alignment table search grows faster than the square of a page's
# characters: an 11,000-character page atheris made took 3 minutes. Denser pages than this
# skip it (ruled tables are still found); a dense page of prose has about 4,000.
TEXT_TABLE_MAX_CHARS = 6000
UNMAPPED_OCR_SHARE = 0.3  # a page with this share of glyphs without a letter is read by OCR


def _find_tables(page: Any) -> list[Any]:
    """Ruled tables first; aligned text columns only when no ruled table is found (and
    the page is not too dense for that search)."""
    tables = page.find_tables()
    if tables or len(page.chars) > TEXT_TABLE_MAX_CHARS:
        return tables
    found = page.find_tables({"vertical_strategy": "text", "horizontal_strategy": "text"})
    return [t for t in found if _solid_text_table(t)]


def _solid_text_table(table: Any) -> bool:
    rows = table.extract()
    if len(rows) < 3 or min(len(r) for r in rows) < 3:
        return False
    filled = sum(1 for row in rows for cell in row if cell and cell.strip())
    return filled >= 0.8 * sum(len(r) for r in rows)


def _unmapped_families(chars: list[dict[str, Any]]) -> Counter[str]:
    """Glyphs whose font gave no letter, by family: ``(cid:N)`` placeholders, private-use
    code points, noncharacters (U+FFFF) and replacement characters (U+FFFD)."""
    families: Counter[str] = Counter()
    for char in chars:
        text = char["text"]
        if CID.fullmatch(text):
            families["(cid:N)"] += 1
        elif "\uffff" in text or "\ufffe" in text:
            families["U+FFFF"] += 1
        elif any(is_unmapped(c) for c in text):
            families["private-use"] += 1
        elif FFFD in text:
            families["U+FFFD"] += 1
    return families


def _page(page: Any, number: int, body: float) -> PageResult:
    result = PageResult(number, height=float(page.height))
    page = page.dedupe_chars()  # fake bold: each glyph printed twice, a hair apart
    chars = [c for c in page.chars if c["text"].strip()]
    if not chars and not page.images:
        return result  # a blank page: nothing to read, nothing lost
    families = _unmapped_families(chars)
    lost = sum(n for family, n in families.items() if family != "U+FFFD")
    if not chars or families["(cid:N)"] * 2 > len(chars):
        result.needs_ocr = True
        why = (
            "no text layer"
            if not chars
            else f"{families['(cid:N)']} of {len(chars)} glyphs unmapped (cid)"
        )
        images = " (page images present)" if page.images else ""
        result.warnings.append(f"page {number}: {why}{images}: needs OCR")
        return result
    if families:
        found = ", ".join(f"{n} {family}" for family, n in families.most_common())
        result.warnings.append(f"page {number}: {found} of {len(chars)} glyphs carry no letter")
    if lost >= UNMAPPED_OCR_SHARE * len(chars):
        result.needs_ocr = True
        result.warnings.append(
            f"page {number}: {lost * 100 // len(chars)}% of its glyphs have no Unicode "
            "letter: needs OCR"
        )
    tables = _find_tables(page)
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        return not any(
            b[0] <= obj["x0"] and obj["x1"] <= b[2] and b[1] <= obj["top"] and obj["bottom"] <= b[3]
            for b in boxes
        )

    text_chars = [c for c in page.chars if outside(c)]
    arabic_page = any(is_arabic_letter(ch) for c in chars for ch in c["text"])
    lines = _lines(
        text_chars, min(c["x0"] for c in chars), max(c["x1"] for c in chars), arabic_page
    )
    flow: list[tuple[float, list[Block]]] = []
    if lines:
        left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
        for block in _blocks(lines, number, body, left, right):
            flow.append((block.bbox[1], [block]))
    for table in tables:
        flow.append((table.bbox[1], _table_rows(page, table, number)))
    result.blocks = [b for _, group in sorted(flow, key=lambda item: item[0]) for b in group]
    result.links = [
        {
            "uri": link["uri"],
            "bbox": [link["x0"], link["top"], link["x1"], link["bottom"]],
            "page": number,
        }
        for link in page.hyperlinks
        if link.get("uri")
    ]
    return result


def _body_size(pdf: Any, sample: int = 5) -> float:
    sizes: Counter[float] = Counter()
    for page in pdf.pages[:sample]:
        sizes.update(round(float(c.get("size") or 0), 1) for c in page.chars if c["text"].strip())
        page.close()
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _open(data: bytes, source_id: str) -> Any:
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise FormatError(source_id, "not a PDF (no %PDF header)")
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for broken files
        raise FormatError(source_id, _reason(exc)) from None


def _reason(exc: BaseException) -> str:
    """A maintainer's reason for a PDF that cannot be read (pdfplumber wraps pdfminer's
    errors, so the cause is looked for inside too)."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    text = f"{exc!r} {inner!r}".lower()
    if "password" in text or "encrypt" in text:
        return "encrypted PDF: a password is required"
    return f"unreadable PDF ({type(inner).__name__}: {inner})".replace(": )", ")")


def iter_pages(
    data: bytes, source_id: str, start: int = 0, stop: int | None = None
) -> Iterator[PageResult]:
    """Page results for pages ``start`` to ``stop``, one page in memory at a time."""
    pdf = _open(data, source_id)
    try:
        body = _body_size(pdf)
        pages = pdf.pages[start:stop]
        for offset, page in enumerate(pages):
            number = start + offset + 1
            try:
                yield _page(page, number, body)
            except Exception as exc:  # one broken page never loses the others
                yield PageResult(
                    number, warnings=[f"page {number}: {_reason(exc)}"], needs_ocr=True
                )
            finally:
                page.close()
    except FormatError:
        raise
    except Exception as exc:
        raise FormatError(source_id, _reason(exc)) from None
    finally:
        _close(pdf)


def _close(pdf: Any) -> None:
    """Close a PDF whatever state it is in: pdfplumber's ``close`` builds every page and
    fails on the same damage that made reading fail (found by atheris: a page without a
    MediaBox raised TypeError from ``close``, past the clear error)."""
    try:
        pdf.close()
    except Exception:
        stream = getattr(pdf, "stream", None)
        if stream is not None:
            stream.close()


def page_count(data: bytes, source_id: str) -> int:
    pdf = _open(data, source_id)
    try:
        return len(pdf.pages)
    except Exception as exc:
        raise FormatError(source_id, _reason(exc)) from None
    finally:
        _close(pdf)


LARGE_PDF_PAGES = 64  # from this many pages, ``workers=None`` spreads pages over the cores


def pdf_extract(
    data: bytes,
    source_id: str,
    workers: int | None = 1,
    ocr: Sequence[OcrPage] = (),
) -> PdfResult:
    """Extract a whole PDF. With ``workers`` > 1 and enough pages, page ranges run in
    separate processes; ``None`` means one per core (at most 4) for a large PDF, else one.
    ``ocr`` holds OCR'd pages: a page without usable text takes its blocks from them.

    Workers start from a fresh server process (``forkserver``), never by forking the
    caller, which may be running threads (a Prefect task runner)."""
    results: list[PageResult]
    total = page_count(data, source_id) if workers != 1 else 0
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if total >= LARGE_PDF_PAGES else 1
    results = (
        _in_processes(data, source_id, workers, total)
        if workers > 1 and total >= 8 * workers
        else None
    )
    if results is None:
        results = list(iter_pages(data, source_id))
    read = _read_by_ocr(results, ocr)
    label_running_text(results)
    blocks = [b for r in results for b in r.blocks]
    for index, block in enumerate(blocks, start=1):
        block.id = f"b{index:04d}"
    return PdfResult(
        blocks=blocks,
        links=[link for r in results for link in r.links],
        warnings=[w for r in results for w in r.warnings],
        ocr_pages=[r.number for r in results if r.needs_ocr],
        ocr_read=read,
    )


def _read_by_ocr(results: list[PageResult], ocr: Sequence[OcrPage]) -> list[int]:
    """Give the pages that need OCR the blocks of their OCR'd page; return their numbers."""
    from .ocr import ocr_blocks

    given = {page.number: page for page in ocr}
    read = []
    for result in results:
        page = given.get(result.number)
        if not result.needs_ocr or page is None:
            continue
        result.blocks = ocr_blocks(page)
        result.needs_ocr = False
        read.append(result.number)
        share = statistics.fmean(w.conf for w in page.words) if page.words else 0.0
        result.warnings.append(
            f"page {result.number}: read by OCR ({page.engine}, {page.dpi} dpi, "
            f"{len(page.words)} words, mean confidence {share:.0f}%)"
        )
    return read


MARGIN = 0.12  # share of the page height at its top and its bottom where running text sits
_DIGITS = re.compile(r"[0-9\u0660-\u0669\u06F0-\u06F9]+")
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:page|p\.|pag\.|صفحة|الصفحة|ص\.?)?\s*#(?:\s*(?:/|sur|of|de|من)\s*#)?[-–—\s]*$",
    re.I,
)


def _margin(block: Block, height: float) -> str | None:
    if not block.bbox or height <= 0:
        return None
    if block.bbox[3] <= MARGIN * height:
        return "head"
    if block.bbox[1] >= (1 - MARGIN) * height:
        return "foot"
    return None


def label_running_text(results: list[PageResult]) -> None:
    """Running heads and feet (the same text, numbers aside, in the same margin of many
    pages) and page numbers are furniture."""
    seen: Counter[tuple[str, str]] = Counter()
    marked: list[tuple[Block, str, str]] = []
    for result in results:
        keys = set()
        for block in result.blocks:
            zone = _margin(block, result.height)
            if zone is None:
                continue
            key = " ".join(_DIGITS.sub("#", block.text).lower().split())
            marked.append((block, zone, key))
            keys.add((zone, key))
        seen.update(keys)
    with_text = sum(1 for r in results if r.blocks)
    enough = max(3, 0.3 * with_text)
    for block, zone, key in marked:
        if seen[(zone, key)] >= enough or _PAGE_NUMBER.match(key):
            block.furniture = True


def _in_processes(data: bytes, source_id: str, workers: int, total: int) -> list[PageResult] | None:
    """Page ranges in ``workers`` processes; None when processes cannot be started (the
    caller then reads the pages itself)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    bounds = [(total * i // workers, total * (i + 1) // workers) for i in range(workers)]
    try:
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("forkserver")
        ) as pool:
            chunks = pool.map(
                _range, [data] * workers, [source_id] * workers, *zip(*bounds, strict=True)
            )
            return [r for chunk in chunks for r in chunk]
    except (BrokenProcessPool, OSError, RuntimeError):
        return None


def _range(data: bytes, source_id: str, start: int, stop: int) -> list[PageResult]:
    return list(iter_pages(data, source_id, start, stop))
