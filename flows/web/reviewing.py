"""What reviewers and admins post: decisions on change sets and events (as ``dalil
review``), corrections of Arabic repairs, and the admin's domain-lexicon confirmations.
Each goes into the store's append-only records under its lock; the site is rebuilt."""

from __future__ import annotations

import html
import re
from functools import partial
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from flows.review import (
    MIN_SOURCES,
    apply_review,
    build_site,
    confirm_domain_word,
    decide_table,
    domain_words,
    edit_table,
    lexicon_offers,
    parse_target,
    record_correction,
    tables,
)

from .guard import Guard, page

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")  # a source, version or block id


def reviewing_routes(guard: Guard, site_dir: Path, noise_file: Path) -> list[Route]:
    """``/decide``, ``/correct`` and ``/lexicon``."""
    store = guard.store

    async def decide(request: Request) -> Response:
        got = await guard.posted(request)
        if isinstance(got, Response):
            return got
        user, form = got
        decision = str(form.get("decision", ""))
        if decision not in ("confirmed", "dismissed"):
            return page("<h1>Bad request</h1><p>Confirm or dismiss.</p>", 400)
        note = str(form.get("note", "")).strip()[:2000] or None
        target = str(form.get("target", ""))

        def record() -> None:
            apply_review(store, parse_target(target), decision, user.name, note, noise_file)
            build_site(store, site_dir)

        if refused := await guard.locked(record):
            return refused
        where = parse_target(target)
        anchor = f"#e-{where.event}" if where.event else ""
        return RedirectResponse(
            f"/changes/{where.source_id}/{where.version}.html{anchor}", status_code=303
        )

    async def correct(request: Request) -> Response:
        got = await guard.posted(request)
        if isinstance(got, Response):
            return got
        user, form = got
        ids = str(form.get("target", "")).split("/")
        if len(ids) != 3 or not all(_ID.match(part) for part in ids):
            return page("<h1>Bad request</h1><p>No such repair.</p>", 400)
        source_id, version, block = ids
        corrected = str(form.get("typed", "")).strip() or str(form.get("pick", "")).strip()
        original = str(form.get("original", ""))

        def record() -> None:
            record_correction(store, source_id, version, block, original, corrected, user.name)
            build_site(store, site_dir)

        if refused := await guard.locked(record):
            return refused
        return RedirectResponse(f"/procedures/{source_id}.html", status_code=303)

    async def lexicon(request: Request) -> Response:
        """Admins: corrected words that recur across sources, to confirm for the engine."""
        if request.method == "POST":
            got = await guard.posted(request, ("admin",))
            if isinstance(got, Response):
                return got
            by, word = got[0].name, str(got[1].get("word", ""))
            if refused := await guard.locked(lambda: confirm_domain_word(store, word, by)):
                return refused
            return RedirectResponse("/lexicon", status_code=303)
        found = guard.viewing(request, ("admin",), "Only admins manage the lexicon.")
        if isinstance(found, Response):
            return found
        data = found[1]
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

    async def fonts(request: Request) -> Response:
        """Admins: legacy-font code tables the solver proposed, with what they read."""
        if request.method == "POST":
            got = await guard.posted(request, ("admin",))
            if isinstance(got, Response):
                return got
            by, form = got[0].name, got[1]
            key, decision = str(form.get("key", "")), str(form.get("decision", ""))
            if decision == "edit":  # one code's letter, before the table is trusted
                code, letter = str(form.get("code", "")), str(form.get("letter", "")).strip()
                act = partial(edit_table, store, key, code, letter, by)
            else:
                act = partial(decide_table, store, key, decision, by)
            if refused := await guard.locked(act):
                return refused
            return RedirectResponse("/fonts", status_code=303)
        found = guard.viewing(request, ("admin",), "Only admins review font tables.")
        if isinstance(found, Response):
            return found
        data = found[1]
        listed = await run_in_threadpool(tables, store)
        token = html.escape(str(data["csrf"]))
        items = []
        for t in listed:
            pairs = "".join(
                f'<tr><td dir="ltr"><code>{html.escape(c)}</code></td>'
                f'<td dir="rtl" lang="ar">{html.escape(d)}</td></tr>'
                for c, d in zip(t.get("coded_sample", []), t.get("sample", []), strict=False)
            )
            buttons = ""
            if t["status"] == "proposed":
                hidden = (
                    f'<input type="hidden" name="csrf" value="{token}">'
                    f'<input type="hidden" name="key" value="{html.escape(t["key"])}">'
                )
                options = "".join(
                    f'<option value="{html.escape(c)}">{html.escape(c)} = {html.escape(o)}</option>'
                    for c, o in sorted(t["mapping"].items())
                )
                buttons = (
                    f'<form method="post" action="/fonts">{hidden}'
                    '<label>Code <select name="code">' + options + "</select></label> "
                    '<label>stands for <input name="letter" size="3" dir="rtl" lang="ar" '
                    'required></label> <button name="decision" value="edit">Correct</button>'
                    f'</form><form method="post" action="/fonts">{hidden}'
                    '<button name="decision" value="confirmed">Trust this table</button> '
                    '<button name="decision" value="rejected">Reject</button></form>'
                )
            items.append(
                f'<section><h2 dir="ltr">{html.escape(t["font"])}</h2>'
                f"<p>{html.escape(t['status'])} · from {html.escape(t['source_id'])} · the "
                f"lexicon knows {float(t['known']):.0%} of its words</p>"
                f'<table class="list"><thead><tr><th>As coded</th><th>Decoded</th></tr>'
                f"</thead><tbody>{pairs}</tbody></table>{buttons}</section>"
            )
        return page(
            '<p><a href="/">Home</a></p><h1>Legacy-font tables</h1>'
            "<p>Arabic set in old fonts reads as Latin-1 codes. The solver proposes one code "
            "table per font; once trusted here, every later extraction decodes that font.</p>"
            + ("".join(items) or "<p>No table yet.</p>")
        )

    return [
        Route("/decide", decide, methods=["POST"]),
        Route("/fonts", fonts, methods=["GET", "POST"]),
        Route("/correct", correct, methods=["POST"]),
        Route("/lexicon", lexicon, methods=["GET", "POST"]),
    ]
