"""The read API for downstream apps (FastAPI; its OpenAPI document at
``/api/openapi.json``): the catalog's procedures, the changes that touched them, and the
sources. Every answer is JSON with an ETag and Last-Modified, and a conditional request
that matches gets 304. Lists are paged by an opaque cursor. A read token (``dalil users
token``) is needed as ``Authorization: Bearer …`` unless the API is public."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from extractors.catalog import Entry, fold
from flows.store import Store

from .data import ANSWER_BYTES, ApiData, Snapshot, Summary
from .tokens import TokenCache, Tokens

MAX_LIMIT = 200
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]


class ProcedurePage(BaseModel):
    items: list[Summary | Entry] = Field(description="Summaries, or whole entries (full=true).")
    total: int
    next: str | None


class ChangeItem(BaseModel):
    procedure: str
    source: str
    version: str
    change: str
    kind: str
    significance: str
    summary: str
    at: datetime


class ChangePage(BaseModel):
    items: list[ChangeItem]
    next: str | None


class SourceList(BaseModel):
    items: list[dict[str, Any]]


def _cursor(route: str, key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([route, key]).encode()).decode().rstrip("=")


def _uncursor(cursor: str | None, route: str) -> Any:
    """The key a cursor holds, when it is one of ``route``'s; else 400."""
    if not cursor:
        return None
    try:
        tag, key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        tag, key = None, None
    fits = (
        isinstance(key, str)
        if route == "procedures"
        else isinstance(key, list) and len(key) == 4 and all(isinstance(k, str) for k in key)
    )
    if tag != route or not fits:
        raise HTTPException(400, "bad cursor: pass back the `next` of the previous page")
    return key


def _answer(request: Request, body: bytes, etag: str, modified: datetime) -> Response:
    """``body`` as JSON with its validators, or 304 when the request's match."""
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": "no-cache",
        "Vary": "Authorization",
    }
    match = request.headers.get("if-none-match")
    since = request.headers.get("if-modified-since")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        if etag in tags or "*" in tags:
            return Response(status_code=304, headers=headers)
    elif since is not None:
        try:
            if modified <= parsedate_to_datetime(since):
                return Response(status_code=304, headers=headers)
        except (TypeError, ValueError):
            pass  # an unreadable date: answer in full
    return Response(body, media_type="application/json", headers=headers)


def _respond(request: Request, snap: Snapshot, key: tuple, build: Callable[[], bytes]) -> Response:
    """The answer for ``key`` (the route and its parsed parameters), built once per
    snapshot while the kept answers stay under ``ANSWER_BYTES``."""
    found = snap.answers.get(key)
    if found is None:
        body = build()
        found = (body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
        if snap.answer_bytes + len(body) <= ANSWER_BYTES:
            snap.answers[key] = found
            snap.answer_bytes += len(body)
    return _answer(request, *found, snap.modified)


def _page(items: list[bytes], extra: dict[str, Any]) -> bytes:
    """``{"items": [...], **extra}`` from items already serialised."""
    tail = ("," + json.dumps(extra)[1:-1]).encode() if extra else b""
    return b'{"items":[' + b",".join(items) + b"]" + tail + b"}"


def make_api(store: Store, tokens: Tokens | None, public: bool = False) -> FastAPI:
    """The API over ``store``; without ``public``, every route needs a token of ``tokens``."""
    data = ApiData(store)

    cache = TokenCache(tokens) if tokens else None

    async def reader(request: Request) -> str | None:
        if public:
            return None
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        name = None
        if cache is not None and scheme.lower() == "bearer":
            if cache.stale():
                await run_in_threadpool(cache.reload)
            name = cache.name(token.strip())
        if name is None:
            raise HTTPException(
                401,
                "a read token is needed: Authorization: Bearer <token> (dalil users token)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return name

    app = FastAPI(
        title="dalil read API",
        description=__doc__,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        dependencies=[Depends(reader)],
    )

    @app.get("/api/procedures", response_class=Response, responses={200: {"model": ProcedurePage}})
    async def procedures(
        request: Request,
        lang: str | None = None,
        scheme: str | None = None,
        institution: str | None = None,
        q: str | None = None,
        limit: Limit = 50,
        cursor: str | None = None,
        full: bool = False,
    ) -> Response:
        """Procedures by id, as summaries (``full``: whole entries); filter by language,
        scheme id, institution id or a text query (titles and steps)."""
        snap = await data.snapshot()
        after = _uncursor(cursor, "procedures")
        wanted = fold(q) if q else None

        def build() -> bytes:
            chosen = [
                i
                for i in snap.items
                if (lang is None or lang in i.entry.languages)
                and (scheme is None or scheme.upper() in i.entry.schemes)
                and (institution is None or institution.upper() in i.entry.institutions)
                and (wanted is None or wanted in i.text)
            ]
            start = 0
            if after is not None:
                start = next((n for n, i in enumerate(chosen) if i.entry.id > after), len(chosen))
            page = chosen[start : start + limit]
            more = start + limit < len(chosen)
            return _page(
                [i.body if full else i.summary for i in page],
                {
                    "total": len(chosen),
                    "next": _cursor("procedures", page[-1].entry.id) if more else None,
                },
            )

        key = ("procedures", lang, scheme, institution, wanted, limit, after, full)
        return _respond(request, snap, key, build)

    @app.get(
        "/api/procedures/{procedure_id}",
        response_class=Response,
        responses={200: {"model": Entry}, 404: {"description": "No such procedure."}},
    )
    async def procedure(request: Request, procedure_id: str) -> Response:
        """One procedure."""
        snap = await data.snapshot()
        item = snap.by_id.get(procedure_id)
        if item is None:
            raise HTTPException(404, f"no procedure {procedure_id!r}")
        return _respond(request, snap, ("procedure", procedure_id), lambda: item.body)

    @app.get("/api/changes", response_class=Response, responses={200: {"model": ChangePage}})
    async def changes(
        request: Request,
        since: datetime | None = None,
        limit: Limit = 100,
        cursor: str | None = None,
    ) -> Response:
        """Change-set events that touched a procedure, oldest first, from ``since``."""
        snap = await data.snapshot()
        after = _uncursor(cursor, "changes")

        def build() -> bytes:
            rows = snap.changes
            if since is not None:
                moment = since if since.tzinfo else since.replace(tzinfo=UTC)  # naive: UTC
                rows = [c for c in rows if datetime.fromisoformat(c["at"]) >= moment]
            keyed = [((c["at"], c["source"], c["change"], c["procedure"]), c) for c in rows]
            if after is not None:
                keyed = [(k, c) for k, c in keyed if list(k) > after]
            page = keyed[:limit]
            more = len(keyed) > limit
            return _page(
                [json.dumps(c, ensure_ascii=False).encode() for _, c in page],
                {"next": _cursor("changes", list(page[-1][0])) if more else None},
            )

        return _respond(request, snap, ("changes", since, limit, str(after)), build)

    @app.get("/api/sources", response_class=Response, responses={200: {"model": SourceList}})
    async def sources(request: Request) -> Response:
        """The watched sources: title, publisher, kind, URL, status, published version."""
        snap = await data.snapshot()
        return _respond(request, snap, ("sources",), lambda: snap.sources)

    return app
