"""What two texts must share to count as the same: the comparison key.

Everything that normalises away is noise: NFKC, case, tatweel, Arabic diacritics, alef,
yeh and teh-marbuta variants, Arabic-Indic digits, punctuation and quotes, whitespace and
line reflow, and URL tracking parameters.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..normalize import ASCII_DIGITS

_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, tatweel
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ئ": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ک": "ك",
        "ی": "ي",
    }
)
_PUNCT = re.compile(r"[^\w\s]|_")
# URLs with a scheme, www. or a path: the ones that can carry tracking parameters
_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)\S+|\b\S+\.(?:ma|org|com|net|fr)/\S*", re.I)
_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_[ce]id|igshid|_ga|ref_?src)$", re.I
)


def strip_tracking(url: str) -> str:
    """A URL without its tracking parameters (utm_*, fbclid, gclid …)."""
    if "?" not in url:
        return url
    parts = urlsplit(url if "://" in url else "//" + url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ]
    clean = urlunsplit(parts._replace(query=urlencode(query)))
    return clean if "://" in url else clean.removeprefix("//")


def comparison_key(text: str) -> str:
    """The text with every noise class normalised away."""
    text = _URL_IN_TEXT.sub(lambda m: strip_tracking(m.group()), text)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DIACRITICS.sub("", text).translate(_LETTERS).translate(ASCII_DIGITS)
    return " ".join(_PUNCT.sub(" ", text).split())


def numbers(text: str) -> list[str]:
    """The numbers of a text, as digits, in order: what a rule change usually touches."""
    text = unicodedata.normalize("NFKC", text).translate(_LETTERS).translate(ASCII_DIGITS)
    return re.findall(r"\d+(?:[.,]\d+)*", text)


# A page's own bookkeeping, not a rule: "last updated" and "published on" stamps and view
# counters, in Arabic, French and English, on a short line that carries a date or a count.
_STAMP = re.compile(
    r"^\W*(?:last\s+(?:updated|modified|reviewed)|updated(?:\s+on)?|published(?:\s+on)?"
    r"|posted(?:\s+on)?|(?:page\s+)?views?|derni[eè]re\s+mise\s+[aà]\s+jour"
    r"|mis\s+[aà]\s+jour(?:\s+le)?|modifi[ée]e?\s+le|publi[ée]e?\s+le|vues?|consultations?"
    r"|آخر\s+تحديث|تم\s+التحديث|تاريخ\s+(?:النشر|التحديث)|نشر\s+(?:في|بتاريخ|يوم)"
    r"|عدد\s+(?:المشاهدات|الزيارات|القراءات)|المشاهدات|مشاهدات)(?![\w])",
    re.IGNORECASE,
)
_STAMP_LENGTH = 120


def is_page_stamp(text: str) -> bool:
    """Whether a line is a page's update/publication stamp or view counter."""
    text = text.strip()
    return (
        len(text) <= _STAMP_LENGTH
        and any(ch.isdigit() for ch in text)
        and _STAMP.match(text) is not None
    )
