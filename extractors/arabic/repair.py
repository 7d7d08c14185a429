"""The repair engine: detect (stage 1), fix without a lexicon (2), choose spellings (3),
and record every repair (4).

``repair_lines`` is the entry point for a whole document: it first collects the words the
document spells undamaged, which then decide close calls elsewhere in it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extractors.models import Candidate, Repair

from ..normalize import TATWEEL
from . import letters, rules
from .candidates import Choice, DocumentContext, choose
from .detect import (
    FFFD,
    HAMZA_SPLIT_NOT_LA,
    damage_score,
    has_latin,
    is_damaged_token,
    may_need_repair,
)
from .lexicon import Lexicon, default_lexicon, lookup_form

# An Arabic token: letters, U+FFFD, marks; dotted abbreviations (ص.ب) hold together.
_CORE = re.compile(
    r"[\u0621-\u064A\u0671-\u06D3\u0640\u064B-\u065F\u0670\ufffd]+"
    r"(?:\.[\u0621-\u064A\u0671-\u06D3\ufffd]+)*"
)
_CLEAN_WORD = re.compile(r"[\u0621-\u064A\u0671-\u06D3]{2,}")
_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
_KEPT_CANDIDATES = 4
_CONFIDENT = 0.9
_SETTLED = 0.99  # a reading this sure cannot be overturned by the document's context
_SURROGATE = re.compile("[\ud800-\udfff]")
_SEAM = "\x1f"


@dataclass
class LineRepair:
    """One line before and after repair, with what was done to it."""

    original: str
    text: str
    repairs: list[RepairRecord] = field(default_factory=list)
    inserted: int = 0

    @property
    def damage_before(self) -> float:
        """Share of the original line's tokens that carry damage."""
        return damage_score(self.original)

    @property
    def damage_after(self) -> float:
        """Share of the repaired line's tokens that still carry damage."""
        return damage_score(self.text)


@dataclass(slots=True)
class RepairRecord:
    """One repair, as the engine keeps it; ``to_model`` gives the JSON contract's Repair."""

    original: str
    result: str
    rule: str
    confidence: float = 1.0
    uncertain: bool = False
    candidates: tuple[tuple[str, float], ...] = ()

    def to_model(self) -> Repair:
        return Repair(
            original=self.original,
            result=self.result,
            rule=self.rule,
            confidence=self.confidence,
            uncertain=self.uncertain,
            candidates=[Candidate(text=t, score=s) for t, s in self.candidates],
        )


class Repairer:
    """Repairs lines of one document with one lexicon and one document context."""

    def __init__(
        self, lexicon: Lexicon | None = None, context: DocumentContext | None = None
    ) -> None:
        self._lexicon = lexicon
        self.context = context or DocumentContext()
        self._choices: dict[tuple[str, bool], Choice] = {}
        self._version = self.context.version

    @property
    def lexicon(self) -> Lexicon:
        """Loaded on first use: a clean document never needs it."""
        if self._lexicon is None:
            self._lexicon = default_lexicon()
        return self._lexicon

    def choose(self, core: str, allow_split: bool = True) -> Choice:
        """``candidates.choose`` for this document, remembered until the context changes."""
        if self._version != self.context.version:
            self._choices.clear()
            self._version = self.context.version
        key = (core, allow_split)
        choice = self._choices.get(key)
        if choice is None:
            choice = self._choices[key] = choose(
                core, self.lexicon, self.context, allow_split=allow_split
            )
        return choice

    def line(self, original: str) -> LineRepair:
        """Repair one line (NFC, no tatweel; lone surrogates count as U+FFFD)."""
        line = prepare(original)
        result = LineRepair(original=original, text=line)
        if not may_need_repair(line):
            return self._letters(result)
        line = _SURROGATE.sub(FFFD, line)  # lone surrogates are damage, and bidi cannot take them
        text = line
        steps: list[tuple[str, Callable[[str], str | tuple[str, str] | None]]] = [
            ("presentation-forms", lambda t: rules.presentation_forms(t, self.lexicon)),
            ("mojibake", lambda t: rules.mojibake(t, self.lexicon)),
            ("reversed-line", lambda t: rules.reversed_line(t, self.lexicon)),
            ("visual-runs", self._visual_runs),
            ("mirrored-brackets", rules.mirrored_brackets),  # after the direction is settled
        ]
        for name, step in steps:
            fixed = step(text)
            if fixed is None:
                continue
            rule, fixed = fixed if isinstance(fixed, tuple) else (name, fixed)
            result.repairs.append(RepairRecord(text, fixed, rule))
            text = fixed
        result.text = self._tokens(text, result)
        return self._letters(result)

    def _letters(self, result: LineRepair) -> LineRepair:
        """Letter-level fixes last: presentation forms may have given Persian letters."""
        if letters.may_apply(result.text, lambda: self.lexicon):
            result.text, fixes = letters.fix_letters(result.text, self.lexicon)
            result.repairs += [RepairRecord(*fix) for fix in fixes]
        return result

    def _visual_runs(self, text: str) -> str | None:
        """Reorder a mixed line's runs only when its words then read better."""
        reordered = rules.visual_runs(text)
        if reordered is None or self._fluency(reordered) <= self._fluency(text) + 0.05:
            return None
        return reordered

    def _fluency(self, text: str) -> float:
        """Mean word frequency (Zipf) of the line's Arabic tokens once repaired."""
        cores = _CORE.findall(text)
        if not cores:
            return 0.0
        total = 0.0
        for core in cores:
            reading = self.choose(lookup_form(core), allow_split=False)
            total += self.lexicon.zipf(reading.result)
        return total / len(cores)

    def _tokens(self, text: str, result: LineRepair) -> str:
        """Repair each damaged Arabic token; on a damaged line, also split words run together.

        A run-together of two *clean* words on a damaged right-to-left line is the seam of
        two text runs that the extractor emitted in visual order (left run first, no space):
        the two runs are swapped back.
        """
        damaged_line = FFFD in text or HAMZA_SPLIT_NOT_LA.search(text) is not None
        seams: list[bool] = []

        def fix(match: re.Match[str]) -> str:
            core = match.group()
            damaged = is_damaged_token(core)
            if not _LETTER.search(core):
                return core  # U+FFFD alone says nothing about which letter it was
            if (
                damaged
                and FFFD not in core
                and (not damaged_line or self.lexicon.known(lookup_form(core)))
                and not HAMZA_SPLIT_NOT_LA.search(core)
            ):
                return core  # a real word: لا + hamza (اللاإنسانية), not a split hamza
            if not damaged and (
                not damaged_line or len(core) < 3 or self.lexicon.known(lookup_form(core))
            ):
                return core
            choice = self.choose(lookup_form(core))
            if choice.result == core:
                return core
            result.inserted += choice.inserted
            result.repairs.append(
                RepairRecord(
                    core,
                    choice.result,
                    choice.rule,
                    choice.confidence,
                    choice.uncertain,
                    tuple(choice.candidates[:_KEPT_CANDIDATES]),
                )
            )
            if not damaged and " " in choice.result:
                seams.append(True)
                return choice.result.replace(" ", _SEAM)
            return choice.result

        fixed = _CORE.sub(fix, text)
        if len(seams) == 1 and not has_latin(fixed):
            left, right = fixed.split(_SEAM)
            swapped = f"{right.strip()} {left.strip()}"
            result.repairs.append(
                RepairRecord(fixed.replace(_SEAM, " "), swapped, "visual-run-order")
            )
            return swapped
        return fixed.replace(_SEAM, " ")


def _lexicon(given: Lexicon | None) -> Callable[[], Lexicon]:
    """The lexicon to use, loaded only when asked for."""
    return (lambda: given) if given is not None else default_lexicon


def prepare(line: str) -> str:
    """NFC, without tatweel."""
    return unicodedata.normalize("NFC", line).replace(TATWEEL, "")


def document_context(lines: Sequence[str]) -> DocumentContext:
    """The document's undamaged Arabic words (each distinct word counted once)."""
    words: set[str] = set()
    for line in lines:
        for token in line.split():
            if not is_damaged_token(token):
                words.update(_CLEAN_WORD.findall(lookup_form(token)))
    return DocumentContext(words)


def _confident(result: LineRepair) -> list[str]:
    return [
        r.result
        for r in result.repairs
        if r.candidates and not r.uncertain and r.confidence >= _CONFIDENT and " " not in r.result
    ]


def repair_lines(lines: Sequence[str], lexicon: Lexicon | None = None) -> list[LineRepair]:
    """Repair every line of one document.

    The document's clean words are the first context. Words the first pass repaired with
    high confidence join it, and lines with repairs are read once more, so that a word
    spelt out unambiguously in one place settles close calls in another (a line never
    votes for its own first reading).
    """
    prepared = [prepare(line) for line in lines]
    joined = "\n".join(prepared)
    if not may_need_repair(joined) and not letters.may_apply(joined, _lexicon(lexicon)):
        return [LineRepair(original=o, text=p) for o, p in zip(lines, prepared, strict=True)]
    context = document_context(prepared)
    repairer = Repairer(lexicon, context)
    first = [repairer.line(line) for line in lines]
    votes = [_confident(res) for res in first]
    if not any(votes):
        return first
    for own in votes:
        context.add(own)
    final = []
    for line, res, own in zip(lines, first, votes, strict=True):
        if not any(r.candidates and (r.uncertain or r.confidence < _SETTLED) for r in res.repairs):
            final.append(res)
            continue
        context.remove(own)
        final.append(repairer.line(line))
        context.add(own)
    return final


def repair_text(text: str, lexicon: Lexicon | None = None) -> str:
    """Repaired text, one output line per input line. Clean text costs one normalising
    pass and one scan for signs of damage."""
    prepared = prepare(text)
    if not may_need_repair(prepared) and not letters.may_apply(prepared, _lexicon(lexicon)):
        return prepared
    return "\n".join(r.text for r in repair_lines(text.split("\n"), lexicon))
