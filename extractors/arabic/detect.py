"""Stage 1: detect damage per line and per token, without a lexicon.

One compiled pattern answers "could this line need repair?", so clean text passes at
close to the speed of plain normalisation.
"""

from __future__ import annotations

import re

FFFD = "\ufffd"
ARABIC_LETTER = r"\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF"
_PRESENTATION = r"\uFB50-\uFDFF\uFE70-\uFEFF"

# Signatures, each a family of damage.
PRESENTATION_FORMS = re.compile(f"[{_PRESENTATION}]")
CID = re.compile(r"\(cid:\d+\)")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HAMZA_SPLIT = re.compile("ا([أإآ])")  # a joined hamza-alef written as alef + hamza-alef
MOJIBAKE_UTF8_AS_CP1252 = re.compile(
    "[ØÙÚÛ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
MOJIBAKE_UTF8_AS_CP1256 = re.compile(
    "[طظ][\u00a7\u00a0-\u00bf\u201e\u2026\u2020\u2021\u0679\u067e\u0686\u0688\u0691\u06a9\u06af\u06ba\u06be\u2030]|ظ„"
)
MOJIBAKE_CP1256_AS_LATIN1 = re.compile("[\u00c0-\u00ff]{3,}")
# No Arabic word starts with ة or ى; reversed text ends many words with the article's لا.
REVERSED_ARABIC = re.compile(f"(?:^|\\s)[ةى][{ARABIC_LETTER}]|[{ARABIC_LETTER}]{{2,}}لا(?:\\s|$)")
MIRRORED_BRACKETS = re.compile(r"^[^()\[\]]*[)\]]")  # the first bracket closes

ANY_DAMAGE = re.compile(
    "|".join(
        p.pattern
        for p in (
            re.compile(FFFD),
            PRESENTATION_FORMS,
            CID,
            CONTROL,
            HAMZA_SPLIT,
            MOJIBAKE_UTF8_AS_CP1252,
            MOJIBAKE_UTF8_AS_CP1256,
            MOJIBAKE_CP1256_AS_LATIN1,
            REVERSED_ARABIC,
            MIRRORED_BRACKETS,
        )
    )
)
TOKEN_DAMAGE = re.compile(f"{FFFD}|{CID.pattern}|{CONTROL.pattern}|{HAMZA_SPLIT.pattern}")
_ARABIC = re.compile(f"[{ARABIC_LETTER}{FFFD}]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def may_need_repair(line: str) -> bool:
    """Cheap test: does the line carry any signature of damage?"""
    return ANY_DAMAGE.search(line) is not None


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
