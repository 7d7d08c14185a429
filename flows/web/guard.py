"""What every route of the review app checks: the signed session, the form's CSRF token,
the user's role; and how a change to the store is made (under its lock, off the event
loop) and how its errors are answered. One place, for every form the app takes."""

from __future__ import annotations

import html
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from flows.store import Store, StoreLockedError

from .users import User, Users

SESSION = "dalil_session"
SESSION_HOURS = 8
MAX_FAILURES = 5  # failed logins per account, and per address, in the window
FAILURE_WINDOW = 900.0  # seconds
DECIDERS = ("reviewer", "admin")
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self' data:; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def page(body: str, status: int = 200) -> HTMLResponse:
    """A page of the app's own (sign-in, errors, account, lexicon)."""
    doc = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dalil review'
        '</title><link rel="stylesheet" href="/assets/site.css"></head><body><main>'
        f"{body}</main></body></html>"
    )
    return HTMLResponse(doc, status, headers=HEADERS)


class Throttle:
    """Failed logins per key (account, address) within a sliding window."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, *keys: str) -> float:
        """Seconds to wait before another attempt (0: go ahead)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._failures[key]
                while times and now - times[0] > FAILURE_WINDOW:
                    times.popleft()
                if len(times) >= MAX_FAILURES:
                    wait = max(wait, FAILURE_WINDOW - (now - times[0]))
        return wait

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures[key].append(time.monotonic())

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


@dataclass
class Guard:
    """Sessions, CSRF and roles of one app."""

    store: Store
    users: Users
    signer: URLSafeTimedSerializer
    read_only: bool = False
    max_age: int = SESSION_HOURS * 3600
    throttle: Throttle = field(default_factory=Throttle)

    def session(self, request: Request) -> tuple[User, dict] | None:
        """The signed-in user and the session's data, or None."""
        raw = request.cookies.get(SESSION)
        if not raw:
            return None
        try:
            data = self.signer.loads(raw, max_age=self.max_age)
        except BadSignature:
            return None
        user = self.users.get(str(data.get("user", "")))  # removed users lose access at once
        return (user, data) if user is not None else None

    def cookie(self, response: Response, request: Request, name: str, value: str, age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=age,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )

    @staticmethod
    def csrf_ok(data: dict, form: FormData) -> bool:
        return secrets.compare_digest(str(form.get("csrf", "")), str(data.get("csrf", "")))

    def can_write(self, user: User, roles: tuple[str, ...] = DECIDERS) -> bool:
        return not self.read_only and user.role in roles

    def viewing(
        self, request: Request, roles: tuple[str, ...] | None = None, why: str = ""
    ) -> tuple[User, dict] | Response:
        """The user and session of a page, or the answer: the sign-in page without a
        session, 403 (saying ``why``) when ``roles`` are given and the user may not."""
        found = self.session(request)
        if found is None:
            return RedirectResponse("/login", status_code=303)
        if roles is not None and not self.can_write(found[0], roles):
            return page(f"<h1>Forbidden</h1><p>{why}</p>", 403)
        return found

    async def posted(
        self, request: Request, roles: tuple[str, ...] = DECIDERS
    ) -> tuple[User, FormData] | Response:
        """The user and form of a POST that may change something, or the refusal: 401
        without a session, 403 without the session's CSRF token or the role."""
        found = self.session(request)
        if found is None:
            return page("<h1>Sign in first</h1>", 401)
        user, data = found
        form = await request.form()
        if not self.csrf_ok(data, form):
            return page("<h1>Forbidden</h1><p>Missing or wrong form token.</p>", 403)
        if not self.can_write(user, roles):
            return page(f"<h1>Forbidden</h1><p>A {user.role} cannot do this here.</p>", 403)
        return user, form

    async def locked(self, change: Callable[[], Any]) -> Response | None:
        """Run ``change`` under the store's lock in the thread pool; None when it worked,
        else the answer: 400 with the reason, or 503 while a refresh holds the store."""

        def run() -> None:
            with self.store.lock(wait=30):
                change()

        try:
            await run_in_threadpool(run)
        except ValueError as exc:  # ReviewError, SubscriptionError, WebError: the reason
            return page(f"<h1>Bad request</h1><p>{html.escape(str(exc))}</p>", 400)
        except StoreLockedError:
            return page("<h1>Busy</h1><p>A refresh holds the store: try again.</p>", 503)
        return None
