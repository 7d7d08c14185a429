"""Review: the store in; a static, offline site for content teams out (changes side by
side, Arabic right to left), and their decisions kept append-only in the store."""

from .corrections import (
    MIN_SOURCES,
    confirm_domain_word,
    corrections,
    domain_words,
    lexicon_offers,
    record_correction,
    reviewer_inputs,
    user_repairs,
)
from .decisions import NOISE_FILE, ReviewError, apply_review, parse_target
from .fonts import decide_table, edit_table, propose_tables, tables, trusted_tables
from .render import environment
from .site import build_site, default_site_dir

__all__ = [
    "MIN_SOURCES",
    "NOISE_FILE",
    "ReviewError",
    "apply_review",
    "build_site",
    "confirm_domain_word",
    "corrections",
    "decide_table",
    "default_site_dir",
    "domain_words",
    "edit_table",
    "environment",
    "lexicon_offers",
    "parse_target",
    "propose_tables",
    "record_correction",
    "reviewer_inputs",
    "tables",
    "trusted_tables",
    "user_repairs",
]
