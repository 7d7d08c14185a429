"""Build the catalog: the latest Document of every source in, one entry per procedure
out, merged across sources and languages, every value with the places it was read, the
facts the sources disagree on listed as conflicts, and the change-set events that touched
each entry. Entry ids are carried over from the previous catalog."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime

from ..models import ChangeSet, Document, Figure, Procedure, version_time
from ..normalize import normalize_text
from .anchors import View, anchors, host_of, title_words, url_key
from .match import clusters, overlap
from .models import (
    Catalog,
    CatalogAddress,
    CatalogChannel,
    CatalogFigure,
    CatalogStep,
    Conflict,
    ConflictValue,
    Entry,
    EntryChange,
    Member,
    Ref,
    Text,
)

STEP_ALIGN = 0.5  # title-word overlap for two same-language steps to be one


def comparable(fig: Figure) -> str | None:
    """A figure as compared across sources and languages: '6.37%', '500 MAD/month',
    '2022-11-30'; None when it has no value."""
    if fig.unit == "date":
        return fig.date
    unit = "%" if fig.unit == "percent" else f" {fig.unit}" if fig.unit else ""
    if fig.value is not None:
        return f"{fig.value:g}{unit}"
    if fig.min is not None and fig.max is not None:
        return f"{fig.min:g}-{fig.max:g}{unit}"
    return None


class _Found:
    """One procedure of one Document, with what the catalog needs of it."""

    def __init__(self, doc: Document, proc: Procedure) -> None:
        self.doc, self.proc = doc, proc
        blocks = {b.id: b for b in doc.blocks}
        own = [blocks[b] for b in proc.block_ids if b in blocks]
        langs = Counter(b.lang for b in own if b.lang)
        self.lang = langs.most_common(1)[0][0] if langs else (doc.languages or [None])[0]
        self.block_ids = set(proc.block_ids)
        self.texts = {b.id: normalize_text(b.text) for b in own}
        self.figures = [f for f in doc.figures if f.block_id in self.block_ids]
        self.addresses = [a for a in doc.addresses if a.block_id in self.block_ids]
        # each URL with the block that states it
        where = {u: (s.block_ids or [None])[0] for s in proc.steps for u in s.urls}
        for c in proc.channels:
            if c.type == "online":
                where.setdefault(c.value, None)
        for u in doc.urls:
            if u.block_id in self.block_ids and not u.furniture:
                where.setdefault(u.url, u.block_id)
        self.urls = list(where)
        self.url_blocks = where
        self.view = View(
            key=(doc.source.id, proc.id),
            lang=self.lang,
            title=proc.title,
            steps=[s.text for s in proc.steps],
            details=[*proc.eligibility, *proc.required_documents, *proc.outcomes],
            urls=self.urls,
            figures={v for f in self.figures if f.unit != "date" and (v := comparable(f))},
            context=doc.title or "",
        )

    def ref(self, block_id: str | None = None) -> Ref:
        return Ref(source=self.doc.source.id, version=self.doc.version, block_id=block_id)

    def block_of(self, text: str) -> str | None:
        """The procedure's block that holds ``text`` (its first, if none does)."""
        wanted = normalize_text(text)
        found = next((b for b, t in self.texts.items() if wanted and wanted in t), None)
        return found or (self.proc.block_ids[0] if self.proc.block_ids else None)


def _texts(members: list[_Found], pick: str) -> list[Text]:
    """Eligibility or required documents of every member, one Text per distinct text."""
    out: dict[tuple[str | None, str], Text] = {}
    for m in members:
        for text in getattr(m.proc, pick):
            key = (m.lang, normalize_text(text).casefold())
            item = out.setdefault(key, Text(lang=m.lang, text=text))
            item.sources.append(m.ref(m.block_of(text)))
    return list(out.values())


def _steps(members: list[_Found]) -> dict[str, list[CatalogStep]]:
    """Per language, the steps of its fullest (then newest) source; the other sources of
    that language add their reference to the steps they share."""
    by_lang: dict[str, list[_Found]] = defaultdict(list)
    for m in members:
        if m.proc.steps:
            by_lang[m.lang or "und"].append(m)
    out = {}
    for lang, found in sorted(by_lang.items()):
        found.sort(key=lambda m: (-len(m.proc.steps), -m.doc.source.fetched_at.timestamp()))
        base = found[0]
        steps = [
            CatalogStep(
                number=s.number,
                text=s.text,
                content=s.content,
                urls=s.urls,
                sources=[base.ref(s.block_ids[0] if s.block_ids else None)],
            )
            for s in base.proc.steps
        ]
        words = [title_words(s.text) for s in steps]
        for other in found[1:]:
            for s in other.proc.steps:
                mine = title_words(s.text)
                best = max(range(len(steps)), key=lambda i: overlap(words[i], mine))
                if overlap(words[best], mine) >= STEP_ALIGN:
                    steps[best].sources.append(other.ref(s.block_ids[0] if s.block_ids else None))
        out[lang] = steps
    return out


def _channels(members: list[_Found]) -> list[CatalogChannel]:
    out: dict[tuple[str, str], CatalogChannel] = {}
    for m in members:
        steps = {s.id: s for s in m.proc.steps}
        for c in m.proc.channels:
            key = (c.type, url_key(c.value) if c.type == "online" else normalize_text(c.value))
            item = out.setdefault(key, CatalogChannel(type=c.type, value=c.value))
            step = steps.get(c.step_id or "")
            item.sources.append(m.ref(step.block_ids[0] if step and step.block_ids else None))
    return list(out.values())


def _addresses(members: list[_Found]) -> list[CatalogAddress]:
    out: dict[str, CatalogAddress] = {}
    for m in members:
        for a in m.addresses:
            key = a.po_box or a.postal_code or normalize_text(a.raw)
            item = out.setdefault(
                key,
                CatalogAddress(raw=a.raw, po_box=a.po_box, postal_code=a.postal_code, city=a.city),
            )
            item.sources.append(m.ref(a.block_id))
    return list(out.values())


def _figures(members: list[_Found]) -> list[CatalogFigure]:
    out: dict[str, CatalogFigure] = {}
    for m in members:
        for f in m.figures:
            value = comparable(f)
            if value is None:
                continue
            item = out.setdefault(value, CatalogFigure(text=f.text, value=value, unit=f.unit))
            item.sources.append(m.ref(f.block_id))
    return list(out.values())


def _disagreements(
    field: str, stated: dict[str, dict[str, list[tuple[_Found, str | None]]]]
) -> list[Conflict]:
    """``stated``: fact key -> value -> where it is stated. A conflict is two members that
    each state a value of the fact that the other does not (saying less is no conflict)."""
    out = []
    for key, values in sorted(stated.items()):
        said: dict[tuple[str, str], set[str]] = defaultdict(set)
        for value, places in values.items():
            for m, _ in places:
                said[m.view.key].add(value)
        sets = list(said.values())
        clash = any(a - b and b - a for i, a in enumerate(sets) for b in sets[i + 1 :])
        if not clash:
            continue
        listed = [
            ConflictValue(value=value, sources=[m.ref(b) for m, b in places])
            for value, places in sorted(values.items())
        ]
        summary = f"{field} {key}: " + " / ".join(
            f"{v.value} ({', '.join(sorted({r.source for r in v.sources}))})" for v in listed
        )
        out.append(Conflict(field=field, key=key, values=listed, summary=summary))
    return out


def _conflicts(members: list[_Found]) -> list[Conflict]:
    figures: dict = defaultdict(lambda: defaultdict(list))
    urls: dict = defaultdict(lambda: defaultdict(list))
    counts: dict = defaultdict(lambda: defaultdict(list))
    for m in members:
        for f in m.figures:  # dates are left out: two pages date different things
            if f.unit != "date" and (value := comparable(f)) is not None:
                figures[f.unit or "number"][value].append((m, f.block_id))
        for u in m.urls:
            urls[host_of(u)][url_key(u)].append((m, m.url_blocks.get(u)))
        if m.proc.steps:
            first = m.proc.steps[0].block_ids[:1] or [None]
            counts["count"][str(len(m.proc.steps))].append((m, first[0]))
    return [
        *_disagreements("figure", figures),
        *_disagreements("url", urls),
        *_disagreements("steps", counts),
    ]


def _changes(members: list[_Found], changesets: dict[str, list[ChangeSet]]) -> list[EntryChange]:
    """The events that touched the members' procedures: by the procedure's path in any
    change set, by its URLs, and by its blocks in the change set of the member's own
    version only (block ids are positions: an older change set's ids name other blocks)."""
    out: dict[tuple[str, str], EntryChange] = {}
    for m in members:
        prefix = f"procedures/{m.proc.id}"
        keys = {url_key(u) for u in m.urls}
        for cs in changesets.get(m.doc.source.id, []):
            if cs.technical_upgrade or cs.to_version > m.doc.version:
                continue  # a re-extraction, or a version not published yet
            own = cs.to_version == m.doc.version
            for c in cs.changes:
                area, _, rest = c.path.partition("/")
                touches = (
                    c.path == prefix
                    or c.path.startswith(prefix + "/")
                    or (own and area in {"figures", "addresses", "blocks"} and rest in m.block_ids)
                    or (area == "urls" and url_key(rest) in keys)
                )
                if touches and c.significance != "noise":
                    out.setdefault(
                        (cs.source_id, c.id),
                        EntryChange(
                            source=cs.source_id,
                            version=cs.to_version,
                            change=c.id,
                            kind=c.kind,
                            significance=c.significance,
                            summary=c.summary,
                            at=version_time(cs.to_version),
                        ),
                    )
    return sorted(out.values(), key=lambda c: (c.at, c.source, c.change))


def _entry(members: list[_Found], changesets: dict[str, list[ChangeSet]]) -> Entry:
    members = sorted(members, key=lambda m: (m.lang or "", m.doc.source.id, m.proc.id))
    found = [anchors(m.view) for m in members]
    titles: dict[tuple[str | None, str], Text] = {}
    for m in members:
        item = titles.setdefault((m.lang, m.proc.title), Text(lang=m.lang, text=m.proc.title))
        item.sources.append(m.ref(m.proc.block_ids[0] if m.proc.block_ids else None))
    changes = _changes(members, changesets)
    first_seen = min(m.doc.source.fetched_at for m in members)
    return Entry(
        id="",
        titles=list(titles.values()),
        languages=sorted({m.lang for m in members if m.lang}),
        schemes=sorted(set().union(*(a.schemes for a in found))),
        institutions=sorted(set().union(*(a.institutions for a in found))),
        actions=sorted(set().union(*(a.actions for a in found))),
        steps=_steps(members),
        eligibility=_texts(members, "eligibility"),
        required_documents=_texts(members, "required_documents"),
        channels=_channels(members),
        addresses=_addresses(members),
        figures=_figures(members),
        conflicts=_conflicts(members),
        sources=[
            Member(
                source=m.doc.source.id,
                version=m.doc.version,
                procedure=m.proc.id,
                lang=m.lang,
                title=m.proc.title,
                fetched_at=m.doc.source.fetched_at,
            )
            for m in members
        ],
        updated_at=max([c.at for c in changes], default=first_seen),
        changes=changes,
    )


def _member_keys(entry: Entry) -> set[tuple[str, str]]:
    return {(m.source, m.procedure) for m in entry.sources}


def _step_words(entry: Entry) -> dict[str, frozenset[str]]:
    return {
        lang: frozenset().union(*(title_words(s.text) for s in steps))
        for lang, steps in entry.steps.items()
    }


def _carry_ids(entries: list[Entry], previous: Catalog | None) -> None:
    """Each entry keeps the id of the previous entry it shares the most members with;
    failing that (its procedures were reworded), of a previous entry with a same source
    whose steps share most of their words; else a new id from its members. Pairs are
    taken strongest first, so that no two entries get one id."""
    old = previous.entries if previous else []
    scored = []
    for n, entry in enumerate(entries):
        keys, sources = _member_keys(entry), {m.source for m in entry.sources}
        words = _step_words(entry)
        for prev in old:
            score = float(len(keys & _member_keys(prev)))
            if not score and sources & {m.source for m in prev.sources}:
                theirs = _step_words(prev)
                similar = max(
                    (overlap(w, theirs[lang]) for lang, w in words.items() if lang in theirs),
                    default=0.0,
                )
                score = similar if similar >= STEP_ALIGN else 0.0
            if score > 0:
                scored.append((-score, n, prev.id))
    taken: set[str] = set()
    named: dict[int, str] = {}
    for _, n, prev_id in sorted(scored):
        if n not in named and prev_id not in taken:
            named[n] = prev_id
            taken.add(prev_id)
    kept = {e.id for e in old}
    for n, entry in enumerate(entries):
        if n not in named:
            seed = "\n".join(sorted("/".join(k) for k in _member_keys(entry)))
            while True:
                fresh = f"proc-{hashlib.sha256(seed.encode()).hexdigest()[:12]}"
                if fresh not in taken and fresh not in kept:
                    break
                seed += "+"  # taken by another entry, or an entry of before: salted
            named[n] = fresh
            taken.add(fresh)
        entry.id = named[n]


def build_catalog(
    documents: Iterable[Document],
    changesets: dict[str, list[ChangeSet]] | None = None,
    previous: Catalog | None = None,
    now: datetime | None = None,
) -> Catalog:
    """The catalog of ``documents`` (each source's latest), with the change-set events of
    ``changesets`` (by source) and the entry ids of ``previous``."""
    found = [_Found(doc, p) for doc in documents for p in doc.procedures]
    found.sort(key=lambda f: (f.doc.source.fetched_at, f.doc.source.id, f.proc.id))
    by_view = {id(f.view): f for f in found}
    groups = clusters([f.view for f in found])
    entries = [_entry([by_view[id(v)] for v in g], changesets or {}) for g in groups]
    _carry_ids(entries, previous)
    entries.sort(key=lambda e: (e.titles[0].text if e.titles else "", e.id))
    generated = now or max((e.updated_at for e in entries), default=None)
    if generated is None:
        generated = datetime.fromtimestamp(0).astimezone()
    return Catalog(generated_at=generated, entries=entries)
