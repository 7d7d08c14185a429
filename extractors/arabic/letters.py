"""Letter-level fixes in text that shows no other damage: Persian and Urdu letter forms in
Arabic words (ی ھ ہ ک, which some fonts' maps give for ي ه ه ك), a lam-alef ligature
whose two letters came out backwards ("العالجات" for "العلاجات"), and a last letter set
apart by a PDF's glyph positioning ("اللجن ة", "محتو ى").

All are decided by the lexicon word by word: a Persian form is mapped when that gives a
word the lexicon knows (the final yeh to ي or ى, whichever it knows better), never in a
word holding letters only Persian, Kurdish or Urdu use; a lam-alef is put back, and a lone
letter joined to the word before it, only when that gives a common word.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .lexicon import Lexicon, lookup_form

PERSIAN = "\u06cc\u06be\u06c1\u06a9"
_TO_ARABIC = str.maketrans({"\u06be": "\u0647", "\u06c1": "\u0647", "\u06a9": "\u0643"})
_FOREIGN = re.compile("[\u0679-\u06a8\u06aa-\u06bd\u06bf-\u06c0\u06c2-\u06cb\u06cd-\u06d3]")
_WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3]{3,}")
_INNER_AL = re.compile("\u0627\u0644(?<=[\u0621-\u064a]\u0627\u0644)")  # literal first: fast
_LONE_LETTER = re.compile(  # a space first (a fast scan), then the letter and its neighbours
    " [\u0621-\u0647\u0649-\u064a](?=$|[\\s.،,:;؛!؟?)])(?<=[\u0621-\u064a] .)"
)
_LONE_PAIR = re.compile(
    "([\u0621-\u064a\u0671-\u06d3]{2,}) ([\u0621-\u0647\u0649-\u064a])(?=$|[\\s.،,:;؛!؟?)])"
)
MIN_ZIPF = 3.0  # a restored lam-alef or a joined letter must give a common word


SAMPLE = 60  # words with an inner "ال" tried before a document is judged free of the family


def may_apply(text: str, lexicon: Callable[[], Lexicon]) -> bool:
    """Cheap test: does the text hold a Persian letter form, a letter standing alone after
    a word, or a backward lam-alef among its first ``SAMPLE`` candidate words (a word the
    lexicon does not know that the swap makes a common one; the family hits every
    lam-alef of a document, so a damaged one shows it early)?"""
    if any(ch in text for ch in PERSIAN) or _LONE_LETTER.search(text):
        return True
    seen: set[str] = set()
    for match in _INNER_AL.finditer(text):  # a literal search; the word is cut around it
        start = text.rfind(" ", 0, match.start()) + 1
        end = text.find(" ", match.end())
        word = _WORD.search(text, start, end if end != -1 else len(text))
        if word is None or word.group() in seen:
            continue
        seen.add(word.group())
        if fix_word(lookup_form(word.group()), lexicon()) is not None:
            return True
        if len(seen) >= SAMPLE:
            return False
    return False


def fix_word(word: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """(fixed word, rule) or None."""
    if any(ch in word for ch in PERSIAN):
        if _FOREIGN.search(word):
            return None  # a Persian, Kurdish or Urdu word (پ, ۆ, گ …), spelt its own way
        mapped = word.translate(_TO_ARABIC)
        if mapped.endswith("\u06cc"):
            stem = mapped[:-1].replace("\u06cc", "\u064a")
            mapped = max((stem + "\u064a", stem + "\u0649"), key=lexicon.zipf)
        mapped = mapped.replace("\u06cc", "\u064a")
        return (mapped, "persian-letters") if lexicon.known(mapped) else None
    if lexicon.known(word):
        return None
    candidates = [
        word[: m.start()] + "\u0644\u0627" + word[m.end() :] for m in _INNER_AL.finditer(word)
    ]
    best = max(candidates, key=lexicon.zipf, default=None)
    if best is not None and lexicon.zipf(best) >= MIN_ZIPF:
        return best, "lam-alef-order"
    return None


def _join_lone_letters(line: str, lexicon: Lexicon, fixes: list[tuple[str, str, str]]) -> str:
    """A single letter (not the conjunction و) standing after a word joins it when the two
    make a common word ("اللجن ة" -> "اللجنة"); a lone letter is no word of its own."""

    def join(match: re.Match[str]) -> str:
        word, letter = match.group(1), match.group(2)
        joined = word + letter
        if lexicon.zipf(joined) >= MIN_ZIPF:
            fixes.append((f"{word} {letter}", joined, "split-letter"))
            return joined
        return match.group()

    return _LONE_PAIR.sub(join, line)


def fix_letters(line: str, lexicon: Lexicon) -> tuple[str, list[tuple[str, str, str]]]:
    """The line with its words fixed, and (original, result, rule) for each fix."""
    fixes: list[tuple[str, str, str]] = []
    if _LONE_LETTER.search(line):
        line = _join_lone_letters(line, lexicon, fixes)

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        found = fix_word(lookup_form(word), lexicon)
        if found is None:
            return word
        fixes.append((word, *found))
        return found[0]

    return _WORD.sub(fix, line), fixes
