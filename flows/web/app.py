"""The review app (Starlette): the review site's pages behind a login, with confirm and
dismiss forms where the static site shows the ``dalil review`` command, correction forms on
repaired words, each user's notification choices and the admin's domain lexicon.

Security: nothing but the login page and the site's assets is served without a session;
sessions are signed cookies (HttpOnly, SameSite=Lax, Secure behind TLS) that expire and
are issued anew at each login (no fixation); every form carries the session's CSRF token;
login attempts are limited per account and per address; page paths are resolved inside
the site folder; a viewer, or any user of a ``read_only`` app, cannot decide or correct.
Decisions and corrections go into the same append-only records as ``dalil review``, by the
logged-in user.
"""

from __future__ import annotations

import html
import os
import secrets
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from flows.review import NOISE_FILE
from flows.store import Store

from .account import account_routes
from .changes import changes_routes
from .guard import HEADERS, SESSION, Guard, page
from .pages import Pages
from .reviewing import reviewing_routes
from .users import Users

LOGIN = "dalil_login"


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
    guard = Guard(store, users, signer, read_only)
    site_dir = site_dir.resolve()
    pages = Pages()

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
        guard.cookie(response, request, LOGIN, signer.dumps({"csrf": token}), 900)
        return response

    async def login(request: Request) -> Response:
        form = await request.form()
        expected = login_token(request)
        if not expected or not secrets.compare_digest(str(form.get("csrf", "")), expected):
            return page("<h1>Forbidden</h1><p>The form has expired: sign in again.</p>", 403)
        name = str(form.get("user", ""))
        address = request.client.host if request.client else "unknown"
        keys = (f"user:{name}", f"addr:{address}")
        wait = guard.throttle.blocked(*keys)
        if wait:
            response = await login_form(request, "Too many failed attempts: try later.", 429)
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        # argon2 takes tens of milliseconds of CPU: off the event loop
        user = await run_in_threadpool(users.verify, name, str(form.get("password", "")))
        if user is None:
            guard.throttle.failed(*keys)
            return await login_form(request, "Wrong user or password.", 401)
        guard.throttle.clear(keys[0])
        response = RedirectResponse("/", status_code=303)
        fresh = {
            "user": user.name,
            "sid": secrets.token_urlsafe(16),  # a new session at each login: no fixation
            "csrf": secrets.token_urlsafe(24),
        }
        guard.cookie(response, request, SESSION, signer.dumps(fresh), guard.max_age)
        response.delete_cookie(LOGIN, path="/")
        return response

    async def logout(request: Request) -> Response:
        found = guard.session(request)
        form = await request.form()
        if found is None or not guard.csrf_ok(found[1], form):
            return page("<h1>Forbidden</h1>", 403)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION, path="/")
        return response

    def site_file(request: Request) -> Response:
        """A page of the site (blocking file work: run in the thread pool)."""
        found = guard.viewing(request)
        if isinstance(found, Response):
            return found
        user, data = found
        relative = request.path_params.get("path", "") or "index.html"
        target = (site_dir / relative).resolve()
        if not target.is_relative_to(site_dir) or not target.is_file():
            return page("<h1>Not found</h1>", 404)
        if target.suffix != ".html":
            return FileResponse(target, headers=HEADERS)
        note = ", read-only" if read_only else ""
        body = pages.render(target, user, str(data["csrf"]), guard.can_write(user), note)
        return HTMLResponse(body, headers=HEADERS)

    async def site_page(request: Request) -> Response:
        return await run_in_threadpool(site_file, request)

    async def assets(request: Request) -> Response:
        target = (site_dir / "assets" / request.path_params["name"]).resolve()
        if not target.is_relative_to(site_dir / "assets") or not target.is_file():
            return page("<h1>Not found</h1>", 404)
        return FileResponse(target)

    return Starlette(
        routes=[
            Route("/login", login_form, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST"]),
            *changes_routes(guard, site_dir, pages),
            *reviewing_routes(guard, site_dir, noise_file),
            *account_routes(guard),
            Route("/assets/{name:path}", assets, methods=["GET"]),
            Route("/{path:path}", site_page, methods=["GET"]),
        ]
    )
