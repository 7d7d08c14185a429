"""Arabic set in legacy fonts ("cipher" text): glyphs on Latin-1 code points, visual
order, a Latin character for the space. Detected, then solved against the Arabic letter
model and lexicon, one code table per document. Extraction flags such blocks (a warning,
no language); the solver is offered by ``dalil repair --legacy-font`` while its accuracy
is short of trusting it unseen (``benchmarks/bench_legacy_font.py``)."""

from .detect import flag_coded_blocks, looks_coded
from .solve import Decoding, logical_words, solve, space_of

__all__ = ["Decoding", "flag_coded_blocks", "logical_words", "looks_coded", "solve", "space_of"]
