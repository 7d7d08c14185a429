"""A synthetic corpus of N documents for the scale benchmark: HTML, PDF and text, in
Arabic, French and English, about 10% with damaged Arabic (the leaflet's damage, applied
by ``extractors.arabic.simulate``).

Documents are variations of the shipped seeds and of the synthetic leaflet: each one gets
its own numbers, an extra paragraph naming it, and shuffled sidebar items, so that every
document is distinct. ``change(folder, fraction)`` adds a later snapshot to that fraction
of the sources (a changed figure), for the partial re-run.
"""

from __future__ import annotations

import copy
import random
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "pdf"))

from garble import garble  # noqa: E402

SEEDS = ROOT / "corpus" / "snapshots"
HTML = {
    "ar": SEEDS / "consonews-amo-cnss" / "2025-09-01.html",
    "fr": SEEDS / "alouadifa-amo-tadamon" / "2025-09-01.html",
    "en": SEEDS / "expatexchange-amo-enrolment" / "2025-09-01.html",
}
TEXT = {
    "ar": SEEDS / "consonews-amo-cnss" / "2025-09-01.txt",
    "fr": SEEDS / "alouadifa-amo-tadamon" / "2025-09-01.txt",
    "en": SEEDS / "map-amo-tadamon-figures" / "2025-09-01.txt",
}
NOTE = {
    "ar": "هذه الوثيقة رقم {i} من المجموعة الاصطناعية، وتخص المكتب الجهوي {i}.",
    "fr": "Ce document numéro {i} du corpus synthétique concerne l'agence régionale {i}.",
    "en": "This is document number {i} of the synthetic corpus, for regional office {i}.",
}


def _vary_numbers(text: str, rng: random.Random) -> str:
    return re.sub(r"(?<=\d)[0-9](?=[%,.]?\s)", lambda m: str(rng.randint(0, 9)), text, count=3)


def _html(i: int, lang: str, rng: random.Random) -> bytes:
    page = HTML[lang].read_text(encoding="utf-8")
    note = f"<p>{NOTE[lang].format(i=i)}</p></article>"
    return _vary_numbers(page.replace("</article>", note, 1), rng).encode("utf-8")


def _text(i: int, lang: str, rng: random.Random, damaged: bool) -> bytes:
    text = TEXT[lang].read_text(encoding="utf-8") + "\n" + NOTE[lang].format(i=i) + "\n"
    text = _vary_numbers(text, rng)
    if damaged:
        text = garble(text, seed=i)
    return text.encode("utf-8")


def _pdf(i: int, rng: random.Random) -> bytes:
    import generate

    gold = copy.deepcopy(generate.GOLD)
    gold["intro"].append(NOTE["ar"].format(i=i))
    rng.shuffle(gold["table"][1:])
    saved, generate.GOLD = generate.GOLD, gold
    try:
        return bytes(generate.leaflet(shaped=True).output())
    finally:
        generate.GOLD = saved


def build(folder: Path, count: int, seed: int = 7) -> Path:
    """Write ``count`` sources and their snapshots under ``folder``; return the registry."""
    rng = random.Random(seed)
    sources = []
    for i in range(count):
        roll = rng.random()
        lang = rng.choice(["ar", "ar", "fr", "en"])
        if roll < 0.15:
            kind, suffix, data = "pdf", ".pdf", _pdf(i, rng)
            langs = ["ar", "fr"]
        elif roll < 0.60:
            kind, suffix, data = "html", ".html", _html(i, lang, rng)
            langs = [lang]
        else:
            damaged = lang == "ar" and rng.random() < 0.4  # ~10% of all documents
            kind, suffix, data = "text", ".txt", _text(i, lang, rng, damaged)
            langs = [lang]
        source_id = f"doc-{i:04d}"
        (folder / "snapshots" / source_id).mkdir(parents=True, exist_ok=True)
        path = f"snapshots/{source_id}/2025-09-01{suffix}"
        (folder / path).write_bytes(data)
        sources.append(
            {
                "id": source_id,
                "title": f"Synthetic document {i}",
                "publisher": "dalil (synthetic)",
                "kind": kind,
                "languages": langs,
                "synthetic": True,
                "snapshots": [{"date": "2025-09-01", "path": path}],
            }
        )
    registry = folder / "sources.yaml"
    registry.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), encoding="utf-8")
    return registry


def change(folder: Path, fraction: float, seed: int = 11) -> int:
    """Add a later snapshot with one figure changed to ``fraction`` of the text and HTML
    sources; return how many changed."""
    registry = folder / "sources.yaml"
    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    editable = [s for s in data["sources"] if s["kind"] != "pdf"]
    chosen = rng.sample(editable, round(len(data["sources"]) * fraction))
    for source in chosen:
        first = folder / source["snapshots"][0]["path"]
        text = first.read_text(encoding="utf-8")
        new = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), text, count=1)
        path = source["snapshots"][0]["path"].replace("2025-09-01", "2025-10-01")
        (folder / path).write_text(new, encoding="utf-8")
        source["snapshots"].append({"date": "2025-10-01", "path": path})
    registry.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return len(chosen)
