"""Changes: two Documents of one source in, a ChangeSet out (typed events with their
significance); what normalises away (the comparison key) is noise, never a change. And
the language versions of one page in, their parity gaps out."""

from .diff import diff, word_diff
from .noise import strip_tracking
from .parity import facts, gap_closed, open_gaps

__all__ = ["diff", "facts", "gap_closed", "open_gaps", "strip_tracking", "word_diff"]
