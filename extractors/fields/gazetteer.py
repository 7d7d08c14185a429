"""The shipped gazetteers (``data/gazetteer.json``): Moroccan cities and provinces in Arabic
and French with their common variants, organisations and insurance schemes.

City names are matched on word boundaries, in Arabic also behind the one-letter
prefixes و، ب، ل، ف and the article (``وبالرباط`` → الرباط).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from ..normalize import normalize_text

_DATA = Path(__file__).with_name("data") / "gazetteer.json"
_AR_PREFIX = r"(?:[وفبل]{0,2})"


@dataclass(frozen=True)
class Gazetteer:
    cities: dict[str, str]  # any spelling -> the city's first Arabic name
    organisations: dict[str, str]  # any name -> id
    schemes: dict[str, str]  # any name -> id

    @cached_property
    def city_pattern(self) -> re.Pattern[str]:
        return _city_pattern(tuple(sorted(self.cities, key=len, reverse=True)))

    @cached_property
    def cities_folded(self) -> dict[str, str]:
        """``cities`` by case-folded spelling, for names matched case-insensitively."""
        folded: dict[str, str] = {}
        for name, canonical in self.cities.items():
            folded.setdefault(name.lower(), canonical)
        return folded


@cache
def gazetteer() -> Gazetteer:
    """Load the gazetteers once per process."""
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    cities: dict[str, str] = {}
    for city in data["cities"]:
        canonical = city["ar"][0]
        for name in [*city["ar"], *city["fr"]]:
            cities.setdefault(normalize_text(name), canonical)
    organisations = {n: o["id"] for o in data["organisations"] for n in o["names"]}
    schemes = {n: s["id"] for s in data["schemes"] for n in s["names"]}
    return Gazetteer(cities, organisations, schemes)


@cache
def _city_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    arabic = [re.escape(n) for n in names if re.search(r"[\u0600-\u06ff]", n)]
    latin = [re.escape(n) for n in names if not re.search(r"[\u0600-\u06ff]", n)]
    # an Arabic name that starts with the article also matches after ب/ل (بالرباط, للرباط)
    arabic_rx = "|".join(
        [*arabic, *(f"لل{n[2:]}" for n in arabic if n.startswith("ال"))]  # للرباط
    )
    return re.compile(
        rf"(?<!\w){_AR_PREFIX}(?P<ar>{arabic_rx})(?!\w)"
        rf"|(?<!\w)(?P<fr>{'|'.join(latin)})(?!\w)",
        re.I,
    )


def find_cities(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical Arabic name) of every city named in ``text``."""
    g = gazetteer()
    found = []
    for match in g.city_pattern.finditer(text):
        group = "ar" if match["ar"] else "fr"
        name = match[group]
        if group == "ar" and name.startswith("لل"):
            name = "ال" + name[2:]
        canonical = g.cities.get(name) or g.cities_folded.get(name.lower(), name)
        found.append((match.start(group), match.end(group), canonical))
    return found
