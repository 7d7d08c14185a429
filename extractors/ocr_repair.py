"""Arabic words OCR misread, corrected against the lexicon.

OCR errors are their own family, unlike a PDF's broken font maps: Tesseract reads the
letter's body (its rasm) well and its dots less well, and mistakes one dotted sibling for
another (ب ت ث ن ي, ج ح خ, س ش, ص ض, ط ظ, ع غ, ف ق, د ذ, ر ز), and drops the small marks:
the hamza on alef, waw and yeh, teh marbuta's dots. So an Arabic word of an OCR'd block
that the lexicon does not know is read again with one or two of its letters swapped for a
sibling, and a word it knows with its small marks put back or taken away; the reading the
lexicon knows best wins when it is common enough and clearly ahead. The
correction is recorded as a repair (rule ``ocr-confusion``) with the other readings as
candidates; ``raw_text`` keeps what OCR read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import combinations

from .arabic import Lexicon, default_lexicon
from .models import Block, Candidate, Repair
from .user_repairs import replace_next_word

RULE = "ocr-confusion"
SIBLINGS = (
    "بتثني",
    "ىي",
    "ئيى",
    "جحخ",
    "دذ",
    "رز",
    "سش",
    "صض",
    "طظ",
    "عغ",
    "فق",
    "هة",
    "اأإآ",
    "وؤ",
)
# the small marks OCR drops or adds: hamza on its seats, teh marbuta's dots, alef maqsura
MARKS = ("اأإآ", "هة", "ىي", "وؤ", "يئ")
MIN_ZIPF = 2.5  # a correction must be at least this common (Zipf scale)
MARGIN = 0.7  # and ahead of the next reading by this much
KNOWN_MARGIN = 0.8  # a known word gives way only to a reading this much commoner
MAX_SWAPS = 2
_ARABIC_WORD = re.compile(r"[\u0621-\u064A]+")


def _swap_table(groups: tuple[str, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for group in groups:
        for letter in group:
            others = table.get(letter, "") + group.replace(letter, "")
            table[letter] = "".join(dict.fromkeys(others))
    return table


_SIBLING_SWAPS = _swap_table(SIBLINGS)
_MARK_SWAPS = _swap_table(MARKS)


def readings(
    word: str, swaps: int = MAX_SWAPS, table: dict[str, str] = _SIBLING_SWAPS
) -> Iterator[str]:
    """``word`` with one to ``swaps`` of its letters replaced by a sibling in ``table``."""
    places = [i for i, letter in enumerate(word) if letter in table]
    for count in range(1, min(swaps, len(places)) + 1):
        for chosen in combinations(places, count):
            partial = [word]
            for i in chosen:
                partial = [w[:i] + s + w[i + 1 :] for w in partial for s in table[w[i]]]
            yield from partial


def best_reading(word: str, lexicon: Lexicon) -> tuple[str, float, list[Candidate]] | None:
    """The reading of ``word`` the lexicon knows best, with its confidence and the readings
    it beat; None when none is common enough and clearly ahead. A word the lexicon knows
    is only read again for its small marks (``MARKS``), and gives way only to a reading
    ``KNOWN_MARGIN`` commoner: web text, which the lexicon counts, often drops them too."""
    if len(word) < 2 or len(word) > 15:
        return None
    own = lexicon.zipf(word)
    if own > 0:
        found = set(readings(word, 2, _MARK_SWAPS))
        floor = own + KNOWN_MARGIN
    else:
        found = set(readings(word, MAX_SWAPS if len(word) >= 4 else 1))  # short: 1 swap
        floor = MIN_ZIPF
    scored = sorted(((lexicon.zipf(r), r) for r in found), reverse=True)[:5]
    scored = [(z, r) for z, r in scored if z > 0]
    if not scored or scored[0][0] < floor:
        return None
    runner_up = max(scored[1][0] if len(scored) > 1 else 0.0, own)
    if scored[0][0] - runner_up < MARGIN:
        return None
    confidence = min(0.95, 0.5 + (scored[0][0] - runner_up) / 6)
    return scored[0][1], round(confidence, 3), [Candidate(text=r, score=z) for z, r in scored]


def correct_ocr(blocks: Sequence[Block], domain_words: Sequence[str] = ()) -> int:
    """Correct misread Arabic words in OCR'd blocks, in place; return how many."""
    lexicon = Lexicon("ar", domain_words) if domain_words else default_lexicon()
    fixed = 0
    for block in blocks:
        if not block.ocr:
            continue
        where = 0
        for match in list(_ARABIC_WORD.finditer(block.text)):
            word = match.group(0)
            found = best_reading(word, lexicon)
            if found is None:
                continue
            result, confidence, candidates = found
            block.text, where = replace_next_word(block.text, word, result, where)
            low = next((r for r in block.repairs if r.rule == "ocr" and r.original == word), None)
            if low is not None:
                block.repairs.remove(low)
            block.repairs.append(
                Repair(
                    original=word,
                    result=result,
                    rule=RULE,
                    confidence=confidence,
                    uncertain=confidence < 0.6,
                    candidates=candidates,
                )
            )
            fixed += 1
    return fixed
