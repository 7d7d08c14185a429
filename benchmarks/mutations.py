"""Realistic edits of corpus documents for the change-detection benchmark: rule changes
(each with the event it must raise) and noise-only edits (which must raise nothing).

Text and HTML snapshots are edited in their bytes, at places chosen from what the
extractors found (a figure, the last step, a URL, a PO box, an eligibility condition, a
paragraph). The PDF is regenerated from a mutated copy of its source text
(``tests/fixtures/pdf/leaflet.json``).
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extractors.models import Document, Procedure, Step

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "pdf"))

NEW_STEP = {
    "ar": "تقديم نسخة من عقد الكراء لدى الوكالة",
    "fr": "Présenter le reçu de dépôt à l'agence",
    "en": "Show the filing receipt at the agency",
}
MORE = {
    "ar": " مع إرفاق شهادة السكنى",
    "fr": " avec une attestation de résidence",
    "en": " with a certificate of residence",
}
CONDITION = {
    "ar": " ويشترط الإدلاء بشهادة السكنى.",
    "fr": " Il faut aussi être âgé de moins de 30 ans.",
    "en": " Applicants must also be under 60.",
}
_NEXT_ORDINAL = dict(
    zip(
        ["الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة"],
        ["الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة"],
        strict=True,
    )
)
_ARABIC_WORD = re.compile(r"(?<![\w/.])[\u0628-\u064a]{5,}(?![\w/.])")


@dataclass
class Mutation:
    name: str
    expected: str | None  # the event a rule change must raise; None: noise only


Edit = Callable[[str, Document, str], str | None]  # raw, document, kind -> new raw


def _lang(doc: Document) -> str:
    return doc.languages[0] if doc.languages and doc.languages[0] in NEW_STEP else "en"


def _blocks(doc: Document) -> dict:
    return {b.id: b for b in doc.blocks}


def _last_step(doc: Document) -> tuple[Procedure, Step] | None:
    for proc in doc.procedures:
        if proc.steps:
            return proc, proc.steps[-1]
    return None


def _end_of(raw: str, text: str, kind: str) -> int | None:
    """Where the markup element holding ``text`` ends in ``raw``."""
    at = raw.find(text)
    if at < 0:
        return None
    if kind == "html":
        close = re.compile(r"</(?:li|p|h\d)>").search(raw, at)
        return close.end() if close else None
    end = raw.find("\n", at)
    return len(raw) if end < 0 else end


# ---- rule changes ----------------------------------------------------------------------------


def number_changed(raw: str, doc: Document, kind: str) -> str | None:
    for figure in doc.figures:
        if figure.unit in ("date", None) or figure.text not in raw:
            continue
        digits = [m for m in re.finditer(r"\d", figure.text)]
        if not digits:
            continue
        last = digits[-1]
        bumped = str((int(last.group()) + 3) % 10)
        new = figure.text[: last.start()] + bumped + figure.text[last.end() :]
        return raw.replace(figure.text, new, 1)
    return None


def step_added(raw: str, doc: Document, kind: str) -> str | None:
    found = _last_step(doc)
    if not found:
        return None
    _, step = found
    blocks = _blocks(doc)
    head, last = blocks[step.block_ids[0]], blocks[step.block_ids[-1]]
    text = NEW_STEP[_lang(doc)]
    marker = head.text[: max(0, head.text.find(step.text))].strip()
    if marker:  # "الخطوة الثالثة:" / "Étape 3 :" -> the next one
        for word, following in _NEXT_ORDINAL.items():
            marker = marker.replace(word, following) if word in marker else marker
        marker = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), marker, count=1)
    end = _end_of(raw, last.raw_text.split("\n")[-1].strip(), kind)
    if end is None:
        return None
    if kind == "html":
        if marker:
            close = raw.find("</ul>", end)
            end = close + len("</ul>") if close >= 0 and last.id != head.id else end
            return raw[:end] + f"\n<h2>{marker} {text}</h2>" + raw[end:]
        return raw[:end] + f"\n<li>{text}</li>" + raw[end:]
    if marker:
        return raw[:end] + f"\n\n{marker} {text}\n" + raw[end:]
    if head.number:
        return raw[:end] + f"\n  {int(head.number) + 1}. {text}" + raw[end:]
    return raw[:end] + f"\n  • {text}" + raw[end:]


def step_removed(raw: str, doc: Document, kind: str) -> str | None:
    found = _last_step(doc)
    if not found or len(found[0].steps) < 3:
        return None
    _, step = found
    blocks = _blocks(doc)
    first = blocks[step.block_ids[0]].raw_text.split("\n")[0].strip()
    last = blocks[step.block_ids[-1]].raw_text.split("\n")[-1].strip()
    start = raw.find(first)
    end = _end_of(raw, last, kind)
    if start < 0 or end is None:
        return None
    if kind == "html":
        start = raw.rfind("<", 0, start)
        if len(step.block_ids) > 1:
            close = raw.find("</ul>", end)
            end = close + len("</ul>") if close >= 0 else end
    else:
        start = raw.rfind("\n", 0, start) + 1
    return raw[:start] + raw[end:]


def step_reworded(raw: str, doc: Document, kind: str) -> str | None:
    found = _last_step(doc)
    if not found or found[1].text not in raw:
        return None
    lead = found[1].text
    return raw.replace(lead, lead.rstrip(".") + MORE[_lang(doc)], 1)


def url_changed(raw: str, doc: Document, kind: str) -> str | None:
    for url in doc.urls:
        if not url.furniture and url.valid and url.raw in raw and len(url.raw) > 8:
            changed = url.raw.rstrip("/") + "/nouveau"
            return raw.replace(url.raw, changed)
    return None


def po_box_changed(raw: str, doc: Document, kind: str) -> str | None:
    for address in doc.addresses:
        if address.po_box and address.raw in raw:
            match = re.search(rf"(ص\.[بي]|B\.P\.|BP)\s*{address.po_box}\b", address.raw)
            if match:
                new_box = match.group().replace(address.po_box, str(int(address.po_box) + 7))
                new_raw = address.raw.replace(match.group(), new_box)
                return raw.replace(address.raw, new_raw, 1)
    return None


def condition_added(raw: str, doc: Document, kind: str) -> str | None:
    for proc in doc.procedures:
        for condition in reversed(proc.eligibility):
            if condition in raw:
                return raw.replace(condition, condition + CONDITION[_lang(doc)], 1)
    return None


# ---- noise -----------------------------------------------------------------------------------


def _prose(doc: Document) -> list:
    in_steps = {i for p in doc.procedures for s in p.steps for i in s.block_ids}
    return [
        b
        for b in doc.blocks
        if not b.furniture and b.type == "paragraph" and b.id not in in_steps and len(b.text) > 60
    ]


def whitespace(raw: str, doc: Document, kind: str) -> str | None:
    for block in _prose(doc):
        line = block.raw_text.split("\n")[0]
        if " " in line and line in raw:
            return raw.replace(line, line.replace(" ", "   ", 2), 1)
    return None


def _arabic_edit(raw: str, doc: Document, insert: Callable[[str], str]) -> str | None:
    for block in doc.blocks:
        if block.furniture:
            continue
        line = block.raw_text.split("\n")[0]
        word = _ARABIC_WORD.search(line)
        if word and line in raw and "\ufffd" not in line:
            new_line = line[: word.start()] + insert(word.group()) + line[word.end() :]
            return raw.replace(line, new_line, 1)
    return None


def tatweel(raw: str, doc: Document, kind: str) -> str | None:
    return _arabic_edit(
        raw, doc, lambda w: w[:2] + "ـــ" + w[2:] if w[1] not in "ادذرزو" else w[:3] + "ـ" + w[3:]
    )


def diacritics(raw: str, doc: Document, kind: str) -> str | None:
    return _arabic_edit(raw, doc, lambda w: w[0] + "\u064e" + w[1:])


def reflow(raw: str, doc: Document, kind: str) -> str | None:
    for block in _prose(doc):
        line = block.raw_text.split("\n")[0]
        spaces = [m.start() for m in re.finditer(" ", line)]
        if len(spaces) > 6 and line in raw:
            cut = spaces[len(spaces) // 2]
            return raw.replace(line, line[:cut] + "\n" + line[cut + 1 :], 1)
    return None


def tracking_parameters(raw: str, doc: Document, kind: str) -> str | None:
    for url in doc.urls:
        if not url.furniture and url.raw in raw and "?" not in url.raw:
            tracked = url.raw.rstrip("/") + "/?utm_source=newsletter&utm_medium=email"
            return raw.replace(url.raw, tracked)
    return None


def _furniture(raw: str, kind: str) -> re.Match[str] | None:
    if kind != "html":
        return None
    return re.search(r"<(aside|footer|nav)[^>]*>", raw)


def furniture_added(raw: str, doc: Document, kind: str) -> str | None:
    found = _furniture(raw, kind)
    if not found:
        return None
    extra = "\n<p>Article populaire : les nouveaux concours 2026</p>"
    return raw[: found.end()] + extra + raw[found.end() :]


def menu_reordered(raw: str, doc: Document, kind: str) -> str | None:
    found = _furniture(raw, kind)
    if not found:
        return None
    close = raw.find(f"</{found.group(1)}>", found.end())
    inside = raw[found.end() : close]  # only the menu's own items
    items = list(re.finditer(r"<li>[^<]*</li>|<p>[^<]*</p>", inside))
    if len(items) < 2:
        return None
    a, b = items[0], items[1]
    base = found.end()
    return (
        raw[: base + a.start()]
        + b.group()
        + raw[base + a.end() : base + b.start()]
        + a.group()
        + raw[base + b.end() :]
    )


def sidebar_date(raw: str, doc: Document, kind: str) -> str | None:
    found = _furniture(raw, kind)
    if not found:
        return None
    return raw[: found.end()] + "\n<p>Mis à jour le 12 novembre 2025</p>" + raw[found.end() :]


RULES: list[tuple[Mutation, Edit]] = [
    (Mutation("number changed", "figure_changed"), number_changed),
    (Mutation("step added", "step_added"), step_added),
    (Mutation("step removed", "step_removed"), step_removed),
    (Mutation("step reworded", "step_changed"), step_reworded),
    (Mutation("URL changed", "url_changed"), url_changed),
    (Mutation("PO box changed", "address_changed"), po_box_changed),
    (Mutation("condition added", "eligibility_changed"), condition_added),
]
NOISE: list[tuple[Mutation, Edit]] = [
    (Mutation("reflow", None), reflow),
    (Mutation("tatweel", None), tatweel),
    (Mutation("diacritics", None), diacritics),
    (Mutation("whitespace", None), whitespace),
    (Mutation("furniture added", None), furniture_added),
    (Mutation("menu reordered", None), menu_reordered),
    (Mutation("sidebar date", None), sidebar_date),
    (Mutation("URL tracking parameters", None), tracking_parameters),
]


# ---- the PDF: mutate its source text, regenerate -----------------------------------------


def _pdf(gold: dict) -> bytes:
    import generate

    saved = generate.GOLD
    generate.GOLD = gold
    try:
        return bytes(generate.leaflet(shaped=True).output())
    finally:
        generate.GOLD = saved


def pdf_cases() -> list[tuple[Mutation, bytes, bytes]]:
    """(mutation, old PDF, new PDF) for the synthetic leaflet."""
    import generate

    base = generate.GOLD

    def edited(change: Callable[[dict], None]) -> bytes:
        gold = copy.deepcopy(base)
        change(gold)
        return _pdf(gold)

    def box(gold: dict) -> None:
        gold["table"][1][2] = gold["table"][1][2].replace("6221", "6228")

    def url(gold: dict) -> None:
        name, link = gold["platforms"][-1]
        gold["platforms"][-1] = [name, link.rstrip("/") + "/nouveau"]

    def stretch(gold: dict) -> None:
        words = gold["stages"][0].split()
        words[1] = words[1][:2] + "ـــ" + words[1][2:]
        gold["stages"][0] = " ".join(words)

    def spaces(gold: dict) -> None:
        gold["intro"][0] = gold["intro"][0].replace(" ", "  ", 3)

    changes: list[tuple[Mutation, Callable[[dict], None]]] = [
        (Mutation("step added", "step_added"), lambda g: g["stages"].append(NEW_STEP["ar"])),
        (Mutation("step removed", "step_removed"), lambda g: g["stages"].pop()),
        (
            Mutation("step reworded", "step_changed"),
            lambda g: g["stages"].__setitem__(1, g["stages"][1] + MORE["ar"]),
        ),
        (Mutation("PO box changed", "address_changed"), box),
        (Mutation("URL changed", "url_changed"), url),
        (Mutation("tatweel", None), stretch),
        (Mutation("whitespace", None), spaces),
    ]
    old = _pdf(base)
    return [(mutation, old, edited(change)) for mutation, change in changes]
