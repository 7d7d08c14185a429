"""The review site: a static, offline site built from the store for content teams.

Pages: the sources with their status, pending reviews and a timeline (``index.html``);
every change event with filters (``changes.html``); one page per source, per change set
(side by side, word-level marks, each block in its own direction), per version (its
blocks, as anchors), the current procedures of each source (repairs marked), and an inert
view of each text or HTML snapshot (PDFs are copied, to open at a page).

Every string from a source goes through Jinja's autoescaping; links are made only for
http(s) URLs; a Content-Security-Policy allows no script but the site's own filter code.
Writing is incremental: a page whose inputs (files and review decisions) are unchanged is
not rendered again, and a page whose bytes are unchanged is not rewritten.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import sha256
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from extractors.changes import word_diff
from extractors.models import Block, Change, ChangeSet, Document, ParityGap, Repair
from extractors.script import detect_language
from flows.parity import gaps_of, load_gaps
from flows.reports import is_alert, one_line, version_time
from flows.store import Store, StoreError

from .corrections import Correction, corrections
from .decisions import Decisions, event_state, locate, needs_review, reviews, set_state
from .render import (
    SITE_VERSION,
    TEMPLATES,
    Span,
    environment,
    marked_repairs,
    side,
)

MANIFEST = ".site-manifest.json"
SNAPSHOT_VIEW_LIMIT = 2_000_000  # bytes of a snapshot shown in its text view
ORDER = ("substantive", "editorial", "noise")


@dataclass
class SiteResult:
    """What a build did."""

    out: Path
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    skipped: int = 0  # inputs unchanged: not even rendered
    written_pages: list[str] = field(default_factory=list)


# ---- the writer ----------------------------------------------------------------------


class _Writer:
    """Writes pages under ``out``, remembering each page's inputs and bytes."""

    def __init__(self, out: Path, result: SiteResult) -> None:
        self.out, self.result = out, result
        try:
            self.old = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.old = {}
        self.new: dict[str, dict[str, str]] = {}
        self.folders: set[Path] = set()

    def fresh(self, page: str, inputs: str) -> bool:
        """Whether ``page`` was built from the same inputs and is still there."""
        entry = self.old.get(page)
        if entry and entry.get("inputs") == inputs and (self.out / page).exists():
            self.new[page] = entry
            self.result.pages += 1
            self.result.skipped += 1
            return True
        return False

    def write(self, page: str, content: str | bytes, inputs: str = "") -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = sha256(data).hexdigest()
        self.result.pages += 1
        if page != MANIFEST:
            self.new[page] = {"inputs": inputs, "sha256": digest}
        target = self.out / page
        if self.old.get(page, {}).get("sha256") == digest and target.exists():
            self.result.unchanged += 1
            return
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        tmp = target.with_name(f".{target.name}.part")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        self.result.written += 1
        self.result.written_pages.append(page)

    def close(self) -> None:
        """Save the manifest: this build's pages, and earlier pages it did not revisit
        (snapshot views of versions whose pages were up to date)."""
        manifest = json.dumps({**self.old, **self.new}, sort_keys=True, indent=0)
        if self.old != json.loads(manifest):
            self.write(MANIFEST, manifest)


# ---- the build -----------------------------------------------------------------------


def _listing(store: Store, *parts: str) -> dict[str, str]:
    """Name → size and modification time of the files in a store folder (one listing)."""
    try:
        entries = store.fs.ls(store.path(*parts), detail=True)
    except (FileNotFoundError, OSError):
        return {}
    out = {}
    for entry in entries:
        name = entry["name"].rsplit("/", 1)[-1]
        stamp = entry.get("mtime") or entry.get("LastModified") or entry.get("ETag") or ""
        out[name] = f"{entry.get('size')}:{stamp}"
    return out


def _fingerprint(*parts: Any) -> str:
    return sha256(json.dumps([SITE_VERSION, *parts], default=str).encode("utf-8")).hexdigest()


@dataclass
class _SourceView:
    """What the pages need to know about one source."""

    id: str
    title: str
    publisher: str
    kind: str
    url: str | None
    status: str
    last_error: str | None
    publish: str
    published: str | None
    versions: list[str]
    changesets: dict[str, ChangeSet]
    decisions: Decisions
    docs: dict[str, Document | None] = field(default_factory=dict)  # the last two read
    points: list[dict[str, Any]] = field(default_factory=list)
    pending: int = 0
    last_change: dict[str, Any] | None = None
    gaps: list[ParityGap] = field(default_factory=list)  # parity gaps it is one side of


def build_site(store: Store, out: Path | str) -> SiteResult:
    """Build (or bring up to date) the review site of ``store`` in ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = SiteResult(out=out)
    writer = _Writer(out, result)
    env = environment()
    views = [_source_view(store, sid, entry) for sid, entry in _entries(store).items()]
    gaps = load_gaps(store)
    for view in views:
        view.gaps = gaps_of(gaps, view.id)
    span = Span([version_time(v) for view in views for v in view.versions])
    newest = span.last.strftime("%Y-%m-%d %H:%M UTC") if views else "—"
    # pages other than the two lists do not name the store's date: a new version elsewhere
    # must not rewrite them
    common: dict[str, Any] = {"built_at": ""}
    dated = {"built_at": f"for the store as of {newest}"}
    rows: list[dict[str, Any]] = []
    for view in views:
        rows += _source_pages(store, env, writer, view, common)
    rows.sort(key=lambda r: (r["date"], r["source"]), reverse=True)
    home = env.get_template("home.html").render(
        root="",
        sources=views,
        span=span,
        pending_total=sum(v.pending for v in views),
        gaps=[g for g in gaps if g.status == "open"],
        filters=True,
        **dated,
    )
    writer.write("index.html", home)
    changes = env.get_template("changes.html").render(
        root="",
        rows=rows,
        source_ids=[v.id for v in views],
        languages=sorted({r["lang"] for r in rows if r["lang"]}),
        filters=True,
        **dated,
    )
    writer.write("changes.html", changes)
    # the review app pages and filters the change list from these rows
    writer.write("changes.rows.json", json.dumps(rows, ensure_ascii=False, default=str))
    writer.write("assets/site.css", (TEMPLATES / "assets" / "site.css").read_bytes())
    writer.close()
    return result


def _entries(store: Store) -> dict[str, dict[str, Any]]:
    """Sources from ``index.json``, plus any the store has versions of."""
    entries = dict(store.index()["sources"])
    for source_id in store.sources():
        entries.setdefault(source_id, {})
    return dict(sorted(entries.items()))


def _source_view(store: Store, source_id: str, entry: dict[str, Any]) -> _SourceView:
    versions = sorted(store.versions(source_id))
    changesets = {}
    for vid in versions:
        cs = store.read_changes(source_id, vid)
        if cs is not None:
            changesets[vid] = cs
    return _SourceView(
        id=source_id,
        title=entry.get("title") or source_id,
        publisher=entry.get("publisher") or "",
        kind=entry.get("kind") or "",
        url=entry.get("url"),
        status=entry.get("status") or "new",
        last_error=entry.get("last_error"),
        publish=entry.get("publish") or "auto",
        published=entry.get("published_version", entry.get("latest_version")),
        versions=versions,
        changesets=changesets,
        decisions=Decisions(reviews(store, source_id)),
    )


def _dot_kind(cs: ChangeSet) -> str:
    if cs.technical_upgrade:
        return "technical"
    found = {c.significance for c in cs.changes}
    return next((s for s in ORDER if s in found), "none")


def _source_pages(
    store: Store,
    env: Environment,
    writer: _Writer,
    view: _SourceView,
    common: dict[str, Any],
) -> list[dict[str, Any]]:
    """The pages of one source; returns its rows for the change list."""
    versions_listing = _listing(store, "versions", view.id)
    changes_listing = _listing(store, "changes", view.id)
    rows, table = [], []
    previous: str | None = None
    for vid in view.versions:
        cs = view.changesets.get(vid)
        if cs is None:
            continue
        state = set_state(view.decisions, cs, view.publish)
        href = f"changes/{view.id}/{vid}.html"
        when = version_time(vid)
        summary = "; ".join(c.summary for c in cs.changes[:2]) or "no change"
        view.points.append(
            {
                "when": when,
                "kind": _dot_kind(cs),
                "href": href,
                "label": f"{when:%Y-%m-%d}: {summary}",
            }
        )
        if state == "pending":
            view.pending += 1
        if is_alert(cs):
            first = next(c for c in cs.changes if c.significance in ("substantive", "editorial"))
            view.last_change = {
                "date": f"{when:%Y-%m-%d}",
                "kind": first.kind,
                "before": _short(first.before, 60),
                "after": _short(first.after, 60),
                "href": href,
            }
        counts = Counter(c.significance for c in cs.changes)
        table.append(
            {
                "version": vid,
                "state": state,
                "technical": cs.technical_upgrade,
                "revert_of": cs.revert_of,
                "counts": [(s, counts[s]) for s in ORDER if counts[s]],
            }
        )
        if needs_review(cs, view.publish) and not cs.revert_of:
            rows += [
                _row(view, cs, change, href, when, event_state(view.decisions, cs, change))
                for change in cs.changes
            ]
        decision = [
            r.model_dump(mode="json") for (v, _), r in view.decisions.latest.items() if v == vid
        ]
        inputs = _fingerprint(
            view.title,
            view.url,
            view.publish,
            changes_listing.get(f"{vid}.json"),
            versions_listing.get(f"{vid}.json"),
            versions_listing.get(f"{previous}.json"),
            decision,
        )
        if not writer.fresh(href, inputs):
            _changeset_page(store, env, writer, view, cs, state, href, inputs, common)
        page = f"versions/{view.id}/{vid}.html"
        inputs = _fingerprint(view.title, view.url, versions_listing.get(f"{vid}.json"))
        if not writer.fresh(page, inputs):
            doc = _version(store, view, vid)
            if doc is not None:
                html = env.get_template("version.html").render(
                    root="../../",
                    source=view,
                    doc=doc,
                    snapshot=_snapshot(store, env, writer, doc),
                    **common,
                )
                writer.write(page, html, inputs)
        previous = vid
    table.reverse()
    _procedures_page(store, env, writer, view, versions_listing, common)
    view.docs.clear()  # the views of every source live until the home page is built
    # its own time axis: a new version elsewhere does not rewrite this page
    own = Span([version_time(v) for v in view.versions])
    page = env.get_template("source.html").render(
        root="../", source=view, versions=table, span=own, **common
    )
    writer.write(f"sources/{view.id}.html", page)
    return rows


def _version(store: Store, view: _SourceView, vid: str) -> Document | None:
    """A version's Document, read once while its pages and its successor's are built."""
    if vid not in view.docs:
        if len(view.docs) >= 2:
            view.docs.pop(next(iter(view.docs)))
        view.docs[vid] = store.read_version(view.id, vid)
    return view.docs[vid]


def _row(
    view: _SourceView, cs: ChangeSet, change: Change, href: str, when: datetime, state: str
) -> dict[str, Any]:
    text = change.after or change.before or ""
    return {
        "source": view.id,
        "kind": change.kind,
        "significance": change.significance,
        "before": _short(change.before),
        "after": _short(change.after),
        "lang": detect_language(text) or "",
        "date": when.date().isoformat(),
        "state": state,
        "href": href,
        "anchor": f"e-{change.id}",
    }


def _short(text: str | None, size: int = 160) -> str | None:
    return None if text is None else one_line(text, size)


def _changeset_page(
    store: Store,
    env: Environment,
    writer: _Writer,
    view: _SourceView,
    cs: ChangeSet,
    state: str,
    page: str,
    inputs: str,
    common: dict[str, Any],
) -> None:
    new = _version(store, view, cs.to_version)
    old = _version(store, view, cs.from_version) if cs.from_version else None
    groups = []
    for significance in ORDER:
        events = [
            _event(change, old, new, event_state(view.decisions, cs, change))
            for change in cs.changes
            if change.significance == significance
        ]
        if events:
            groups.append((significance, events))
    review = view.decisions.of_set(cs.to_version)
    html = env.get_template("changeset.html").render(
        root="../../",
        source=view,
        cs=cs,
        state=state,
        review=review,
        groups=groups,
        old_snapshot=_snapshot(store, env, writer, old) if old else None,
        new_snapshot=_snapshot(store, env, writer, new) if new else None,
        **common,
    )
    writer.write(page, html, inputs)


def _event(change: Change, old: Document | None, new: Document | None, state: str) -> dict:
    before_block, after_block = locate(change, old, new)
    ops = change.word_diff
    if before_block and after_block and not change.kind.startswith("text_"):
        # a typed event (a figure, a URL, an address, a step) in its whole block, marked
        ops = word_diff(before_block.text, after_block.text)
    before_html = side(ops, "before") if ops else escape(change.before or "∅")
    after_html = side(ops, "after") if ops else escape(change.after or "∅")
    return {
        "id": change.id,
        "anchor": f"e-{change.id}",
        "kind": change.kind,
        "summary": change.summary,
        "before_short": _short(change.before, 80),
        "after_short": _short(change.after, 80),
        "state": state,
        "before_text": before_block.text if before_block else change.before,
        "after_text": after_block.text if after_block else change.after,
        "before_lang": _lang(before_block, change.before, change.kind),
        "after_lang": _lang(after_block, change.after, change.kind),
        "before_html": before_html,
        "after_html": after_html,
        "old_block": before_block,
        "new_block": after_block,
    }


def _lang(block: Block | None, text: str | None, kind: str) -> str | None:
    """The language of what a side shows: its block's, or else the text's own (a URL
    shown on its own reads left to right)."""
    if block is not None and block.lang:
        return block.lang
    if kind.startswith("url_"):
        return "en"
    return detect_language(text) if text else None


def _snapshot(store: Store, env: Environment, writer: _Writer, doc: Document) -> str:
    """The site path of a version's snapshot: a copy of a PDF, or an inert text view."""
    digest = doc.source.sha256
    pdf = doc.source.kind == "pdf"
    page = f"snapshots/{digest}.pdf" if pdf else f"snapshots/{digest}.html"
    if page in writer.new or writer.fresh(page, _fingerprint(digest)):
        return page
    try:
        data = store.read_snapshot(digest)
    except StoreError:  # a missing snapshot leaves a dead link, not a failed build
        return page
    if pdf:
        writer.write(page, data, _fingerprint(digest))
        return page
    text = data[:SNAPSHOT_VIEW_LIMIT].decode("utf-8", errors="replace")
    html = env.get_template("snapshot.html").render(
        root="../",
        digest=digest,
        size=len(data),
        kind=doc.source.kind,
        lines=text.splitlines(),
        built_at="",
    )
    writer.write(page, html, _fingerprint(digest))
    return page


def _procedures_page(
    store: Store,
    env: Environment,
    writer: _Writer,
    view: _SourceView,
    versions_listing: dict[str, str],
    common: dict[str, Any],
) -> None:
    page = f"procedures/{view.id}.html"
    head = view.versions[-1] if view.versions else None
    fixes = {(c.original, c.result): c for c in corrections(store, view.id)}
    inputs = _fingerprint(
        view.title,
        view.published,
        versions_listing.get(f"{head}.json"),
        [c.model_dump(mode="json") for c in fixes.values()],
    )
    if head is None or writer.fresh(page, inputs):
        return
    doc = _version(store, view, head)
    if doc is None:
        return
    blocks = {b.id: b for b in doc.blocks}

    def marked(text: str, block_ids: list[str]) -> Markup:
        repairs = {
            r.result: r
            for bid in block_ids
            for r in (blocks[bid].repairs if bid in blocks else [])
            if r.result.strip()
        }
        return marked_repairs(text, repairs)

    def waiting(repair: Repair) -> Correction | None:
        """A correction of this repair that the next refresh will apply."""
        fix = fixes.get((repair.original, repair.engine_result or repair.result))
        return fix if fix and fix.corrected != repair.result else None

    repairs = sorted(
        (
            {**r.model_dump(), "block": b.id, "pending": waiting(r)}
            for b in doc.blocks
            for r in b.repairs
            if r.result.strip()
        ),
        key=lambda r: (not r["uncertain"], r["confidence"]),
    )
    html = env.get_template("procedures.html").render(
        root="../",
        source=view,
        doc=doc,
        published=view.published,
        marked=marked,
        urls=[u for u in doc.urls if not u.furniture],
        repairs=repairs,
        **common,
    )
    writer.write(page, html, inputs)


def default_site_dir(store: Store) -> Path:
    """``report/`` inside a local store; ``output/report`` beside a remote one."""
    return Path(store.root) / "report" if store.local else Path("output") / "report"
