"""A user's own notification choices in the app: which sources (or all), which apprise
URL, one message per alert or a digest per refresh."""

from __future__ import annotations

import html

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from flows.notify import ALL, Subscription, Subscriptions

from .guard import Guard, page
from .users import ROLES


def account_routes(guard: Guard) -> list[Route]:
    """``/account``: list, add and remove the signed-in user's subscriptions."""
    subs = Subscriptions(guard.users.path)

    async def account(request: Request) -> Response:
        if request.method == "POST":
            got = await guard.posted(request, ROLES)  # every role may be told of changes
            if isinstance(got, Response):
                return got
            user, form = got
            sub = Subscription(
                user.name,
                str(form.get("url", "")).strip(),
                str(form.get("source", "")) or ALL,
                form.get("digest") == "on",
            )
            if form.get("action") == "remove":
                change = lambda: subs.remove(sub.user, sub.url, sub.source)  # noqa: E731
            elif sub.source != ALL and sub.source not in guard.store.sources():
                return page("<h1>Bad request</h1><p>No such source.</p>", 400)
            else:
                change = lambda: subs.add(sub)  # noqa: E731
            if refused := await guard.locked(change):
                return refused
            return RedirectResponse("/account", status_code=303)
        found = guard.viewing(request)
        if isinstance(found, Response):
            return found
        user, data = found
        mine = await run_in_threadpool(subs.list, user.name)
        sources = await run_in_threadpool(guard.store.sources)
        token = html.escape(str(data["csrf"]))
        hidden = f'<input type="hidden" name="csrf" value="{token}">'
        rows = "".join(
            f"<tr><td>{'every source' if s.source == ALL else html.escape(s.source)}</td>"
            f"<td>{'digest' if s.digest else 'each alert'}</td>"
            f'<td dir="ltr">{html.escape(s.url)}</td><td>'
            f'<form method="post" action="/account">{hidden}'
            '<input type="hidden" name="action" value="remove">'
            f'<input type="hidden" name="url" value="{html.escape(s.url)}">'
            f'<input type="hidden" name="source" value="{html.escape(s.source)}">'
            '<button type="submit">Remove</button></form></td></tr>'
            for s in mine
        )
        options = "".join(f"<option>{html.escape(s)}</option>" for s in sources)
        writable = "" if guard.can_write(user, ROLES) else " disabled"
        return page(
            '<p><a href="/">Home</a></p><h1>Notifications</h1>'
            f"<p>{html.escape(user.name)} is told of substantive changes and parity gaps "
            "after each refresh, through any "
            '<a href="https://github.com/caronc/apprise/wiki">apprise</a> URL.</p>'
            '<table class="list"><thead><tr><th>Source</th><th>Mode</th><th>URL</th><th></th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
            f'<h2>Add</h2><form method="post" action="/account">{hidden}'
            '<input type="hidden" name="action" value="add">'
            '<label>Source <select name="source"><option value="">every source</option>'
            f"{options}</select></label> "
            '<label>URL <input name="url" required dir="ltr" '
            'placeholder="mailtos://user:pass@example.org"></label> '
            '<label><input type="checkbox" name="digest"> one digest per refresh</label> '
            f'<button type="submit"{writable}>Add</button></form>'
        )

    return [Route("/account", account, methods=["GET", "POST"])]
