"""Stage 2: fixes that need no lexicon to choose, only to accept a trial.

Presentation forms, mojibake trial decodes, reversed lines, visual-order mixed lines and
mirrored brackets. Each returns the new line (or None when it does not apply).
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
from bidi import get_display

from .detect import (
    FFFD,
    MIRRORED_BRACKETS,
    MOJIBAKE_CP1256_AS_LATIN1,
    MOJIBAKE_UTF8_AS_CP1252,
    MOJIBAKE_UTF8_AS_CP1256,
    PRESENTATION_FORMS,
    REVERSED_ARABIC,
    first_strong_is_latin,
    has_arabic,
    has_latin,
)
from .lexicon import Lexicon

_ARABIC_WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3]{2,}")
_MIRROR = str.maketrans("()[]{}", ")(][}{")
_LIST_MARKER = re.compile(r"\s*(?:\d{1,3}|[\u0621-\u064a]{1,2})\s?([()\[\]])")
_LATIN_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f]\S*")  # leading punctuation stays neutral
_PUA = 0xE000  # private-use characters are strong left-to-right in the bidi algorithm
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_AL_STANDIN = "\u06bb"  # a rare Arabic letter standing in for U+FFFD as a strong letter


def display(text: str, base_dir: str) -> str:
    """python-bidi's reordering with U+FFFD taken as a strong Arabic letter (it stands for
    one), not as the neutral the algorithm would make it. Reordering is its own inverse
    here, so this turns visual order into logical order as well as the other way."""
    if _AL_STANDIN in text:
        return get_display(text, base_dir=base_dir)
    return get_display(text.replace(FFFD, _AL_STANDIN), base_dir=base_dir).replace(
        _AL_STANDIN, FFFD
    )


def arabic_coverage(text: str, lexicon: Lexicon) -> float:
    return lexicon.coverage(_ARABIC_WORD.findall(text))


def presentation_forms(line: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """Arabic presentation forms (U+FB50-FDFF, U+FE70-FEFF) back to base letters by NFKC.

    Presentation forms say nothing about order, so the direction is decided apart: the
    line is also read backwards (reversed *before* NFKC, so that a ligature's letters
    come out in order), and kept so when the lexicon covers much more of it that way.
    """
    if not PRESENTATION_FORMS.search(line):
        return None
    forward = unicodedata.normalize("NFKC", line)
    backward = unicodedata.normalize("NFKC", line[::-1])
    if arabic_coverage(backward, lexicon) >= arabic_coverage(forward, lexicon) + 0.25:
        return "presentation-forms+reversed-line", backward
    return "presentation-forms", forward


def _cp1256_as_latin1(line: str) -> str:
    return line.encode("latin-1").decode("cp1256")


def _utf8_as_cp1256(line: str) -> str:
    return line.encode("cp1256").decode("utf-8")


def _utf8_as_cp1252(line: str) -> str:
    return ftfy.fix_text(line, uncurl_quotes=False, normalization="NFC")


_TRIALS = (
    ("mojibake-utf8-as-cp1252", MOJIBAKE_UTF8_AS_CP1252, _utf8_as_cp1252),
    ("mojibake-utf8-as-cp1256", MOJIBAKE_UTF8_AS_CP1256, _utf8_as_cp1256),
    ("mojibake-cp1256-as-latin1", MOJIBAKE_CP1256_AS_LATIN1, _cp1256_as_latin1),
)


def mojibake(line: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """Try the trial decodes whose signature the line carries; keep one only if the
    signature is gone and the lexicon reads the result as Arabic. Returns (rule, line)."""
    before = arabic_coverage(line, lexicon)
    for rule, signature, decode in _TRIALS:
        if not signature.search(line):
            continue
        try:
            fixed = decode(line)
        except (UnicodeError, ValueError):
            continue
        cured = not signature.search(fixed)  # wordfreq knows some mojibake words from the web
        if fixed != line and cured and arabic_coverage(fixed, lexicon) >= max(0.5, before - 0.1):
            return rule, fixed
    return None


def reversed_line(line: str, lexicon: Lexicon) -> str | None:
    """A line stored in visual order (characters reversed): read it backwards when the
    lexicon covers much more of it that way."""
    if not REVERSED_ARABIC.search(line):
        return None
    backwards = line[::-1]
    forward_cov = arabic_coverage(line, lexicon)
    if arabic_coverage(backwards, lexicon) >= forward_cov + 0.25:
        return backwards
    return None


def visual_runs(line: str) -> str | None:
    """A damaged mixed Arabic/Latin line whose runs come in visual order: reorder it.

    The extractor ran the bidi algorithm over visual text with U+FFFD as a neutral; we
    undo that pass, then run the algorithm again with U+FFFD as a strong Arabic letter.
    Latin tokens are held as single strong left-to-right stand-ins, so their trailing
    punctuation stays with them.
    """
    if FFFD not in line or not has_latin(line) or not has_arabic(line.replace(FFFD, "")):
        return None
    if not first_strong_is_latin(line) or _AL_STANDIN in line or _PRIVATE_USE.search(line):
        return None  # private-use code points are the stand-ins: a line holding some is left
    tokens: list[str] = []

    def hold(match: re.Match[str]) -> str:
        tokens.append(match.group())
        return chr(_PUA + len(tokens) - 1)

    held = _LATIN_TOKEN.sub(hold, line)
    if len(tokens) > 6000:
        return None
    visual = get_display(held, base_dir="L")
    logical = display(visual, "R")
    restored = _PRIVATE_USE.sub(lambda m: tokens[ord(m.group()) - _PUA], logical)
    return " ".join(restored.split()) if restored != line else None


def mirrored_brackets(line: str) -> str | None:
    """In a right-to-left line, the brackets were mirrored when its first bracket closes,
    or when the line only reads well-formed with them swapped (a list marker «أ(» or
    «2(» that was «أ)» or «2)»)."""
    if not has_arabic(line) or not any(ch in line for ch in "()[]"):
        return None
    if not MIRRORED_BRACKETS.search(line) and _well_formed(line):
        return None
    letters = [c for c in line if c.isalpha() or c == FFFD]
    arabic = sum(1 for c in letters if has_arabic(c))
    if arabic * 2 < len(letters):
        return None
    fixed = line.translate(_MIRROR)
    return fixed if _well_formed(fixed) else None


def _well_formed(line: str) -> bool:
    """Brackets balanced, a list marker's closing bracket at the line's start apart."""
    marker = _LIST_MARKER.match(line)
    if marker and marker.group(1) in ")]":
        line = line[: marker.start(1)] + line[marker.end(1) :]
    return _balanced(line)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
