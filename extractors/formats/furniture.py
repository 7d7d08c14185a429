"""Page furniture in HTML, decided per block by weighing its signals: the markup around it
(furniture tags, ARIA roles, class and id names), its link density, and whether the
page's main text as trafilatura reads it holds the block. The registry's selectors
overrule everything. Each block records the signals that decided it.

Weights: a furniture tag or role counts 2.5 (an article's own header or footer only 1),
trafilatura's verdict ±2 when it found a main text of some length, a furniture name 1, a
short link-dense block 1.5. A block is furniture when the sum is positive. Without a
main-text verdict (no text found, a very large page), the markup and the link density
decide alone.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from ..models import Block
from ..normalize import normalize_text

MAIN_IN, MAIN_OUT = -2.0, 2.0
TAG_WEIGHT, NAME_WEIGHT, DENSE_WEIGHT = 2.5, 1.0, 1.5
MIN_MAIN_WORDS = 25  # a shorter main text is no verdict (a page trafilatura could not read)
HEADING_REACH = 3  # a heading introduces content when one of the next blocks is content
SHORT = 5  # words: a block this short is judged with its neighbours
_TOKEN = re.compile(r"\w+")


@dataclass
class Signals:
    """What the markup and the text say of one block before the main-text verdict."""

    markup: str | None = None  # "tag nav", "role navigation", "name sidebar"
    weight: float = 0.0
    dense: bool = False
    forced: bool | None = None  # the registry's selectors: True furniture, False content
    article: bool = False  # inside an <article> or <main>

    @property
    def plain(self) -> bool:
        """No signal of its own: neither furniture markup nor link density."""
        return not (self.markup or self.dense)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize_text(text).lower())


class MainText:
    """The page's main text (trafilatura's reading), asked whether it holds a block."""

    def __init__(self, text: str) -> None:
        tokens = _tokens(text)
        self.words = len(tokens)
        self.joined = f" {' '.join(tokens)} "
        self.claimed: Counter[str] = Counter()
        self.lines = {" ".join(_tokens(line)) for line in text.splitlines()}
        self.bigrams = set(itertools.pairwise(tokens))
        self.trigrams = set(zip(tokens, tokens[1:], tokens[2:], strict=False))

    def claim(self, text: str) -> bool:
        """Whether the main text holds this block, once per time it holds its text: a
        second copy of a title or a caption (a carousel, a teaser) is not held again."""
        tokens = _TOKEN.findall(text.lower())  # a block's text is normalised already
        if not self.holds(tokens):
            return False
        key = " ".join(tokens)
        self.claimed[key] += 1
        return self.claimed[key] <= max(1, self.joined.count(f" {key} "))

    def holds(self, tokens: list[str]) -> bool:
        """A block of one or two words must be a line of its own in the main text; one of
        three to five words must appear whole; a longer one must share half its bigrams."""
        if len(tokens) <= 2:
            return " ".join(tokens) in self.lines
        if len(tokens) <= 5:
            grams = zip(tokens, tokens[1:], tokens[2:], strict=False)
            return all(g in self.trigrams for g in grams)
        grams = list(itertools.pairwise(tokens))
        return sum(g in self.bigrams for g in grams) >= 0.5 * len(grams)


def decide(
    blocks: list[Block], signals: list[Signals], main: MainText | None, title: str = ""
) -> None:
    """Set each block's ``furniture`` and ``furniture_signals`` from its signals; ``title``
    is the page's ``<title>``."""
    verdict = main is not None and main.words >= MIN_MAIN_WORDS
    held: dict[int, bool] = {}
    if verdict:  # blocks without other signals claim their text in the main text first
        order = sorted(range(len(blocks)), key=lambda i: not signals[i].plain)
        held = {i: main.claim(blocks[i].text) for i in order if signals[i].forced is None}
        _between_content(blocks, signals, held, main)
    for index, (block, signal) in enumerate(zip(blocks, signals, strict=True)):
        if signal.forced is not None:
            block.furniture = signal.forced
            block.furniture_signals = ["selector: " + ("remove" if signal.forced else "select")]
            continue
        score, reasons = 0.0, []
        if signal.markup:
            score += signal.weight
            reasons.append(f"markup: {signal.markup}")
        if signal.dense:
            score += DENSE_WEIGHT
            reasons.append("links: dense")
        inside = held.get(index)
        if inside is not None:
            score += MAIN_IN if inside else MAIN_OUT
            reasons.append("main text: " + ("in" if inside else "out"))
        block.furniture = score > 0
        block.furniture_signals = reasons
    _headings_before_content(blocks, signals, held, title)


def _between_content(
    blocks: list[Block], signals: list[Signals], held: dict[int, bool], main: MainText
) -> None:
    """A short block with no other signal, between two blocks the main text holds, whose
    words the main text holds in a row, is held too (trafilatura joins a product's name,
    price and stock into one line)."""
    for i in range(1, len(blocks) - 1):
        if held.get(i) is not False or not signals[i].plain:
            continue
        if not (held.get(i - 1) and held.get(i + 1)):
            continue
        key = " ".join(_tokens(blocks[i].text))
        if key and len(key.split()) <= SHORT and f" {key} " in main.joined:
            held[i] = True


def _headings_before_content(
    blocks: list[Block], signals: list[Signals], held: dict[int, bool], title: str
) -> None:
    """A heading left out of the main text only (trafilatura keeps titles apart) is
    content when it is the page's title, when it introduces content, or when it ends the
    page's article (a dateline)."""
    title_key = f" {' '.join(_tokens(title))} "
    for index, block in enumerate(blocks):
        only_main = held.get(index) is False and signals[index].plain
        if block.type != "heading" or not block.furniture or not only_main:
            continue
        # the next blocks, past any the markup labels (a sidebar between title and text)
        unlabelled = (
            b
            for b, s in zip(blocks[index + 1 :], signals[index + 1 :], strict=True)
            if s.plain or s.forced is not None
        )
        following = list(itertools.islice(unlabelled, HEADING_REACH))
        key = " ".join(_tokens(block.text))
        if len(key.split()) >= 2 and f" {key} " in title_key:
            why = "heading: page title"
        elif any(not b.furniture and b.type != "heading" for b in following):
            why = "heading: introduces content"
        elif signals[index].article and not following:
            why = "heading: ends the article"
        else:
            continue
        block.furniture = False
        block.furniture_signals = [*(block.furniture_signals or []), why]
