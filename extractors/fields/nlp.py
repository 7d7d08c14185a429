"""spaCy, one real pipeline per language, loaded once per process.

- French: ``fr_core_news_sm`` (its NER gives places and organisations), without the
  components dalil does not read (lemmatizer, morphologizer, parser), plus a sentencizer.
- Arabic and English: ``spacy.blank`` with a sentencizer (no Arabic model exists).
- Every pipeline: an EntityRuler fed by the shipped gazetteers (``data/gazetteer.json``):
  cities (``CITY``), organisations (``ORG``) and insurance schemes (``SCHEME``), ahead of
  the statistical NER so that a known name keeps its gazetteer label.

``annotate`` runs ``nlp.pipe`` once over a document's main-content blocks, grouped by
language, and keeps each block's entities and sentences.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..models import Block

_DATA = Path(__file__).with_name("data") / "gazetteer.json"
_FRENCH_MODEL = "fr_core_news_sm"
_BATCH = 256


@dataclass
class Annotation:
    """What spaCy found in one block."""

    entities: list[tuple[str, str, int, int]] = field(default_factory=list)  # label, text, span
    sentences: list[str] = field(default_factory=list)

    def labelled(self, *labels: str) -> list[tuple[str, str, int, int]]:
        return [e for e in self.entities if e[0] in labels]


def _patterns() -> list[dict]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    patterns = []
    for city in data["cities"]:
        for name in [*city["ar"], *city["fr"]]:
            patterns.append({"label": "CITY", "pattern": name, "id": city["ar"][0]})
    for label, key in (("ORG", "organisations"), ("SCHEME", "schemes")):
        for entry in data[key]:
            for name in entry["names"]:
                patterns.append({"label": label, "pattern": name, "id": entry["id"]})
    return patterns


_LOADING = threading.Lock()


def pipeline(lang: str) -> Language:
    """The pipeline for a language code (ar, fr, en; anything else gets a blank English),
    loaded once per process even when several documents start at once in threads."""
    with _LOADING:
        return _load(lang)


@cache
def _load(lang: str) -> Language:
    if lang == "fr":
        nlp = spacy.load(_FRENCH_MODEL, exclude=["lemmatizer", "morphologizer", "parser"])
        nlp.add_pipe("sentencizer", first=True)
        ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "LOWER"})
    else:
        nlp = spacy.blank("ar" if lang == "ar" else "en")
        nlp.add_pipe("sentencizer")
        ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(_patterns())
    return nlp


def _sentences(doc: Doc) -> list[str]:
    """The sentences of a Doc, cut at the sentencizer's starts (one array read, which is
    much cheaper than iterating ``doc.sents``)."""
    if len(doc) == 0:
        return []
    starts = doc.to_array(["SENT_START", "IDX"])
    cuts = [int(idx) for start, idx in starts[1:] if start == 1]
    bounds = [0, *cuts, len(doc.text)]
    pieces = (doc.text[a:b].strip() for a, b in pairwise(bounds))
    return [piece for piece in pieces if piece]


def _group(lang: str | None) -> str:
    return lang if lang in ("ar", "fr") else "en"


def annotate(blocks: Sequence[Block]) -> dict[str, Annotation]:
    """Entities and sentences of every main-content block, by block id."""
    by_lang: dict[str, list[Block]] = defaultdict(list)
    for block in blocks:
        if not block.furniture and block.text.strip():
            by_lang[_group(block.lang)].append(block)
    out: dict[str, Annotation] = {}
    for lang, group in by_lang.items():
        nlp = pipeline(lang)
        for block, doc in zip(
            group, nlp.pipe((b.text for b in group), batch_size=_BATCH), strict=True
        ):
            out[block.id] = Annotation(
                entities=[(e.label_, e.text, e.start_char, e.end_char) for e in doc.ents],
                sentences=_sentences(doc),
            )
    return out
