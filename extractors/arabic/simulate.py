"""A garbling simulator: apply the damage measured on the CNOPS leaflet to clean Arabic.

The rules follow each letter's joined form (see ``candidates``): an alef not joined from
before becomes U+FFFD; a hamza-alef becomes ``�أ`` isolated or ``اأ`` joined; a joined waw
becomes U+FFFD and a joined waw-hamza ``�ؤ``; the seen letters become ``�س`` in joined
forms and ``�ض`` at a word's end; a joined lam-alef may lose its alef; and two words may
run together. Used by tests and the synthetic benchmark.
"""

from __future__ import annotations

import random
import re

from .candidates import NON_JOINING, SEEN
from .detect import FFFD

_WORD = re.compile(r"[\u0621-\u064A]+")
_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]")
_ARABIC_END = re.compile(f"[\u0621-\u064a{FFFD}]$")
_ARABIC_START = re.compile(f"[\u0621-\u064a{FFFD}]")


def garble_word(word: str, rng: random.Random, lam_alef_loss: float = 1 / 3) -> str:
    """One Arabic word with the leaflet's damage applied."""
    out: list[str] = []
    n = len(word)
    i = 0
    while i < n:
        ch = word[i]
        joined_before = i > 0 and word[i - 1] not in NON_JOINING
        last = i == n - 1
        if (
            ch == "ل"
            and i + 1 < n
            and word[i + 1] == "ا"
            and joined_before
            and rng.random() < lam_alef_loss
        ):
            out.append("ل")
            i += 2
            continue
        if ch == "ا":
            out.append("ا" if joined_before else FFFD)
        elif ch in "أإآ":
            out.append(("ا" if joined_before else FFFD) + ch)
        elif ch == "و":
            out.append(FFFD if joined_before else "و")
        elif ch == "ؤ":
            out.append(FFFD + "ؤ" if joined_before else "ؤ")
        elif ch in SEEN:
            out.append(FFFD + ("ض" if last else "س"))
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def strip_marks(text: str) -> str:
    """Text without diacritics or tatweel, as the damaged PDFs carry none."""
    return _MARKS.sub("", text)


def garble(text: str, seed: int = 0, glue: float = 0.01, lam_alef_loss: float = 1 / 3) -> str:
    """Garble every Arabic word of ``text`` (diacritics dropped); with probability ``glue``
    two Arabic words run together. Deterministic for a given seed.

    The default rate of lam-alef loss is the leaflet's: 2 of its 6 joined lam-alefs."""
    rng = random.Random(seed)
    garbled = _WORD.sub(lambda m: garble_word(m.group(), rng, lam_alef_loss), strip_marks(text))
    if glue <= 0:
        return garbled
    parts = garbled.split(" ")
    out = [parts[0]]
    for part in parts[1:]:
        if (
            out[-1]
            and part
            and _ARABIC_END.search(out[-1])
            and _ARABIC_START.match(part)
            and rng.random() < glue
        ):
            out[-1] += part
        else:
            out.append(part)
    return " ".join(out)
