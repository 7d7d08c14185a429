"""The acquisition stage's errors: a registry that cannot be read, a fetch that failed.
Both are ``AcquireError``; each message names the file or URL and the reason."""

from __future__ import annotations

from pathlib import Path


class AcquireError(Exception):
    """A source could not be acquired: its registry entry or its live fetch failed."""


class RegistryError(AcquireError):
    """The registry file is missing, malformed, or has invalid entries."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid source registry {path}:\n{lines}")


class FetchError(AcquireError):
    """A live fetch failed. ``retryable`` tells whether trying again may help."""

    def __init__(self, url: str, reason: str, *, retryable: bool) -> None:
        super().__init__(f"fetch {url}: {reason}")
        self.url = url
        self.reason = reason
        self.retryable = retryable

    def __reduce__(self):  # keep the keyword-only flag when pickled across processes
        return (_rebuild_fetch_error, (self.url, self.reason, self.retryable))


def _rebuild_fetch_error(url: str, reason: str, retryable: bool) -> FetchError:
    return FetchError(url, reason, retryable=retryable)
