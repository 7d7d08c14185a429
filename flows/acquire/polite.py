"""Polite live fetching: what dalil owes the sites it watches.

A ``HostGate`` stands between every live request and its host (scheme and authority):

- ``robots.txt`` is read once per host (parsed with protego) and obeyed: a forbidden
  address is never asked for. A robots.txt that is missing (4xx) allows everything; one
  that cannot be read (5xx, no answer) forbids everything, as RFC 9309 says.
- One request at a time per host, and a delay between the end of one and the start of
  the next: the operator's minimum (default 2 s) plus up to half of it again at random,
  or the host's ``Crawl-delay`` when longer.
- A 429 or 503 pushes the host's next request back by its ``Retry-After``, or by a
  back-off that doubles with each refusal.
- A host that does not answer at all (a timeout, a refused connection) opens a circuit
  breaker: the host's other documents fail at once, without a request, until the
  cool-down has passed, so a dead host costs one timeout per run.
- Requests carry a User-Agent naming dalil and the operator's contact.

Settings (environment): ``DALIL_CONTACT`` (an e-mail or URL), ``DALIL_FETCH_DELAY``
(seconds, default 2), ``DALIL_OBEY_ROBOTS`` (default 1), ``DALIL_HOST_COOLDOWN`` (seconds a
host that did not answer is skipped, default 900), ``DALIL_FETCH_TIMEOUT`` (seconds,
default 30). One gate serves a process
(the threads of a refresh); processes of a multi-process run each keep their own.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
from protego import Protego

from extractors import EXTRACTOR_VERSION

from .errors import FetchError

if TYPE_CHECKING:
    from .fetch import FetchResult

ROBOTS_AGENT = "dalil"
ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class Politeness:
    """The operator's rules for live fetching."""

    delay: float = 2.0  # seconds between two requests to one host, at least
    jitter: float = 0.5  # up to this share of the delay is added at random
    obey_robots: bool = True
    contact: str | None = None
    cooldown: float = 900.0  # seconds a host that did not answer is skipped
    max_backoff: float = 600.0  # the longest wait a 429 or 503 without Retry-After causes
    timeout: float = 30.0  # seconds a request may take (each wait and the whole download)

    @classmethod
    def from_env(cls) -> Politeness:
        """The rules set in the environment (see the module's docstring)."""
        return cls(
            delay=float(os.environ.get("DALIL_FETCH_DELAY", "2")),
            obey_robots=os.environ.get("DALIL_OBEY_ROBOTS", "1").lower() not in ("0", "false"),
            contact=os.environ.get("DALIL_CONTACT") or None,
            cooldown=float(os.environ.get("DALIL_HOST_COOLDOWN", "900")),
            timeout=float(os.environ.get("DALIL_FETCH_TIMEOUT", "30")),
        )

    @property
    def user_agent(self) -> str:
        contact = f"; contact: {self.contact}" if self.contact else ""
        return (
            f"{ROBOTS_AGENT}/{EXTRACTOR_VERSION} (monitor of public Moroccan health-insurance "
            f"procedures; polite, conditional requests{contact})"
        )


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0  # monotonic time before which no request may start
    robots: Protego | None = None
    robots_read: bool = False
    refusals: int = 0  # 429/503 in a row
    open_until: float = 0.0  # the circuit breaker is open until then
    open_reason: str = ""


class HostGate:
    """Per-host order and pace for live requests (see the module's docstring)."""

    def __init__(self, policy: Politeness | None = None) -> None:
        self.policy = policy or Politeness.from_env()
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, origin: str) -> _Host:
        with self._lock:
            return self._hosts.setdefault(origin, _Host())

    def fetch(self, url: str, once: Callable[[], FetchResult], timeout: float) -> FetchResult:
        """Run ``once`` (one GET of ``url``) when and if the host's rules allow it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        host = self._host(origin)
        with host.lock:  # one request at a time per host; the others wait their turn
            self._check_breaker(url, origin, host)
            delay = self.policy.delay
            if self.policy.obey_robots:
                robots = self._robots(origin, host, timeout)
                if robots is not None and not robots.can_fetch(url, ROBOTS_AGENT):
                    raise FetchError(url, f"{origin}/robots.txt forbids it", retryable=False)
                crawl_delay = robots.crawl_delay(ROBOTS_AGENT) if robots is not None else None
                delay = max(delay, float(crawl_delay or 0))
            self._wait(host)
            try:
                result = once()
            except FetchError as exc:
                self._failed(origin, host, exc, delay)
                raise
            host.refusals = 0
            self._pace(host, delay)
            return result

    def _check_breaker(self, url: str, origin: str, host: _Host) -> None:
        if host.open_until > time.monotonic():
            raise FetchError(
                url,
                f"skipped: {origin} did not answer earlier ({host.open_reason})",
                retryable=False,
            )

    def _wait(self, host: _Host) -> None:
        pause = host.next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)

    def _pace(self, host: _Host, delay: float, at_least: float = 0.0) -> None:
        """The next request to the host waits the delay (with jitter) after this one."""
        wait = max(delay * (1 + random.uniform(0, self.policy.jitter)), at_least)
        host.next_at = time.monotonic() + wait

    def _failed(self, origin: str, host: _Host, exc: FetchError, delay: float) -> None:
        if exc.unreachable:
            host.open_until = time.monotonic() + self.policy.cooldown
            host.open_reason = exc.reason
        if exc.status in (429, 503):
            host.refusals += 1
            backoff = min(self.policy.max_backoff, max(delay, 1.0) * 2**host.refusals)
            self._pace(host, delay, exc.retry_after if exc.retry_after is not None else backoff)
        else:
            self._pace(host, delay)

    def _robots(self, origin: str, host: _Host, timeout: float) -> Protego | None:
        """The host's robots.txt, read once (None: everything allowed)."""
        if host.robots_read:
            return host.robots
        self._wait(host)
        url = f"{origin}/robots.txt"
        try:
            with httpx.Client(
                timeout=httpx.Timeout(timeout),
                follow_redirects=True,
                max_redirects=5,
                headers={"User-Agent": self.policy.user_agent},
            ) as client:
                response = client.get(url)
        except httpx.HTTPError as exc:
            host.open_until = time.monotonic() + self.policy.cooldown
            host.open_reason = f"robots.txt: {type(exc).__name__}"
            self._pace(host, self.policy.delay)
            raise FetchError(url, f"no answer ({type(exc).__name__})", retryable=True) from None
        self._pace(host, self.policy.delay)
        host.robots_read = True
        if response.status_code >= 500:
            host.robots = Protego.parse("User-agent: *\nDisallow: /\n")  # RFC 9309 2.3.1.4
        elif response.status_code < 400:
            text = response.content[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
            host.robots = Protego.parse(text)
        return host.robots


_DEFAULT: HostGate | None = None
_DEFAULT_LOCK = threading.Lock()


def default_gate() -> HostGate:
    """The process's gate, with the rules of the environment at its first use."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = HostGate()
        return _DEFAULT


def set_default_gate(gate: HostGate | None) -> HostGate | None:
    """Make ``gate`` the process's gate (None: the environment's, made anew at next use);
    returns the one it replaces."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        previous, _DEFAULT = _DEFAULT, gate
        return previous
