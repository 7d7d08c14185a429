"""The review site's pages as the app serves them: each page is prepared once per file
version, with forms where the static site has placeholders (decisions, corrections), then
split around its per-user parts (the account bar, the session's CSRF token) so that a
request only joins the pieces."""

from __future__ import annotations

import html
import re
from pathlib import Path

from .users import User

_DECIDE = re.compile(r'<span class="review-actions" data-review-target="([^"<>]+)"></span>')
_CORRECT = re.compile(
    r'<span class="correct-actions" data-target="([^"<>]+)" data-original="([^"<>]*)" '
    r'data-candidates="([^"<>]*)"></span>'
)
TOKEN = "\x00csrf\x00"  # where a prepared page takes the session's CSRF token
_BAR = "\x00account\x00"  # where it takes the account bar
_KEEP = 2000  # prepared pages kept in memory


def _decide_form(match: re.Match[str]) -> str:
    return (
        '<form class="decide" method="post" action="/decide">'
        f'<input type="hidden" name="csrf" value="{TOKEN}">'
        f'<input type="hidden" name="target" value="{match.group(1)}">'
        '<input name="note" placeholder="note (optional)" aria-label="Note"> '
        '<button name="decision" value="confirmed">Confirm</button> '
        '<button name="decision" value="dismissed">Dismiss</button></form>'
    )


def _correct_form(match: re.Match[str]) -> str:
    # the captured attribute values are already escaped by the site's templates
    target, original, candidates = match.groups()
    options = "".join(f'<option dir="auto">{c}</option>' for c in candidates.split("|") if c)
    return (
        '<form class="correct" method="post" action="/correct">'
        f'<input type="hidden" name="csrf" value="{TOKEN}">'
        f'<input type="hidden" name="target" value="{target}">'
        f'<input type="hidden" name="original" value="{original}">'
        '<select name="pick" aria-label="Pick a reading"><option value="">pick…'
        f"</option>{options}</select> "
        '<input name="typed" dir="rtl" lang="ar" placeholder="or type it" '
        'aria-label="The right word"> <button type="submit">Correct</button></form>'
    )


class Pages:
    """Prepared pages of one site folder."""

    def __init__(self) -> None:
        self._prepared: dict[tuple[Path, int, bool], tuple[str, ...]] = {}

    def _prepare(self, target: Path, can_write: bool) -> tuple[str, ...]:
        key = (target, target.stat().st_mtime_ns, can_write)
        if key not in self._prepared:
            if len(self._prepared) > _KEEP:
                self._prepared.clear()
            self._prepared[key] = _split(target.read_text(encoding="utf-8"), can_write)
        return self._prepared[key]

    def render(self, target: Path, user: User, token: str, can_write: bool, note: str) -> str:
        """The page in file ``target`` for ``user``: account bar, and forms when they may
        write. ``note`` is added to the bar's name (``read-only``)."""
        return _join(self._prepare(target, can_write), user, token, note)

    @staticmethod
    def split(body: str, can_write: bool) -> tuple[str, ...]:
        """A page made by the app, prepared as a site page is (keep it to reuse it)."""
        return _split(body, can_write)

    @staticmethod
    def join(parts: tuple[str, ...], user: User, token: str, note: str) -> str:
        """A prepared page for ``user``."""
        return _join(parts, user, token, note)


def _split(body: str, can_write: bool) -> tuple[str, ...]:
    """A site page with its forms, split around its per-user parts."""
    body = body.replace("<main", _BAR + "<main", 1) if "<main" in body else _BAR + body
    # the static site forbids every form and script in its own policy; here its forms post
    # to us and the change list's script fetches rows
    body = body.replace("form-action 'none'", "form-action 'self'", 1)
    body = body.replace("default-src 'none'", "default-src 'none'; connect-src 'self'", 1)
    body = _DECIDE.sub(_decide_form if can_write else "", body)
    body = _CORRECT.sub(_correct_form if can_write else "", body)
    return tuple(body.split(TOKEN))


def _join(parts: tuple[str, ...], user: User, token: str, note: str) -> str:
    links = ' <a href="/account">Notifications</a>'
    if user.role == "admin":
        links += ' <a href="/lexicon">Lexicon</a> <a href="/fonts">Fonts</a>'
    bar = (
        '<form class="account" method="post" action="/logout">'
        f"<span>{html.escape(user.name)} ({user.role}{note})</span>{links}"
        f' <input type="hidden" name="csrf" value="{token}">'
        '<button type="submit">Sign out</button></form>'
    )
    first, *rest = parts  # the bar sits before the first form
    return token.join([first.replace(_BAR, bar, 1), *rest])
