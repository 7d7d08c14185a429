"""Review: the store in; a static, offline site for content teams out (changes side by
side, Arabic right to left), and their decisions kept append-only in the store."""

from .decisions import NOISE_FILE, ReviewError, apply_review, parse_target
from .site import build_site, default_site_dir

__all__ = [
    "NOISE_FILE",
    "ReviewError",
    "apply_review",
    "build_site",
    "default_site_dir",
    "parse_target",
]
