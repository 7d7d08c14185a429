"""Discovery on the mini-web: documents a listing page links to become sources on the
next run (document_added), and one that vanishes from two successful readings in a row
is reported (document_removed); a failed reading counts for nothing. The shipped
registry file is never edited: discovered sources live in the store's overlay."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.acquire import (
    Discover,
    HostGate,
    Politeness,
    discover_documents,
    fetch,
    load_registry,
)
from flows.cli import app
from flows.discovery import discovery_events, overlay_sources, with_discovered
from flows.pipeline import run_refresh
from flows.store import Store
from tests.conftest import write_registry
from tests.miniweb import MiniWeb, Route, robots


def _listing(*names: str) -> Route:
    links = "".join(f'<li><a href="docs/{n}.html">Formulaire {n}</a></li>' for n in names)
    body = f"<html><body><h1>Formulaires</h1><ul>{links}</ul><a href='/about'>À propos</a>"
    return Route(body=(body + "</body></html>").encode())


def _doc(name: str) -> Route:
    return Route(
        body=f"<html><body><p>Étape 1 : remplir le formulaire {name}.</p></body></html>".encode()
    )


def _forms_site(
    web: MiniWeb, address: str, documents: str, tmp_path: Path
) -> tuple[dict[str, Route], Path]:
    """A host whose /forms page lists documents a and b (``documents`` are served), and a
    registry with one source that discovers them; returns the host's routes (to change
    between runs) and the registry file."""
    routes = {"/robots.txt": robots(""), "/forms": _listing("a", "b")}
    routes |= {f"/docs/{n}.html": _doc(n) for n in documents}
    base = web.host(address, routes)
    registry_file = write_registry(
        tmp_path / "sources.yaml",
        f"  - {{id: forms, title: Formulaires, publisher: CNSS, kind: html, languages: [fr],"
        f" url: '{base}/forms', allow_private_redirects: true,"
        f" discover: {{pattern: '/docs/.+[.]html$'}}}}\n",
    )
    return routes, registry_file


def test_listed_documents_are_added_then_reported_gone(web: MiniWeb, tmp_path: Path) -> None:
    routes, registry_file = _forms_site(web, "127.0.0.14", "abc", tmp_path)
    shipped = registry_file.read_bytes()
    store = Store(tmp_path / "store")
    gate = HostGate(Politeness(delay=0.0, jitter=0))

    def run() -> dict[str, str]:
        registry = with_discovered(store, load_registry(registry_file))
        outcomes = run_refresh(
            store,
            registry,
            registry.sources,
            offline=False,
            fetcher=lambda url, **kw: fetch(url, gate=gate, **kw),
        )
        return {o.source_id: o.outcome for o in outcomes}

    assert run() == {"forms": "new"}
    added = {e["url"].rsplit("/", 1)[-1] for e in discovery_events(store)}
    assert added == {"a.html", "b.html"}
    assert {s.title for s in overlay_sources(store)} == {"Formulaire a", "Formulaire b"}
    second = run()  # the discovered documents are sources now
    assert sorted(second.values()).count("new") == 2 and second["forms"] == "unchanged"
    routes["/forms"] = _listing("b", "c")
    run()
    types = [(e["type"], e["url"].rsplit("/", 1)[-1]) for e in discovery_events(store)]
    assert ("document_added", "c.html") in types and ("document_removed", "a.html") not in types
    routes["/forms"] = Route(500, b"down")
    run()  # a failed reading: nothing counted
    assert ("document_removed", "a.html") not in [
        (e["type"], e["url"].rsplit("/", 1)[-1]) for e in discovery_events(store)
    ]
    routes["/forms"] = _listing("b", "c")
    run()
    types = [(e["type"], e["url"].rsplit("/", 1)[-1]) for e in discovery_events(store)]
    assert types.count(("document_removed", "a.html")) == 1
    assert {s.title for s in overlay_sources(store)} == {"Formulaire b", "Formulaire c"}
    assert registry_file.read_bytes() == shipped  # the registry file is never edited
    feed = store.read_bytes("feed.atom").decode()
    assert "new document" in feed and "document gone" in feed


def test_a_sitemap_is_read_for_matching_documents(web: MiniWeb) -> None:
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://www.cnss.ma/fr/formulaires/immatriculation.pdf</loc></url>"
        "<url><loc>https://www.cnss.ma/fr/actualites/2025</loc></url>"
        "<url><loc> https://www.cnss.ma/ar/formulaires/tns.pdf </loc></url>"
        "</urlset>"
    )
    base = web.host(
        "127.0.0.15",
        {"/robots.txt": robots(""), "/sitemap.xml": Route(body=sitemap.encode())},
    )
    rule = Discover(sitemap=f"{base}/sitemap.xml", pattern=r"/formulaires/.+\.pdf$")
    gate = HostGate(Politeness(delay=0.0, jitter=0))
    found = discover_documents(rule, None, lambda url: fetch(url, gate=gate))
    assert [f.url for f in found] == [
        "https://www.cnss.ma/fr/formulaires/immatriculation.pdf",
        "https://www.cnss.ma/ar/formulaires/tns.pdf",
    ]


@pytest.mark.engine
def test_the_prefect_refresh_discovers_then_refreshes_new_documents(
    prefect_api: str, web: MiniWeb, tmp_path: Path
) -> None:
    """Through the Prefect flow: the first run reads the listing and adds its documents,
    the second refreshes them as sources; `dalil sources` lists them."""
    from flows.refresh import refresh

    _, registry_file = _forms_site(web, "127.0.0.16", "ab", tmp_path)
    store = str(tmp_path / "store")
    first = {
        o["source_id"]: o["outcome"] for o in refresh(store=store, registry=str(registry_file))
    }
    assert first == {"forms": "new"}
    second = {
        o["source_id"]: o["outcome"] for o in refresh(store=store, registry=str(registry_file))
    }
    assert len(second) == 3 and sorted(second.values()) == ["new", "new", "unchanged"]
    listed = CliRunner().invoke(
        app, ["sources", "--registry", str(registry_file), "--store", store]
    )
    assert listed.exit_code == 0 and listed.stdout.count("forms-") == 2
