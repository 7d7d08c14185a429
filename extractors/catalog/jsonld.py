"""The catalog as schema.org JSON-LD: each entry a ``GovernmentService`` with its
``provider``, its channels, and per language a ``HowTo`` (``subjectOf``) whose steps are
``HowToStep`` and whose required documents are ``HowToSupply``. The context is inline
(``@vocab``), so no processor has to fetch anything."""

from __future__ import annotations

from typing import Any

from .anchors import insurers
from .models import Catalog, Entry

CONTEXT = {"@vocab": "https://schema.org/", "dalil": "urn:dalil:"}


def _lang(value: str, lang: str | None) -> dict[str, str] | str:
    return {"@value": value, "@language": lang} if lang and lang != "und" else value


def _url(value: str) -> str:
    return value if "://" in value else f"https://{value}"


def _howtos(entry: Entry) -> list[dict[str, Any]]:
    out = []
    for lang, steps in entry.steps.items():
        title = next((t.text for t in entry.titles if t.lang == lang), entry.titles[0].text)
        supply = [
            {"@type": "HowToSupply", "name": _lang(d.text, d.lang)}
            for d in entry.required_documents
            if d.lang == lang
        ]
        out.append(
            {
                "@type": "HowTo",
                "name": _lang(title, lang),
                "inLanguage": lang,
                "step": [
                    {
                        "@type": "HowToStep",
                        "position": s.number,
                        "text": _lang(" ".join([s.text, *s.content]), lang),
                        **({"url": [_url(u) for u in s.urls]} if s.urls else {}),
                    }
                    for s in steps
                ],
                **({"supply": supply} if supply else {}),
            }
        )
    return out


def entry_jsonld(entry: Entry) -> dict[str, Any]:
    """One entry as a GovernmentService node."""
    channels: list[dict[str, Any]] = [
        {"@type": "ServiceChannel", "serviceUrl": _url(c.value)}
        for c in entry.channels
        if c.type == "online"
    ]
    channels += [
        {"@type": "ServiceChannel", "name": c.value} for c in entry.channels if c.type == "office"
    ]
    channels += [
        {
            "@type": "ServiceChannel",
            "serviceLocation": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": a.raw,
                    **({"postalCode": a.postal_code} if a.postal_code else {}),
                    **({"addressLocality": a.city} if a.city else {}),
                    "addressCountry": "MA",
                },
            },
        }
        for a in entry.addresses
    ]
    node: dict[str, Any] = {
        "@type": "GovernmentService",
        "@id": f"dalil:procedure:{entry.id}",
        "identifier": entry.id,
        "name": [_lang(t.text, t.lang) for t in entry.titles],
        "areaServed": {"@type": "Country", "name": "Morocco"},
        "dateModified": entry.updated_at.isoformat(),
        "subjectOf": _howtos(entry),
        "isBasedOn": [f"dalil:source:{m.source}:{m.version}" for m in entry.sources],
    }
    if entry.schemes:
        node["serviceType"] = entry.schemes
    providers = [i for i in entry.institutions if i in insurers()]
    if providers:
        node["provider"] = [{"@type": "GovernmentOrganization", "name": p} for p in providers]
    if channels:
        node["availableChannel"] = channels
    audience = [_lang(t.text, t.lang) for t in entry.eligibility]
    if audience:
        node["audience"] = {"@type": "Audience", "audienceType": audience}
    return node


def catalog_jsonld(catalog: Catalog) -> dict[str, Any]:
    """The whole catalog as one JSON-LD document."""
    return {
        "@context": CONTEXT,
        "@graph": [entry_jsonld(e) for e in catalog.entries],
    }
