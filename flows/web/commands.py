"""``dalil users …`` and ``dalil web``: the review app's accounts and its server."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from flows.console import err, fail
from flows.notify import ALL, Subscription
from flows.store import Store, StoreError, default_store_url

from .errors import WebError
from .users import ROLES, Users

users_app = typer.Typer(help="Review-app accounts (kept in users.sqlite beside the store).")
StoreOpt = Annotated[str | None, typer.Option("--store", help="Store URL (default: output/).")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]
T = TypeVar("T")
UsersOpt = Annotated[
    Path | None, typer.Option("--users", help="Accounts file (default: <store>/users.sqlite).")
]


def _users(store: str | None, users: Path | None) -> tuple[Store, Users]:
    st = Store(store or default_store_url())
    if users is None:
        if not st.local:
            raise WebError("a remote store needs --users PATH for its accounts file")
        users = Path(st.root) / "users.sqlite"
    return st, Users(users)


def _on_users(store: str | None, users: Path | None, act: Callable[[Users], T]) -> T:
    """``act`` on the accounts; a bad account, setting or store ends the command (exit 2)."""
    try:
        return act(_users(store, users)[1])
    except (WebError, StoreError) as exc:
        raise fail(str(exc)) from None


def _password(given: bool) -> str:
    """The password from standard input (--password-stdin) or asked twice."""
    if given:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")] = "viewer",
    password_stdin: PasswordStdin = False,
    store: StoreOpt = None,
    users: UsersOpt = None,
) -> None:
    """Create an account."""
    _on_users(store, users, lambda accounts: accounts.add(name, role, _password(password_stdin)))
    err.print(f"user {name} added ({role})", highlight=False)


@users_app.command("remove")
def users_remove(
    name: Annotated[str, typer.Argument(help="User name.")],
    store: StoreOpt = None,
    users: UsersOpt = None,
) -> None:
    """Delete an account (its sessions end at once)."""
    _on_users(store, users, lambda accounts: accounts.remove(name))
    err.print(f"user {name} removed", highlight=False)


@users_app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="User name.")],
    password_stdin: PasswordStdin = False,
    store: StoreOpt = None,
    users: UsersOpt = None,
) -> None:
    """Set an account's password."""
    _on_users(store, users, lambda a: a.set_password(name, _password(password_stdin)))
    err.print(f"password of {name} changed", highlight=False)


@users_app.command("list")
def users_list(store: StoreOpt = None, users: UsersOpt = None) -> None:
    """List the accounts and their roles."""
    listed = _on_users(store, users, lambda accounts: accounts.list())
    for user in listed:
        print(f"{user.name}\t{user.role}")


@users_app.command("notify")
def users_notify(
    name: Annotated[str, typer.Argument(help="User name.")],
    url: Annotated[str, typer.Argument(help="An apprise URL: mailtos://…, slack://…, json://…")],
    source: Annotated[
        str, typer.Option("--source", help="Only this source id (default: every source).")
    ] = ALL,
    digest: Annotated[
        bool, typer.Option("--digest", help="One message per refresh, not one per alert.")
    ] = False,
    remove: Annotated[bool, typer.Option("--remove", help="Stop this subscription.")] = False,
    test: Annotated[bool, typer.Option("--test", help="Send a test message now.")] = False,
    store: StoreOpt = None,
    users: UsersOpt = None,
) -> None:
    """Notify a user of substantive changes and parity gaps, after each refresh."""
    from flows.notify import Message, SubscriptionError, Subscriptions, send

    def act(accounts: Users) -> str:
        if accounts.get(name) is None:
            raise WebError(f"no user {name!r}")
        subs = Subscriptions(accounts.path)
        if remove:
            subs.remove(name, url, source)
            return f"{name}: no more notifications for {source} at that URL"
        subs.add(Subscription(name, url, source, digest))
        if test:
            probe = Message("test", name, url, "dalil: test notification", "It works.")
            if not send(probe, attempts=1):
                raise WebError(f"{url!r}: the test message was not delivered (see the log)")
        mode = "digest" if digest else "each alert"
        return f"{name}: notified of {'every source' if source == ALL else source} ({mode})"

    try:
        said = _on_users(store, users, act)
    except SubscriptionError as exc:
        raise fail(str(exc)) from None
    err.print(said, highlight=False)


@users_app.command("notifications")
def users_notifications(
    name: Annotated[str | None, typer.Argument(help="Only this user.")] = None,
    store: StoreOpt = None,
    users: UsersOpt = None,
) -> None:
    """List the notification subscriptions (user, source, digest, URL)."""
    from flows.notify import Subscriptions

    listed = _on_users(store, users, lambda accounts: Subscriptions(accounts.path).list(name))
    for sub in listed:
        print(f"{sub.user}\t{sub.source}\t{'digest' if sub.digest else 'each'}\t{sub.url}")


def web(
    store: StoreOpt = None,
    users: UsersOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8765,
    read_only: Annotated[
        bool, typer.Option("--read-only", help="Serve pages only: nobody can decide.")
    ] = False,
) -> None:
    """Serve the review app: the review site behind a login, decisions in the browser."""
    import uvicorn

    from flows.review import build_site, default_site_dir

    from .app import make_app

    try:
        st, accounts = _users(store, users)
        if not accounts.list():
            raise WebError("no accounts yet: create one with `dalil users add NAME --role admin`")
        site = default_site_dir(st)
        build_site(st, site)
        application = make_app(st, accounts, site, read_only=read_only)
    except (WebError, StoreError) as exc:
        raise fail(str(exc)) from None
    err.print(f"review app on http://{host}:{port}/ (store {st.url})", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")
