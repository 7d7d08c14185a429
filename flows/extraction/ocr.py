"""OCR of PDF pages without usable text: each page the extractor flagged is rendered
(pypdfium2) and read by Tesseract through tesserocr, one page at a time, inside the
document's time-limited worker. Tesseract's language data comes from Debian's
``tesseract-ocr-ara`` and ``tesseract-ocr-fra`` (``TESSDATA_PREFIX`` to look elsewhere).
Without them, extraction goes on as before and the Document says why nothing was read.

Each page is first cleaned: a light blur (0.7 px) then Otsu's threshold, which takes
scanner noise away (noisy Arabic pages: 89% to 97% of words, and 15 times faster).
Then two second looks, all measured by ``benchmarks/bench_ocr.py``:
- **Lines Tesseract skipped.** Its layout analysis drops some short lines (a paragraph's
  last words). Bands of ink that no word it read overlaps are read again, each as one
  line (page segmentation mode 7), and put back in reading order.
- **Arabic read as Latin.** With the French model loaded, an Arabic word sometimes comes
  out as a short Latin one (``أنه`` as ``ail``). In a line that is mostly Arabic, a Latin
  word read with little confidence is read again with the Arabic model alone, and the
  Arabic reading kept when it is more confident.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from extractors.formats import OcrPage, OcrWord, parse_tsv

DPI = 300
LANGUAGES = "ara+fra"
LATIN_DOUBT = 85.0  # a Latin word in an Arabic line read with less confidence is re-read
_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_TESSDATA = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-ara tesseract-ocr-fra"


@cache
def tessdata() -> tuple[str | None, str]:
    """The folder holding the Arabic and French models, or None and the reason."""
    try:
        import tesserocr  # noqa: F401
    except ImportError as exc:  # the wheel bundles Tesseract itself
        return None, f"tesserocr cannot load ({exc})"
    given = os.environ.get("TESSDATA_PREFIX")
    places = [given, *_TESSDATA] if given else list(_TESSDATA)
    for place in places:
        folder = Path(place)
        if all((folder / f"{lang}.traineddata").exists() for lang in LANGUAGES.split("+")):
            return str(folder), ""
    return None, f"no Tesseract models for {LANGUAGES} ({INSTALL})"


def binarize(image: Any) -> Any:
    """A greyscale page lightly blurred, then black and white at Otsu's threshold."""
    from PIL import Image, ImageFilter

    pixels = np.asarray(image.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.uint8)
    hist = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(hist)
    mass = np.cumsum(hist * levels)
    background = weight[-1] - weight
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mass[-1] * weight - mass * weight[-1]) ** 2 / (weight * background)
    threshold = int(np.nanargmax(np.where(np.isfinite(between), between, np.nan)))
    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8))


def ink_bands(pixels: np.ndarray, min_height: int) -> list[tuple[int, int, int, int]]:
    """Horizontal bands of ink (left, top, right, bottom) of a greyscale page: runs of
    rows where at least 1% of the width is dark, ``min_height`` rows or taller."""
    dark = pixels < 128
    rows = dark.sum(axis=1) >= max(3, pixels.shape[1] // 100)
    bands, start = [], None
    for y, inked in enumerate([*rows.tolist(), False]):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            if y - start >= min_height:
                columns = np.flatnonzero(dark[start:y].any(axis=0))
                bands.append((int(columns[0]), start, int(columns[-1]) + 1, y))
            start = None
    return bands


def _uncovered(pixels: np.ndarray, words: list[OcrWord]) -> list[tuple[int, int, int, int]]:
    """Bands of ink no word overlaps for at least half the band's height."""
    if not words:
        return []
    heights = sorted(w.height for w in words)
    typical = heights[len(heights) // 2]
    found = []
    for left, top, right, bottom in ink_bands(pixels, max(4, typical // 2)):
        if bottom - top > 3 * typical:
            continue  # a figure, or lines run together: not one line
        covered = any(
            min(bottom, w.top + w.height) - max(top, w.top) >= (bottom - top) / 2
            and w.left < right
            and w.left + w.width > left
            for w in words
        )
        if not covered:
            found.append((left, top, right, bottom))
    return found


def _read_region(api: Any, box: tuple[int, int, int, int], pad: int) -> list[OcrWord]:
    left, top, right, bottom = box
    api.SetRectangle(
        max(0, left - pad), max(0, top - pad), right - left + 2 * pad, bottom - top + 2 * pad
    )
    return parse_tsv(api.GetTSVText(0), 0, DPI).words


def _second_looks(image: Any, words: list[OcrWord], api_line: Any, api_ara: Any) -> list[OcrWord]:
    """Words of skipped lines added, doubtful Latin words in Arabic lines re-read."""
    import tesserocr

    pixels = np.asarray(image)
    out = list(words)
    skipped = _uncovered(pixels, words)
    if skipped:
        api_line.SetImage(image)
    for box in skipped:
        api_line.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)
        found = [w for w in _read_region(api_line, box, pad=4) if w.text.strip()]
        if not found:  # what made the page's pass skip the line may skip it again
            api_line.SetPageSegMode(tesserocr.PSM.RAW_LINE)
            found = _read_region(api_line, box, pad=4)
        # put the line after the last line above it: its key sorts right after that one
        above = [w for w in out if w.top + w.height <= box[1] + 2 and len(w.line) == 3]
        key = max((w.line for w in above), default=(0, 0, 0))
        out += [replace(w, line=(*key, box[1])) for w in found if w.text.strip()]
    lines: dict[tuple, list[OcrWord]] = {}
    for word in out:
        lines.setdefault(word.line, []).append(word)
    doubtful = [
        word
        for line_words in lines.values()
        if sum(bool(_ARABIC.search(w.text)) for w in line_words) * 2 > len(line_words)
        for word in line_words
        if _LATIN.search(word.text) and word.conf < LATIN_DOUBT
    ]
    if doubtful:
        api_ara.SetImage(image)
        api_ara.SetPageSegMode(tesserocr.PSM.SINGLE_WORD)
    for word in doubtful:
        box = (word.left, word.top, word.left + word.width, word.top + word.height)
        again = [w for w in _read_region(api_ara, box, pad=3) if w.text.strip()]
        text = " ".join(w.text for w in again)
        conf = min((w.conf for w in again), default=0.0)
        if _ARABIC.search(text) and not _LATIN.search(text) and conf > word.conf:
            out[out.index(word)] = replace(word, text=text, conf=conf)
    return out


def ocr_pdf_pages(data: bytes, pages: Sequence[int], dpi: int = DPI) -> Iterator[OcrPage]:
    """Read the given 1-based pages of a PDF, one rendered page in memory at a time."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        with Reader() as reader:
            for number in pages:
                page = pdf[number - 1]
                try:
                    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
                finally:
                    page.close()
                yield reader.read(image, number, dpi)
                del image
    finally:
        pdf.close()


class Reader:
    """Tesseract with the page model (ara+fra), a line reader and the Arabic model."""

    def __enter__(self) -> Reader:
        import tesserocr

        folder, reason = tessdata()
        if folder is None:
            raise RuntimeError(reason)
        self._apis = [
            tesserocr.PyTessBaseAPI(path=folder + "/", lang=LANGUAGES),
            tesserocr.PyTessBaseAPI(path=folder + "/", lang=LANGUAGES),
            tesserocr.PyTessBaseAPI(path=folder + "/", lang="ara"),
        ]
        return self

    def __exit__(self, *exc: object) -> None:
        for api in self._apis:
            api.End()

    def read(self, image: Any, number: int, dpi: int) -> OcrPage:
        """One page image's words, with the second looks."""
        page_api, line_api, ara_api = self._apis
        image = binarize(image.convert("L"))
        page_api.SetImage(image)
        page_api.SetSourceResolution(dpi)
        page = parse_tsv(page_api.GetTSVText(0), number, dpi)
        page.words = _second_looks(image, page.words, line_api, ara_api)
        return page
