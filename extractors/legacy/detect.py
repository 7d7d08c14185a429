"""Telling legacy-font Arabic from Latin-script text: a run of Latin-1 (Windows-1252)
characters with many accented letters and symbols, whose words no Latin-script language
knows."""

from __future__ import annotations

import unicodedata
from functools import cache

_LANGUAGES = ("fr", "en", "es")
MIN_CHARACTERS = 8
SYMBOL_SHARE = 0.35  # accented letters, cp1252 extras and symbols among its characters
KNOWN_SHARE = 0.2  # at most this share of its words in a Latin-script lexicon


@cache
def _known(lang: str) -> frozenset[str]:
    from wordfreq import top_n_list

    return frozenset(top_n_list(lang, 100_000))


def _coded_character(ch: str) -> bool:
    if (
        "\u00c0" <= ch <= "\u00ff"
        or ch in "\u0192\u02c6\u02dc\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    ):
        return True
    if "\u2013" <= ch <= "\u203a":  # Windows-1252's quotes, daggers, bullets
        return True
    return ch.isascii() and not ch.isalnum() and not ch.isspace() and ch not in ".,;:!?'\"()-"


def looks_coded(text: str) -> bool:
    """Whether ``text`` reads as Arabic set in a legacy font rather than as a language."""
    chars = [ch for ch in text if not ch.isspace()]
    if len(chars) < MIN_CHARACTERS:
        return False
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False  # Arabic letters, or anything a legacy font cannot hold
    if any(unicodedata.category(ch).startswith("C") for ch in chars):
        return False
    if sum(_coded_character(ch) for ch in chars) < SYMBOL_SHARE * len(chars):
        return False
    words = [w.strip(".,;:!?()\"'").lower() for w in text.split()]
    words = [w for w in words if w]
    if not words:
        return False
    known = max(sum(w in _known(lang) for w in words) / len(words) for lang in _LANGUAGES)
    return known <= KNOWN_SHARE


def flag_coded_blocks(blocks: list, declared: tuple[str, ...] | list[str]) -> list[str]:
    """Blocks that read as legacy-font Arabic lose their language (they are no French);
    returns their ids. Only in a document that holds or declares Arabic, or that is mostly
    such blocks."""
    coded = [b for b in blocks if not b.furniture and looks_coded(b.raw_text)]
    if not coded:
        return []
    arabic = "ar" in declared or any(b.lang == "ar" for b in blocks)
    if not arabic and len(coded) * 3 < len([b for b in blocks if not b.furniture]):
        return []
    for block in coded:
        block.lang, block.dir = None, None
    return [b.id for b in coded]
