"""Discovery: the documents a sitemap or a listing page links to, that match a source's
``discover`` pattern (for example the PDF forms under a section)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin
from xml.etree import ElementTree

from bs4 import BeautifulSoup

from .errors import FetchError
from .registry import Discover

_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>", re.I)


@dataclass(frozen=True)
class Found:
    """A document discovery found: its absolute address and the link's text, if any."""

    url: str
    title: str | None = None


def sitemap_links(data: bytes) -> list[Found]:
    """The ``<loc>`` addresses of a sitemap (a urlset or a sitemap index)."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return [Found(m.group(1)) for m in _LOC.finditer(data.decode("utf-8", "replace"))]
    return [Found(el.text.strip()) for el in root.iter() if el.tag.endswith("loc") and el.text]


def listing_links(data: bytes, base_url: str) -> list[Found]:
    """The links of an HTML listing page, absolute, with their text."""
    soup = BeautifulSoup(data, "lxml")
    base = soup.find("base", href=True)
    base_url = urljoin(base_url, str(base["href"])) if base else base_url
    found = []
    for anchor in soup.find_all("a", href=True):
        url = urldefrag(urljoin(base_url, str(anchor["href"]).strip())).url
        if url.startswith(("http://", "https://")):
            found.append(Found(url, " ".join(anchor.get_text(" ").split()) or None))
    return found


def matching(found: list[Found], rule: Discover) -> list[Found]:
    """The distinct documents whose address matches the rule, in page order, at most its
    limit."""
    pattern = re.compile(rule.pattern)
    seen: dict[str, Found] = {}
    for item in found:
        if pattern.search(item.url) and item.url not in seen:
            seen[item.url] = item
    return list(seen.values())[: rule.limit]


def discover_documents(rule: Discover, page_url: str | None, fetcher) -> list[Found]:
    """Fetch the rule's sitemap or listing page (``page_url``, the source's own address, by
    default) and return the matching documents. Raises FetchError."""
    if rule.sitemap:
        got = fetcher(rule.sitemap)
        return matching(sitemap_links(got.data or b""), rule)
    listing = rule.listing or page_url
    if not listing:
        raise FetchError("(none)", "discover needs a listing, a sitemap or a url", retryable=False)
    got = fetcher(listing)
    return matching(listing_links(got.data or b"", got.url or listing), rule)
