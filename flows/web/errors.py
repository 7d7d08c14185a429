"""The review app's error: a bad account operation or app setting, with its reason."""

from __future__ import annotations


class WebError(ValueError):
    """An account or app setting that cannot be used; the message says why."""
