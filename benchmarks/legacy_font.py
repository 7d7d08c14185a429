"""Arabic set in a legacy font, simulated: what older Moroccan PDFs hold as text.

A legacy Arabic font puts its glyphs on Latin-1 (Windows-1252) code points. Each glyph is
a letter in one of its joining forms (isolated, initial, medial, final), or a lam-alef
ligature, so one letter has up to four codes. The text layer is in visual order (right to
left, digits left to right), and a Latin character stands for the space (``<`` in the real
2012 guide of issue 19). Here Arabic text is shaped (arabic-reshaper: presentation forms,
lam-alef ligatures only), laid out (python-bidi), and each presentation form replaced by a
code from a random table, one table per "font" (``seed``). Harakat, tatweel and
punctuation are dropped; digits keep their codes. Used by bench_legacy_font.py and tests;
never by product code.
"""

from __future__ import annotations

import random
import re

import arabic_reshaper
from arabic_reshaper import reshaper_config
from bidi.algorithm import get_display

# the code points a legacy font may use: Latin-1 and Windows-1252 letters and symbols,
# never digits, spaces or the punctuation a text keeps as it is
CODES = [
    chr(c)
    for c in [*range(0x21, 0x7F), *range(0xA1, 0x100)]
    if not chr(c).isdigit() and chr(c) not in ".,:;!?()-'\"%/ <\xad"
] + list("‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")
_CONFIG = {  # lam-alef ligatures only (not lam with alef maqsura)
    key: ("LAM WITH ALEF" in key and "MAKSURA" not in key)
    for key in reshaper_config.default_config
    if key.startswith("ARABIC LIGATURE")
}
_RESHAPER = arabic_reshaper.ArabicReshaper(
    configuration={"delete_harakat": True, "support_ligatures": True, **_CONFIG}
)
_KEEP = re.compile(r"[^\u0621-\u064A0-9 ]+")


def clean(text: str) -> str:
    """The letters, digits and single spaces of ``text``: what the simulator encodes."""
    return " ".join(_KEEP.sub(" ", text.replace("\u0640", "")).split())


def encode(lines: list[str], seed: int, space: str = "<") -> tuple[list[str], dict[str, str]]:
    """``lines`` as a legacy font with table ``seed`` lays them out; returns the coded
    lines and the table (presentation form -> code)."""
    rng = random.Random(seed)
    codes = [c for c in CODES if c != space]
    rng.shuffle(codes)
    table: dict[str, str] = {}
    out = []
    for line in lines:
        visual = get_display(_RESHAPER.reshape(clean(line)), base_dir="R")
        coded = []
        for ch in visual:
            if ch == " ":
                coded.append(space)
            elif ch.isdigit():
                coded.append(ch)
            else:
                if ch not in table:
                    table[ch] = codes[len(table)]
                coded.append(table[ch])
        out.append("".join(coded))
    return out, table
