"""The review app (Starlette): the review site's pages behind a login, with confirm and
dismiss forms where the static site shows the ``dalil review`` command.

Security: nothing but the login page and the site's assets is served without a session;
sessions are signed cookies (HttpOnly, SameSite=Lax, Secure behind TLS) that expire and
are issued anew at each login (no fixation); every form carries the session's CSRF token;
login attempts are limited per account and per address; page paths are resolved inside
the site folder; a viewer, or any user of a ``read_only`` app, cannot decide. Decisions go
through the same append-only review records as ``dalil review``, by the logged-in user.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from flows.review import NOISE_FILE, ReviewError, apply_review, build_site, parse_target
from flows.review.corrections import (
    MIN_SOURCES,
    confirm_domain_word,
    domain_words,
    lexicon_offers,
    record_correction,
)
from flows.store import Store, StoreLockedError

from .users import User, Users

SESSION = "dalil_session"
LOGIN = "dalil_login"
SESSION_HOURS = 8
MAX_FAILURES = 5  # failed logins per account, and per address, in the window
FAILURE_WINDOW = 900.0  # seconds
_PLACEHOLDER = re.compile(r'<span class="review-actions" data-review-target="([^"<>]+)"></span>')
_CORRECT = re.compile(
    r'<span class="correct-actions" data-target="([^"<>]+)" data-original="([^"<>]*)" '
    r'data-candidates="([^"<>]*)"></span>'
)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")  # a source, version or block id
_TOKEN = "\x00csrf\x00"  # where a prepared page takes the session's CSRF token
_BAR = "\x00account\x00"  # where it takes the account bar
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self' data:; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class _Throttle:
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


def _secret(store: Store) -> bytes:
    """The app's signing key, made once and kept beside the store (owner-only)."""
    path = Path(store.root) / "web.secret"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    return path.read_bytes()


def make_app(
    store: Store,
    users: Users,
    site_dir: Path,
    *,
    read_only: bool = False,
    noise_file: Path = NOISE_FILE,
) -> Starlette:
    """The review app of ``store``; its pages are the review site built in ``site_dir``.
    Dismissed events become noise-regression cases in ``noise_file``, as with
    ``dalil review``."""
    signer = URLSafeTimedSerializer(_secret(store), salt="dalil-web")
    throttle = _Throttle()
    site_dir = site_dir.resolve()
    max_age = SESSION_HOURS * 3600

    def session(request: Request) -> tuple[User, dict] | None:
        raw = request.cookies.get(SESSION)
        if not raw:
            return None
        try:
            data = signer.loads(raw, max_age=max_age)
        except BadSignature:
            return None
        user = users.get(str(data.get("user", "")))  # removed users lose access at once
        return (user, data) if user is not None else None

    def cookie(response: Response, request: Request, name: str, value: str, age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=age,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )

    def page(body: str, status: int = 200) -> HTMLResponse:
        doc = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dalil review'
            '</title><link rel="stylesheet" href="/assets/site.css"></head><body><main>'
            f"{body}</main></body></html>"
        )
        return HTMLResponse(doc, status, headers=_HEADERS)

    def login_token(request: Request) -> str | None:
        """The token of the browser's pending sign-in form, if it still holds."""
        try:
            return str(signer.loads(request.cookies.get(LOGIN, ""), max_age=900)["csrf"])
        except (BadSignature, KeyError, TypeError):
            return None

    async def login_form(request: Request, error: str = "", status: int = 200) -> Response:
        # one token per browser while it signs in: a second tab or a favicon request that
        # lands here must not void the form already shown
        token = login_token(request) or secrets.token_urlsafe(24)
        message = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
        response = page(
            "<h1>Sign in</h1>"
            f"{message}"
            '<form method="post" action="/login">'
            f'<input type="hidden" name="csrf" value="{token}">'
            '<label>User <input name="user" autocomplete="username" required></label> '
            '<label>Password <input type="password" name="password" '
            'autocomplete="current-password" required></label> '
            '<button type="submit">Sign in</button></form>',
            status,
        )
        cookie(response, request, LOGIN, signer.dumps({"csrf": token}), 900)
        return response

    async def login(request: Request) -> Response:
        form = await request.form()
        expected = login_token(request)
        if not expected or not secrets.compare_digest(str(form.get("csrf", "")), expected):
            return page("<h1>Forbidden</h1><p>The form has expired: sign in again.</p>", 403)
        name = str(form.get("user", ""))
        address = request.client.host if request.client else "unknown"
        keys = (f"user:{name}", f"addr:{address}")
        wait = throttle.blocked(*keys)
        if wait:
            response = await login_form(request, "Too many failed attempts: try later.", 429)
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        # argon2 takes tens of milliseconds of CPU: off the event loop
        user = await run_in_threadpool(users.verify, name, str(form.get("password", "")))
        if user is None:
            throttle.failed(*keys)
            return await login_form(request, "Wrong user or password.", 401)
        throttle.clear(keys[0])
        response = RedirectResponse("/", status_code=303)
        fresh = {
            "user": user.name,
            "sid": secrets.token_urlsafe(16),  # a new session at each login: no fixation
            "csrf": secrets.token_urlsafe(24),
        }
        cookie(response, request, SESSION, signer.dumps(fresh), max_age)
        response.delete_cookie(LOGIN, path="/")
        return response

    def csrf_ok(data: dict, form) -> bool:
        return secrets.compare_digest(str(form.get("csrf", "")), str(data.get("csrf", "")))

    async def logout(request: Request) -> Response:
        found = session(request)
        form = await request.form()
        if found is None or not csrf_ok(found[1], form):
            return page("<h1>Forbidden</h1>", 403)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION, path="/")
        return response

    prepared: dict[tuple[Path, int, bool], tuple[str, ...]] = {}

    def prepare(target: Path, can_decide: bool) -> tuple[str, ...]:
        """A page split around its per-user parts (the account bar, the CSRF token of each
        form), kept while the file is unchanged: a request then only joins the pieces."""
        key = (target, target.stat().st_mtime_ns, can_decide)
        if key not in prepared:
            body = target.read_text(encoding="utf-8")
            body = body.replace("<main", _BAR + "<main", 1) if "<main" in body else _BAR + body
            # the static site forbids every form in its own policy; here its forms post to us
            body = body.replace("form-action 'none'", "form-action 'self'", 1)

            def form(match: re.Match[str]) -> str:
                if not can_decide:
                    return ""
                return (
                    '<form class="decide" method="post" action="/decide">'
                    f'<input type="hidden" name="csrf" value="{_TOKEN}">'
                    f'<input type="hidden" name="target" value="{match.group(1)}">'
                    '<input name="note" placeholder="note (optional)" aria-label="Note"> '
                    '<button name="decision" value="confirmed">Confirm</button> '
                    '<button name="decision" value="dismissed">Dismiss</button></form>'
                )

            def correct(match: re.Match[str]) -> str:
                # the captured attribute values are already escaped by the site's templates
                if not can_decide:
                    return ""
                target, original, candidates = match.groups()
                options = "".join(
                    f'<option dir="auto">{c}</option>' for c in candidates.split("|") if c
                )
                return (
                    '<form class="correct" method="post" action="/correct">'
                    f'<input type="hidden" name="csrf" value="{_TOKEN}">'
                    f'<input type="hidden" name="target" value="{target}">'
                    f'<input type="hidden" name="original" value="{original}">'
                    '<select name="pick" aria-label="Pick a reading"><option value="">pick…'
                    f"</option>{options}</select> "
                    '<input name="typed" dir="rtl" lang="ar" placeholder="or type it" '
                    'aria-label="The right word"> <button type="submit">Correct</button></form>'
                )

            if len(prepared) > 2000:
                prepared.clear()
            body = _CORRECT.sub(correct, _PLACEHOLDER.sub(form, body))
            prepared[key] = tuple(body.split(_TOKEN))
        return prepared[key]

    def actions(user: User, token: str, target: Path) -> str:
        """The page with the user's account bar and, for reviewers, decision forms."""
        can_decide = user.role in ("reviewer", "admin") and not read_only
        links = ' <a href="/lexicon">Lexicon</a>' if user.role == "admin" else ""
        bar = (
            '<form class="account" method="post" action="/logout">'
            f"<span>{html.escape(user.name)} ({user.role}{', read-only' if read_only else ''})"
            f"</span>{links}"
            f' <input type="hidden" name="csrf" value="{token}">'
            '<button type="submit">Sign out</button></form>'
        )
        first, *rest = prepare(target, can_decide)  # the bar sits before the first form
        return token.join([first.replace(_BAR, bar, 1), *rest])

    def site_file(request: Request) -> Response:
        """A page of the site (blocking file work: run in the thread pool)."""
        found = session(request)
        if found is None:
            return RedirectResponse("/login", status_code=303)
        user, data = found
        relative = request.path_params.get("path", "") or "index.html"
        target = (site_dir / relative).resolve()
        if not target.is_relative_to(site_dir) or not target.is_file():
            return page("<h1>Not found</h1>", 404)
        if target.suffix != ".html":
            return FileResponse(target, headers=_HEADERS)
        body = actions(user, str(data["csrf"]), target)
        return HTMLResponse(body, headers=_HEADERS)

    async def site_page(request: Request) -> Response:
        return await run_in_threadpool(site_file, request)

    async def assets(request: Request) -> Response:
        target = (site_dir / "assets" / request.path_params["name"]).resolve()
        if not target.is_relative_to(site_dir / "assets") or not target.is_file():
            return page("<h1>Not found</h1>", 404)
        return FileResponse(target)

    async def decide(request: Request) -> Response:
        found = session(request)
        if found is None:
            return page("<h1>Sign in first</h1>", 401)
        user, data = found
        form = await request.form()
        if not csrf_ok(data, form):
            return page("<h1>Forbidden</h1><p>Missing or wrong form token.</p>", 403)
        if read_only or user.role not in ("reviewer", "admin"):
            return page("<h1>Forbidden</h1><p>Viewers cannot decide.</p>", 403)
        decision = str(form.get("decision", ""))
        if decision not in ("confirmed", "dismissed"):
            return page("<h1>Bad request</h1><p>Confirm or dismiss.</p>", 400)
        note = str(form.get("note", "")).strip()[:2000] or None

        def record() -> None:
            with store.lock(wait=30):
                apply_review(store, target, decision, user.name, note, noise_file)
                build_site(store, site_dir)

        try:
            target = parse_target(str(form.get("target", "")))
            await run_in_threadpool(record)
        except ReviewError as exc:
            return page(f"<h1>Bad request</h1><p>{html.escape(str(exc))}</p>", 400)
        except StoreLockedError:
            return page("<h1>Busy</h1><p>A refresh holds the store: try again.</p>", 503)
        where = f"/changes/{target.source_id}/{target.version}.html"
        anchor = f"#e-{target.event}" if target.event else ""
        return RedirectResponse(where + anchor, status_code=303)

    async def correct(request: Request) -> Response:
        """A reviewer's reading of a repaired word, for the next extraction."""
        found = session(request)
        if found is None:
            return page("<h1>Sign in first</h1>", 401)
        user, data = found
        form = await request.form()
        if not csrf_ok(data, form):
            return page("<h1>Forbidden</h1><p>Missing or wrong form token.</p>", 403)
        if read_only or user.role not in ("reviewer", "admin"):
            return page("<h1>Forbidden</h1><p>Viewers cannot correct.</p>", 403)
        ids = str(form.get("target", "")).split("/")
        if len(ids) != 3 or not all(_ID.match(part) for part in ids):
            return page("<h1>Bad request</h1><p>No such repair.</p>", 400)
        source_id, version, block = ids
        corrected = str(form.get("typed", "")).strip() or str(form.get("pick", "")).strip()

        def record() -> None:
            with store.lock(wait=30):
                record_correction(
                    store,
                    source_id,
                    version,
                    block,
                    str(form.get("original", "")),
                    corrected,
                    user.name,
                )
                build_site(store, site_dir)

        try:
            await run_in_threadpool(record)
        except ReviewError as exc:
            return page(f"<h1>Bad request</h1><p>{html.escape(str(exc))}</p>", 400)
        except StoreLockedError:
            return page("<h1>Busy</h1><p>A refresh holds the store: try again.</p>", 503)
        return RedirectResponse(f"/procedures/{source_id}.html", status_code=303)

    async def lexicon(request: Request) -> Response:
        """Admins: corrected words that recur across sources, to confirm for the engine."""
        found = session(request)
        if found is None:
            return RedirectResponse("/login", status_code=303)
        user, data = found
        if user.role != "admin" or read_only:
            return page("<h1>Forbidden</h1><p>Only admins manage the lexicon.</p>", 403)
        if request.method == "POST":
            form = await request.form()
            if not csrf_ok(data, form):
                return page("<h1>Forbidden</h1><p>Missing or wrong form token.</p>", 403)

            def confirm() -> None:
                with store.lock(wait=30):
                    confirm_domain_word(store, str(form.get("word", "")), user.name)

            try:
                await run_in_threadpool(confirm)
            except ReviewError as exc:
                return page(f"<h1>Bad request</h1><p>{html.escape(str(exc))}</p>", 400)
            except StoreLockedError:
                return page("<h1>Busy</h1><p>A refresh holds the store: try again.</p>", 503)
            return RedirectResponse("/lexicon", status_code=303)
        offers = await run_in_threadpool(lexicon_offers, store)
        known = await run_in_threadpool(domain_words, store)
        token = html.escape(str(data["csrf"]))
        rows = "".join(
            f'<tr><td dir="rtl" lang="ar">{html.escape(o.word)}</td>'
            f"<td>{html.escape(', '.join(o.sources))}</td><td>{o.corrections}</td><td>"
            '<form method="post" action="/lexicon">'
            f'<input type="hidden" name="csrf" value="{token}">'
            f'<input type="hidden" name="word" value="{html.escape(o.word)}">'
            '<button type="submit">Add to the lexicon</button></form></td></tr>'
            for o in offers
        )
        return page(
            '<p><a href="/">Home</a></p><h1>Domain lexicon</h1>'
            f"<p>Words reviewers gave in corrections for {MIN_SOURCES} or more sources. "
            "A confirmed word is known to the repair engine from the next refresh.</p>"
            '<table class="list"><thead><tr><th>Word</th><th>Sources</th><th>Corrections</th>'
            f"<th></th></tr></thead><tbody>{rows}</tbody></table>"
            '<h2>Confirmed</h2><p dir="rtl" lang="ar">'
            f"{html.escape(' '.join(known)) or '—'}</p>"
        )

    return Starlette(
        routes=[
            Route("/login", login_form, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST"]),
            Route("/decide", decide, methods=["POST"]),
            Route("/correct", correct, methods=["POST"]),
            Route("/lexicon", lexicon, methods=["GET", "POST"]),
            Route("/assets/{name:path}", assets, methods=["GET"]),
            Route("/{path:path}", site_page, methods=["GET"]),
        ]
    )
