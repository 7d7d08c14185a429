"""Solving a legacy font's codes: which Arabic letter each Latin-1 code stands for.

The coded lines are put back in logical order (reversed, digit runs kept left to right)
and cut into words at the space stand-in: the commonest character, as the space is in
Arabic. Each code then gets a letter (or a lam-alef ligature; several codes may share
one, since a letter has up to four joining forms): first by frequency rank against the
letter model, then by simulated annealing and a final hill climb, on the words'
probability: a mixture of the word's own frequency (wordfreq) and, for the share of words
a lexicon lacks, the letter model's probability of its letters. A common word thus
outweighs a rare one of the same shape by its frequency, and a rare lexicon entry is worth
little more than an unknown word of likely letters. A word with digits is looked up as
wordfreq keeps such tokens, its numbers as zeros (``0000ه``, a Hijri year). Word moves read a
coded word as a lexicon word that fits it: same length and joins, same letter for a
repeated code, and different letters for different codes of one form. Short texts get
more annealing steps per code, at about the same cost. Runs start afresh until two of
them reach the best score (at most eight); the best wins, and its confidence is the share
of decoded words the lexicon knows.

A short text (a line or two) gives annealing too little to climb on. There the search also
starts from reading whole words: a beam search over the coded words, each next one the
word that shares most codes with those read, read as a fitting lexicon word that agrees
with the table so far, or left unread at the cost of an unknown word. In a short text a
common letter may outnumber the space, so the commonest few characters that never start
or end a line are each tried as the space stand-in, and the best-scoring reading wins.

What keeps the search honest is the joining forms. A code is one glyph: a letter in one
form, isolated, initial, medial or final. Where a word starts, its glyph is not joined to
a previous one; where it ends, its glyph joins no next one; and between two glyphs of a
word, the first joins the second exactly when the second is joined from the first. These
equalities give most codes their form. Within one form, two codes are two letters (a
table is one-to-one per form). Word edges only ever say "not joined"; a class no edge
sets is guessed joined, which holds for most glyphs inside words but not, in a short
text, for the glyph before a letter it never shows at a word start. So the forms serve
the one-to-one rule and the shapes of word moves, and never rule a letter out: ruling
out letters that cannot join the next one (alef, dal, reh, waw, a lam-alef...) on a
guessed form cost 10 points of words on short administrative texts. Reading whole words
lets a guessed join go either way (the waw before a letter that never starts a word).
"""

from __future__ import annotations

import heapq
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from math import log10

import numpy as np

from ..arabic import Lexicon, context_model, default_lexicon
from .model import RIGHT_JOINING, LetterModel, letter_model

LIGATURES = ("لا", "لأ", "لإ", "لآ")
NON_JOINING = RIGHT_JOINING | set(LIGATURES)  # never joined to the next glyph
JOIN_PENALTY = 2.0  # log10: a glyph whose letter breaks its join class
UNKNOWN_SHARE = log10(0.05)  # of running words, the share a lexicon lacks (log10)
WITH_DIGITS = log10(7e-4)  # of running words, the share of digits and letters (wordfreq)

STEPS_PER_CODE = 400  # annealing proposals per code, for texts of 240 words or more
STEP_BUDGET = 96_000  # shorter texts: up to 4 times more proposals per code, same cost
NEAR_SHARE = 0.5  # word moves to the nearest common word of the same shape
MAX_RUNS = 8  # annealing runs at most; they stop once
AGREEING_RUNS = 2  # this many reached the best score
POLISH_PASSES = 3  # context hill-climb passes, while a pass changes something
FITTING = 3000  # at most this many lexicon words (the commonest) that fit a coded word
NEAR_POOL = 1000  # of which the commonest are searched for a near word
BEAM_WIDTH = 32  # tables kept while reading words one by one
BEAM_BRANCH = 6  # readings of the next word tried per table (more while the beam is small)
UNKNOWN_LETTER = -1.3  # log10 odds of a letter of a word left unread
SHORT_TEXT = 120  # characters (about 20 words): shorter texts read whole words too,
SPACE_TRIALS = 12  # and try at most this many space stand-ins
_DIGITS = re.compile(r"[0-9]+")


@dataclass
class Decoding:
    """A solved code table and what it reads."""

    space: str
    mapping: dict[str, str]
    lines: list[str] = field(default_factory=list)  # decoded, logical order
    words: list[tuple[str, str]] = field(default_factory=list)  # (coded, decoded)
    known: float = 0.0  # share of decoded words the lexicon knows

    def read(self, line: str) -> str:
        """One coded line, decoded with this table."""
        return " ".join(
            "".join(self.mapping.get(c, c) for c in word)
            for word in logical_words(line, self.space)
        )


def space_of(lines: list[str]) -> str:
    """The space stand-in: a real space when the text has enough of them, else its
    commonest character."""
    return space_candidates(lines)[0]


def space_candidates(lines: list[str]) -> list[str]:
    """The characters that may stand for the space, likeliest first: a real space when
    the text has enough of them; else the commonest character, or in a short text (where
    a common letter may outnumber the space) the commonest few that never start or end
    a line."""
    counts = Counter(ch for line in lines for ch in line if not ch.isdigit())
    total = sum(counts.values()) or 1
    if counts.get(" ", 0) / total >= 0.08:
        return [" "]
    ranked = [c for c, _ in counts.most_common()] or [" "]
    if sum(len(line) for line in lines) >= SHORT_TEXT:
        return ranked[:1]
    trimmed = [line.strip() for line in lines]
    edges = {ch for line in trimmed if line for ch in (line[0], line[-1])}
    inner = [c for c in ranked if c not in edges]
    return inner[:SPACE_TRIALS] or ranked[:1]


def logical_words(line: str, space: str) -> list[str]:
    """A visual-order coded line's words, in logical order (digit runs kept as written)."""
    reversed_line = _DIGITS.sub(lambda m: m.group(0)[::-1], line[::-1])
    return [w for w in reversed_line.split(space) if w]


@dataclass
class JoinClasses:
    """The joins of a text's glyphs: union-find over "glyph a joins the next" and "glyph b
    is joined from the previous" for neighbours a, b in a word (one fact, so one class),
    and each class's value where word edges set it (a vote when a noisy text says both)."""

    parent: dict[tuple[str, str], tuple[str, str]]
    value: dict[tuple[str, str], bool]

    def find(self, node: tuple[str, str]) -> tuple[str, str]:
        """The class of ``("prev" | "next", code)``."""
        parent = self.parent
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node


def join_classes(words: Counter[str]) -> JoinClasses:
    """The join classes of the glyphs of ``words``."""
    classes = JoinClasses({}, {})
    votes: Counter[tuple[tuple[str, str], bool]] = Counter()
    for word, n in words.items():
        glyphs = [c for c in word if not c.isdigit()]
        if not glyphs:
            continue
        votes[(("prev", glyphs[0]), False)] += n
        votes[(("next", glyphs[-1]), False)] += n
        for a, b in pairwise(glyphs):
            ra, rb = classes.find(("next", a)), classes.find(("prev", b))
            if ra != rb:
                classes.parent[ra] = rb
    tally: dict[tuple[str, str], Counter[bool]] = {}
    for (node, flag), n in votes.items():
        tally.setdefault(classes.find(node), Counter())[flag] += n
    for root, counts in tally.items():
        classes.value[root] = counts[True] > counts[False]
    return classes


def forms(
    words: Counter[str], guess: bool = True, classes: JoinClasses | None = None
) -> dict[str, tuple[bool | None, bool | None]]:
    """Each code's (joined from the previous glyph, joins the next glyph), as far as the
    words tell (``join_classes``, or ``classes`` already built from them). A class no edge
    sets is None, or with ``guess``, joined."""
    classes = classes or join_classes(words)
    codes = {c for w in words for c in w if not c.isdigit()}
    out = {}
    for code in codes:
        prev = classes.value.get(classes.find(("prev", code)))
        nxt = classes.value.get(classes.find(("next", code)))
        if guess:  # joined to a glyph that is never at an edge: guessed joined
            prev = True if prev is None else prev
            nxt = True if nxt is None else nxt
        out[code] = (prev, nxt)
    return out


@dataclass
class _Tally:
    """A table's score kept per word (its count times its log10 probability) and per
    join class (its penalty), so a change rescores only what it touches."""

    words: dict[str, float]
    classes: dict[tuple[str, str], float]

    def update(self, changed: _Tally) -> None:
        self.words.update(changed.words)
        self.classes.update(changed.classes)


class _Solver:
    def __init__(self, words: Counter[str], model: LetterModel, lexicon: Lexicon) -> None:
        self.words = words
        self.model = model
        self.lexicon = lexicon
        self.outputs = [*model.letters, *LIGATURES]
        codes: Counter[str] = Counter()
        for word, n in words.items():
            for ch in word:
                if not ch.isdigit():
                    codes[ch] += n
        self.codes = [c for c, _ in codes.most_common()]
        self.code_counts = codes
        classes = join_classes(words)
        self.form = forms(words, classes=classes)
        self.seen_form = forms(words, guess=False, classes=classes)
        self._join_rules(classes)
        self.affected = {c: [(w, n) for w, n in words.items() if c in w] for c in self.codes}
        self._scores: dict[str, float] = {}
        self.word_list = [w for w in words if not _DIGITS.search(w) and len(w) > 1]
        self.word_weights = [words[w] * len(w) for w in self.word_list]
        self._fitting: dict[tuple[str, bool], list[tuple[str, ...]]] = {}
        self._near_tables: dict[str, np.ndarray] = {}
        self._unit_index: dict[str, int] = {}

    def _score(self, decoded: str) -> float:
        """log10 P(word): its frequency, plus the unknown share times its letters' odds.
        A word with digits is looked up as wordfreq keeps it (its own ``smash_numbers``:
        ``0000ه``, ``و00``); unknown, it is one of the words with digits, its letters
        giving the odds."""
        found = self._scores.get(decoded)
        if found is None:
            letters, key = _DIGITS.sub("", decoded), decoded
            found = self.model.logp(letters) + UNKNOWN_SHARE
            if letters != decoded:
                from wordfreq.numbers import smash_numbers

                found += WITH_DIGITS
                key = smash_numbers(decoded)
            zipf = self.lexicon.zipf(key)
            if zipf > 0:
                high, low = max(zipf - 9, found), min(zipf - 9, found)
                found = high + log10(1 + 10 ** (low - high))
            self._scores[decoded] = found
        return found

    def fitting(self, word: str, loose: bool = False) -> list[tuple[str, ...]]:
        """The lexicon words (as glyphs, commonest first) that ``word`` may read as: same
        length and joins, one letter per code, one code per letter of a form. ``loose``:
        a join the words only guess may go either way."""
        found = self._fitting.get((word, loose))
        if found is not None:
            return found
        options = [
            (False,)
            if i == len(word) - 1 or self.seen_form[c][1] is False
            else ((True, False) if loose else (True,))
            for i, c in enumerate(word)
        ]
        lists = [
            self.model.shapes[(len(word), pattern)]
            for pattern in self.model.joins_by_length.get(len(word), ())
            if all(j in allowed for j, allowed in zip(pattern, options, strict=True))
        ]
        found = []
        for units, _ in heapq.merge(*lists, key=lambda entry: -entry[1]):
            letters: dict[str, str] = {}
            codes: dict[tuple, str] = {}
            if all(
                letters.setdefault(c, u) == u and codes.setdefault((self.form[c], u), c) == c
                for c, u in zip(word, units, strict=True)
            ):
                found.append(units)
                if len(found) >= FITTING:
                    break
        self._fitting[(word, loose)] = found
        return found

    def _join_rules(self, classes: JoinClasses) -> None:
        """The glyphs that join the next one in a class: per class, the codes seen before
        another glyph (with how often), each such code's class, and the classes a word
        start says are not joined."""
        members: dict[tuple[str, str], Counter[str]] = {}
        self.code_class: dict[str, tuple[str, str]] = {}
        for word, n in self.words.items():
            glyphs = [c for c in word if not c.isdigit()]
            for code in glyphs[:-1]:
                root = self.code_class[code] = classes.find(("next", code))
                members.setdefault(root, Counter())[code] += n
        self.class_codes = {root: list(codes.items()) for root, codes in members.items()}
        self.unjoined = {root for root, joined in classes.value.items() if not joined}

    def join_penalty(self, mapping: dict[str, str], roots: set[tuple[str, str]]) -> float:
        """What breaking the joins costs in classes ``roots``: inside a word, a glyph joins
        the next exactly when its letter is not one that joins nothing after it (alef,
        dal, waw, a lam-alef...), so the glyphs of one class agree, and after a word start
        they all are such letters."""
        return sum(self._class_penalty(mapping, root) for root in roots)

    def _class_penalty(self, mapping: dict[str, str], root: tuple[str, str]) -> float:
        """The join penalty of one class (see ``join_penalty``)."""
        joining = closed = 0
        for code, n in self.class_codes[root]:
            if mapping.get(code) in NON_JOINING:
                closed += n
            else:
                joining += n
        return JOIN_PENALTY * (joining if root in self.unjoined else min(joining, closed))

    def _read(self, mapping: dict[str, str], word: str) -> str:
        """A coded word's letters under ``mapping`` (digits, which no table holds, as
        written)."""
        return "".join([mapping.get(c, c) for c in word])

    def _roots(self, codes: Iterable[str | None]) -> set[tuple[str, str]]:
        """The join classes of ``codes`` (a code that never joins a next glyph has none)."""
        return {self.code_class[c] for c in codes if c in self.code_class}

    def _word_scores(self, mapping: dict[str, str], words: Iterable[tuple[str, int]]) -> dict:
        """Each word's count times its log10 probability as ``mapping`` reads it."""
        return {w: n * self._score(self._read(mapping, w)) for w, n in words}

    def _sum(
        self, mapping: dict[str, str], words: list[tuple[str, int]], roots: set[tuple[str, str]]
    ) -> float:
        """The words' score, less the join penalty of classes ``roots``."""
        return sum(self._word_scores(mapping, words).values()) - self.join_penalty(mapping, roots)

    def total(self, mapping: dict[str, str]) -> float:
        return self._sum(mapping, list(self.words.items()), set(self.class_codes))

    def by_frequency(self, start: dict[str, str] | None = None) -> dict[str, str]:
        """Per form, codes commonest first to the commonest letters they may be (codes
        ``start`` gives keep its letter)."""
        mapping = dict(start or {})
        taken: dict[tuple, set[str]] = {}
        for code, out in mapping.items():
            taken.setdefault(self.form[code], set()).add(out)
        ranked = sorted(self.outputs, key=lambda o: -self.model.frequency.get(o, 0.001))
        for code in self.codes:
            if code in mapping:
                continue
            used = taken.setdefault(self.form[code], set())
            out = next((o for o in ranked if o not in used), ranked[0])
            mapping[code] = out
            used.add(out)
        return mapping

    def word_order(self) -> list[str]:
        """The coded words, each next one sharing the most codes with those before (then
        the one with the most codes): the order in which words constrain each other."""
        rest, seen, order = set(self.word_list), set(), []
        while rest:
            word = max(rest, key=lambda w: (2 * len(set(w) & seen) + len(set(w)), self.words[w], w))
            order.append(word)
            rest.discard(word)
            seen |= set(word)
        return order

    def by_words(self, width: int = BEAM_WIDTH) -> dict[str, str]:
        """A table from reading whole words: a beam search over the coded words in
        ``word_order``, each read as a fitting lexicon word that agrees with the table so
        far, or left unread at the cost of an unknown word. Codes no word gave a letter
        get one by frequency."""
        beam: list[tuple[float, dict[str, str], frozenset]] = [(0.0, {}, frozenset())]
        for word in self.word_order():
            n = self.words[word]
            unread = n * (UNKNOWN_SHARE + UNKNOWN_LETTER * (len(word) + 1))
            per_state = max(BEAM_BRANCH, 4 * width // len(beam))
            grown = []
            for score, mapping, used in beam:
                taken = 0
                for units in self.fitting(word, loose=True):
                    new = self._extend(mapping, used, word, units)
                    if new is None:
                        continue
                    grown.append((score + n * self._score("".join(units)), *new))
                    taken += 1
                    if taken >= per_state:
                        break
                grown.append((score + unread, mapping, used))
            grown.sort(key=lambda state: -state[0])
            beam = grown[:width]
        return self.by_frequency(beam[0][1])

    def _extend(
        self, mapping: dict[str, str], used: frozenset, word: str, units: tuple[str, ...]
    ) -> tuple[dict[str, str], frozenset] | None:
        """``mapping`` and its (form, letter) pairs with ``word`` read as ``units``, or
        None when they disagree."""
        new: dict[str, str] = {}
        for code, unit in zip(word, units, strict=True):
            had = mapping.get(code)
            if had is None:
                if code not in new and (self.form[code], unit) in used:
                    return None
                new[code] = unit
            elif had != unit:
                return None
        if not new:
            return mapping, used
        return {**mapping, **new}, used | {(self.form[c], u) for c, u in new.items()}

    def _option(
        self, holder: dict, mapping: dict[str, str], code: str, out: str
    ) -> tuple[str | None] | None:
        """None when ``code`` has ``out`` already, else the code of the same form that has
        ``out`` now (it takes ``code``'s letter), in a 1-tuple."""
        if out == mapping[code]:
            return None
        return (holder.get((self.form[code], out)),)

    def _words(self, code: str, other: str | None) -> list[tuple[str, int]]:
        """The words a change of ``code`` (and ``other``) rescores."""
        if other is None:
            return self.affected[code]
        return list(dict(self.affected[code] + self.affected[other]).items())

    @staticmethod
    def _swap(mapping: dict[str, str], code: str, out: str, other: str | None) -> None:
        """``code`` takes ``out``; ``other`` takes the letter ``code`` had."""
        current = mapping[code]
        mapping[code] = out
        if other is not None:
            mapping[other] = current

    def _trial(
        self,
        mapping: dict[str, str],
        code: str,
        out: str,
        other: str | None,
        score: Callable[[], float],
    ) -> float:
        """The gain in ``score()`` of the swap, with the mapping left as it was."""
        current = mapping[code]
        before = score()
        self._swap(mapping, code, out, other)
        gain = score() - before
        self._swap(mapping, code, current, other)
        return gain

    def _commit(
        self, holder: dict, mapping: dict[str, str], code: str, out: str, other: str | None
    ) -> None:
        current = mapping[code]
        self._swap(mapping, code, out, other)
        self._rehold(holder, code, out, other, current)

    def _rehold(self, holder: dict, code: str, out: str, other: str | None, current: str) -> None:
        """``holder`` after ``code`` took ``out`` from ``other`` (or from no code)."""
        form = self.form[code]
        holder[(form, out)] = code
        if other is not None:
            holder[(form, current)] = other
        else:
            holder.pop((form, current), None)

    def tally(self, mapping: dict[str, str]) -> _Tally:
        """The score of ``mapping``, per word and per join class."""
        return _Tally(
            self._word_scores(mapping, self.words.items()),
            {root: self._class_penalty(mapping, root) for root in self.class_codes},
        )

    def _rescore(
        self,
        tally: _Tally,
        mapping: dict[str, str],
        words: list[tuple[str, int]],
        codes: Iterable[str | None],
    ) -> tuple[float, _Tally]:
        """The gain of a change ``mapping`` has just made to ``codes`` (in ``words``),
        against ``tally``, and the changed parts of the tally."""
        changed = _Tally(
            self._word_scores(mapping, words),
            {root: self._class_penalty(mapping, root) for root in self._roots(codes)},
        )
        gain = sum(value - tally.words[w] for w, value in changed.words.items())
        gain -= sum(value - tally.classes[root] for root, value in changed.classes.items())
        return gain, changed

    def anneal(self, mapping: dict[str, str], rng: random.Random, steps: int) -> dict[str, str]:
        """Simulated annealing: random letter changes (swaps within a form), a worse one
        taken with a probability that falls as the temperature does. Each change rescores
        only the words and join classes it touches."""
        holder = {(self.form[c], o): c for c, o in mapping.items()}
        weights = [max(1, len(self.affected[c])) for c in self.codes]
        if not any(self.affected.values()):
            return mapping
        tally = self.tally(mapping)
        start, end = 6.0, 0.05
        for step in range(steps):
            temperature = start * (end / start) ** (step / steps)
            if step % 4 == 0:
                if self.word_move(mapping, tally, rng, temperature):
                    holder = {(self.form[c], o): c for c, o in mapping.items()}
                continue
            code = rng.choices(self.codes, weights)[0]
            out = rng.choice(self.outputs)
            option = self._option(holder, mapping, code, out) if self.affected[code] else None
            if option is None:
                continue
            (other,) = option
            current = mapping[code]
            self._swap(mapping, code, out, other)
            gain, changed = self._rescore(tally, mapping, self._words(code, other), (code, other))
            if gain >= 0 or rng.random() < 10 ** (gain / temperature):
                self._rehold(holder, code, out, other, current)
                tally.update(changed)
            else:
                self._swap(mapping, code, current, other)
        return mapping

    def word_move(
        self, mapping: dict[str, str], tally: _Tally, rng: random.Random, temperature: float
    ) -> bool:
        """Read one coded word as a lexicon word that fits it, every code of it at once;
        keep it by the Metropolis rule (``tally`` follows). Whether the table changed."""
        word = rng.choices(self.word_list, self.word_weights)[0]
        candidates = self.fitting(word)
        if not candidates:
            return False
        if rng.random() < NEAR_SHARE:
            units = self._near(word, candidates, mapping)
            if units is None:
                return False
        else:
            units = candidates[min(int(rng.paretovariate(1.0)) - 1, len(candidates) - 1)]
        old = dict(mapping)
        forced = self._force(mapping, word, units)
        if forced is None:
            return False
        gain, changed = self._rescore(tally, mapping, *forced)
        if gain >= 0 or rng.random() < 10 ** (gain / temperature):
            tally.update(changed)
            return True
        mapping.clear()
        mapping.update(old)
        return False

    def _near(
        self, word: str, candidates: list[tuple[str, ...]], mapping: dict[str, str]
    ) -> tuple[str, ...] | None:
        """The commonest of the first ``NEAR_POOL`` fitting words that differs least (but
        not in every letter) from the word's reading now."""
        table = self._near_tables.get(word)
        if table is None:
            index = self._unit_index
            rows = [[index.setdefault(u, len(index)) for u in units] for units in candidates]
            table = self._near_tables[word] = np.array(rows[:NEAR_POOL], dtype=np.int16)
        now = np.array([self._unit_index.get(mapping[c], -1) for c in word], dtype=np.int16)
        differ = (table != now).sum(axis=1)
        differ[differ == 0] = len(word)
        at = int(differ.argmin())
        return candidates[at] if differ[at] < len(word) else None

    def _force(
        self, mapping: dict[str, str], word: str, units: tuple[str, ...]
    ) -> tuple[list[tuple[str, int]], set[str]] | None:
        """Give the codes of ``word`` the letters ``units`` (each code's previous holder of
        that letter in its form takes the code's old letter); returns the words to
        rescore and the codes changed, or None (mapping untouched) when the table cannot
        read it so."""
        wanted: dict[str, str] = {}
        for code, unit in zip(word, units, strict=True):
            if wanted.setdefault(code, unit) != unit:
                return None
        if len({(self.form[c], u) for c, u in wanted.items()}) != len(wanted):
            return None
        touched: dict[str, int] = {}
        codes = set(wanted)
        for code, unit in wanted.items():
            form, current = self.form[code], mapping[code]
            holder = next(
                (
                    c
                    for c in self.codes
                    if c != code and self.form[c] == form and mapping[c] == unit
                ),
                None,
            )
            if holder is not None:
                mapping[holder] = current
                touched.update(dict(self.affected[holder]))
                codes.add(holder)
            mapping[code] = unit
            touched.update(dict(self.affected[code]))
        return list(touched.items()), codes

    def polish(self, mapping: dict[str, str], sequence: list[list[str]]) -> dict[str, str]:
        """A last hill climb that also weighs each pair of neighbouring words by the
        context model (``مرسوم ملكي`` over ``مرحوم ملكي``)."""
        context = context_model()
        if context is None:
            return mapping
        places: dict[str, set[tuple[int, int]]] = {}
        for li, line in enumerate(sequence):
            for wi, word in enumerate(line):
                for code in set(word):
                    places.setdefault(code, set()).add((li, wi))

        def local(spots: set[tuple[int, int]]) -> float:
            total = 0.0
            decoded: dict[tuple[int, int], str] = {}

            def read(li: int, wi: int) -> str:
                if (li, wi) not in decoded:
                    decoded[(li, wi)] = self._read(mapping, sequence[li][wi])
                return decoded[(li, wi)]

            pairs = set()
            for li, wi in spots:
                total += self._score(read(li, wi))
                if wi > 0:
                    pairs.add((li, wi - 1))
                if wi + 1 < len(sequence[li]):
                    pairs.add((li, wi))
            for li, wi in pairs:
                total += context.gain(read(li, wi), read(li, wi + 1))
            return total

        def spots_score(code: str, other: str | None) -> Callable[[], float]:
            spots = places.get(code, set()) | (places.get(other) or set())
            roots = self._roots((code, other))
            return lambda: local(spots) - self.join_penalty(mapping, roots)

        return self._hill_climb(mapping, self.codes, spots_score, POLISH_PASSES)

    def climb(self, mapping: dict[str, str]) -> dict[str, str]:
        """Give one code another letter at a time, swapping with the code of the same form
        that had it, while the score rises."""

        def words_score(code: str, other: str | None) -> Callable[[], float]:
            return partial(self._sum, mapping, self._words(code, other), self._roots((code, other)))

        live = [c for c in self.codes if self.affected[c]]
        return self._hill_climb(mapping, live, words_score, None)

    def _hill_climb(
        self,
        mapping: dict[str, str],
        codes: list[str],
        score_of: Callable[[str, str | None], Callable[[], float]],
        passes: int | None,
    ) -> dict[str, str]:
        """Per code, the best letter change by ``score_of(code, other)()`` if it gains;
        pass after pass while one changes something (at most ``passes``, if given)."""
        holder = {(self.form[c], o): c for c, o in mapping.items()}
        done = 0
        while passes is None or done < passes:
            done += 1
            changed = False
            for code in codes:
                best_gain, best = 1e-9, None
                for out in self.outputs:
                    option = self._option(holder, mapping, code, out)
                    if option is None:
                        continue
                    (other,) = option
                    gain = self._trial(mapping, code, out, other, score_of(code, other))
                    if gain > best_gain:
                        best_gain, best = gain, (out, other)
                if best is not None:
                    self._commit(holder, mapping, code, *best)
                    changed = True
            if not changed:
                break
        return mapping


def solve(
    lines: list[str],
    lexicon: Lexicon | None = None,
    runs: int = MAX_RUNS,
    seed: int = 0,
) -> Decoding:
    """Solve the code table of coded ``lines`` (visual order, one font)."""
    lexicon = lexicon or default_lexicon()
    solvers = {
        space: _Solver(
            Counter(w for line in lines for w in logical_words(line, space)),
            letter_model(),
            lexicon,
        )
        for space in space_candidates(lines)
    }
    space = next(iter(solvers))
    best, best_score = None, float("-inf")
    if sum(len(line) for line in lines) < SHORT_TEXT:  # start from whole words, per space
        for candidate, trial in solvers.items():
            start = trial.climb(trial.by_words())
            score = trial.total(start)
            if score > best_score:
                space, best, best_score = candidate, start, score
    solver = solvers[space]
    words = solver.words
    rng = random.Random(seed)
    per_code = min(4 * STEPS_PER_CODE, max(STEPS_PER_CODE, STEP_BUDGET // max(1, words.total())))
    steps = per_code * len(solver.codes)
    agreeing = 0  # runs that reached the best score
    for _ in range(max(1, runs)):
        found = solver.climb(solver.anneal(solver.by_frequency(), rng, steps))
        score = solver.total(found)
        if abs(score - best_score) < 1e-6:
            agreeing += 1
        elif score > best_score:
            best, best_score, agreeing = found, score, 1
        if agreeing >= AGREEING_RUNS:
            break
    assert best is not None
    sequence = [logical_words(line, space) for line in lines]
    best = solver.polish(best, sequence)
    decoding = Decoding(space, best)
    decoding.lines = [decoding.read(line) for line in lines]
    decoded = [("".join(best.get(c, c) for c in w), n) for w, n in words.items()]
    decoding.words = [(w, "".join(best.get(c, c) for c in w)) for w in words]
    total = sum(n for _, n in decoded) or 1
    decoding.known = sum(n for w, n in decoded if lexicon.known(w) or w.isdigit()) / total
    return decoding
