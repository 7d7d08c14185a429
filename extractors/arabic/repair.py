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
from .candidates import Choice, DocumentContext, Neighbours, choose
from .context import ContextModel, context_model
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
_JOINED_LAM = re.compile("[بتثجحخسشصضطظعغفقكلمنهيئ]ل[^اأإآى]")  # may have lost an alef
_KEPT_CANDIDATES = 4
_CONFIDENT = 0.9
_SETTLED = 0.99  # a reading this sure cannot be overturned by the document's context
_SURROGATE = re.compile("[\ud800-\udfff]")
_SEAM = "\x1f"
_UNLOADED = object()
_SWAP_MARGIN = 1.0  # how much better (log10) the joints must read after swapping two runs


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
        self._choices: dict[tuple[str, bool, Neighbours], Choice] = {}
        self._model: ContextModel | object | None = _UNLOADED
        self._version = self.context.version

    @property
    def lexicon(self) -> Lexicon:
        """Loaded on first use: a clean document never needs it."""
        if self._lexicon is None:
            self._lexicon = default_lexicon()
        return self._lexicon

    @property
    def model(self) -> ContextModel | None:
        """The sentence-context model, loaded on first use."""
        if self._model is _UNLOADED:
            self._model = context_model()
        return self._model  # type: ignore[return-value]

    def choose(
        self, core: str, allow_split: bool = True, neighbours: Neighbours = (None, None)
    ) -> Choice:
        """``candidates.choose`` for this document, remembered until the context changes."""
        if self._version != self.context.version:
            self._choices.clear()
            self._version = self.context.version
        key = (core, allow_split, neighbours)
        choice = self._choices.get(key)
        if choice is None:
            choice = self._choices[key] = choose(
                core,
                self.lexicon,
                self.context,
                allow_split=allow_split,
                model=self.model if neighbours != (None, None) or allow_split else None,
                neighbours=neighbours,
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
        """Repair each damaged Arabic token, its neighbours voting; on a damaged line, also
        split words run together.

        A run-together of two *clean* words on a damaged right-to-left line may be the seam
        of two text runs that the extractor emitted in visual order (left run first, no
        space): the two runs are swapped back only when the context model reads the
        swapped line's joints clearly better than the seam.
        """
        damaged_line = FFFD in text or HAMZA_SPLIT_NOT_LA.search(text) is not None
        matches = list(_CORE.finditer(text))
        forms = [self._reading(m.group()) for m in matches]
        out: list[str] = []
        at = 0
        seams: list[int] = []
        for i, match in enumerate(matches):
            out.append(text[at : match.start()])
            at = match.end()
            spaced = i and text[matches[i - 1].end() : match.start()] == " "
            before = forms[i - 1] if spaced else None
            after = (
                forms[i + 1]
                if i + 1 < len(matches) and text[match.end() : matches[i + 1].start()] == " "
                else None
            )
            fixed = self._token(match.group(), damaged_line, text, result, (before, after))
            if fixed is None:
                out.append(match.group())
            elif fixed.startswith(_SEAM):
                seams.append(len(out))
                out.append(fixed[1:])
            else:
                out.append(fixed)
        out.append(text[at:])
        if len(seams) == 1 and not has_latin(text):
            swapped = self._swapped(out, seams[0])
            if swapped is not None:
                original = "".join(out)
                result.repairs.append(RepairRecord(original, swapped, "visual-run-order"))
                return swapped
        return "".join(out)

    def _reading(self, core: str) -> str:
        """A token as its neighbours see it: its own form, or its best reading if damaged."""
        form = lookup_form(core)
        if not is_damaged_token(core):
            return form
        return self.choose(form, allow_split=False).result

    def _token(
        self,
        core: str,
        damaged_line: bool,
        text: str,
        result: LineRepair,
        neighbours: Neighbours,
    ) -> str | None:
        """The repaired token (prefixed with the seam mark when a clean word was split),
        or None to keep it."""
        damaged = is_damaged_token(core)
        if not _LETTER.search(core):
            return None  # U+FFFD alone says nothing about which letter it was
        if damaged and FFFD not in core and not HAMZA_SPLIT_NOT_LA.search(core):
            form = lookup_form(core)
            if not damaged_line:
                return None  # a real word: لا + hamza (اللاإنسانية), not a split hamza
            if self.lexicon.known(form) and self.lexicon.zipf(form) >= (
                self.lexicon.zipf(self.choose(form, allow_split=False).result) - 1
            ):
                return None
        if not damaged and (
            not damaged_line
            or len(core) < 3
            or (self.lexicon.known(lookup_form(core)) and not _JOINED_LAM.search(core))
        ):
            return None  # a known word, unless a joined lam may have lost its alef
        choice = self.choose(lookup_form(core), neighbours=neighbours)
        if choice.result == core:
            return None
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
            return _SEAM + choice.result
        return choice.result

    def _swapped(self, pieces: list[str], seam: int) -> str | None:
        """The line with the two runs around the seam swapped, when the context model reads
        the new joints clearly better than the seam's pair; otherwise None."""
        model = self.model
        if model is None:
            return None
        left_word, right_word = pieces[seam].split(" ", 1)
        left = "".join(pieces[:seam]) + left_word
        right = right_word + "".join(pieces[seam + 1 :])
        seam_gain = model.gain(lookup_form(left_word), lookup_form(right_word))
        left_words, right_words = _CLEAN_WORD.findall(left), _CLEAN_WORD.findall(right)
        if not left_words or not right_words:
            return None
        joint_gain = model.gain(right_words[-1], left_words[0])
        if joint_gain < seam_gain + _SWAP_MARGIN:
            return None
        return f"{right.strip()} {left.strip()}"


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
