"""An independent garbling simulator for benchmarks: the CNOPS leaflet's damage, applied to
clean Arabic at the rates measured on the leaflet itself.

It shares no code and no tables with the repair engine (``extractors/``): its joining
table, letter sets and rules are written here from the damaged text, and its rates come
from ``measure_rates`` run on the leaflet's gold lines (``../shared/gold`` and
``tests/gold``), which prints the lines each rule was seen on.

Rules (each opportunity is damaged independently at its measured rate):

- ``alef``: an alef no letter joins from before becomes U+FFFD;
- ``waw``: a waw joined from before becomes U+FFFD;
- ``seen``: س/ش/ص/ض become U+FFFD + س, or U+FFFD + ض at a word's end;
- ``hamza-alef``: أ/إ/آ gain U+FFFD before them when unjoined, a plain alef when joined;
- ``waw-hamza``: a joined ؤ gains U+FFFD before it;
- ``lam-alef``: a joined lam-alef loses its alef;
- ``glue``: the space between two Arabic words is lost;
- ``brackets``: ( and ) swap on a line that holds Arabic.

Usage: ``uv run python benchmarks/garble.py`` prints the measured rates and their lines.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import Counter
from pathlib import Path

FFFD = "\ufffd"
# letters that do not join the letter after them (their right-joining-only forms)
RIGHT_JOINING_ONLY = set("اأإآءؤدذرزوةى")
SEEN_LETTERS = set("سشصض")
HAMZA_ALEFS = set("أإآ")
ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")
DIACRITICS = re.compile(r"[\u064b-\u065f\u0670\u0640]")

# Rates measured by ``measure_rates`` on the 65 gold lines of the leaflet (2026-11-30), the
# rules within lines that carry damage; run this file to see them with their lines.
RATES = {
    "damaged-line": 0.88,  # 57 / 65: the other lines are set in an undamaged font
    "alef": 0.98,  # 124 / 127
    "waw": 0.65,  # 15 / 23
    "seen": 1.0,  # 86 / 86
    "hamza-alef": 0.91,  # 51 / 56
    "waw-hamza": 1.0,  # 5 / 5
    "lam-alef": 0.33,  # 2 / 6
    "glue": 0.004,  # 1 / 242
    "brackets": 1.0,  # 2 / 2
}


def with_rates(**changes: float) -> dict[str, float]:
    """The measured rates with some changed: ``with_rates(glue=0, lam_alef=1)``."""
    return RATES | {rule.replace("_", "-"): rate for rule, rate in changes.items()}


def strip_marks(text: str) -> str:
    """Text without diacritics or tatweel, as the damaged PDF carries none."""
    return DIACRITICS.sub("", text)


def _joined(word: str, i: int) -> bool:
    """Whether the letter at ``i`` is joined from the letter before it."""
    return i > 0 and word[i - 1] not in RIGHT_JOINING_ONLY


def opportunities(word: str) -> list[tuple[int, str, str]]:
    """(position, rule, damaged form) of every place the leaflet's damage can hit a word."""
    found = []
    for i, ch in enumerate(word):
        joined = _joined(word, i)
        if ch == "ا" and not joined:
            found.append((i, "alef", FFFD))
        elif ch == "ا" and joined and i > 0 and word[i - 1] == "ل" and _joined(word, i - 1):
            found.append((i, "lam-alef", ""))
        elif ch == "و" and joined:
            found.append((i, "waw", FFFD))
        elif ch in SEEN_LETTERS:
            found.append((i, "seen", FFFD + ("ض" if i == len(word) - 1 else "س")))
        elif ch in HAMZA_ALEFS:
            found.append((i, "hamza-alef", ("ا" if joined else FFFD) + ch))
        elif ch == "ؤ" and joined:
            found.append((i, "waw-hamza", FFFD + ch))
    return found


def damage(word: str, chosen: set[int], spots: list[tuple[int, str, str]]) -> str:
    """The word with the opportunities at positions ``chosen`` damaged."""
    forms = {i: form for i, _, form in spots if i in chosen}
    return "".join(forms.get(i, ch) for i, ch in enumerate(word))


def garble_word(word: str, rng: random.Random, rates: dict[str, float] = RATES) -> str:
    """One Arabic word (no diacritics) with each opportunity damaged at its rule's rate."""
    spots = opportunities(word)
    chosen = {i for i, rule, _ in spots if rng.random() < rates[rule]}
    return damage(word, chosen, spots)


def garble(text: str, seed: int = 0, rates: dict[str, float] = RATES) -> str:
    """Garble every line of ``text`` (diacritics and tatweel dropped, as in the leaflet)."""
    rng = random.Random(seed)
    out = []
    for line in strip_marks(text).split("\n"):
        if rng.random() >= rates["damaged-line"]:
            out.append(line)  # a line in an undamaged font
            continue
        line = ARABIC_WORD.sub(lambda m: garble_word(m.group(), rng, rates), line)
        if ARABIC_WORD.search(line) and rng.random() < rates["brackets"]:
            line = line.translate(str.maketrans("()", ")("))
        words = line.split(" ")
        glued = [words[0]]
        for word in words[1:]:
            edge = glued[-1] and word and _arabic_edge(glued[-1][-1]) and _arabic_edge(word[0])
            if edge and rng.random() < rates["glue"]:
                glued[-1] += word
                continue
            glued.append(word)
        out.append(" ".join(glued))
    return "\n".join(out)


def _arabic_edge(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a" or ch == FFFD


# ---- measuring the rates on the leaflet ----------------------------------------------------


def _variants(word: str) -> list[tuple[str, set[int], list[tuple[int, str, str]]]]:
    spots = opportunities(word)[:12]
    out = []
    for size in range(len(spots) + 1):
        for chosen in itertools.combinations([i for i, _, _ in spots], size):
            out.append((damage(word, set(chosen), spots), set(chosen), spots))
    return out


def measure_rates(pairs: list[dict]) -> tuple[dict[str, tuple[int, int]], dict[str, list[int]]]:
    """(rule -> (damaged, opportunities), rule -> leaflet lines it was seen on) over gold
    pairs ``{"line", "garbled", "gold"}``. A gold word is found in its garbled line as the
    longest variant present; words not found (reordered beyond recognition) are skipped."""
    counts: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    lines: dict[str, list[int]] = {}
    for pair in pairs:
        garbled = pair["garbled"].replace("\u0640", "")
        gold = pair["gold"]
        seen["damaged-line"] += 1
        if FFFD not in garbled:
            continue  # a line set in the leaflet's other, undamaged font
        counts["damaged-line"] += 1
        if "(" in gold or ")" in gold:
            seen["brackets"] += 1
            if ")" in garbled and garbled.index(")") < garbled.rindex("("):
                counts["brackets"] += 1
                lines.setdefault("brackets", []).append(pair["line"])
        words = ARABIC_WORD.findall(gold)
        found_at: list[tuple[int, int] | None] = []
        for word in words:
            match = None
            for form, chosen, spots in sorted(_variants(word), key=lambda v: -len(v[0])):
                at = garbled.find(form)
                if at >= 0:
                    match = (form, chosen, spots, at)
                    break
            if match is None:
                found_at.append(None)
                continue
            form, chosen, spots, at = match
            found_at.append((at, at + len(form)))
            for i, rule, _ in spots:
                seen[rule] += 1
                if i in chosen:
                    counts[rule] += 1
                    if pair["line"] not in lines.setdefault(rule, []):
                        lines[rule].append(pair["line"])
        for a, b in itertools.pairwise(found_at):
            if a and b and b[0] >= a[1]:
                seen["glue"] += 1
                if b[0] == a[1]:
                    counts["glue"] += 1
                    lines.setdefault("glue", []).append(pair["line"])
    return {rule: (counts[rule], seen[rule]) for rule in seen}, lines


def leaflet_pairs(root: Path) -> list[dict]:
    """The leaflet's gold lines that carry damage: the shared dev set and ours."""
    dev = json.loads((root.parent / "shared/gold/leaflet_repair_dev.json").read_text("utf-8"))
    ours = json.loads((root / "tests/gold/leaflet_repair.json").read_text("utf-8"))["lines"]
    return [*dev, *ours]


if __name__ == "__main__":
    found, where = measure_rates(leaflet_pairs(Path(__file__).resolve().parent.parent))
    print("| rule | damaged / opportunities | rate | leaflet lines |")
    print("|---|---:|---:|---|")
    for rule, (hit, total) in sorted(found.items()):
        shown = ", ".join(map(str, where.get(rule, [])[:12]))
        print(f"| {rule} | {hit} / {total} | {hit / total:.2f} | {shown} |")
