"""Unicode and whitespace normalisation shared by every extraction path."""

from __future__ import annotations

import re
import unicodedata

TATWEEL = "\u0640"
_SPACES = re.compile(r"\s+")
# Arabic-Indic and Eastern Arabic-Indic digits as ASCII digits
ASCII_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalize_text(raw: str) -> str:
    """NFC, drop tatweel, collapse every run of whitespace to one space, and trim."""
    text = unicodedata.normalize("NFC", raw).replace(TATWEEL, "")
    return _SPACES.sub(" ", text).strip()


def decode_utf8(data: bytes) -> tuple[str, list[str]]:
    """Decode snapshot bytes as UTF-8 (a BOM is dropped).

    Invalid bytes become U+FFFD and are reported as a warning, never dropped silently.
    """
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8-sig", errors="replace")
        bad = text.count("\ufffd") - data.decode("utf-8-sig", errors="ignore").count("\ufffd")
        return text, [f"invalid UTF-8 from byte {exc.start}: {bad} character(s) replaced"]
