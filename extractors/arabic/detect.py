"""Stage 1: detect damage per line and per token, without a lexicon.

``may_need_repair`` answers "could this text need repair?" at close to the cost of plain
normalisation, so clean text passes through cheaply; the per-family patterns then run
only on what it lets through.
"""

from __future__ import annotations

import re

from ..script import CID

FFFD = "\ufffd"
ARABIC_LETTER = r"\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF"
_PRESENTATION = r"\uFB50-\uFDFF\uFE70-\uFEFF"

# Signatures, each a family of damage.
PRESENTATION_FORMS = re.compile(f"[{_PRESENTATION}]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HAMZA_SPLIT = re.compile("ا([أإآ])")  # a joined hamza-alef written as alef + hamza-alef
# the same after a lam is also the negation لا + a word (اللاإنسانية): damage only on a line
# that shows other damage
HAMZA_SPLIT_NOT_LA = re.compile("(?<!ل)ا[أإآ]")
MOJIBAKE_UTF8_AS_CP1252 = re.compile(
    "[ØÙÚÛ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
MOJIBAKE_UTF8_AS_CP1256 = re.compile(
    "[طظ][\u00a7\u00a0-\u00bf\u201e\u2026\u2020\u2021\u0679\u067e\u0686\u0688\u0691\u06a9\u06af\u06ba\u06be\u2030]|ظ„"
)
MOJIBAKE_CP1256_AS_LATIN1 = re.compile("[\u00c0-\u00ff]{3,}")
# No Arabic word starts with ة or ى; reversed text ends many words with the article's لا.
REVERSED_ARABIC = re.compile(
    f"(?<!\\S)[ةى][{ARABIC_LETTER}]|لا(?!\\S)(?<=[{ARABIC_LETTER}]{{2}}لا)"
)
MIRRORED_BRACKETS = re.compile(r"^[^()\[\]\n]*[)\]]", re.M)  # a line's first bracket closes

# The document-level test must cost about as little as normalising the text, so it is
# built from single-character searches (C speed) and patterns with a literal prefix;
# the exact per-family patterns above only run on what passes it.
_RARE_CHARS = (FFFD, "Ø", "Ù", "Ç", "\u00a7", "\u201e")  # U+FFFD; mojibake lead characters
# presentation forms come in runs (a word of three letters or more): a strided sample finds
# any run this long, a short word inside a French line included, at a quarter of the cost
_PF_STRIDE = 3
_REVERSED_END = re.compile(f"لا(?!\\S)(?<=[{ARABIC_LETTER}]{{2}}لا)")
TOKEN_DAMAGE = re.compile(f"{FFFD}|{CID.pattern}|{CONTROL.pattern}|{HAMZA_SPLIT.pattern}")
_ARABIC = re.compile(f"[{ARABIC_LETTER}{FFFD}]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def may_need_repair(text: str) -> bool:
    """Cheap test: could the text (a line or a whole document) need repair?

    ``(cid:N)`` and control characters are counted as damage elsewhere but never repaired,
    so they do not count here.
    """
    return (
        any(ch in text for ch in _RARE_CHARS)
        or HAMZA_SPLIT.search(text) is not None
        or PRESENTATION_FORMS.search(text[::_PF_STRIDE]) is not None
        or _REVERSED_END.search(text) is not None  # reversed text ends words with لا
        or ((")" in text or "]" in text) and _first_bracket_closes(text))
    )


def _first_bracket_closes(text: str) -> bool:
    """Is there a line whose first bracket is a closing one?"""
    for closer in ")]":
        at = text.find(closer)
        while at != -1:
            start = text.rfind("\n", 0, at) + 1
            if text.find("(", start, at) == -1 and text.find("[", start, at) == -1:
                return True
            at = text.find(closer, at + 1)
    return False


def is_damaged_token(token: str) -> bool:
    return TOKEN_DAMAGE.search(token) is not None


def damage_score(line: str) -> float:
    """Share of a line's tokens that carry damage (0 for a clean or empty line)."""
    tokens = line.split()
    if not tokens:
        return 0.0
    return sum(is_damaged_token(t) for t in tokens) / len(tokens)


def has_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None


def has_latin(text: str) -> bool:
    return _LATIN.search(text) is not None


def first_strong_is_latin(line: str) -> bool:
    """True when the first letter of the line is Latin (not Arabic and not U+FFFD)."""
    for ch in line:
        if _LATIN.match(ch):
            return True
        if _ARABIC.match(ch):
            return False
    return False
