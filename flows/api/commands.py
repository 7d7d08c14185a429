"""``dalil api`` (serve the read API) and ``dalil users token`` (make, list or revoke
an app's read token)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.console import err, fail
from flows.notify import users_file
from flows.store import Store, StoreError, default_store_url

from .app import make_api
from .tokens import TokenError, Tokens

StoreOpt = Annotated[str | None, typer.Option("--store", help="Store URL (default: output/).")]
UsersOpt = Annotated[
    Path | None, typer.Option("--users", help="Accounts file (default: <store>/users.sqlite).")
]


def _tokens(store: Store, users: Path | None) -> Tokens:
    found = users_file(store, users)
    if found is None:
        raise StoreError("a remote store needs --users PATH (or DALIL_USERS) for its accounts")
    return Tokens(found)


def token(
    name: Annotated[str | None, typer.Argument(help="The app the token is for.")] = None,
    revoke: Annotated[bool, typer.Option("--revoke", help="Revoke NAME's token.")] = False,
    store: StoreOpt = None,
    users: UsersOpt = None,
) -> None:
    """Make a read token for an app (printed once; a new one replaces the old), revoke it,
    or list the tokens (no NAME)."""
    try:
        tokens = _tokens(Store(store or default_store_url()), users)
        if name is None:
            for who, created in tokens.list():
                print(f"{who}\t{created}")
        elif revoke:
            tokens.revoke(name)
            err.print(f"token of {name} revoked", highlight=False)
        else:
            print(tokens.create(name))
    except (TokenError, StoreError) as exc:
        raise fail(str(exc)) from None


def api(
    store: StoreOpt = None,
    users: UsersOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8766,
    public: Annotated[
        bool, typer.Option("--public", help="Answer without a token (read-only data).")
    ] = False,
) -> None:
    """Serve the read API: /api/procedures, /api/procedures/{id}, /api/changes?since=,
    /api/sources (OpenAPI at /api/openapi.json)."""
    import uvicorn

    try:
        st = Store(store or default_store_url())
        tokens = None if public else _tokens(st, users)
        if not st.exists("catalog.json"):
            raise StoreError(f"store {st.url}: no catalog.json yet: run `dalil refresh` first")
        application = make_api(st, tokens, public=public)
    except StoreError as exc:
        raise fail(str(exc)) from None
    err.print(f"read API on http://{host}:{port}/api/procedures (store {st.url})", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")
