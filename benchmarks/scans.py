"""Scanned-page material for the OCR benchmark and tests: text set on PDF pages (fpdf2,
HarfBuzz shaping, DejaVu Sans), pages rendered to images at a given resolution, images
degraded as scanners and copiers degrade them, and image-only PDFs built from them.

Degradations (each from a clean 300 dpi render):
- ``skew``: rotated by 1.5 degrees (a sheet fed askew);
- ``blur``: Gaussian blur, radius 1.2 px (out of focus);
- ``jpeg``: JPEG at quality 20 (a scanner's compression);
- ``noise``: Gaussian noise, sigma 30 grey levels (sensor noise);
- ``photocopy``: contrast up, blur, a hard threshold, 0.3% salt-and-pepper and a 0.7
  degree rotation (a copy of a copy).
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from fpdf import FPDF
from PIL import Image, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "tests" / "fixtures" / "pdf"
_ARABIC = re.compile("[\u0600-\u06ff]")


def text_pdf(paragraphs: list[str], size: float = 12) -> bytes:
    """Paragraphs set on A4 pages, each in its script's direction."""
    pdf = FPDF(format="A4")
    pdf.add_font("dv", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("dv", "", size)
    for text in paragraphs:
        strong = re.search(r"[A-Za-z\u00c0-\u024f\u0600-\u06ff]", text)
        rtl = bool(strong and _ARABIC.match(strong.group()))
        pdf.multi_cell(pdf.epw, size * 0.6, text, align="R" if rtl else "L")
        pdf.ln(size * 0.3)
    return bytes(pdf.output())


def render(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Every page as a greyscale image."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(doc))]
    finally:
        doc.close()


def _rotate(image: Image.Image, degrees: float) -> Image.Image:
    return image.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=255)


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def _noise(image: Image.Image, sigma: float, seed: int) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float32)
    noisy = pixels + np.random.default_rng(seed).normal(0, sigma, pixels.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def _photocopy(image: Image.Image, seed: int) -> Image.Image:
    image = ImageOps.autocontrast(image, cutoff=2).filter(ImageFilter.GaussianBlur(0.8))
    pixels = np.where(np.asarray(image) < 150, 0, 255).astype(np.uint8)
    rng = np.random.default_rng(seed)
    speckle = rng.random(pixels.shape)
    pixels[speckle < 0.0015] = 0
    pixels[speckle > 0.9985] = 255
    return _rotate(Image.fromarray(pixels), -0.7)


DEGRADATIONS: dict[str, Callable[[Image.Image, int], Image.Image]] = {
    "skew": lambda im, seed: _rotate(im, 1.5),
    "blur": lambda im, seed: im.filter(ImageFilter.GaussianBlur(1.2)),
    "jpeg": lambda im, seed: _jpeg(im, 20),
    "noise": lambda im, seed: _noise(im, 30, seed),
    "photocopy": lambda im, seed: _photocopy(im, seed),
}


def degrade(image: Image.Image, how: str, seed: int = 0) -> Image.Image:
    """``image`` degraded one way (see the module's docstring)."""
    random.seed(seed)
    return DEGRADATIONS[how](image, seed)


def image_pdf(images: list[Image.Image], dpi: int) -> bytes:
    """A PDF of page images only: no text layer, as a scanner makes it."""
    buffer = io.BytesIO()
    first, *rest = [im.convert("L") for im in images]
    first.save(buffer, format="PDF", resolution=dpi, save_all=True, append_images=rest)
    return buffer.getvalue()
