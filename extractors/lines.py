"""How written lines read, for every stage: list markers, headings, and URLs wrapped
across lines. The format readers build blocks with these rules; the field finders read
blocks with the same ones.
"""

from __future__ import annotations

import re

from .normalize import normalize_text

_BULLET = re.compile(r"^(?P<indent>[ \t]*)[•·▪●◦‣∙\-\*–]\s+(?P<body>\S.*)$", re.S)
_NUMBERED = re.compile(
    r"^(?P<indent>[ \t]*)(?P<number>[0-9\u0660-\u0669\u06F0-\u06F9]{1,3})[.)\-–]\s+(?P<body>\S.*)$",
    re.S,
)
_HEADING_MAX_WORDS = 12
_CLOSING = tuple(".!?؟;؛,،…")
TLDS = "ma|org|com|net|fr|gov|edu|info|int|io|eu"
URL = re.compile(
    rf"(?:https?://|www\.)[^\s<>\"'()]+"
    rf"|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:{TLDS})\b(?:/[^\s<>\"'()]*)?"
    r"|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?/[^\s<>\"'()]*",
    re.I,
)
BARE_SCHEME = re.compile(r"https?://$", re.I)
OPEN_END = re.compile(r"(?:[/.\-_?=&]|://)$")
URL_PIECE = re.compile(r"[a-z0-9][A-Za-z0-9/.\-_?=&%#~+:]*")
SPACED_PIECE = re.compile(r" (?=[a-z0-9][\w\-]*[./][\w\-./?=&%]*(?:\s|$))")


def list_marker(line: str) -> re.Match[str] | None:
    return _BULLET.match(line) or _NUMBERED.match(line)


def unwrap_urls(raw_text: str) -> str:
    """Join URL pieces wrapped at line ends, and path pieces split by a space after ``/``."""
    lines = raw_text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        words = out[-1].split()
        tail = words[-1] if words else ""
        head = URL_PIECE.match(line.strip())
        if (
            tail
            and (URL.fullmatch(tail) or BARE_SCHEME.search(tail))
            and OPEN_END.search(tail)
            and head
            and ("/" in head[0] or "." in head[0])
        ):
            out[-1] = out[-1].rstrip() + line.strip()
        else:
            out.append(line)
    return "\n".join(_join_spaced(line) for line in out)


def _join_spaced(line: str) -> str:
    """ "ump.ma/preinscription/ couverture/login.php": a space after a URL's ``/`` and
    before a path piece is a break, not a gap."""
    out = line
    for match in reversed(list(URL.finditer(line))):
        if match.group().endswith("/") and SPACED_PIECE.match(line, match.end()):
            out = out[: match.end()] + out[match.end() + 1 :]
    return out


def block_text(raw: str) -> str:
    """A block's ``text``: normalised, URLs wrapped across lines joined, without a leading
    list marker."""
    raw = unwrap_urls(raw)
    marker = list_marker(raw)
    return normalize_text(marker["body"] if marker else raw)


def reads_as_heading(text: str) -> bool:
    """Short, without closing punctuation other than a question mark ("What if my card
    is lost?" stands as a heading too)."""
    return len(text.split()) <= _HEADING_MAX_WORDS and not text.rstrip("?؟").endswith(_CLOSING)
