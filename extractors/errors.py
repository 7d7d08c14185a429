"""Errors raised by the extraction stage."""


class ExtractionError(Exception):
    """A snapshot could not be turned into a Document.

    The message names the source and the reason, so a maintainer can act on it.
    """

    def __init__(self, source_id: str, reason: str) -> None:
        super().__init__(f"{source_id}: {reason}")
        self.source_id = source_id
        self.reason = reason
