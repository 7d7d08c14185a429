"""Figures in running text: percentages, amounts (MAD, درهم, DH) and their ranges, counts
with scale words, and dates normalised to ISO, in Arabic, French and English.

Numbers are read with Moroccan and French conventions as well as English ones: ``1.164``
and ``300.000`` are thousands (a dot before exactly three digits), ``6,37`` is 6.37, while
``527,000`` in English text is thousands. Arabic-Indic digits are read as digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Block, Figure
from ..normalize import ASCII_DIGITS

_ANY_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
_SEPARATORS = str.maketrans("٫٬", ",.")  # the Arabic decimal and thousands marks
# grouped thousands (1.164, 300.000, 1 164, 527,000) or a plain number with decimals
_NUM = r"(?<![\d.,])(?:\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_SCALES = {
    "ألف": 1e3,
    "آلاف": 1e3,
    "الف": 1e3,
    "مليون": 1e6,
    "ملايين": 1e6,
    "مليار": 1e9,
    "ملايير": 1e9,
    "مليارات": 1e9,
    "thousand": 1e3,
    "mille": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "milliard": 1e9,
    "milliards": 1e9,
    "billion": 1e9,
    "billions": 1e9,
}
_SCALE = "|".join(sorted(map(re.escape, _SCALES), key=len, reverse=True))
_CURRENCY = r"(?:MAD|DH|Dhs|DHS|dirhams?|درهما|درهمًا|درهم|دراهم|الدرهم)"
_PERIODS = {
    "month": (
        r"شهريا|شهرياً|شهريًا|في الشهر|par mois|mensuels?|mensuellement|per month|a month|"
        r"monthly"
    ),
    "year": r"سنويا|سنوياً|سنويًا|في السنة|par an|annuels?|per year|a year|annually|yearly",
}
_PERIOD = "|".join(f"(?P<{name}>{rx})" for name, rx in _PERIODS.items())
_PEOPLE = (
    r"(?:people|persons|beneficiaries|citizens|children|families|households|personnes|"
    r"bénéficiaires|citoyens|familles|ménages|أشخاص|شخص|مواطن|مواطنين|مستفيد|مستفيدين|"
    r"أسرة|أسر|طفل|أطفال|مغربي|مغاربة|Moroccans|Marocains)"
)
_UNIT_OF_PEOPLE = {
    "families": "households",
    "households": "households",
    "familles": "households",
    "ménages": "households",
    "أسرة": "households",
    "أسر": "households",
}

_AMOUNT = rf"(?P<n>{_NUM})(?:\s*(?P<scale>{_SCALE}))?"
_PERCENT = re.compile(rf"(?P<n>{_NUM})\s?(?:%|٪|في المائة|في المئة|pour ?cent|percent|per cent)")
_RANGE = re.compile(
    rf"(?:بين|entre|between|from|de|من)\s+(?P<a>{_NUM})\s*(?P<sa>{_SCALE})?\s*"
    rf"(?:{_CURRENCY}\s*)?(?:و\s*|et\s+|and\s+|to\s+|à\s+|إلى\s+)(?P<b>{_NUM})\s*(?P<sb>{_SCALE})?"
    rf"\s*(?P<cur>{_CURRENCY})(?:\s*(?:{_PERIOD}))?",
    re.I,
)
_MONEY_AFTER = re.compile(rf"{_AMOUNT}\s*{_CURRENCY}(?:\s*(?:{_PERIOD}))?", re.I)
_MONEY_BEFORE = re.compile(rf"{_CURRENCY}\s?{_AMOUNT}(?:\s*(?:{_PERIOD}))?", re.I)
_COUNT = re.compile(
    rf"(?P<n>{_NUM})(?:\s*(?P<scale>{_SCALE}))?(?:\s+(?:de\s+|d'|of\s+)?(?P<who>{_PEOPLE}))?",
    re.I,
)

_MONTHS = {
    # Moroccan and Algerian (French-derived), Middle-Eastern, Levantine, French, English
    **dict.fromkeys(["يناير", "جانفي", "كانون الثاني", "janvier", "january", "jan"], 1),
    **dict.fromkeys(["فبراير", "فيفري", "شباط", "février", "fevrier", "february", "feb"], 2),
    **dict.fromkeys(["مارس", "آذار", "mars", "march", "mar"], 3),
    **dict.fromkeys(["أبريل", "ابريل", "إبريل", "أفريل", "نيسان", "avril", "april", "apr"], 4),
    **dict.fromkeys(["ماي", "مايو", "أيار", "mai", "may"], 5),
    **dict.fromkeys(["يونيو", "يونيه", "جوان", "حزيران", "juin", "june", "jun"], 6),
    **dict.fromkeys(["يوليوز", "يوليو", "يوليه", "جويلية", "تموز", "juillet", "july", "jul"], 7),
    **dict.fromkeys(["غشت", "أغسطس", "اغسطس", "أوت", "آب", "août", "aout", "august", "aug"], 8),
    **dict.fromkeys(["شتنبر", "سبتمبر", "أيلول", "septembre", "september", "sept", "sep"], 9),
    **dict.fromkeys(["أكتوبر", "اكتوبر", "تشرين الأول", "octobre", "october", "oct"], 10),
    **dict.fromkeys(["نونبر", "نوفمبر", "تشرين الثاني", "novembre", "november", "nov"], 11),
    **dict.fromkeys(
        ["دجنبر", "ديسمبر", "دیسمبر", "كانون الأول", "décembre", "decembre", "december", "dec"], 12
    ),
}
_MONTH = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_DAY = r"(?P<d>[0-3]?\d)(?:er|st|nd|rd|th)?"
_DATES = [
    re.compile(rf"\b{_DAY}\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(rf"\b(?P<m>{_MONTH})\.?\s+{_DAY},?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<d>[0-3]?\d)[/.-](?P<mn>[01]?\d)[/.-](?P<y>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<mn>[01]\d)-(?P<d>[0-3]\d)\b"),
    re.compile(rf"(?<![\w\d])(?P<m>{_MONTH})\s+(?P<y>(?:19|20)\d\d)\b", re.I),
]


def parse_number(text: str, lang: str | None = None) -> float | None:
    """Read one number written with Moroccan, French or English separators."""
    raw = text.translate(ASCII_DIGITS).translate(_SEPARATORS)
    raw = raw.replace("\u00a0", " ").replace("\u202f", " ")
    raw = raw.replace(" ", "")
    if not raw or not raw[0].isdigit():
        return None
    if "," in raw and "." in raw:  # both: the last one is the decimal mark
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif raw.count(".") > 1 or raw.count(",") > 1:  # repeated: thousands
        raw = raw.replace(".", "").replace(",", "")
    elif "." in raw:
        head, tail = raw.split(".")
        # 1.164 / 300.000: a dot before exactly three digits groups thousands, unless the
        # text is English, where 11.125 would be a decimal
        if len(tail) == 3 and lang != "en":
            raw = head + tail
    elif "," in raw:
        head, tail = raw.split(",")
        raw = head + tail if len(tail) == 3 and lang == "en" else f"{head}.{tail}"
    try:
        return float(raw)
    except ValueError:
        return None


def _scaled(number: str, scale: str | None, lang: str | None) -> float | None:
    value = parse_number(number, lang)
    if value is None:
        return None
    return round(value * _SCALES.get((scale or "").lower(), 1), 6)


def _money_unit(match: re.Match) -> str:
    if match.groupdict().get("month"):
        return "MAD/month"
    if match.groupdict().get("year"):
        return "MAD/year"
    return "MAD"


def iso_date(match: re.Match) -> str | None:
    """ISO form of a date match: YYYY-MM-DD, or YYYY-MM when no day is written."""
    parts = match.groupdict()
    month = _MONTHS.get(parts["m"].lower()) if parts.get("m") else int(parts["mn"])
    if not month or not 1 <= month <= 12:
        return None
    if not parts.get("d"):
        return f"{parts['y']}-{month:02d}"
    day = int(parts["d"])
    return f"{parts['y']}-{month:02d}-{day:02d}" if 1 <= day <= 31 else None


@dataclass
class _Span:
    start: int
    end: int


class _Taken:
    """Character spans already read as a figure, so one number is read once."""

    def __init__(self) -> None:
        self.spans: list[_Span] = []

    def free(self, match: re.Match) -> bool:
        return all(match.end() <= s.start or match.start() >= s.end for s in self.spans)

    def take(self, match: re.Match) -> None:
        self.spans.append(_Span(match.start(), match.end()))


def text_figures(text: str, lang: str | None = None, block_id: str | None = None) -> list[Figure]:
    """Every figure in one text, in reading order."""
    if not _ANY_DIGIT.search(text):
        return []  # every figure has a digit: most blocks stop here
    text = text.translate(ASCII_DIGITS)
    found: list[tuple[int, Figure]] = []
    taken = _Taken()

    def add(match: re.Match, **fields: object) -> None:
        taken.take(match)
        figure = Figure(text=match.group().strip(), block_id=block_id, **fields)
        found.append((match.start(), figure))

    for rx in _DATES:
        for m in rx.finditer(text):
            if taken.free(m) and (day := iso_date(m)):
                add(m, unit="date", date=day)
    for m in _RANGE.finditer(text):
        if taken.free(m):
            low = _scaled(m["a"], m["sa"] or m["sb"], lang)
            high = _scaled(m["b"], m["sb"], lang)
            add(m, min=low, max=high, unit=_money_unit(m))
    for m in _PERCENT.finditer(text):
        if taken.free(m):
            add(m, value=parse_number(m["n"], lang), unit="percent")
    for rx in (_MONEY_BEFORE, _MONEY_AFTER):
        for m in rx.finditer(text):
            if taken.free(m):
                add(m, value=_scaled(m["n"], m["scale"], lang), unit=_money_unit(m))
    for m in _COUNT.finditer(text):
        if not taken.free(m) or not (m["scale"] or m["who"]):
            continue  # a bare number is not a figure: years, ids, article numbers
        who = (m["who"] or "").lower()
        unit = _UNIT_OF_PEOPLE.get(who, "people") if who else "count"
        add(m, value=_scaled(m["n"], m["scale"], lang), unit=unit)
    return [figure for _, figure in sorted(found, key=lambda pair: pair[0])]


def document_figures(blocks: list[Block]) -> list[Figure]:
    """Figures of the main-content blocks, in document order."""
    figures: list[Figure] = []
    for block in blocks:
        if not block.furniture:
            figures.extend(text_figures(block.text, block.lang, block.id))
    return figures
