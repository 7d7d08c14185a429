"""Changes: two Documents of one source in, a ChangeSet out (typed events with their
significance); what normalises away (the comparison key) is noise, never a change."""

from .diff import diff, word_diff

__all__ = ["diff", "word_diff"]
