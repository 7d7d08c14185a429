"""Arabic repair: damaged text in (U+FFFD, visual order, mirrored brackets, lost letters),
repaired text out, with every repair recorded and how sure it was."""

from .blocks import repair_blocks
from .context import context_model
from .detect import FFFD, is_damaged_token
from .lexicon import Lexicon, default_lexicon, lookup_form
from .repair import LineRepair, Repairer, document_context, repair_lines, repair_text
from .rules import display

__all__ = [
    "FFFD",
    "Lexicon",
    "LineRepair",
    "Repairer",
    "context_model",
    "default_lexicon",
    "display",
    "document_context",
    "is_damaged_token",
    "lookup_form",
    "repair_blocks",
    "repair_lines",
    "repair_text",
]
