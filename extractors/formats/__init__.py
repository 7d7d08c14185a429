"""Formats: snapshot bytes in, blocks out (plain text, HTML, PDF), each block with its raw
text, type and provenance; ``sniff_kind`` tells the format from the first bytes."""

from .errors import FormatError
from .html import html_extract
from .ocr import OcrPage, OcrWord, parse_tsv
from .pdf import pdf_extract
from .sniff import sniff_kind
from .text import text_blocks

__all__ = [
    "FormatError",
    "OcrPage",
    "OcrWord",
    "html_extract",
    "parse_tsv",
    "pdf_extract",
    "sniff_kind",
    "text_blocks",
]
