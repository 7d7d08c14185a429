"""Pages that need JavaScript (``render: browser``): loaded by headless Chromium through
Playwright and captured as the rendered HTML.

Chromium is Debian's (``apt-get install chromium``), or the one ``DALIL_CHROMIUM`` names,
or Playwright's own. Without Playwright or a browser, the source fails with an error that
says how to install one; the other sources go on. As for plain fetches, a request to a
private or loopback address on another host than the page's is refused unless allowed.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from urllib.parse import urlsplit

from .errors import FetchError
from .fetch import FetchResult, is_private

NO_BROWSER = (
    "render: browser needs headless Chromium and none could be started: "
    "apt-get install chromium (or set DALIL_CHROMIUM to a Chromium binary)"
)


def chromium_path() -> str | None:
    """The Chromium binary to drive: DALIL_CHROMIUM, else one on the PATH."""
    return (
        os.environ.get("DALIL_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def render(
    url: str, headers: dict[str, str], timeout: float, max_bytes: int, allow_private: bool
) -> FetchResult:
    """The page at ``url`` as Chromium renders it (scripts run, network quiet). Raises
    FetchError naming the URL and the reason."""
    try:
        from playwright.sync_api import Error as BrowserError
        from playwright.sync_api import TimeoutError as BrowserTimeout
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise FetchError(
            url, NO_BROWSER + " (Playwright is not installed)", retryable=False
        ) from None
    origin = urlsplit(url).hostname
    with sync_playwright() as playwright:
        try:
            path = chromium_path()
            browser = (
                playwright.chromium.launch(executable_path=path)
                if path
                else (playwright.chromium.launch())
            )
        except BrowserError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise FetchError(url, f"{NO_BROWSER}: {first}", retryable=False) from None
        try:
            page = browser.new_page(user_agent=headers.get("User-Agent"))

            def guard(route, request) -> None:
                host = urlsplit(request.url).hostname or ""
                if not allow_private and host != origin and is_private(host):
                    route.abort()
                else:
                    route.continue_()

            page.route("**/*", guard)
            response = page.goto(url, timeout=timeout * 1000, wait_until="networkidle")
            if response is None:
                raise FetchError(url, "the browser got no response", retryable=True)
            if response.status >= 400:
                raise FetchError(
                    url,
                    f"HTTP {response.status} {response.status_text}",
                    retryable=response.status >= 500 or response.status in (408, 429),
                    status=response.status,
                )
            data = page.content().encode("utf-8")
            final_url = page.url
            status = response.status
        except BrowserTimeout:
            raise FetchError(
                url, f"timed out after {timeout:g} s in the browser", retryable=True
            ) from None
        except BrowserError as exc:
            raise FetchError(url, f"browser error: {exc}", retryable=True) from None
        finally:
            browser.close()
    if len(data) > max_bytes:
        raise FetchError(url, f"rendered page exceeds the {max_bytes}-byte cap", retryable=False)
    return FetchResult(
        url=final_url,
        status=status,
        fetched_at=datetime.now(UTC),
        data=data,
        content_type="text/html; charset=utf-8",
        headers={"x-dalil-render": "browser"},
    )
