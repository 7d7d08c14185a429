"""HTML for the review site: the Jinja environment (autoescaping on) and the helpers its
templates call. Every string from a source reaches a page only through these."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from extractors.models import WordOp
from extractors.script import URL_OR_MAIL, detect_language, direction

SITE_VERSION = "2"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def attrs(text: str | None, lang: str | None = None, dir_: str | None = None) -> Markup:
    """``lang``/``dir`` attributes for a piece of text: Arabic right to left, French,
    English and URLs left to right, decided from the text when not given."""
    if lang is None and text:
        lang = detect_language(text)
    dir_ = dir_ or direction(lang) or "auto"
    lang_part = f' lang="{escape(lang)}"' if lang else ""
    return Markup(f'{lang_part} dir="{escape(dir_)}"')


def safe_href(url: str | None) -> str | None:
    """The URL when it is http(s); anything else (javascript:, data:, …) gets no link."""
    if url and re.match(r"^https?://[^\s\"'<>]+$", url, re.IGNORECASE):
        return url
    return None


def _isolate_urls(text: str) -> str:
    """``text`` escaped, each URL in a left-to-right isolate (inside Arabic it would
    otherwise be reordered around its slashes and dots)."""
    out, at = [], 0
    for match in URL_OR_MAIL.finditer(text):
        out.append(str(escape(text[at : match.start()])))
        out.append(f'<bdi dir="ltr">{escape(match.group(0))}</bdi>')
        at = match.end()
    out.append(str(escape(text[at:])))
    return "".join(out)


def side(ops: list[WordOp], keep: str) -> Markup:
    """One side of a word-level diff: ``before`` marks deletions, ``after`` insertions."""
    parts = []
    for op in ops:
        if op.op == "equal":
            parts.append(_isolate_urls(op.text))
        elif op.op == "delete" and keep == "before":
            parts.append(
                f'<del><span class="sr-only">removed: </span>{_isolate_urls(op.text)}</del>'
            )
        elif op.op == "insert" and keep == "after":
            parts.append(f'<ins><span class="sr-only">added: </span>{_isolate_urls(op.text)}</ins>')
    return Markup(" ".join(parts)) if parts else Markup('<span class="none">∅</span>')


class Span:
    """The time axis shared by every timeline."""

    def __init__(self, times: list[datetime]) -> None:
        self.first = min(times, default=datetime(2025, 1, 1, tzinfo=UTC))
        self.last = max(times, default=self.first)
        self.start, self.end = self.first.date(), self.last.date()

    def position(self, when: datetime) -> float:
        total = (self.last - self.first).total_seconds()
        return 0.5 if total <= 0 else (when - self.first).total_seconds() / total


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    script = (TEMPLATES / "assets" / "filters.js").read_text(encoding="utf-8")
    digest = base64.b64encode(sha256(script.encode("utf-8")).digest()).decode("ascii")
    env.globals.update(
        attrs=attrs,
        safe_href=safe_href,
        filter_js=Markup(script),
        script_hashes=f"'sha256-{digest}'",
        site_version=SITE_VERSION,
    )
    return env


_WORD_EDGE = r"(?<![\w\u0600-\u06FF]){}(?![\w\u0600-\u06FF])"


def marked_repairs(text: str, repairs: dict[str, Any]) -> Markup:
    """``text`` escaped, each repaired word in a ``<mark>`` whose title tells the text as
    extracted and the confidence (focusable, so keyboards reach the tooltip too)."""
    if not repairs:
        return Markup(escape(text))
    pattern = re.compile(
        "|".join(_WORD_EDGE.format(re.escape(r)) for r in sorted(repairs, key=len, reverse=True))
    )
    parts, at = [], 0
    for match in pattern.finditer(text):
        repair = repairs[match.group(0)]
        parts.append(str(escape(text[at : match.start()])))
        title = f"as extracted: {repair.original} · confidence {repair.confidence:.2f}"
        if repair.uncertain:
            title += " · uncertain: please check"
        css = "repair uncertain" if repair.uncertain else "repair"
        word = escape(match.group(0))
        parts.append(f'<mark class="{css}" tabindex="0" title="{escape(title)}">{word}</mark>')
        at = match.end()
    parts.append(str(escape(text[at:])))
    return Markup("".join(parts))
