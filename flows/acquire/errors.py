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

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"fetch {url}: {reason}")
        self.url = url
        self.reason = reason
        self.retryable = retryable
        self.status = status  # the HTTP status, None when no response came
        self.retry_after = retry_after  # seconds the server asked to wait (429, 503)

    @property
    def unreachable(self) -> bool:
        """No answer at all: a timeout or a network error (the host may be down)."""
        return self.retryable and self.status is None

    def __reduce__(self):  # keep the keyword-only fields when pickled across processes
        return (
            _rebuild_fetch_error,
            (self.url, self.reason, self.retryable, self.status, self.retry_after),
        )


def _rebuild_fetch_error(
    url: str, reason: str, retryable: bool, status: int | None, retry_after: float | None
) -> FetchError:
    return FetchError(url, reason, retryable=retryable, status=status, retry_after=retry_after)
