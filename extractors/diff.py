"""Compare two versions of a source: a block-level diff of their non-furniture text.

Blocks are aligned as a sequence (difflib), so an inserted paragraph is one addition, not
a cascade of changes. Text that only differs by normalisation (case, punctuation,
whitespace, tatweel) is not reported. A changed number, or added or removed text, is
``substantive``; other rewording is ``editorial``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from hashlib import sha1

from .models import Block, Change, ChangeKind, ChangeSet, Document, Significance, WordOp
from .normalize import normalize_text

_PUNCT = re.compile(r"[^\w\s]|_")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PAIR_RATIO = 0.5


def comparison_key(text: str) -> str:
    """What two texts must share to count as the same: case, punctuation and spacing aside."""
    text = unicodedata.normalize("NFKC", normalize_text(text)).casefold()
    return " ".join(_PUNCT.sub(" ", text).split())


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


def _significance(kind: ChangeKind, before: str | None, after: str | None) -> Significance:
    if kind != "text_changed":
        return "substantive"
    numbers_before = _NUMBER.findall(before or "")
    numbers_after = _NUMBER.findall(after or "")
    return "substantive" if numbers_before != numbers_after else "editorial"


class _Builder:
    def __init__(self, source_id: str, from_version: str | None, to_version: str) -> None:
        self.head = f"{source_id}|{from_version}|{to_version}"
        self.changes: list[Change] = []

    def add(self, kind: ChangeKind, block: Block, before: str | None, after: str | None) -> None:
        path = f"blocks/{block.id}"
        digest = sha1(f"{self.head}|{kind}|{path}|{before}|{after}".encode()).hexdigest()[:16]
        verb = {"text_added": "added", "text_removed": "removed", "text_changed": "changed"}[kind]
        self.changes.append(
            Change(
                id=digest,
                kind=kind,
                significance=_significance(kind, before, after),
                path=path,
                before=before,
                after=after,
                summary=f"{block.type.replace('_', ' ')} {verb}: {(after or before or '')[:80]}",
                word_diff=word_diff(before or "", after or ""),
            )
        )


def diff(old: Document | None, new: Document) -> ChangeSet:
    """The ChangeSet that takes ``old`` (None for a first version) to ``new``."""
    builder = _Builder(new.source.id, old and old.version, new.version)
    if old is not None:
        before = [b for b in old.blocks if not b.furniture]
        after = [b for b in new.blocks if not b.furniture]
        keys_a = [comparison_key(b.text) for b in before]
        keys_b = [comparison_key(b.text) for b in after]
        matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            olds, news = before[i1:i2], after[j1:j2]
            while olds and news:
                a, b = olds[0], news[0]
                ratio = difflib.SequenceMatcher(None, a.text.split(), b.text.split()).ratio()
                if ratio < _PAIR_RATIO:
                    break
                builder.add("text_changed", b, a.text, b.text)
                olds, news = olds[1:], news[1:]
            for a in olds:
                builder.add("text_removed", a, a.text, None)
            for b in news:
                builder.add("text_added", b, None, b.text)
    return ChangeSet(
        source_id=new.source.id,
        from_version=old and old.version,
        to_version=new.version,
        changes=builder.changes,
    )
