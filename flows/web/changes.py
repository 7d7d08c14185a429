"""The change list as the app serves it: filtered and paged on the server from the rows
the site builder keeps (``changes.rows.json``), so that a list of 10,000 events costs a
page of rows per request. The page's filters and its "Show more" button fetch
``/changes/rows`` (JSON: the rows' HTML, the total, the next offset) without a reload."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from flows.review import environment

from .guard import HEADERS, Guard, page
from .pages import Pages

PAGE = 100  # rows per page
_EXACT = ("source", "significance", "lang", "state")


class _Rows:
    """The site's change rows, read again when the site rewrites them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key: int | None = None
        self._rows: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def get(self) -> tuple[int | None, list[dict[str, Any]]]:
        """The rows, and a key that changes when they do."""
        try:
            key = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return None, []
        with self._lock:
            if key != self._key:
                self._rows = json.loads(self.path.read_text(encoding="utf-8"))
                self._key = key
            return self._key, self._rows


class _Answers:
    """Answers already made for a (rows, query) key: 50 reviewers looking at the same
    list cost one rendering."""

    def __init__(self, size: int = 256) -> None:
        self._made: dict[Any, Any] = {}
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: Any, make: Any) -> Any:
        with self._lock:
            if key in self._made:
                return self._made[key]
        made = make()
        with self._lock:
            if len(self._made) >= self._size:
                self._made.clear()
            self._made[key] = made
        return made


def matching(rows: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
    """The rows the filters keep (exact fields, and a date range ``from``/``to``)."""
    wanted = {k: query[k] for k in _EXACT if query.get(k)}
    start, end = query.get("from") or "", query.get("to") or ""
    return [
        r
        for r in rows
        if all(r.get(k) == v for k, v in wanted.items())
        and (not start or r["date"] >= start)
        and (not end or r["date"] <= end)
    ]


def _offset(query: dict[str, str]) -> int:
    try:
        return max(0, int(query.get("offset", "0")))
    except ValueError:
        return 0


def changes_routes(guard: Guard, site_dir: Path, pages: Pages) -> list[Route]:
    """``/changes.html`` (the first page, with filters) and ``/changes/rows``."""
    rows = _Rows(site_dir / "changes.rows.json")
    env = environment()
    listing, fragment = env.get_template("changes.html"), env.get_template("changes_rows.html")

    answers = _Answers()

    def window(
        everything: list[dict[str, Any]], query: dict[str, str]
    ) -> tuple[list[dict[str, Any]], int, int | None]:
        kept = matching(everything, query)
        start = _offset(query)
        end = start + PAGE
        return kept[start:end], len(kept), end if end < len(kept) else None

    def first_page(everything: list[dict[str, Any]], query: dict[str, str]) -> str:
        shown, total, more = window(everything, query)
        return listing.render(
            root="",
            rows=shown,
            total=total,
            more=more,
            paged=True,
            source_ids=sorted({r["source"] for r in everything}),
            languages=sorted({r["lang"] for r in everything if r["lang"]}),
            filters=True,
            built_at="",
        )

    def full_page(request: Request) -> Response:
        found = guard.viewing(request)
        if isinstance(found, Response):
            return found
        user, data = found
        query = dict(request.query_params)
        query.pop("offset", None)  # a page opens at its top
        key, everything = rows.get()
        can_write = guard.can_write(user)
        parts = answers.get(
            ("page", key, tuple(sorted(query.items())), can_write),
            lambda: pages.split(first_page(everything, query), can_write),
        )
        note = ", read-only" if guard.read_only else ""
        html = pages.join(parts, user, str(data["csrf"]), note)
        return Response(html, media_type="text/html", headers=HEADERS)

    def rows_answer(everything: list[dict[str, Any]], query: dict[str, str]) -> bytes:
        shown, total, more = window(everything, query)
        answer = {"rows": fragment.render(rows=shown, root=""), "total": total, "next": more}
        return json.dumps(answer, ensure_ascii=False).encode("utf-8")

    def more_rows(request: Request) -> Response:
        if guard.session(request) is None:
            return page("<h1>Sign in first</h1>", 401)
        query = dict(request.query_params)
        key, everything = rows.get()
        body = answers.get(
            ("rows", key, tuple(sorted(query.items()))), lambda: rows_answer(everything, query)
        )
        return Response(body, media_type="application/json", headers=HEADERS)

    async def changes_page(request: Request) -> Response:
        return await run_in_threadpool(full_page, request)

    async def changes_rows(request: Request) -> Response:
        return await run_in_threadpool(more_rows, request)

    return [
        Route("/changes.html", changes_page, methods=["GET"]),
        Route("/changes/rows", changes_rows, methods=["GET"]),
    ]
