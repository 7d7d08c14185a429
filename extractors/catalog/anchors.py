"""What a procedure says that does not depend on its language: the URLs and hosts it
points to, its figures, the institutions and schemes it names, what it asks the reader to
do (enrol, claim a reimbursement...), and its steps' count. Procedures are compared by
these, plus title words within one language."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..arabic import lookup_form
from ..changes import strip_tracking
from ..fields import gazetteer
from ..normalize import normalize_text

_TERMS = Path(__file__).with_name("data") / "terms.json"
_AR = re.compile(r"[\u0600-\u06ff]")
_LANG_SEGMENT = re.compile(r"/(?:ar|fr|en)(?=/|$)")
_WORD = re.compile(r"\w+")
_HOSTS = re.compile(r"(?<![\w.@])(?:[a-z0-9-]+\.)+(?:ma|com|org|net|gov)\b", re.I)
_ALEFS = str.maketrans("أإآٱ", "اااا")
STOP_TITLE = {
    "de", "des", "du", "la", "le", "les", "l", "d", "à", "a", "au", "aux", "et", "en", "pour",
    "the", "to", "of", "in", "for", "and", "how", "your", "on",
    "في", "من", "على", "إلى", "الى", "عن", "و", "أو",
}  # fmt: skip


@dataclass
class View:
    """One source's procedure, as the catalog compares it."""

    key: tuple[str, str]  # (source, procedure id)
    lang: str | None
    title: str
    steps: list[str]
    details: list[str] = field(default_factory=list)  # eligibility, documents, outcomes
    urls: list[str] = field(default_factory=list)
    figures: set[str] = field(default_factory=set)  # comparable values, dates left out
    context: str = ""  # the document's title: names the scheme a bare heading leaves out

    @property
    def source(self) -> str:
        return self.key[0]


@dataclass(frozen=True)
class Anchors:
    urls: frozenset[str]
    hosts: frozenset[str]
    figures: frozenset[str]
    institutions: frozenset[str]
    schemes: frozenset[str]
    insurers: frozenset[str]  # CNSS, CNOPS...: the bodies that run the schemes
    actions: frozenset[str]  # of the title, else of the steps
    titled: bool  # whether the actions come from the title
    steps: int
    step_keys: tuple[frozenset[str], ...]  # per step: the institutions and hosts it names
    title_words: frozenset[str]


def url_key(url: str) -> str:
    """A URL as compared: no scheme, no www., no language segment, no trailing slash."""
    key = re.sub(r"^[a-z]+://", "", strip_tracking(url.strip()).lower())
    key = key.removeprefix("www.").rstrip("/.")
    return _LANG_SEGMENT.sub("", key)


def host_of(url: str) -> str:
    return url_key(url).split("/", 1)[0]


@cache
def _terms() -> dict:
    return json.loads(_TERMS.read_text(encoding="utf-8"))


@cache
def _patterns(group: str) -> dict[str, re.Pattern[str]]:
    """One pattern per id: its cues, Latin ones on word starts (any case), Arabic ones
    behind the one-letter prefixes."""
    cues: dict[str, list[str]] = {k: list(v) for k, v in _terms().get(group, {}).items()}
    if group == "schemes":
        for name, scheme in gazetteer().schemes.items():
            if scheme != "AMO":  # the general scheme says nothing about which one
                cues.setdefault(scheme, []).append(name)
    if group == "institutions":
        cues = {}
        for name, org in gazetteer().organisations.items():
            cues.setdefault(org, []).append(name)
    out = {}
    for key, names in cues.items():
        parts = []
        for name in sorted({fold(n) for n in names}, key=len, reverse=True):
            body = re.escape(name).replace(r"\ ", r"[\s-]+")
            if _AR.search(name):
                parts.append(rf"(?<![\w])[وفبل]{{0,2}}{body}")
            else:
                parts.append(rf"(?<![\w]){body}")  # on word starts: inflections too
        out[key] = re.compile("|".join(parts), re.I)
    return out


def fold(text: str) -> str:
    """Compared as: normalised, without harakat, alefs with hamza as bare alef, one
    apostrophe, lower case."""
    return lookup_form(normalize_text(text)).translate(_ALEFS).replace("’", "'").lower()


def insurers() -> frozenset[str]:
    """The bodies that run the schemes (CNSS, CNOPS...)."""
    return frozenset(_terms()["insurers"])


def named(group: str, text: str) -> frozenset[str]:
    """The ids of ``group`` (schemes, actions, institutions) that ``text`` names."""
    folded = fold(text)
    return frozenset(k for k, rx in _patterns(group).items() if rx.search(folded))


def title_words(title: str) -> frozenset[str]:
    words = {w for w in _WORD.findall(fold(title)) if w not in STOP_TITLE and not w.isdigit()}
    # Arabic: the article and one-letter prefixes do not make another word
    return frozenset(re.sub(r"^(?:[وفبل]?ال|[وفبل])(?=\w{3})", "", w) for w in words)


def anchors(view: View) -> Anchors:
    text = " ".join([view.title, *view.steps, *view.details])
    schemes = (
        named("schemes", view.title) or named("schemes", text) or named("schemes", view.context)
    )
    institutions = named("institutions", text)
    titled = named("actions", view.title)
    actions = titled or named("actions", " ".join(view.steps[:3]))
    runs = institutions & insurers()
    return Anchors(
        urls=frozenset(url_key(u) for u in view.urls),
        hosts=frozenset(host_of(u) for u in view.urls),
        figures=frozenset(view.figures),
        institutions=institutions,
        schemes=schemes,
        insurers=runs,
        actions=actions,
        titled=bool(titled),
        steps=len(view.steps),
        step_keys=tuple(
            named("institutions", step) | {host_of(h) for h in _HOSTS.findall(step)}
            for step in view.steps
        ),
        title_words=title_words(view.title),
    )
