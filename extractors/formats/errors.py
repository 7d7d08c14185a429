"""The formats stage's error: snapshot bytes that cannot be read as blocks."""

from ..errors import ExtractionError


class FormatError(ExtractionError):
    """A snapshot's bytes could not be read in their format (not a PDF, binary content,
    a broken file…). The message names the source and the reason."""
