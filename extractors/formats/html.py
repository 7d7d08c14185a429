"""The HTML path: decode the right charset, then blocks in document order, with page
furniture labelled (never deleted).

Charset: the BOM, the HTTP header, the meta tag and charset-normalizer each propose a
decoding; when they disagree, the one the lexicons read best wins, and which one was chosen
is recorded. Blocks: headings with their level, paragraphs, list items with ordinal and
depth, table rows with cells; ``<br>``-separated lines are lines of their own. Furniture:
``nav``/``header``/``footer``/``aside`` and their ARIA roles, class and id names of menus,
sidebars and share bars, link-dense short blocks, per-source CSS selectors, and, on pages
whose markup labels no furniture at all, trafilatura's main-content verdict. Nothing runs:
scripts are skipped, entities are decoded by the HTML parser, which expands no DTD entities.
Pages over 4 MB give their tree back as it is read, which bounds memory.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from ..models import CELL_SEPARATOR, Block
from ..normalize import normalize_text
from .errors import FormatError
from .furniture import NAME_WEIGHT, TAG_WEIGHT, MainText, Signals, decide

_BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "html",
    "main",
    "nav",
    "p",
    "pre",
    "section",
    "summary",
    "tbody",
    "thead",
    "tfoot",
    "caption",
    "center",
}
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "embed",
    "head",
    "select",
    "button",
}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_FURNITURE_TAGS = {"nav", "header", "footer", "aside"}
_FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search"}
_FURNITURE_NAMES = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|sidebar|widget|footer|share|sharing|social|related|"
    r"breadcrumbs?|comments?|cookie|banner|advert|ads?|promo|newsletter|subscribe|"
    r"lire-aussi|read-more|tags?|pagination)(?:$|[\s_-])",
    re.I,
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_WORD = re.compile(r"[^\W\d_]{2,}")
_MAX_BYTES = 32 * 1024 * 1024
_SIGNAL_BYTES = 4 * 1024 * 1024  # above this, trafilatura's second parse costs more than it tells


@dataclass
class HtmlResult:
    blocks: list[Block]
    links: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    charset: str = "utf-8"


# ---- charset -------------------------------------------------------------------------------


def _normal_charset(name: str | None) -> str | None:
    if not name:
        return None
    import codecs

    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def _readability(text: str) -> float:
    """How much of the text the lexicons read: share of known Arabic, French and English
    words, minus a penalty for replacement characters."""
    from wordfreq import zipf_frequency

    from ..arabic import default_lexicon

    words = _WORD.findall(text[:20000])[:600]
    if not words:
        return 0.0
    lexicon = default_lexicon()
    known = 0
    for word in words:
        if lexicon.known(word) or zipf_frequency(word, "fr") > 1 or zipf_frequency(word, "en") > 1:
            known += 1
    return known / len(words) - text.count("\ufffd") / max(len(text), 1) * 10


def decode_html(data: bytes, header_charset: str | None = None) -> tuple[str, str, str]:
    """Decode an HTML page: (text, charset, how it was chosen)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8", "byte order mark"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace"), "utf-16", "byte order mark"
    proposals: dict[str, list[str]] = {}
    meta = _META_CHARSET.search(data[:4096])
    for how, name in (
        ("HTTP header", header_charset),
        ("meta tag", meta.group(1).decode("ascii", "ignore") if meta else None),
        ("UTF-8 default", "utf-8"),
    ):
        charset = _normal_charset(name)
        if charset:
            proposals.setdefault(charset, []).append(how)
    if set(proposals) != {"utf-8"} or not _is_utf8(data):
        # only a doubt is worth charset-normalizer's time: a declared single-byte charset
        # decodes anything, so it cannot be checked by decoding alone
        guess = _normal_charset(_guess(data))
        if guess:
            proposals.setdefault(guess, []).append("charset-normalizer")
    decoded: dict[str, str] = {}
    for charset in proposals:
        try:
            decoded[charset] = data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
    if not decoded:
        return (
            data.decode("utf-8", errors="replace"),
            "utf-8",
            "no proposal decodes cleanly: UTF-8 with replacements",
        )
    if len(set(decoded.values())) == 1:
        charset = next(iter(decoded))
        return decoded[charset], charset, ", ".join(proposals[charset])
    best = max(decoded, key=lambda c: _readability(decoded[c]))
    return decoded[best], best, f"{', '.join(proposals[best])} (read best of {', '.join(decoded)})"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    match = from_bytes(data[:200_000]).best()
    return match.encoding if match else None


# ---- blocks --------------------------------------------------------------------------------


# never furniture by their name alone: the wrappers of a whole page or article
_NEVER_BY_NAME = {"html", "body", "main", "article"}
WRAPPER_SHARE = 0.5  # an element holding this share of the page's text is no furniture


@dataclass
class _Context:
    markup: str | None = None  # the furniture label of the element or an ancestor
    weight: float = 0.0
    forced: bool | None = None  # the registry's selectors
    article: bool = False  # inside an <article> or <main>
    lang: str | None = None
    dir: str | None = None
    depth: int = -1


class _Builder:
    def __init__(
        self, base_url: str | None, remove: set[int], keep: set[int] | None, page_chars: int
    ) -> None:
        self.base_url = base_url
        self.page_chars = page_chars
        self.signals: list[Signals] = []
        self.remove = remove
        self.keep = keep
        self.blocks: list[Block] = []
        self.links: list[dict[str, Any]] = []
        self.buffer: list[str] = []
        self.link_chars = 0
        self.pending_links: list[dict[str, Any]] = []
        self.context = _Context()
        self.item: dict[str, Any] | None = None  # the list item whose text is being read
        self.release = False

    # -- emitting
    def flush(self, kind: str = "paragraph", **extra: Any) -> None:
        if kind == "paragraph" and self.item is not None:
            kind, extra = "list_item", self.item
        raw = "".join(self.buffer)
        text = normalize_text(raw)
        self.buffer.clear()
        link_chars, self.link_chars = self.link_chars, 0
        links, self.pending_links = self.pending_links, []
        if not text:
            return
        dense = link_chars >= 0.6 * len(text.replace(" ", "")) and len(text.split()) <= 12
        raw = raw.strip()
        raw = text if raw == text else raw  # one string, not two equal ones
        self.emit(kind, text, raw, dense=dense, links=links, **extra)

    def emit(
        self,
        kind: str,
        text: str,
        raw: str,
        *,
        dense: bool = False,
        links: Iterable[dict] = (),
        **extra: Any,
    ) -> None:
        context = self.context  # furniture is decided once every block is read
        self.signals.append(
            Signals(context.markup, context.weight, dense, context.forced, context.article)
        )
        block = Block(
            id=f"b{len(self.blocks) + 1:04d}",
            type=kind,
            text=text,
            raw_text=raw,
            lang=self.context.lang,
            dir=self.context.dir,
            **extra,
        )
        self.blocks.append(block)
        for link in links:
            self.links.append({**link, "block_id": block.id})

    # -- walking
    def walk(self, element: Tag) -> None:
        for child in list(element.children) if self.release else element.children:
            if isinstance(child, PreformattedString):  # comments, doctype, CDATA, declarations
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP:
                continue
            name = child.name
            saved = self.context
            self.context = self._context_for(child, saved)
            try:
                if name == "br":
                    self.flush()
                elif name in _HEADINGS:
                    self.flush()
                    self.walk(child)
                    self.flush("heading", level=_HEADINGS[name])
                elif name in ("ul", "ol"):
                    self.flush()
                    self._list(child)
                elif name == "li":  # a stray item outside a list
                    self.flush()
                    self.walk(child)
                    self.flush("list_item", depth=0)
                elif name == "table":
                    self.flush()
                    self._table(child)
                elif name in _BLOCK_TAGS:
                    self.flush()
                    self.walk(child)
                    self.flush()
                else:
                    if name == "a" and child.get("href"):
                        self._link(child)
                    self.walk(child)
            finally:
                self.context = saved
                if self.release:  # a large page gives its tree back as it is read
                    child.decompose()

    def _list(self, element: Tag) -> None:
        ordered = element.name == "ol"
        try:
            number = int(element.get("start", 1))
        except (TypeError, ValueError):
            number = 1
        depth = self.context.depth + 1
        for item in element.find_all("li", recursive=False):
            saved, saved_item = self.context, self.item
            self.context = self._context_for(item, saved)
            self.context.depth = depth
            self.item = {"depth": depth, "ordered": ordered}
            if ordered:
                self.item["number"] = str(number)
            try:
                self.walk(item)
                self.flush()
            finally:
                self.context, self.item = saved, saved_item
            number += 1

    def _table(self, element: Tag) -> None:
        for row in element.find_all("tr"):
            if row.find_parent("table") is not element:
                continue
            cells = [
                normalize_text(cell.get_text(" "))
                for cell in row.find_all(["td", "th"], recursive=False)
            ]
            if not any(cells):
                continue
            saved = self.context
            self.context = self._context_for(row, saved)
            try:
                raw = CELL_SEPARATOR.join(cells)
                self.emit("table_row", raw, raw, cells=cells)
            finally:
                self.context = saved

    def _link(self, anchor: Tag) -> None:
        href = str(anchor.get("href")).strip()
        if href.lower().startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
            return
        text = normalize_text(anchor.get_text(" "))
        self.link_chars += len(text.replace(" ", ""))
        resolved = urljoin(self.base_url, href) if self.base_url else href
        self.pending_links.append({"uri": resolved, "raw": href, "label": text or None})

    def _context_for(self, element: Tag, parent: _Context) -> _Context:
        markup, weight = parent.markup, parent.weight
        if markup is None:
            markup, weight = self._label(element)
        forced = parent.forced
        if self.keep is not None and id(element) in self.keep:
            forced = False  # the registry's main-content selector
        if id(element) in self.remove:
            forced = True  # the registry's furniture selector wins over everything
        lang = element.get("lang")
        direction = str(element.get("dir") or "").lower()
        return _Context(
            markup=markup,
            weight=weight,
            forced=forced,
            article=parent.article or element.name in ("article", "main"),
            lang=str(lang).split("-")[0].lower() if lang else parent.lang,
            dir=direction if direction in ("rtl", "ltr") else parent.dir,
            depth=parent.depth,
        )

    def _label(self, element: Tag) -> tuple[str | None, float]:
        """The element's own furniture label and its weight: a furniture tag or ARIA role,
        else a furniture class or id name; never on a page or article wrapper, nor on an
        element that holds most of the page's text."""
        role = str(element.get("role", "")).lower()
        if element.name in _FURNITURE_TAGS:
            label, weight = f"tag {element.name}", TAG_WEIGHT
            if element.name in ("header", "footer") and element.find_parent(["article", "main"]):
                weight = NAME_WEIGHT  # an article's own header or footer: a weak sign
        elif role in _FURNITURE_ROLES:
            label, weight = f"role {role}", TAG_WEIGHT
        elif element.name in _NEVER_BY_NAME:
            return None, 0.0
        else:
            names = " ".join([*(element.get("class") or []), str(element.get("id") or "")])
            found = _FURNITURE_NAMES.search(names) if names.strip() else None
            if not found:
                return None, 0.0
            label, weight = f"name {found.group().strip(' _-').lower()}", NAME_WEIGHT
        if self.page_chars and len(element.get_text()) >= WRAPPER_SHARE * self.page_chars:
            return None, 0.0  # a wrapper of most of the page, whatever its name says
        return label, weight


def _selected(soup: BeautifulSoup, selectors: Iterable[str]) -> set[int]:
    found: set[int] = set()
    for selector in selectors:
        try:
            for element in soup.select(selector):
                found.add(id(element))
                found.update(id(d) for d in element.descendants if isinstance(d, Tag))
        except (ValueError, NotImplementedError):  # soupsieve raises on bad selectors
            continue
    return found


def _main_text(html: str) -> str | None:
    """trafilatura's verdict on the main content, as one signal among others."""
    try:
        import trafilatura

        return trafilatura.extract(
            html, include_comments=False, include_tables=True, favor_recall=True
        )
    except Exception:  # a signal, never a reason to fail
        return None


def html_extract(
    data: bytes,
    source_id: str,
    *,
    base_url: str | None = None,
    header_charset: str | None = None,
    select: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> HtmlResult:
    """Extract the blocks and links of one HTML page."""
    if len(data) > _MAX_BYTES:
        raise FormatError(
            source_id, f"HTML page of {len(data)} bytes exceeds the {_MAX_BYTES}-byte limit"
        )
    text, charset, how = decode_html(data, header_charset)
    if "\x00" in text[:4096] or sum(ch < " " and ch not in "\t\n\r\f" for ch in text[:4096]) > 64:
        raise FormatError(source_id, "not an HTML page: binary content")
    soup = BeautifulSoup(text, "lxml")
    base = soup.find("base", href=True)
    base_url = urljoin(base_url or "", str(base["href"])) if base else base_url
    keep = _selected(soup, select) if select else None
    release = len(data) > _SIGNAL_BYTES
    body = soup.body or soup
    page_chars = 0 if release else len(body.get_text())
    builder = _Builder(base_url, _selected(soup, remove), keep, page_chars)
    builder.release = release
    if builder.release:
        del text  # trafilatura is not asked on large pages (below); the tree holds the page
    if keep is not None:
        builder.context = _Context(forced=True)
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 6000))
        builder.walk(soup)
        builder.flush()
    except RecursionError:
        raise FormatError(source_id, "HTML nested too deeply to read") from None
    finally:
        sys.setrecursionlimit(limit)
    warnings = [f"charset {charset} ({how})"] if "read best" in how or "replacements" in how else []
    # trafilatura's reading of the main text is one signal among the others; it is not
    # asked when the registry's selectors say what the main content is, nor on huge pages
    main = _main_text(text) if keep is None and not builder.release else None
    title = soup.title.get_text(" ") if soup.title else ""
    decide(builder.blocks, builder.signals, MainText(main) if main else None, title)
    furniture = {b.id: b.furniture for b in builder.blocks}
    for link in builder.links:
        link["furniture"] = furniture[link["block_id"]]
    return HtmlResult(builder.blocks, builder.links, warnings, charset)
