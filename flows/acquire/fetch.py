"""Live fetch of a source URL with httpx: bounded, polite and conditional."""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from .errors import FetchError
from .polite import HostGate, default_gate

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5


@dataclass
class FetchResult:
    """What a fetch brought back. ``data`` is None when the server said 304 Not Modified."""

    url: str
    status: int
    fetched_at: datetime
    data: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    allow_private: bool = False,
    gate: HostGate | None = None,
    render: str = "http",
) -> FetchResult:
    """GET ``url`` conditionally, with a timeout, a size cap and a redirect cap, through
    the host gate (``polite.default_gate()`` unless given): robots.txt obeyed, one request
    at a time per host, a delay between them, a failing host skipped.

    ``timeout`` (default: the gate's, ``DALIL_FETCH_TIMEOUT`` or 30 s) bounds each network
    wait and the whole download. A redirect to another
    host on a private, loopback or link-local address is refused unless ``allow_private``
    (a public page must not make dalil read an internal one). With ``render="browser"``
    the page is loaded by headless Chromium and captured as rendered (``render.py``); such
    a capture has no validators, so it is never conditional. Raises FetchError.
    """
    gate = gate or default_gate()
    timeout = timeout or gate.policy.timeout
    headers = {
        "User-Agent": gate.policy.user_agent,
        "Accept": "text/html,application/pdf,text/plain;q=0.9,*/*;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    def once() -> FetchResult:
        if render == "browser":
            from .render import render as in_browser

            return in_browser(url, headers, timeout, max_bytes, allow_private)
        return _fetch_once(url, headers, timeout, max_bytes, max_redirects, allow_private)

    return gate.fetch(url, once, timeout)


def _fetch_once(
    url: str,
    headers: dict[str, str],
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    allow_private: bool,
) -> FetchResult:
    deadline = time.monotonic() + timeout
    try:
        with (
            httpx.Client(
                timeout=httpx.Timeout(timeout),
                follow_redirects=True,
                max_redirects=max_redirects,
                headers=headers,
                event_hooks={"request": [] if allow_private else [_guard(url)]},
            ) as client,
            client.stream("GET", url) as response,
        ):
            return _read(url, response, max_bytes, deadline)
    except _Refused as exc:
        raise FetchError(url, str(exc), retryable=False) from None
    except httpx.TooManyRedirects:
        raise FetchError(url, f"more than {max_redirects} redirects", retryable=False) from None
    except httpx.TimeoutException as exc:
        raise FetchError(
            url, f"timed out after {timeout:g} s ({type(exc).__name__})", retryable=True
        ) from None
    except httpx.TransportError as exc:
        raise FetchError(
            url, f"network error: {exc or type(exc).__name__}", retryable=True
        ) from None
    except httpx.InvalidURL as exc:
        raise FetchError(url, f"invalid URL: {exc}", retryable=False) from None


class _Refused(Exception):
    """A redirect dalil will not follow."""


def is_private(host: str) -> bool:
    """Whether a host name or address points into a private, loopback or local network."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False  # the request itself will fail with a clear network error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local:
            return True
    return False


def _guard(start: str):
    """A request hook refusing redirects to private addresses on another host."""
    origin = urlsplit(start).hostname

    def check(request: httpx.Request) -> None:
        host = request.url.host
        if host != origin and is_private(host):
            raise _Refused(f"redirect to a private or loopback address refused: {request.url}")

    return check


_TEXTUAL = ("text/", "application/pdf", "application/xhtml", "application/xml")


def _read(url: str, response: httpx.Response, max_bytes: int, deadline: float) -> FetchResult:
    fetched_at = datetime.now(UTC)
    common = {
        "url": str(response.url),
        "status": response.status_code,
        "fetched_at": fetched_at,
        "etag": response.headers.get("etag"),
        "last_modified": response.headers.get("last-modified"),
        "headers": dict(response.headers),
    }
    if response.status_code == 304:
        return FetchResult(**common)
    if response.status_code >= 400:
        retryable = response.status_code >= 500 or response.status_code in (408, 429)
        raise FetchError(
            url,
            f"HTTP {response.status_code} {response.reason_phrase}",
            retryable=retryable,
            status=response.status_code,
            retry_after=retry_after(response.headers.get("retry-after")),
        )
    declared = int(response.headers.get("content-length") or 0)
    if declared > max_bytes:
        raise FetchError(
            url, f"body of {declared} bytes exceeds the {max_bytes}-byte cap", retryable=False
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, f"body exceeds the {max_bytes}-byte cap", retryable=False)
        if time.monotonic() > deadline:
            raise FetchError(url, "download did not finish in time", retryable=True)
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data.strip():
        raise FetchError(url, "empty response body", retryable=True)
    content_type = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type and not content_type.startswith(_TEXTUAL) and not _sniffable(data):
        raise FetchError(
            url, f"content type {content_type} is not a page or a PDF", retryable=False
        )
    return FetchResult(
        **common,
        data=data,
        content_type=response.headers.get("content-type"),
    )


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _sniffable(data: bytes) -> bool:
    """Whether bytes are a PDF or an HTML page whatever the server said they are."""
    head = data[:1024].lstrip().lower()
    return head.startswith((b"%pdf", b"<!doctype html", b"<html")) or b"<body" in head
