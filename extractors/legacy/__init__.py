"""Arabic set in legacy fonts ("cipher" text): glyphs on Latin-1 code points, visual
order, a Latin character for the space. Detected, then solved against the Arabic letter
model and lexicon, one code table per font. Extraction flags such blocks (a warning, no
language) and decodes those whose font has a table an admin confirmed; the flows propose
tables for the others (``benchmarks/bench_legacy_font.py`` measures the solver)."""

from .apply import apply_tables, coded_blocks, font_key
from .detect import flag_coded_blocks, looks_coded
from .solve import Decoding, logical_words, solve, space_of

__all__ = [
    "Decoding",
    "apply_tables",
    "coded_blocks",
    "flag_coded_blocks",
    "font_key",
    "logical_words",
    "looks_coded",
    "solve",
    "space_of",
]
