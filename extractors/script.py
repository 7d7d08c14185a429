"""Script and language of a piece of text, decided from its letters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_WORD = re.compile(r"[^\W\d_]+")
# URLs and e-mail addresses are Latin letters whatever the language around them
URL_OR_MAIL = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+|\S+\.(?:ma|org|com|net|fr)(?:/\S*)?", re.I
)
CID = re.compile(r"\(cid:\d+\)")  # a glyph pdfminer could not map: no letter, no script
# glyphs whose font gave no letter: private-use code points (but U+F020-F0FF, where symbol
# fonts such as Symbol and Wingdings put their bullets and signs) and noncharacters
UNMAPPED = re.compile("[\ue000-\uf01f\uf100-\uf8ff\ufffe\uffff]")


def is_unmapped(ch: str) -> bool:
    """A glyph whose font gave no letter (see ``UNMAPPED``)."""
    return UNMAPPED.match(ch) is not None


# Common function words: general language knowledge, not taken from any corpus document.
_FUNCTION_WORDS = {
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "are",
            "for",
            "with",
            "you",
            "your",
            "this",
            "that",
            "it",
            "on",
            "as",
            "be",
            "by",
            "or",
            "from",
            "have",
            "has",
            "not",
            "will",
            "can",
            "an",
            "at",
            "was",
            "were",
            "their",
            "they",
            "which",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "des",
            "et",
            "du",
            "de",
            "un",
            "une",
            "est",
            "sont",
            "pour",
            "en",
            "au",
            "aux",
            "sur",
            "dans",
            "vous",
            "votre",
            "avec",
            "par",
            "que",
            "qui",
            "ne",
            "pas",
            "plus",
            "ce",
            "cette",
            "ou",
            "nous",
            "leur",
            "été",
            "être",
        ]
    ),
}


def is_arabic_letter(ch: str) -> bool:
    """True for letters of the Arabic script (base and presentation-form blocks)."""
    cp = ord(ch)
    return (
        0x0600 <= cp <= 0x06FF
        or 0x0750 <= cp <= 0x077F
        or 0x08A0 <= cp <= 0x08FF
        or 0xFB50 <= cp <= 0xFDFF
        or 0xFE70 <= cp <= 0xFEFF
    ) and unicodedata.category(ch).startswith("L")


def arabic_share(text: str) -> float:
    """Share of the letters in ``text`` that are Arabic (0 when there are no letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(is_arabic_letter(ch) for ch in letters) / len(letters)


def detect_language(text: str, allowed: Sequence[str] = ()) -> str | None:
    """Guess the ISO 639-1 language of ``text``.

    Arabic is decided by script. Latin text is French or English by function words; when
    ``allowed`` (the source's declared languages) names only one of them, that one wins.
    Returns None for text with no letters. URLs and e-mail addresses do not count, unless
    the text is nothing else; ``(cid:N)`` placeholders never do.
    """
    text = CID.sub(" ", text)  # (cid:N) placeholders are glyphs of unknown script
    prose = URL_OR_MAIL.sub(" ", text)
    if any(ch.isalpha() for ch in prose):
        text = prose
    letters = sum(ch.isalpha() for ch in text)
    if not letters:
        return None
    if arabic_share(text) >= 0.5:
        return "ar"
    latin = [lang for lang in ("fr", "en") if lang in allowed] or ["fr", "en"]
    if len(latin) == 1:
        return latin[0]
    words = [w.lower() for w in _WORD.findall(text)]
    scores = {lang: sum(w in _FUNCTION_WORDS[lang] for w in words) for lang in latin}
    best = max(latin, key=lambda lang: scores[lang])
    if scores[best] == 0 and allowed:
        return next((lang for lang in allowed if lang != "ar"), best)
    return best


def direction(lang: str | None) -> str | None:
    """Base direction for a language code."""
    if lang is None:
        return None
    return "rtl" if lang in {"ar", "fa", "ur", "he"} else "ltr"
