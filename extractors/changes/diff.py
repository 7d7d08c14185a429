"""Compare two versions of a source: typed rule changes, not line noise.

``diff(old, new)`` matches what the extractors found: procedures by title, their steps by
sequence alignment with fuzzy matching (a reworded step is *changed*, a step elsewhere in
the order is *moved*), eligibility and required documents as lists, URLs as sets of
normalised URLs without tracking parameters, addresses by their parts, figures by context
and unit. Prose outside procedures is diffed block by block. Furniture never counts.

Significance: ``substantive`` when a rule changes (a step, a condition, a document, a URL,
an address, a figure, added or removed text, a step's content words); ``editorial`` for
wording only; what normalises away (``noise.comparison_key``) is not reported at all.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from hashlib import sha1
from typing import TypeVar

from ..lines import TLDS
from ..models import (
    Address,
    Block,
    Change,
    ChangeKind,
    ChangeSet,
    Document,
    Figure,
    Procedure,
    Significance,
    Step,
    Url,
    WordOp,
)
from .noise import comparison_key, is_page_stamp, numbers, strip_tracking

__all__ = ["comparison_key", "diff", "word_diff"]

_PAIR_RATIO = 0.5
# a whole token holding a URL, its punctuation included: masked alike on both sides
_URL_TOKEN = re.compile(rf"\S+\.(?:{TLDS})\b\S*", re.I)
_FUNCTION_WORDS = (
    "the and for with your you are this that from into une des les pour avec vous dans "
    "sur par est aux son ses من في على إلى الى عن مع أو او التي الذي هذا هذه ذلك كل قد تم يتم"
)
_STOP = frozenset(_FUNCTION_WORDS.split(" "))
_PREFIX = re.compile(r"^(?:وال|بال|لل|فال|كال|ال|و|ب|ل|ف)(?=\w{3,})")
T = TypeVar("T")


def word_diff(before: str, after: str) -> list[WordOp]:
    """Word-level diff in logical order, safe to render in either direction."""
    old, new = before.split(), after.split()
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, old, new, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            ops.append(WordOp(op="equal", text=" ".join(old[i1:i2])))
            continue
        if i2 > i1:
            ops.append(WordOp(op="delete", text=" ".join(old[i1:i2])))
        if j2 > j1:
            ops.append(WordOp(op="insert", text=" ".join(new[j1:j2])))
    return ops


def _content_words(text: str) -> set[str]:
    """Stems of a text's content words: function words, articles and clitics aside."""
    words = set()
    for word in comparison_key(text).split():
        if word in _STOP or len(word) < 3 or word.isdigit():
            continue
        words.add(_PREFIX.sub("", word)[:5])
    return words


def wording_significance(before: str, after: str) -> Significance:
    """A reworded text: substantive when its numbers, URLs or content words change,
    editorial when only the wording around them does."""
    if numbers(before) != numbers(after):
        return "substantive"
    return "substantive" if _content_words(before) != _content_words(after) else "editorial"


class _Builder:
    def __init__(self, source_id: str, from_version: str | None, to_version: str) -> None:
        self.head = f"{source_id}|{from_version}|{to_version}"
        self.changes: list[Change] = []
        self.explained: set[str] = set()  # new block ids a typed change already reports

    def add(
        self,
        kind: ChangeKind,
        path: str,
        before: str | None,
        after: str | None,
        summary: str,
        significance: Significance = "substantive",
    ) -> None:
        if before and after and is_page_stamp(before) and is_page_stamp(after):
            significance = "noise"  # a page's "last updated" stamp or view counter
        digest = sha1(f"{self.head}|{kind}|{path}|{before}|{after}".encode()).hexdigest()[:16]
        self.changes.append(
            Change(
                id=digest,
                kind=kind,
                significance=significance,
                path=path,
                before=before,
                after=after,
                summary=summary,
                word_diff=word_diff(before or "", after or ""),
            )
        )


def _short(text: str | None, size: int = 80) -> str:
    text = text or ""
    return text if len(text) <= size else text[: size - 1] + "…"


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def _align(
    old: Sequence[T], new: Sequence[T], key: Callable[[T], str], positional: bool = False
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pairs of equal or similar items, in order; then the unpaired old and new items.
    With ``positional``, a run replaced by as many items pairs them in place (a reworded
    step stays the same step)."""
    keys_a, keys_b = [key(x) for x in old], [key(x) for x in new]
    pairs: list[tuple[T, T]] = []
    removed: list[T] = []
    added: list[T] = []
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += list(zip(old[i1:i2], new[j1:j2], strict=True))
            continue
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        if positional and len(olds) == len(news) and not _moved(olds, news, old, new, key):
            pairs += list(zip(olds, news, strict=True))
            continue
        while olds and news and _ratio(key(olds[0]), key(news[0])) >= _PAIR_RATIO:
            pairs.append((olds.pop(0), news.pop(0)))
        removed += olds
        added += news
    return pairs, removed, added


def _moved(olds: list, news: list, old: Sequence, new: Sequence, key: Callable) -> bool:
    """Whether a replaced run holds items found elsewhere in the other version."""
    new_keys, old_keys = {key(x) for x in new}, {key(x) for x in old}
    return any(key(x) in new_keys for x in olds) or any(key(x) in old_keys for x in news)


# ---- procedures ----------------------------------------------------------------------------


def _step_text(step: Step) -> str:
    return " ".join([step.text, *step.content])


def _diff_steps(b: _Builder, old: Procedure, new: Procedure) -> None:
    base = f"procedures/{new.id}/steps"
    pairs, removed, added = _align(
        old.steps, new.steps, lambda s: comparison_key(s.text), positional=True
    )
    moved_keys = {comparison_key(s.text) for s in removed} & {comparison_key(s.text) for s in added}
    for step in added:
        key = comparison_key(step.text)
        if key in moved_keys:
            before = next(s for s in removed if comparison_key(s.text) == key)
            b.add(
                "step_moved",
                f"{base}/{step.id}",
                f"{before.number}. {before.text}",
                f"{step.number}. {step.text}",
                f"step moved from {before.number} to {step.number}: {_short(step.text)}",
            )
        else:
            b.add(
                "step_added",
                f"{base}/{step.id}",
                None,
                _step_text(step),
                f"step {step.number} added: {_short(step.text)}",
            )
        b.explained.update(step.block_ids)
    for step in removed:
        if comparison_key(step.text) not in moved_keys:
            b.add(
                "step_removed",
                f"{base}/{step.id}",
                _step_text(step),
                None,
                f"step {step.number} removed: {_short(step.text)}",
            )
    for before, after in pairs:
        old_text, new_text = _step_text(before), _step_text(after)
        explained = any(i in b.explained for i in after.block_ids)
        if explained and _only_numbers_or_urls(old_text, new_text):
            continue  # the URL or figure change already says it
        if comparison_key(old_text) != comparison_key(new_text):
            b.add(
                "step_changed",
                f"{base}/{after.id}",
                old_text,
                new_text,
                f"step {after.number} changed: {_short(after.text)}",
                wording_significance(old_text, new_text),
            )
            b.explained.update(after.block_ids)


def _diff_lists(
    b: _Builder, path: str, old: list[str], new: list[str], added: ChangeKind, removed: ChangeKind
) -> None:
    old_keys = {comparison_key(x): x for x in old}
    new_keys = {comparison_key(x): x for x in new}
    for key, text in new_keys.items():
        if key not in old_keys:
            b.add(added, path, None, text, f"{added.replace('_', ' ')}: {_short(text)}")
    for key, text in old_keys.items():
        if key not in new_keys:
            b.add(removed, path, text, None, f"{removed.replace('_', ' ')}: {_short(text)}")


def _diff_procedures(b: _Builder, old: list[Procedure], new: list[Procedure]) -> None:
    pairs, removed, added = _align(old, new, lambda p: comparison_key(p.title))
    for proc in added:
        steps = "\n".join(f"{s.number}. {s.text}" for s in proc.steps)
        b.add(
            "procedure_added",
            f"procedures/{proc.id}",
            None,
            f"{proc.title}\n{steps}",
            f"procedure added: {_short(proc.title)}",
        )
        b.explained.update(proc.block_ids)
    for proc in removed:
        steps = "\n".join(f"{s.number}. {s.text}" for s in proc.steps)
        b.add(
            "procedure_removed",
            f"procedures/{proc.id}",
            f"{proc.title}\n{steps}",
            None,
            f"procedure removed: {_short(proc.title)}",
        )
    for before, after in pairs:
        path = f"procedures/{after.id}"
        if comparison_key(before.title) != comparison_key(after.title):
            b.add(
                "title_changed",
                f"{path}/title",
                before.title,
                after.title,
                f"procedure title changed: {_short(after.title)}",
                wording_significance(before.title, after.title),
            )
        _diff_steps(b, before, after)
        old_elig = comparison_key(" ".join(before.eligibility))
        new_elig = comparison_key(" ".join(after.eligibility))
        if old_elig != new_elig:
            b.add(
                "eligibility_changed",
                f"{path}/eligibility",
                "\n".join(before.eligibility),
                "\n".join(after.eligibility),
                f"eligibility changed: {_short(after.title)}",
            )
        _diff_lists(
            b,
            f"{path}/required_documents",
            before.required_documents,
            after.required_documents,
            "required_document_added",
            "required_document_removed",
        )


# ---- URLs, addresses, figures --------------------------------------------------------------


def _url_key(url: Url) -> str:
    return strip_tracking(url.url).rstrip("/").lower()


def _diff_urls(
    b: _Builder, old: list[Url], new: list[Url], old_blocks: dict, new_blocks: dict
) -> None:
    def around(url: Url, blocks: dict[str, str]) -> str:
        """The URL's block text with every URL masked: where the URL sits."""
        return _URL_TOKEN.sub("#", blocks.get(url.block_id or "", "")) or "\0"

    before = {_url_key(u): u for u in old if not u.furniture}
    after = {_url_key(u): u for u in new if not u.furniture}
    gone = [u for k, u in before.items() if k not in after]
    came = [u for k, u in after.items() if k not in before]
    for url in list(came):
        # the same label, or the same place in the same text: the URL changed
        twin = next(
            (
                g
                for g in gone
                if (g.label and g.label == url.label)
                or around(g, old_blocks) == around(url, new_blocks)
            ),
            None,
        )
        if twin is not None:
            gone.remove(twin)
            came.remove(url)
            summary = f"URL changed: {twin.url} → {url.url}"
            b.add("url_changed", f"urls/{url.url}", twin.url, url.url, summary)
            b.explained.add(url.block_id or "")
    for url in came:
        b.add("url_added", f"urls/{url.url}", None, url.url, f"URL added: {url.url}")
        b.explained.add(url.block_id or "")
    for url in gone:
        b.add("url_removed", f"urls/{url.url}", url.url, None, f"URL removed: {url.url}")


def _address_key(a: Address) -> tuple:
    return (a.po_box, a.postal_code, a.city, comparison_key(a.street or ""))


def _diff_addresses(b: _Builder, old: list[Address], new: list[Address]) -> None:
    old_keys = [_address_key(a) for a in old]
    new_keys = [_address_key(a) for a in new]
    gone = [a for a, k in zip(old, old_keys, strict=True) if k not in new_keys]
    came = [a for a, k in zip(new, new_keys, strict=True) if k not in old_keys]
    for address in came:
        twin = max(gone, key=lambda g: _ratio(g.raw, address.raw), default=None)
        if twin is not None and (
            (twin.city and twin.city == address.city) or _ratio(twin.raw, address.raw) >= 0.5
        ):
            gone.remove(twin)
            before = twin.raw
        else:
            before = None
        where = address.city or address.po_box or "?"
        b.add(
            "address_changed",
            f"addresses/{address.block_id}",
            before,
            address.raw,
            f"address changed ({where}): {_short(address.raw)}",
        )
        b.explained.add(address.block_id or "")
    for address in gone:
        b.add(
            "address_changed",
            f"addresses/{address.block_id}",
            address.raw,
            None,
            f"address removed: {_short(address.raw)}",
        )


def _figure_context(figure: Figure, blocks: dict[str, str]) -> str:
    text = blocks.get(figure.block_id or "", "")
    return f"{figure.unit}|{re.sub(r'[0-9]+', '#', comparison_key(text))}"


def _figure_value(figure: Figure) -> tuple:
    return (figure.value, figure.min, figure.max, figure.date)


def _diff_figures(
    b: _Builder, old: list[Figure], new: list[Figure], old_blocks: dict, new_blocks: dict
) -> None:
    def by_context(figures: list[Figure], blocks: dict) -> dict[str, list[Figure]]:
        out: dict[str, list[Figure]] = {}
        for figure in figures:
            out.setdefault(_figure_context(figure, blocks), []).append(figure)
        return out

    before, after = by_context(old, old_blocks), by_context(new, new_blocks)
    for context, figures in after.items():
        olds = before.get(context, [])
        if len(olds) != len(figures):
            continue  # a figure added or removed: the text diff reports it
        for a, z in zip(olds, figures, strict=True):
            if _figure_value(a) != _figure_value(z):
                b.add(
                    "figure_changed",
                    f"figures/{z.block_id}",
                    a.text,
                    z.text,
                    f"figure changed ({z.unit}): {a.text} → {z.text}",
                )
                b.explained.add(z.block_id or "")


# ---- prose ---------------------------------------------------------------------------------


def _diff_prose(b: _Builder, old: list[Block], new: list[Block]) -> None:
    keys_a = [comparison_key(x.text) for x in old]
    keys_b = [comparison_key(x.text) for x in new]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        if " ".join(keys_a[i1:i2]) == " ".join(keys_b[j1:j2]):
            continue  # the same words, cut into other blocks: reflow
        while olds and news and _ratio(olds[0].text, news[0].text) >= _PAIR_RATIO:
            a, z = olds[0], news[0]
            olds, news = olds[1:], news[1:]
            if z.id in b.explained and _only_numbers_or_urls(a.text, z.text):
                continue  # a figure, address or URL change already says it
            b.add(
                "text_changed",
                f"blocks/{z.id}",
                a.text,
                z.text,
                f"{z.type.replace('_', ' ')} changed: {_short(z.text)}",
                "substantive" if numbers(a.text) != numbers(z.text) else "editorial",
            )
        for a in olds:
            b.add("text_removed", f"blocks/{a.id}", a.text, None, f"text removed: {_short(a.text)}")
        for z in news:
            b.add("text_added", f"blocks/{z.id}", None, z.text, f"text added: {_short(z.text)}")


def _only_numbers_or_urls(before: str, after: str) -> bool:
    def bare(text: str) -> str:
        return re.sub(r"[0-9]+", "#", comparison_key(_URL_TOKEN.sub(" url ", text)))

    return bare(before) == bare(after)


def diff(old: Document | None, new: Document) -> ChangeSet:
    """The ChangeSet that takes ``old`` (None for a first version) to ``new``."""
    b = _Builder(new.source.id, old and old.version, new.version)
    if old is not None:
        # typed values first: a step or paragraph whose only change is one of them is then
        # not reported a second time
        old_text = {x.id: comparison_key(x.text) for x in old.blocks}
        new_text = {x.id: comparison_key(x.text) for x in new.blocks}
        old_raw = {x.id: x.text for x in old.blocks}
        new_raw = {x.id: x.text for x in new.blocks}
        _diff_urls(b, old.urls, new.urls, old_raw, new_raw)
        _diff_addresses(b, old.addresses, new.addresses)
        _diff_figures(b, old.figures, new.figures, old_text, new_text)
        _diff_procedures(b, old.procedures, new.procedures)
        in_old = {i for p in old.procedures for i in p.block_ids}
        in_new = {i for p in new.procedures for i in p.block_ids}
        _diff_prose(
            b,
            [x for x in old.blocks if not x.furniture and x.id not in in_old],
            [x for x in new.blocks if not x.furniture and x.id not in in_new],
        )
    return ChangeSet(
        source_id=new.source.id,
        from_version=old and old.version,
        to_version=new.version,
        changes=b.changes,
    )
