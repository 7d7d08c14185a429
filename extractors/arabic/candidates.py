"""Stage 3: choose among candidate spellings of a damaged token.

The damage follows each letter's joined form, so a U+FFFD can only stand for a few
letters, and each reading has a cost that depends on the letter before it:

- ``�`` + أ/إ/آ/ؤ is that hamza letter; ``ا`` + أ/إ/آ is a joined hamza-alef;
- ``�`` + س/ش/ص/ض is one of the four "seen" letters (a written ص or ش is evidence; a
  written س or ض, the damage's own forms, is not, so general letter frequency decides);
- a lone ``�`` is an alef where no letter joins it from before, a waw where one does;
- a lam may have lost the alef of a lam-alef.

Readings are scored by wordfreq frequency, minus their cost, plus a bonus when the same
spelling (or stem) appears undamaged elsewhere in the document.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from .context import ContextModel
from .detect import FFFD
from .lexicon import Lexicon

SEEN = "سشصض"
HAMZA_ALEF = "أإآ"
# Letters that never join the letter after them: after these (or at a word's start) a
# lost letter was an isolated alef; after any other letter, a joined waw.
NON_JOINING = set("ءآأؤإاٱةدذرزو")
ARABIC_LETTERS = {chr(c) for c in range(0x0621, 0x064B)}
BEAM = 96
_MEMO_LIMIT = 200_000
_SHORT_WORD_ZIPF = 5.5  # a two-letter word split off must be a common function word
_JOIN_MISMATCH = (
    4.0  # a joined alef or an unjoined waw is never damaged: only a lost space explains one
)
# How much rarer each seen letter is than س in Arabic text (log10 of the frequency ratio,
# general letter statistics): the prior when the written letter carries no information.
SEEN_PRIOR = {"س": 0.0, "ص": 0.41, "ش": 0.46, "ض": 0.72}
GENERIC_SEEN = "سض"  # the damage writes all four as س (joined forms) or ض (final forms)
OOV_PENALTY = 6.0
LAM_ALEF_COST = 1.0  # a joined lam-alef lost its alef in 2 of 6 on the leaflet
# a clean word the lexicon does not know is split into two words the context model has
# never seen side by side only when both are very common
_CLEAN_SPLIT_ZIPF = 4.5
_DAMAGED_SPLIT_ZIPF = 4.0  # the same for a damaged word, whose letters are less certain
_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف")
_SUFFIXES = ("هما", "كما", "هم", "هن", "كم", "نا", "ها", "ات", "ين", "ون", "ية", "ه", "ة", "ي")


@dataclass
class Choice:
    """The chosen reading of a token, with the evidence."""

    result: str
    rule: str
    confidence: float
    uncertain: bool
    candidates: list[tuple[str, float]] = field(default_factory=list)
    inserted: int = 0  # characters added beyond the token's own (lam-alef alefs, spaces)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A rough stem: one clitic prefix and one suffix off, for matching within a document."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_VERB_PREFIXES = ("است", "ي", "ت", "ن", "م", "أ", "ا")
_WEAK = str.maketrans("", "", "اويىةأإآ")


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """The word's consonant skeleton: clitics, one derivational prefix and weak letters
    off, so that يصرح, تصريحهم and التصريح all give صرح."""
    core = stem(word)
    for prefix in _VERB_PREFIXES:
        if core.startswith(prefix) and len(core) - len(prefix) >= 3:
            core = core[len(prefix) :]
            break
    return core.translate(_WEAK)


class DocumentContext:
    """Spellings seen undamaged in the same document: they win close calls.

    Counts are kept so that words can be withdrawn again (a line must not vote for its
    own earlier reading).
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        self.words: Counter[str] = Counter()
        self.stems: Counter[str] = Counter()
        self.skeletons: Counter[str] = Counter()
        self.version = 0
        self.add(words)

    def _update(self, words: Iterable[str], sign: int) -> None:
        self.version += 1
        for word in words:
            self.words[word] += sign
            self.stems[stem(word)] += sign
            bones = skeleton(word)
            if len(bones) >= 3:
                self.skeletons[bones] += sign

    def add(self, words: Iterable[str]) -> None:
        self._update(words, 1)

    def remove(self, words: Iterable[str]) -> None:
        self._update(words, -1)

    def bonus(self, word: str) -> float:
        if self.words[word] > 0:
            return 2.0
        if self.stems[stem(word)] > 0:
            return 1.5
        return 0.75 if self.skeletons[skeleton(word)] > 0 else 0.0


Slot = list[tuple[str, float, int]]  # readings of one position: (text, cost, rule bit)
_RULES = ("hamza", "seen", "alef-waw", "lam-alef")
_HAMZA, _SEEN, _ALEF_WAW, _LAM_ALEF = 1, 2, 4, 8


def _slots(core: str) -> list[Slot]:
    """The token as a sequence of slots, each with its possible readings. Runs of letters
    with a single reading are merged into one slot."""
    slots: list[Slot] = []
    fixed: list[str] = []

    def add(options: Slot) -> None:
        if fixed:
            slots.append([("".join(fixed), 0.0, 0)])
            fixed.clear()
        slots.append(options)

    i, n = 0, len(core)
    while i < n:
        ch, nxt = core[i], core[i + 1] if i + 1 < n else "\0"
        if ch == FFFD and (nxt in HAMZA_ALEF or nxt == "ؤ"):
            add([(nxt, 0.0, _HAMZA)])
            i += 2
        elif ch == FFFD and nxt in SEEN:
            add([(s, _seen_cost(s, nxt), _SEEN) for s in SEEN])
            i += 2
        elif ch == FFFD:
            add([("ا", 0.0, _ALEF_WAW), ("و", 0.0, _ALEF_WAW)])  # costs depend on the letter before
            i += 1
        elif ch == "ا" and nxt in HAMZA_ALEF:
            add([(nxt, 0.0, _HAMZA)])
            i += 2
        elif ch == "ل" and i > 0 and core[i - 1] not in NON_JOINING and _may_follow_lam(nxt):
            add([("ل", 0.0, 0), ("لا", LAM_ALEF_COST, _LAM_ALEF)])
            i += 1
        else:
            fixed.append(ch)
            i += 1
    if fixed:
        slots.append([("".join(fixed), 0.0, 0)])
    return slots


def rule_names(mask: int) -> str:
    return "+".join(name for bit, name in enumerate(_RULES) if mask & (1 << bit))


def _seen_cost(letter: str, written: str) -> float:
    """A generic written س/ض says only "one of the four"; a written ص or ش is evidence."""
    if written in GENERIC_SEEN:
        return SEEN_PRIOR[letter]
    return 0.0 if letter == written else 1.0


def _may_follow_lam(ch: str) -> bool:
    """A lam before this character could have lost a lam-alef's alef."""
    return (ch in ARABIC_LETTERS or ch == FFFD) and ch not in "اأإآى"


def _expand(slots: list[Slot]) -> list[tuple[str, float, int]]:
    """Every reading (beam-limited) with its total cost and the rules it used (bits)."""
    beam: list[tuple[str, float, int]] = [("", 0.0, 0)]
    for options in slots:
        if len(options) == 1 and options[0][2] != _ALEF_WAW:
            piece, piece_cost, rule = options[0]
            beam = [(text + piece, cost + piece_cost, rules | rule) for text, cost, rules in beam]
            continue
        grown = []
        for text, cost, rules in beam:
            for piece, piece_cost, rule in options:
                if rule == _ALEF_WAW:
                    joined = bool(text) and text[-1] not in NON_JOINING
                    piece_cost = 0.0 if piece == ("و" if joined else "ا") else _JOIN_MISMATCH
                grown.append((text + piece, cost + piece_cost, rules | rule))
        if len(grown) > BEAM:
            grown.sort(key=lambda c: c[1])
            grown = grown[:BEAM]
        beam = grown
    return beam


Reading = tuple[str, float, str, bool]  # text, score, rules, known word


def readings(core: str, lexicon: Lexicon) -> tuple[list[Reading], int]:
    """A core's distinct readings, best context-free score first, and how many of them are
    known words. Depends only on the core and the lexicon, so the lexicon keeps them."""
    cache = lexicon.memo
    found = cache.get(core)
    if found is None:
        best: dict[str, Reading] = {}
        for text, cost, rules in _expand(_slots(core)):
            z = lexicon.zipf(text)
            score = z - cost if z > 0 else -OOV_PENALTY - cost
            if text not in best or score > best[text][1]:
                best[text] = (text, score, rule_names(rules) or "letters", z > 0)
        ranked = sorted(best.values(), key=lambda r: -r[1])
        found = (ranked, sum(r[3] for r in ranked))
        if len(cache) < _MEMO_LIMIT:
            cache[core] = found
    return found


def _best_split(
    core: str, lexicon: Lexicon, context: DocumentContext, min_len: int, min_zipf: float
) -> tuple[str, float] | None:
    """Two words run together: the best split of the (damaged) core into two parts that
    each read as a known word. Each part is decoded on its own, so a letter at the start
    of the second word is read as word-initial."""
    best: tuple[str, float] | None = None
    for cut in range(2, len(core) - 1):
        left, right = core[:cut], core[cut:]
        if left.endswith(FFFD) or right[0] in HAMZA_ALEF + "ؤ":
            continue  # a pattern that belongs together
        parts = [_read(part, lexicon, context) for part in (left, right)]
        if any(
            len(text) < min_len
            or lexicon.zipf(text) < (_SHORT_WORD_ZIPF if len(text) == 2 else min_zipf)
            for text, _ in parts
        ):
            continue
        score = (parts[0][1] + parts[1][1]) / 2 - 1.0
        if best is None or score > best[1]:
            best = (f"{parts[0][0]} {parts[1][0]}", score)
    return best


def _read(core: str, lexicon: Lexicon, context: DocumentContext) -> tuple[str, float]:
    """The best reading of a core and its score (with the document's bonus), unsplit."""
    ranked, _ = readings(core, lexicon)
    bonus = context.version > 0
    return max(
        ((t, s + context.bonus(t) if bonus and k else s) for t, s, _, k in ranked),
        key=lambda ts: ts[1],
    )


def _confidence(gap: float) -> float:
    return round(1.0 - 0.5 * math.exp(-1.5 * max(gap, 0.0)), 3)


Neighbours = tuple[str | None, str | None]  # the words before and after, as read


def _in_context(
    ranked: list[Reading], model: ContextModel | None, neighbours: Neighbours
) -> list[Reading]:
    """Known readings rescored by the sentence: the bigram gains with both neighbours."""
    if model is None or neighbours == (None, None):
        return ranked
    before, after = neighbours
    return sorted(
        (
            (t, s + model.gain(before, t) + model.gain(t, after) if k else s, r, k)
            for t, s, r, k in ranked
        ),
        key=lambda x: -x[1],
    )


def choose(
    core: str,
    lexicon: Lexicon,
    context: DocumentContext,
    *,
    allow_split: bool = True,
    model: ContextModel | None = None,
    neighbours: Neighbours = (None, None),
) -> Choice:
    """Pick the reading of one damaged token core (letters, U+FFFD, no punctuation).

    With a context ``model``, the words around it vote among the known readings. A core
    is split into two words only when the pair reads clearly better than the whole; an
    undamaged core (a word the lexicon does not know: a name, a rare form) only when the
    model has seen the two words side by side, or both are very common words."""
    ranked, known_count = readings(core, lexicon)
    if known_count > 1 and context.version > 0:  # the document's words only settle close calls
        ranked = sorted(
            ((t, s + context.bonus(t) if k else s, r, k) for t, s, r, k in ranked),
            key=lambda x: -x[1],
        )
    if known_count > 1:
        ranked = _in_context(ranked, model, neighbours)
    best, best_score, rule, best_known = ranked[0]
    if allow_split and not best_known and len(core) >= 5:
        damaged = FFFD in core
        split = _best_split(core, lexicon, context, 2 if damaged else 3, 2.5 if damaged else 3.5)
        if split and model is not None:
            first, second = split[0].split(" ")
            if not (
                model.attested(first, second)
                or min(lexicon.zipf(first), lexicon.zipf(second))
                >= (_DAMAGED_SPLIT_ZIPF if damaged else _CLEAN_SPLIT_ZIPF)
            ):
                split = None  # an unknown word (a name, a rare form) stays whole
            else:
                split = (split[0], split[1] + model.gain(first, second))
        if split and split[1] > best_score:
            best, best_score, rule, best_known = split[0], split[1], f"{rule}+word-split", True
    runner_up = next((s for t, s, _, known in ranked if known and t != best), None)
    if runner_up is None:
        runner_up = ranked[1][1] if len(ranked) > 1 else best_score - 5
        uncertain = not best_known
    else:
        uncertain = best_score - runner_up < 0.5 or not best_known
    top = [(t, round(s, 3)) for t, s, _, _ in ranked[:5]]
    return Choice(
        best,
        rule,
        _confidence(best_score - runner_up),
        uncertain,
        top,
        max(0, len(best) - len(core)),
    )
